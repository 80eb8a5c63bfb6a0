import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as net from 'node:net';
import * as path from 'node:path';
import { numberedRoomNames, RoomFleet } from '../../src/emulator';
import { withDeadline } from '../support/wait';
import { closeAll, httpGet, RawClient } from './raw-client';

describe('emulator: many Rooms in one process', () => {
  let fleet: RoomFleet | undefined;
  const clients: RawClient[] = [];

  afterEach(async () => {
    closeAll(clients.splice(0));
    await fleet?.stop();
    fleet = undefined;
  });

  it('each Room has its own web port, config.json and WebSocket, and records only what it received', async () => {
    fleet = new RoomFleet({ names: numberedRoomNames(3) });
    await fleet.start();
    assert.deepEqual(
      fleet.rooms.map((r) => r.name),
      ['room1', 'room2', 'room3'],
    );
    assert.equal(new Set(fleet.rooms.map((r) => r.room.webPort)).size, 3, 'three web ports');
    const config = JSON.parse((await httpGet(fleet.get('room2').configUrl)).body);
    assert.equal(config.config.websocket.port, fleet.get('room2').wsPort, "room2's config.json names its own socket");
    const c = await RawClient.authorized(fleet.get('room2').url);
    clients.push(c);
    await c.request('getMicMute');
    const got = fleet.rooms.map((r) => r.room.requests.filter((q) => q.frame.method === 'getMicMute').length);
    assert.deepEqual(got, [0, 1, 0]);
  });

  it('from a first web port, the Rooms take the next free ports, skipping a busy one', async () => {
    const busy = net.createServer();
    await new Promise<void>((resolve) => busy.listen(0, '127.0.0.1', resolve));
    const taken = (busy.address() as net.AddressInfo).port;
    try {
      fleet = new RoomFleet({ names: ['a', 'b'], firstWebPort: taken });
      await fleet.start();
      const ports = fleet.rooms.map((r) => r.room.webPort);
      assert.ok(ports[0]! > taken && ports[1]! > ports[0]!, `ports ${ports.join(', ')} above the busy ${taken}`);
    } finally {
      busy.close();
    }
    assert.throws(() => new RoomFleet({ names: ['a', 'a'] }), /given twice/);
  });

  it('the CLI serves a building with --rooms and prints one line per room', async () => {
    const cli = path.join(__dirname, '..', '..', 'src', 'emulator', 'cli.js');
    const proc = spawn(process.execPath, [cli, '--rooms', '3', '--web-port', '0', '--quiet'], { stdio: 'pipe' });
    let out = '';
    proc.stdout.on('data', (d) => (out += d));
    try {
      await withDeadline(
        new Promise<void>((resolve) => proc.stdout.on('data', () => /Ctrl-C/.test(out) && resolve())),
        10_000,
        'the CLI banner',
      );
      const lines = [...out.matchAll(/^\s+(room\d)\s+web port (\d+)/gm)];
      assert.deepEqual(
        lines.map((m) => m[1]),
        ['room1', 'room2', 'room3'],
      );
      const config = JSON.parse((await httpGet(`http://127.0.0.1:${lines[2]![2]}/public/default/config.json`)).body);
      assert.ok(config.config.websocket.port > 0);
    } finally {
      const exited = new Promise((resolve) => proc.once('exit', resolve));
      proc.kill('SIGINT');
      assert.equal(await withDeadline(exited, 5000, 'CLI exit'), 0);
    }
  });
});
