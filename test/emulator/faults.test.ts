import * as assert from 'node:assert/strict';
import * as net from 'node:net';
import { RoomEmulator } from '../../src/emulator';
import { waitForEvent, withDeadline } from '../support/wait';
import { closeAll, httpGet, RawClient } from './raw-client';

/** A window in which something must NOT happen (the only fixed timers in these tests). */
const QUIET_MS = 250;
const quiet = () => new Promise((resolve) => setTimeout(resolve, QUIET_MS));

describe('emulator: fault hooks', () => {
  let room: RoomEmulator;
  const clients: RawClient[] = [];
  const connect = async () => {
    const c = await RawClient.authorized(room.url);
    clients.push(c);
    return c;
  };

  beforeEach(async () => {
    room = new RoomEmulator();
    await room.start();
  });

  afterEach(async () => {
    closeAll(clients.splice(0));
    await room.stop();
  });

  it('records every request frame; clearRequests empties the record', async () => {
    const c = await connect();
    await c.request('getAppState');
    assert.deepEqual(
      room.requests.map((r) => r.frame.method),
      ['auth', 'getAppState'],
    );
    assert.equal(room.requests[1].connId, room.clients()[0].connId);
    room.clearRequests();
    assert.equal(room.requests.length, 0);
  });

  it('keeps at most maxRecordedRequests frames, dropping the oldest', async () => {
    const small = new RoomEmulator({ maxRecordedRequests: 10 });
    await small.start();
    try {
      const c = await RawClient.authorized(small.url);
      clients.push(c);
      for (let i = 0; i < 14; i++) await c.request('getMicMute');
      assert.ok(small.requests.length <= 10);
      assert.equal(small.requests[small.requests.length - 1].frame.requestId, 'r15');
    } finally {
      await small.stop();
    }
  });

  it('dropConnections: every socket ends without a close frame; the next connection works', async () => {
    const a = await connect();
    const b = await RawClient.open(room.url);
    clients.push(b);
    const closeCodes: number[] = [];
    a.ws.on('close', (code) => closeCodes.push(code));
    const gone = waitForEvent(room, 'disconnect');
    room.faults.dropConnections();
    await Promise.all([a.waitClose(), b.waitClose(), gone]);
    assert.deepEqual(closeCodes, [1006], 'abnormal closure: no close frame');
    assert.equal(room.connectionCount, 0);
    const again = await connect();
    assert.equal((await again.request('getAppState')).result, true);
  });

  it('refuseConnections: new sockets die at once and config.json answers 503; off restores both', async () => {
    room.faults.refuseConnections(true);
    await assert.rejects(RawClient.open(room.url));
    assert.equal((await httpGet(room.configUrl)).status, 503);
    room.faults.refuseConnections(false);
    assert.equal((await httpGet(room.configUrl)).status, 200);
    await connect();
  });

  it('delayResponses: responses (and the notifications they cause) come late; 0 turns it off', async () => {
    const c = await connect();
    room.faults.delayResponses(300);
    const started = Date.now();
    const res = await c.request('setMicMute', { mute: true });
    assert.equal(res.result, true);
    assert.ok(Date.now() - started >= 280, `answered after ${Date.now() - started} ms`);
    await c.event('audioCapturerMute');
    room.faults.delayResponses(0);
    await c.request('getMicMute', {}, 1000);
  });

  it('neverAnswer: listed methods are recorded but neither executed nor answered; true = all; null = off', async () => {
    const c = await connect();
    room.faults.neverAnswer(['setMicMute']);
    let answered = false;
    c.request('setMicMute', { mute: true }, QUIET_MS * 2).then(
      () => (answered = true),
      () => undefined,
    );
    assert.equal(
      (await c.request('getMicMute')).mute,
      false,
      'other methods still answered, the silent one not executed',
    );
    await quiet();
    assert.equal(answered, false);
    assert.equal(room.requests.filter((r) => r.frame.method === 'setMicMute').length, 1);
    room.faults.neverAnswer(true);
    let any = false;
    c.request('getAppState', {}, QUIET_MS * 2).then(
      () => (any = true),
      () => undefined,
    );
    await quiet();
    assert.equal(any, false);
    room.faults.neverAnswer(null);
    assert.equal((await c.request('getAppState')).result, true);
  });

  it('sendRaw: malformed and oversize frames reach every open socket', async () => {
    const c = await connect();
    const garbage = new Promise<string>((resolve) => c.once('garbage', resolve));
    room.faults.sendRaw('{"method":');
    assert.equal(await withDeadline(garbage, 5000, 'garbage'), '{"method":');
    const big = JSON.stringify({ method: 'event', event: 'huge', data: 'x'.repeat(2 * 1024 * 1024) });
    room.faults.sendRaw(big);
    const huge = await c.event('huge');
    assert.equal(String(huge.data).length, 2 * 1024 * 1024);
    const bin = new Promise<boolean>((resolve) => c.ws.once('message', (_d, isBinary) => resolve(isBinary)));
    room.faults.sendRaw(Buffer.from([1, 2, 3]), { binary: true });
    assert.equal(await withDeadline(bin, 5000, 'binary frame'), true);
  });

  it('stopPongs: pings go unanswered (a half-open link) until turned off', async () => {
    const c = await connect();
    const pong = () => new Promise<void>((resolve) => c.ws.once('pong', () => resolve()));
    const first = pong();
    c.ws.ping();
    await withDeadline(first, 5000, 'pong');
    room.faults.stopPongs(true);
    let ponged = false;
    c.ws.once('pong', () => (ponged = true));
    c.ws.ping();
    await quiet();
    assert.equal(ponged, false);
    room.faults.stopPongs(false);
    const back = pong();
    c.ws.ping();
    await withDeadline(back, 5000, 'pong after stopPongs(false)');
  });

  it('restart: sockets close, the WebSocket moves to another port, config.json names it, the old port is closed', async () => {
    const c = await connect();
    await c.request('call', { peerId: 'alice' });
    await c.event('conferenceCreated');
    const oldPort = room.wsPort;
    const restarted = waitForEvent<{ wsPort: number }>(room, 'restarted');
    await room.restart();
    await c.waitClose();
    assert.equal((await restarted).wsPort, room.wsPort);
    assert.notEqual(room.wsPort, oldPort);
    const config = JSON.parse((await httpGet(room.configUrl)).body);
    assert.equal(config.config.websocket.port, room.wsPort);
    assert.equal(room.appState, 3, 'the call ended with the restart');
    await assert.rejects(connectTo(oldPort));
    const again = await connect();
    assert.equal((await again.request('getAppState')).appState, 3);
  });

  it('restart({wsPort}) comes back on the given port', async () => {
    const port = await freePort();
    await room.restart({ wsPort: port });
    assert.equal(room.wsPort, port);
    await connect();
  });

  it('stop() during a restart leaves nothing listening (a test process can exit)', async () => {
    await connect();
    const port = await freePort();
    const restarting = room.restart({ wsPort: port });
    await room.stop();
    await restarting;
    await assert.rejects(connectTo(port), 'the WebSocket must not come back after stop()');
  });

  it('restart() during a power cycle cancels it: the Room stays up on the restart port', async () => {
    const own = new RoomEmulator({ powerCycleMs: QUIET_MS / 2 });
    await own.start();
    try {
      const c = await RawClient.authorized(own.url, { type: 'unsecured', role: 'admin' });
      clients.push(c);
      assert.equal((await c.request('shutdown')).result, true);
      await c.waitClose();
      await own.restart();
      const port = own.wsPort;
      assert.equal(own.isPoweredOff, false, 'the restart brought the Room up');
      const comeBacks: unknown[] = [];
      own.on('restarted', (e) => comeBacks.push(e));
      await quiet();
      assert.deepEqual(comeBacks, [], 'the cancelled power cycle must not bring up a second WebSocket server');
      assert.equal(own.wsPort, port);
    } finally {
      await own.stop();
    }
  });

  it('reset turns every fault off', async () => {
    room.faults.refuseConnections(true);
    room.faults.neverAnswer(true);
    room.faults.delayResponses(10_000);
    room.faults.stopPongs(true);
    room.faults.reset();
    const c = await connect();
    assert.equal((await c.request('getAppState', {}, 2000)).result, true);
  });
});

function connectTo(port: number): Promise<void> {
  return withDeadline(
    new Promise<void>((resolve, reject) => {
      const socket = net.connect(port, '127.0.0.1', () => {
        socket.destroy();
        resolve();
      });
      socket.on('error', reject);
    }),
    5000,
    `connect to ${port}`,
  );
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.listen(0, '127.0.0.1', () => {
      const port = (server.address() as net.AddressInfo).port;
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });
}
