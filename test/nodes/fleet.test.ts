import assert from 'node:assert/strict';
import type { RoomEmulator } from '../../src/emulator';
import {
  configNode,
  helper,
  Inbox,
  inject,
  lastStatus,
  load,
  node,
  placed,
  quietWindow,
  cleanUp,
  startRoom,
  waitForStatus,
  TEST_SETTINGS,
  withNodeRed,
  type Msg,
} from './harness';
import type { NodeStatus } from '../../nodes/lib/node-red';

/** One room-config per Room, named `names[i]`, with ids cfg-<name>. */
function roomConfigs(rooms: RoomEmulator[], names: string[]): object[] {
  return rooms.map((room, i) => configNode(room, { id: `cfg-${names[i]}`, name: names[i] }));
}

/** The building: one fleet room-command (cmd -> out, catch -> caught) and one all-rooms room-event (ev -> events). */
function fleetFlow(configs: object[], cmd: Record<string, unknown> = {}, ev: Record<string, unknown> = {}): object[] {
  return [
    { id: 'tab', type: 'tab', label: 'building' },
    ...configs,
    placed({
      id: 'cmd',
      type: 'room-command',
      z: 'tab',
      room: '',
      roomFromMsg: true,
      method: '',
      params: {},
      timeout: '',
      wires: [['out']],
      ...cmd,
    }),
    placed({
      id: 'ev',
      type: 'room-event',
      z: 'tab',
      room: '',
      allRooms: true,
      events: ['myEvent'],
      topicPrefix: 'trueconf/{room}/event/',
      connectionEvents: true,
      wires: [['events']],
      ...ev,
    }),
    placed({ id: 'out', type: 'helper', z: 'tab' }),
    placed({ id: 'events', type: 'helper', z: 'tab' }),
    placed({ id: 'catcher', type: 'catch', z: 'tab', scope: null, uncaught: false, wires: [['caught']] }),
    placed({ id: 'caught', type: 'helper', z: 'tab' }),
  ];
}

/** How many requests for `method` each Room received. */
function received(rooms: RoomEmulator[], method: string): number[] {
  return rooms.map((room) => room.requests.filter((r) => r.frame.method === method).length);
}

const allReady = (count: number) => (s: NodeStatus) =>
  s.fill === 'green' && s.text === `${count} room${count === 1 ? '' : 's'}: ${count} ready`;

