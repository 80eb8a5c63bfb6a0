import assert from 'node:assert/strict';
import { numberedRoomNames, RoomEmulator, RoomFleet } from '../../src/emulator';
import { mosquittoAvailable, startBroker, type MqttBroker } from '../support/mqtt-broker';
import { startNodeRed, type NodeRedProcess } from '../support/node-red-process';
import { waitUntil } from '../support/wait';
import {
  after as afterMark,
  buildingFlows,
  driveRooms,
  received,
  roomConfigFor,
  type BuildingRoom,
  type RoomState,
} from './support/building-rig';
import { connectPanel, type MqttPanel } from './support/mqtt-panel';

/**
 * Example "06 Building over MQTT" at scale: 20 emulated Rooms, one Node-RED, one flow, mosquitto. A panel
 * drives every room through the broker; a 21st room is added by deploying one room-config.
 */

const COUNT = 20;
/** Odd rooms start logged in (appState 3), even ones not (0): each room's retained state must be its own. */
const appStateOf = (i: number): number => (i % 2 === 0 ? 3 : 0);

describe(`example 06 Building over MQTT: ${COUNT} rooms, one Node-RED`, function () {
  this.timeout(180000);
  let fleets: RoomFleet[] = [];
  let rooms: BuildingRoom[] = [];
  let broker: MqttBroker | undefined;
  let nodeRed: NodeRedProcess | undefined;
  let panel: MqttPanel | undefined;
  let extra: RoomEmulator | undefined;

  before(async function () {
    if (!mosquittoAvailable()) {
      if (process.env.CI === 'true') throw new Error('mosquitto is not installed (apt-get install -y mosquitto)');
      this.skip();
    }
    const names = numberedRoomNames(COUNT);
    // One fleet per starting app state (the options are per fleet).
    fleets = [0, 3].map(
      (appState) =>
        new RoomFleet({ names: names.filter((_, i) => appStateOf(i) === appState), room: { appState, log: false } }),
    );
    await Promise.all(fleets.map((f) => f.start()));
    rooms = names.map((name) => ({ name, room: fleets.find((f) => f.rooms.some((r) => r.name === name))!.get(name) }));
    broker = await startBroker({ kind: 'mosquitto' });
    panel = await connectPanel(broker.url, 'building-panel');
    await panel.subscribe('trueconf/#');
    nodeRed = await startNodeRed({ flows: buildingFlows({ rooms, mqttPort: broker.port }) });
  });

  after(async () => {
    await panel?.close().catch(() => undefined);
    await nodeRed?.stop();
    await broker?.stop();
    await extra?.stop();
    for (const fleet of fleets) await fleet.stop();
  });

  it("publishes each room's own retained state, and the index of all rooms", async () => {
    await Promise.all(
      rooms.map(({ name }, i) =>
        afterMark(panel!, 0, `trueconf/${name}/state`, (s) => {
          const state = s as RoomState;
          return state.connected && state.appState === appStateOf(i);
        }),
      ),
    );
    const late = await connectPanel(broker!.url, 'late-panel');
    try {
      await late.subscribe('trueconf/+/state');
      await late.subscribe('trueconf/rooms');
      const index = await late.waitFor(
        'trueconf/rooms',
        (p) => Object.keys((p as { rooms: object }).rooms).length === COUNT,
      );
      assert.equal(index.retain, true);
      assert.ok(
        Object.values((index.payload as { rooms: Record<string, { connected: boolean }> }).rooms).every(
          (r) => r.connected,
        ),
      );
      for (const [i, { name }] of rooms.entries()) {
        const state = await late.waitFor(`trueconf/${name}/state`);
        assert.equal(state.retain, true);
        assert.equal((state.payload as RoomState).appState, appStateOf(i), `${name}'s retained state is its own`);
      }
    } finally {
      await late.close();
    }
  });

  it('a command on trueconf/<room>/cmd/<method> reaches that Room only, and is answered on its response topic', async () => {
    const started = Date.now();
    const got = await driveRooms(panel!, rooms);
    console.log(`      ${COUNT} commands to ${COUNT} rooms answered in ${Date.now() - started} ms`);
    assert.deepEqual(
      got,
      rooms.map(() => 1),
      'each Room received exactly its one command',
    );
  });

  it('each notification comes out on its own room topic', async () => {
    const since = panel!.received.length;
    for (const { name, room } of rooms) room.emitEvent('myEvent', { from: name });
    for (const { name } of rooms) {
      const event = await afterMark(panel!, since, `trueconf/${name}/event/myEvent`, () => true);
      assert.equal((event.payload as { from: string }).from, name);
    }
    assert.equal(
      panel!.received.slice(since).filter((m) => m.topic.endsWith('/event/myEvent')).length,
      COUNT,
      'one event per room, no copies on other rooms',
    );
  });

  it('an unknown room gets no answer (another Node-RED may serve it); a bad command still gets its error', async () => {
    const since = panel!.received.length;
    await panel!.publish('trueconf/room99/cmd/getMicMute', '');
    await panel!.publish('trueconf/room1/cmd/noSuchMethod', '');
    const error = await afterMark(panel!, since, 'trueconf/room1/response/noSuchMethod', () => true);
    assert.equal((error.payload as { code: string }).code, 'UNKNOWN_METHOD');
    assert.equal(
      panel!.received.slice(since).filter((m) => m.topic.startsWith('trueconf/room99/') && !m.topic.includes('/cmd/'))
        .length,
      0,
      'nothing published for room99',
    );
  });

  it('a 21st room is served after deploying one more room-config, without touching the flow', async () => {
    extra = new RoomEmulator({ webPort: 0, wsPort: 0 });
    await extra.start();
    const since = panel!.received.length;
    await nodeRed!.deploy(
      buildingFlows({ rooms: [...rooms, { name: 'annex', room: extra }], mqttPort: broker!.port }),
      'nodes',
    );
    await afterMark(panel!, since, 'trueconf/annex/state', (s) => (s as RoomState).connected);
    await panel!.publish('trueconf/annex/cmd/getMicMute', '');
    await afterMark(
      panel!,
      since,
      'trueconf/annex/response/getMicMute',
      (p) => (p as { result?: boolean }).result === true,
    );
    assert.equal(received(extra, 'getMicMute'), 1);
    const index = await afterMark(panel!, since, 'trueconf/rooms', (p) => 'annex' in (p as { rooms: object }).rooms);
    assert.equal(Object.keys((index.payload as { rooms: object }).rooms).length, COUNT + 1);
  });

  it('a room renamed by a deploy leaves the index and its retained state; the new name joins them', async () => {
    const since = panel!.received.length;
    const renamed = { ...roomConfigFor({ name: 'annex', room: extra! }), name: 'annex-2' };
    await nodeRed!.deploy([...buildingFlows({ rooms, mqttPort: broker!.port }), renamed], 'nodes');
    const index = await afterMark(panel!, since, 'trueconf/rooms', (p) => {
      const names = Object.keys((p as { rooms: object }).rooms);
      return names.includes('annex-2') && !names.includes('annex');
    });
    assert.equal(Object.keys((index.payload as { rooms: object }).rooms).length, COUNT + 1);
    const cleared = await panel!.waitFor(
      'trueconf/annex/state',
      (_p, m) => panel!.received.indexOf(m) >= since && m.text === '',
      30000,
    );
    assert.equal(cleared.text, '', "the old name's retained state is cleared");
    await afterMark(panel!, since, 'trueconf/annex-2/state', (s) => (s as RoomState).connected);
  });

  it('occupancy across the building: Zigbee2MQTT, Home Assistant and the occupancy topic, one table line per sensor', async () => {
    // What a user does: one line per sensor in "sensor → room", and a short "empty for" to try it.
    await nodeRed!.deploy(
      buildingFlows({
        rooms,
        mqttPort: broker!.port,
        edit: (find) => {
          const table = find('sensor → room');
          table.func = String(table.func).replace(
            'const SENSORS = {',
            "const SENSORS = {\n    'zigbee2mqtt/room3_motion': 'room3',\n    'homeassistant/binary_sensor/room5_occupancy/state': 'room5',",
          );
          Object.assign(find('empty for'), { duration: '1', units: 's' });
        },
      }),
      'nodes',
    );
    const since = panel!.received.length;
    // room3 (index 2, logged in) in a conference, then its Zigbee2MQTT sensor reports it empty: hung up.
    await panel!.publish('trueconf/room3/cmd/call', { peerId: 'echo' });
    const inCall = await afterMark(panel!, since, 'trueconf/room3/state', (s) => (s as RoomState).inConference);
    const calling = panel!.received.indexOf(inCall);
    await panel!.publish('zigbee2mqtt/room3_motion', { occupancy: false, battery: 97, illuminance: 12 });
    await afterMark(
      panel!,
      calling,
      'trueconf/room3/state',
      (s) => !(s as RoomState).inConference && (s as RoomState).connected,
    );
    assert.equal(received(rooms[2]!.room, 'hangUp'), 1, 'room3 hung up once');
    // Someone enters room5 (Home Assistant "on") and room7 (the occupancy topic): each is woken, no other.
    const woken = () => rooms.map(({ room }) => received(room, 'setSleepMode'));
    const before = woken();
    await panel!.publish('homeassistant/binary_sensor/room5_occupancy/state', 'on');
    await panel!.publish('trueconf/room7/occupancy', 'occupied');
    await panel!.publish('zigbee2mqtt/unmapped_sensor', { occupancy: true });
    await Promise.all(
      [4, 6].map((i) =>
        waitUntil(rooms[i]!.room, ['request'], () => woken()[i]! > before[i]!, 20000, `${rooms[i]!.name} woken`),
      ),
    );
    const diff = woken().map((n, i) => n - before[i]!);
    assert.deepEqual(diff.map((n, i) => (n > 0 ? rooms[i]!.name : '')).filter(Boolean), ['room5', 'room7']);
  });
});
