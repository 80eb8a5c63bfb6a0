import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { numberedRoomNames, RoomFleet } from '../../src/emulator';
import { mosquittoAvailable, startBroker, type MqttBroker } from '../support/mqtt-broker';
import { startNodeRed, type NodeRedProcess } from '../support/node-red-process';
import {
  after as afterMark,
  buildingFlows,
  driveRooms,
  type BuildingRoom,
  type RoomState,
} from './support/building-rig';
import { connectPanel, type MqttPanel } from './support/mqtt-panel';

/**
 * Scaling past one Node-RED: 10 emulated Rooms split between two Node-RED processes that meet on one
 * mosquitto. A panel drives every room through the broker alone; a crashed Node-RED's rooms go offline
 * (its last will, then the other instance marks their retained states) while the other's keep working;
 * started again, it brings them back.
 */

const OFFLINE_WITHIN_MS = 5000;

describe('two Node-REDs, one broker: 10 rooms split between them', function () {
  this.timeout(240000);
  let fleet: RoomFleet | undefined;
  let broker: MqttBroker | undefined;
  let panel: MqttPanel | undefined;
  const instances: Record<'east' | 'west', { rooms: BuildingRoom[]; nodeRed?: NodeRedProcess; userDir: string }> = {
    east: { rooms: [], userDir: '' },
    west: { rooms: [], userDir: '' },
  };

  const flowsFor = (name: 'east' | 'west') =>
    buildingFlows({ rooms: instances[name].rooms, mqttPort: broker!.port, index: `trueconf/rooms/${name}` });
  const start = async (name: 'east' | 'west') => {
    instances[name].nodeRed = await startNodeRed({ flows: flowsFor(name), userDir: instances[name].userDir });
  };
  const all = () => [...instances.east.rooms, ...instances.west.rooms];

  /** Drives each room through the broker; each Room must get its command once (the other instance left it alone). */
  async function drive(rooms: BuildingRoom[]): Promise<void> {
    assert.deepEqual(
      await driveRooms(panel!, rooms),
      rooms.map(() => 1),
    );
  }

  const connectedAfter = (since: number, rooms: BuildingRoom[], connected: boolean, timeoutMs?: number) =>
    Promise.all(
      rooms.map(({ name }) =>
        afterMark(panel!, since, `trueconf/${name}/state`, (s) => (s as RoomState).connected === connected, timeoutMs),
      ),
    );

  before(async function () {
    if (!mosquittoAvailable()) {
      if (process.env.CI === 'true') throw new Error('mosquitto is not installed (apt-get install -y mosquitto)');
      this.skip();
    }
    fleet = new RoomFleet({ names: numberedRoomNames(10), room: { log: false } });
    await fleet.start();
    instances.east.rooms = fleet.rooms.slice(0, 5).map(({ name, room }) => ({ name, room }));
    instances.west.rooms = fleet.rooms.slice(5).map(({ name, room }) => ({ name, room }));
    for (const name of ['east', 'west'] as const)
      instances[name].userDir = fs.mkdtempSync(path.join(os.tmpdir(), `trueconf-${name}-`));
    broker = await startBroker({ kind: 'mosquitto' });
    panel = await connectPanel(broker.url, 'campus-panel');
    await panel.subscribe('trueconf/#');
    await Promise.all([start('east'), start('west')]);
  });

  after(async () => {
    await panel?.close().catch(() => undefined);
    for (const instance of Object.values(instances)) {
      await instance.nodeRed?.stop();
      if (instance.userDir) fs.rmSync(instance.userDir, { recursive: true, force: true });
    }
    await broker?.stop();
    await fleet?.stop();
  });

  it('a panel drives all 10 rooms through the broker alone; each instance indexes its own', async () => {
    await connectedAfter(0, all(), true);
    await drive(all());
    for (const name of ['east', 'west'] as const) {
      const index = await panel!.waitFor(
        `trueconf/rooms/${name}`,
        (p) => Object.keys((p as { rooms?: object }).rooms ?? {}).length === 5,
      );
      assert.deepEqual(
        Object.keys((index.payload as { rooms: object }).rooms).sort(),
        instances[name].rooms.map((r) => r.name).sort(),
      );
    }
  });

  it("a crashed instance's rooms go offline within seconds; the other's keep working", async () => {
    const since = panel!.received.length;
    const crashed = Date.now();
    await instances.east.nodeRed!.crash();
    await afterMark(
      panel!,
      since,
      'trueconf/rooms/east',
      (p) => (p as { online?: boolean }).online === false,
      OFFLINE_WITHIN_MS,
    );
    await connectedAfter(since, instances.east.rooms, false, OFFLINE_WITHIN_MS);
    console.log(`      east's 5 rooms marked offline ${Date.now() - crashed} ms after the crash`);
    // A panel connecting now sees the truth from the retained messages alone.
    const late = await connectPanel(broker!.url, 'late-panel');
    try {
      await late.subscribe('trueconf/+/state');
      for (const { name } of instances.east.rooms)
        assert.equal(((await late.waitFor(`trueconf/${name}/state`)).payload as RoomState).connected, false);
      for (const { name } of instances.west.rooms)
        assert.equal(((await late.waitFor(`trueconf/${name}/state`)).payload as RoomState).connected, true);
    } finally {
      await late.close();
    }
    await drive(instances.west.rooms);
  });

  it('started again, the instance brings its rooms back', async () => {
    const since = panel!.received.length;
    await start('east');
    await connectedAfter(since, instances.east.rooms, true);
    await afterMark(panel!, since, 'trueconf/rooms/east', (p) => (p as { online?: boolean }).online === true);
    await drive(all());
  });
});