describe('a building of rooms (roomFromMsg, allRooms, msg.room)', function () {
  this.timeout(40000);
  withNodeRed();

  const names = ['hall', 'lab', 'studio'];
  let rooms: RoomEmulator[];
  let out: Inbox;
  let events: Inbox;
  let caught: Inbox;

  async function building(cmd: Record<string, unknown> = {}, ev: Record<string, unknown> = {}): Promise<void> {
    rooms = await Promise.all(names.map(() => startRoom()));
    await load(fleetFlow(roomConfigs(rooms, names), cmd, ev));
    out = new Inbox(node('out'));
    events = new Inbox(node('events'));
    caught = new Inbox(node('caught'));
    await waitForStatus(node('cmd'), allReady(3), '3 rooms ready');
    await waitForStatus(node('ev'), allReady(3), '3 rooms ready');
  }

  it('msg.room picks the room by name (or id); only that Room receives the command; msg.room comes back', async () => {
    await building();
    inject(node('cmd'), { room: 'lab', method: 'getMicMute', payload: {} });
    const fromLab = await out.next();
    assert.equal(fromLab.room, 'lab');
    assert.equal(fromLab.payload.method, 'getMicMute');
    assert.deepEqual(received(rooms, 'getMicMute'), [0, 1, 0]);

    inject(node('cmd'), { room: 'cfg-studio', method: 'getVideoMute', payload: {} });
    const byId = await out.next();
    assert.equal(byId.room, 'studio', 'an id picks the room; msg.room is then its name');
    assert.deepEqual(received(rooms, 'getVideoMute'), [0, 0, 1]);
  });

  it('an unknown name, or a msg.room that is not a string, fails with UNKNOWN_ROOM and nothing is sent', async () => {
    await building();
    inject(node('cmd'), { room: 'kitchen', method: 'getMicMute', payload: {} });
    const unknown = await caught.next();
    assert.equal(unknown.error.code, 'UNKNOWN_ROOM');
    assert.match(unknown.error.message, /kitchen/);
    inject(node('cmd'), { room: { host: '10.0.0.9', port: 80 }, method: 'getMicMute', payload: {} });
    const notString = await caught.next();
    assert.equal(notString.error.code, 'UNKNOWN_ROOM');
    await quietWindow();
    assert.deepEqual(received(rooms, 'getMicMute'), [0, 0, 0], 'no Room received it');
    assert.equal(out.count(), 0);
  });

  it('without msg.room the configured room is used; with neither the message fails with NO_CONFIG', async () => {
    rooms = await Promise.all(names.map(() => startRoom()));
    const flow = fleetFlow(roomConfigs(rooms, names), { room: 'cfg-hall' });
    flow.push(
      placed({ id: 'bare', type: 'room-command', z: 'tab', room: '', roomFromMsg: true, method: '', wires: [['out']] }),
    );
    await load(flow);
    out = new Inbox(node('out'));
    caught = new Inbox(node('caught'));
    await waitForStatus(node('cmd'), allReady(3), 'ready');
    inject(node('cmd'), { method: 'getMicMute', payload: {} });
    assert.equal((await out.next()).room, 'hall');
    assert.deepEqual(received(rooms, 'getMicMute'), [1, 0, 0]);
    inject(node('bare'), { method: 'getMicMute', payload: {} });
    const failed = await caught.next();
    assert.equal(failed.error.code, 'NO_CONFIG');
  });

  it('with roomFromMsg off, msg.room is ignored and replaced by the configured room name', async () => {
    rooms = await Promise.all(names.map(() => startRoom()));
    await load(fleetFlow(roomConfigs(rooms, names), { room: 'cfg-studio', roomFromMsg: false }));
    out = new Inbox(node('out'));
    await waitForStatus(node('cmd'), (s) => s.fill === 'green' && s.text === 'idle', 'single-room status');
    inject(node('cmd'), { room: 'hall', method: 'getMicMute', payload: {} });
    assert.equal((await out.next()).room, 'studio');
    assert.deepEqual(received(rooms, 'getMicMute'), [0, 0, 1]);
  });

  it('two room-configs with one name: routing to it fails with AMBIGUOUS_ROOM, the others still work', async () => {
    rooms = await Promise.all(names.map(() => startRoom()));
    const configs = roomConfigs(rooms, ['hall', 'hall', 'studio']);
    (configs[1] as { id: string }).id = 'cfg-hall-copy';
    await load(fleetFlow(configs));
    out = new Inbox(node('out'));
    caught = new Inbox(node('caught'));
    await waitForStatus(node('cmd'), allReady(3), 'ready');
    const logged = (helper.log() as unknown as { args: [{ level: number; msg: unknown }][] }).args;
    assert.ok(
      logged.some(([e]) => e.level === 30 && /also named "hall".*AMBIGUOUS_ROOM/.test(String(e.msg))),
      'the deploy warns about the duplicate name',
    );
    inject(node('cmd'), { room: 'hall', method: 'getMicMute', payload: {} });
    assert.equal((await caught.next()).error.code, 'AMBIGUOUS_ROOM');
    inject(node('cmd'), { room: 'cfg-hall-copy', method: 'getMicMute', payload: {} });
    assert.equal((await out.next()).room, 'hall', 'an id still picks one of them');
    assert.deepEqual(received(rooms, 'getMicMute'), [0, 1, 0]);
  });

  it('deploy warns about a room name unfit for MQTT topics and about two names for one Room', async () => {
    rooms = await Promise.all(names.slice(0, 2).map(() => startRoom()));
    // 'floor2/hall' would add a topic level in trueconf/{room}/...; 'hall-copy' is a copy pointing at the same Room.
    const configs = [
      configNode(rooms[0]!, { id: 'cfg-a', name: 'floor2/hall' }),
      configNode(rooms[1]!, { id: 'cfg-b', name: 'studio' }),
      configNode(rooms[1]!, { id: 'cfg-c', name: 'studio-copy' }),
    ];
    await load(fleetFlow(configs));
    await waitForStatus(node('cmd'), allReady(3), 'ready');
    const warnings = (helper.log() as unknown as { args: [{ level: number; msg: unknown }][] }).args
      .filter(([e]) => e.level === 30)
      .map(([e]) => String(e.msg));
    assert.ok(
      warnings.some((w) => /"floor2\/hall" contains \/, \+ or #/.test(w)),
      `topic-unsafe name warned: ${warnings}`,
    );
    assert.ok(
      warnings.some((w) => /"studio-copy" points at the same Room as "studio"/.test(w)),
      `same Room under two names warned: ${warnings}`,
    );
  });

  it('allRooms: each notification carries its room in msg.room and in a {room} topic prefix', async () => {
    await building();
    rooms[2]!.emitEvent('myEvent', { n: 3 });
    rooms[0]!.emitEvent('myEvent', { n: 1 });
    const studio = await events.next((m) => m.payload?.n === 3);
    const hall = await events.next((m) => m.payload?.n === 1);
    assert.equal(studio.room, 'studio');
    assert.equal(studio.topic, 'trueconf/studio/event/myEvent');
    assert.equal(hall.room, 'hall');
    assert.equal(hall.topic, 'trueconf/hall/event/myEvent');
  });

  it('a single-room room-event also sets msg.room and fills {room} in its prefix', async () => {
    rooms = await Promise.all(names.map(() => startRoom()));
    await load(fleetFlow(roomConfigs(rooms, names), {}, { allRooms: false, room: 'cfg-lab' }));
    events = new Inbox(node('events'));
    await waitForStatus(node('ev'), (s) => s.fill === 'green' && s.text === 'idle', 'ready');
    rooms[0]!.emitEvent('myEvent', { n: 1 });
    rooms[1]!.emitEvent('myEvent', { n: 2 });
    const lab = await events.next((m) => m.topic !== undefined && String(m.topic).endsWith('myEvent'));
    assert.deepEqual([lab.room, lab.topic, lab.payload.n], ['lab', 'trueconf/lab/event/myEvent', 2]);
  });

  it('the status counts rooms; a lost room turns up as unreachable, with its connection event', async () => {
    await building();
    await rooms[1]!.stop();
    const lost = await events.next((m) => m.topic?.endsWith('/connection') && m.payload.state === 'lost', 'lab lost');
    assert.equal(lost.room, 'lab');
    assert.equal(lost.topic, 'trueconf/lab/event/connection');
    const status = await waitForStatus(node('cmd'), (s) => /unreachable/.test(s.text ?? ''), 'unreachable counted');
    assert.equal(status.fill, 'red');
    assert.match(status.text ?? '', /^3 rooms: 2 ready, 1 (unreachable|connecting)/);
    await waitForStatus(node('ev'), (s) => s.text === '3 rooms: 2 ready, 1 unreachable', 'event node counts too');
  });

  it('a later deploy that adds a room-config serves it without touching the fleet nodes', async () => {
    await building();
    const extra = await startRoom();
    rooms.push(extra);
    const flow = fleetFlow([...roomConfigs(rooms, [...names, 'annex'])]);
    await helper.setFlows(flow, 'nodes');
    await waitForStatus(node('cmd'), allReady(4), '4 rooms ready');
    await waitForStatus(node('ev'), allReady(4), '4 rooms ready');
    inject(node('cmd'), { room: 'annex', method: 'getMicMute', payload: {} });
    assert.equal((await out.next()).room, 'annex');
    assert.deepEqual(received(rooms, 'getMicMute'), [0, 0, 0, 1]);
    extra.emitEvent('myEvent', { n: 4 });
    const annex = await events.next((m) => m.payload?.n === 4);
    assert.equal(annex.topic, 'trueconf/annex/event/myEvent');
  });

  it('a room-config renamed by a later deploy reports ready under its new name, though its socket stays', async () => {
    await building();
    const renamed = [
      ...roomConfigs(rooms.slice(0, 2), names.slice(0, 2)),
      configNode(rooms[2]!, { id: 'cfg-studio', name: 'annex' }),
    ];
    await helper.setFlows(fleetFlow(renamed), 'nodes');
    const ready = await events.next(
      (m) => m.topic === 'trueconf/annex/event/connection',
      'a connection event for the renamed room',
    );
    assert.equal(ready.room, 'annex');
    assert.equal(ready.payload.state, 'ready');
    inject(node('cmd'), { room: 'annex', method: 'getMicMute', payload: {} });
    assert.equal((await out.next()).room, 'annex');
  });

  it('a room a later deploy removes or renames reports removed under its old name; a full redeploy reports none', async () => {
    await building();
    const renamed = [
      configNode(rooms[0]!, { id: 'cfg-hall', name: 'atrium' }),
      ...roomConfigs(rooms.slice(1, 2), ['lab']),
    ];
    await helper.setFlows(fleetFlow(renamed), 'nodes');
    const gone = (name: string) => (m: Msg) =>
      m.topic === `trueconf/${name}/event/connection` && m.payload.state === 'removed';
    const hall = await events.next(gone('hall'), 'hall removed (renamed)');
    assert.equal(hall.room, 'hall');
    assert.equal((await events.next(gone('studio'), 'studio removed (deleted)')).room, 'studio');
    await waitForStatus(node('ev'), allReady(2), '2 rooms ready');

    const removed = (m: Msg) => m.payload?.state === 'removed';
    await helper.setFlows(fleetFlow(renamed), 'full');
    const fresh = new Inbox(node('events'));
    await waitForStatus(node('ev'), allReady(2), '2 rooms ready after a full deploy');
    await quietWindow();
    assert.equal(events.count(removed) + fresh.count(removed), 0, 'a full redeploy removes no room');
  });

  it('a room-config redeployed under its name, its socket kept, reports no connection change', async () => {
    await building();
    // The port as a string: Node-RED sees a changed node and redeploys it; the endpoint, and so the socket, stay.
    const touched = [
      ...roomConfigs(rooms.slice(0, 2), names.slice(0, 2)),
      configNode(rooms[2]!, { id: 'cfg-studio', name: 'studio', port: String(rooms[2]!.webPort) }),
    ];
    const studioEvent = (m: Msg) => m.topic === 'trueconf/studio/event/connection';
    assert.equal((await events.next(studioEvent, 'studio ready at the start')).payload.state, 'ready');
    const after = new Inbox(node('events'));
    await helper.setFlows(fleetFlow(touched), 'nodes');
    await waitForStatus(node('ev'), allReady(3), '3 rooms ready');
    await quietWindow();
    const studio = after.messages.filter(studioEvent);
    assert.deepEqual(
      studio.map((m) => m.payload.state),
      [],
      'studio never went away',
    );
  });

  it('a message cannot reach a room that is not deployed, nor one a later deploy removed', async () => {
    await building();
    const stray = await startRoom(); // a reachable Room no room-config names
    inject(node('cmd'), { room: `127.0.0.1:${stray.webPort}`, method: 'getMicMute', payload: {} });
    assert.equal((await caught.next()).error.code, 'UNKNOWN_ROOM');

    await helper.setFlows(fleetFlow(roomConfigs(rooms.slice(0, 2), names.slice(0, 2))), 'nodes');
    await waitForStatus(node('cmd'), allReady(2), '2 rooms after the removal');
    inject(node('cmd'), { room: 'studio', method: 'getMicMute', payload: {} });
    assert.equal((await caught.next()).error.code, 'UNKNOWN_ROOM');
    await quietWindow();
    assert.equal(stray.connectionCount, 0, 'nothing connected to the undeployed Room');
    assert.deepEqual(received([...rooms, stray], 'getMicMute'), [0, 0, 0, 0]);
    assert.equal(lastStatus(node('ev'))?.text, '2 rooms: 2 ready');
  });
});

describe('a building of rooms: one room away', function () {
  this.timeout(40000);
  const bound = 3;
  withNodeRed({
    start: () => {
      helper.settings({ ...TEST_SETTINGS, roomConfigMaxQueued: bound });
      return helper.startServer();
    },
    stop: () => helper.stopServer().then(() => void helper.settings(TEST_SETTINGS)),
    cleanUp,
  });

  it("commands waiting for an unreachable room do not use up the other rooms' places (roomConfigMaxQueued)", async () => {
    const rooms = await Promise.all([startRoom(), startRoom()]);
    await load(fleetFlow(roomConfigs(rooms, ['hall', 'lab'])));
    const out = new Inbox(node('out'));
    const caught = new Inbox(node('caught'));
    await waitForStatus(node('cmd'), allReady(2), '2 rooms ready');
    rooms[0]!.faults.refuseConnections(true);
    rooms[0]!.faults.dropConnections();
    await waitForStatus(node('cmd'), (s) => s.text?.includes('1 unreachable') === true, 'hall unreachable');
    for (let i = 0; i < bound; i++) inject(node('cmd'), { room: 'hall', method: 'getMicMute', timeout: 30000 });
    inject(node('cmd'), { room: 'hall', method: 'getMicMute', timeout: 30000 });
    assert.equal((await caught.next()).error.code, 'QUEUE_FULL', 'hall has no place left');
    inject(node('cmd'), { room: 'lab', method: 'getMicMute', payload: {} });
    const toLab = (m: Msg) => m.room === 'lab';
    const ending = await Promise.race([
      out.next(toLab).then(
        () => 'response',
        () => 'no ending',
      ),
      caught.next(toLab).then(
        (m) => String(m.error.code),
        () => 'no ending',
      ),
    ]);
    assert.equal(ending, 'response', 'lab is served while hall is away');
  });
});

export type { Msg };
