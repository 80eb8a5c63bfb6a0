import * as assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import * as net from 'node:net';
import { RoomClient } from '../../src/protocol/client';
import type { StateChange } from '../../src/protocol/types';
import { collect, waitUntil } from '../support/wait';
import { FAST, framesOf, Harness, nextState, ready, settle, waitForState } from './helpers';

/** A TCP server that accepts and hangs up at once, recording when each connection attempt arrived. */
async function hangUpServer(): Promise<{
  port: number;
  attempts: number[];
  server: net.Server;
  close(): Promise<void>;
}> {
  const attempts: number[] = [];
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    attempts.push(Date.now());
    server.emit('attempt');
    socket.destroy();
  });
  server.on('connection', (s) => sockets.add(s));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as net.AddressInfo).port,
    attempts,
    server,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

describe('protocol: reconnects, heartbeat and displacement', function () {
  this.timeout(30_000);
  const h = new Harness();
  afterEach(() => h.cleanup());

  it('backs off exponentially with jitter: first retry within 1 s, growing, capped', async () => {
    const target = await hangUpServer();
    h.onCleanup(() => target.close());
    const initial = 100;
    const cap = 400;
    const client = h.track(
      new RoomClient(
        { host: '127.0.0.1', wsPort: target.port },
        { ...FAST, reconnectInitialMs: initial, reconnectMaxMs: cap },
      ),
    );
    const states = collect<StateChange>(client, 'state');
    client.start();
    await waitUntil(target.server, ['attempt'], () => target.attempts.length >= 6, 15_000, '6 connection attempts');
    await client.close();
    states.stop();

    const backoffs = states.values.filter((s) => s.state === 'backoff');
    assert.match(backoffs[0].reason!, /^Room unreachable: /);
    // The schedule: attempt n waits min(cap, initial * 2^n) * [0.5, 1].
    backoffs.slice(0, 5).forEach((s, n) => {
      const base = Math.min(cap, initial * 2 ** n);
      assert.ok(
        s.retryInMs! >= base / 2 && s.retryInMs! <= base,
        `retry ${n}: ${s.retryInMs} ms within [${base / 2}, ${base}]`,
      );
      assert.equal(s.attempt, n + 1);
    });
    // What the Room side sees: the gaps between attempts follow that schedule (timers never fire early;
    // the upper bound is generous for a loaded machine).
    const gaps = target.attempts.slice(1, 6).map((t, i) => t - target.attempts[i]);
    assert.ok(gaps[0] < 1000, `first retry after ${gaps[0]} ms`);
    gaps.forEach((gap, n) => {
      const base = Math.min(cap, initial * 2 ** n);
      assert.ok(gap >= base / 2 - 5, `gap ${n} = ${gap} ms, at least ${base / 2}`);
      assert.ok(gap <= cap + 1500, `gap ${n} = ${gap} ms stays near the cap`);
    });
  });

  it('re-discovers the port when the Room comes back on another one', async () => {
    const room = await h.room();
    const client = await ready(h.client(room));
    const oldPort = client.wsPort;
    const lost = nextState(client, 'backoff');
    await room.restart();
    await lost;
    await waitForState(client, 'ready');
    assert.notEqual(room.wsPort, oldPort);
    assert.equal(client.wsPort, room.wsPort);
    assert.equal((await client.request('getAppState')).result, true);
  });

  it('detects a half-open link with the heartbeat and reconnects', async () => {
    const room = await h.room();
    const client = await ready(h.client(room, {}, { heartbeatIntervalMs: 200, heartbeatTimeoutMs: 200 }));
    // Pongs answered: the heartbeat keeps a healthy link up.
    await new Promise((r) => setTimeout(r, 700));
    assert.equal(client.state, 'ready');
    const started = Date.now();
    const lost = nextState(client, 'backoff', 5000);
    room.faults.stopPongs(true);
    const change = await lost;
    const took = Date.now() - started;
    assert.equal(change.reason, 'connection lost (no answer to the heartbeat within 200 ms)');
    assert.ok(took <= 200 + 200 + 1500, `left ready after ${took} ms`);
    room.faults.stopPongs(false);
    await waitForState(client, 'ready');
  });

  it('gives up after repeated displacement instead of kicking the other client forever', async () => {
    const room = await h.room();
    const tuning = { displacedRetryLimit: 1 };
    const a = await ready(h.client(room, {}, tuning));
    const aStates = collect<StateChange>(a, 'state');
    const b = h.client(room, {}, tuning);
    const bStates = collect<StateChange>(b, 'state');
    b.start();
    // Gave up = displaced with no further attempt scheduled.
    const gaveUp = (c: RoomClient) => {
      const last = (c === a ? aStates : bStates).values.at(-1);
      return c.state === 'displaced' && last?.retryInMs === undefined;
    };
    // Watch both clients' state changes on one emitter.
    const both = new EventEmitter();
    const relay = () => both.emit('state');
    a.on('state', relay);
    b.on('state', relay);
    await waitUntil(both, ['state'], () => gaveUp(a) || gaveUp(b), 15_000, 'one client to give up');
    a.off('state', relay);
    b.off('state', relay);
    const loser = gaveUp(a) ? a : b;
    const winner = loser === a ? b : a;
    await waitForState(winner, 'ready', 5000);
    const first = (loser === a ? aStates : bStates).values.find((s) => s.state === 'displaced')!;
    assert.equal(first.reason, 'another client took the admin control mode');
    assert.ok(first.retryInMs! >= 1000, 'waits at least 1 s before taking the mode back');
    assert.match(loser.lastReason!, /stopped re-authenticating after 2 displacements/);

    const authCount = framesOf(room, 'auth').length;
    assert.ok(authCount <= 4, `bounded: ${authCount} auth frames`);
    // No kick loop: nothing more happens in a window longer than the re-auth delay.
    await new Promise((r) => setTimeout(r, 1500));
    assert.equal(framesOf(room, 'auth').length, authCount);
    assert.equal(winner.state, 'ready');
    assert.equal(loser.state, 'displaced');
    assert.equal((await winner.request('getAppState')).result, true);

    // Waiting cannot help the loser: its requests fail at once, with the reason.
    const t0 = Date.now();
    const refused = await settle(loser.request('getAppState', {}, { timeoutMs: 5000 }));
    assert.equal(refused.error?.code, 'NOT_CONNECTED');
    assert.match(refused.error!.message, /another client took the admin control mode/);
    assert.ok(Date.now() - t0 < 500);

    // retryNow() (the user changed something) takes the mode back; the other side is at its limit and stops.
    const resumed = nextState(loser, 'ready');
    loser.retryNow();
    await resumed;
    await waitUntil(winner, ['state'], () => gaveUp(winner), 5000, 'the other client to give up');
    aStates.stop();
    bStates.stop();
  });

  it('abandons an attempt that stalls past the connect deadline and backs off', async () => {
    const room = await h.room();
    room.faults.neverAnswer(['auth']);
    const client = h.client(room, {}, { connectTimeoutMs: 300 });
    const started = Date.now();
    client.start();
    const change = await nextState(client, 'backoff');
    assert.equal(change.reason, 'not connected within 300 ms (stuck while authenticating)');
    assert.ok(Date.now() - started >= 290);
    room.faults.neverAnswer(null);
    await waitForState(client, 'ready');
  });

  it('re-authenticates with the secret when the Room asks again (token expired)', async () => {
    const room = await h.room({ auth: { admin: { type: 'pin', secret: '1234' }, user: { type: 'unsecured' } } });
    const client = await ready(h.client(room, { authType: 'secured', secret: '1234', role: 'admin' }));
    const states = collect<StateChange>(client, 'state');
    room.emitEvent('authorizationNeeded', { cause: 8 });
    await nextState(client, 'ready');
    states.stop();
    assert.equal(states.values[0].state, 'authenticating');
    assert.equal(states.values[0].reason, 'authorization needed: token for the current auth type expired');
    assert.deepEqual(
      framesOf(room, 'auth').map((f) => f.credentials),
      ['1234', '1234'],
    );
  });

  it('ends in auth-failed when the credentials were changed on the Room', async () => {
    const room = await h.room({ auth: { admin: { type: 'pin', secret: '1234' }, user: { type: 'unsecured' } } });
    const client = await ready(
      h.client(room, { authType: 'secured', secret: '1234', role: 'admin' }, { authRetryMs: 300 }),
    );
    const failed = nextState(client, 'auth-failed');
    room.setAuth({ admin: { type: 'pin', secret: '5678' } });
    const change = await failed;
    assert.equal(
      change.reason,
      'credentials rejected: wrong credentials; check the PIN/password for the admin control mode (or choose "unsecured" if that mode has no protection)',
    );
    const t0 = Date.now();
    // authRetryMs later (and not sooner) the client tries once more.
    await nextState(client, 'auth-failed', 5000);
    assert.ok(Date.now() - t0 >= 290, 'waited authRetryMs before the next attempt');
    assert.equal(framesOf(room, 'auth').length, 3);
  });
});
