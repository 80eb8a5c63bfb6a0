import * as assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { redact } from '../../src/protocol/auth';
import { discoverWsPort } from '../../src/protocol/discovery';
import { endpointKey, hostProblem, resolveEndpoint } from '../../src/protocol/endpoint';
import { RoomClient } from '../../src/protocol/client';
import { ConnectionPool } from '../../src/protocol/pool';
import type { RoomResponse } from '../../src/protocol/types';
import { waitForEvent, waitUntil } from '../support/wait';
import { framesOf, Harness, MemoryLogger, nextState, ready, settle, waitForState } from './helpers';

/** Waits out a window in which something must NOT happen (a timer that would throw, a frame that must not come). */
function quietWindow(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

describe('protocol: guarantees (issue 10)', function () {
  this.timeout(20_000);
  const h = new Harness();
  afterEach(() => h.cleanup());

  describe('hosts', () => {
    const good = [
      '127.0.0.1',
      'localhost',
      'room-1.example.com',
      'room.local.',
      '::1',
      '[::1]',
      'fe80::1',
      '[2001:db8::7]',
    ];
    const bad = [
      '1:2',
      'fe80:1',
      '[1:2]',
      'fe80::1%eth0',
      'http://room',
      'ws://room:8765/v2',
      'room name',
      'room/path',
      'user@room',
      'room:8080',
      '-room',
      'room-',
      'a..b',
      '999.1.1.1',
      '1.2.3',
      'café.local',
      'x'.repeat(10_000),
      `${'a'.repeat(64)}.com`,
    ];
    for (const host of good) it(`accepts ${host}`, () => assert.equal(hostProblem(host), undefined));
    for (const host of bad) {
      it(`refuses ${host.length > 30 ? `a ${host.length}-character host` : JSON.stringify(host)} with a readable reason`, () => {
        const problem = hostProblem(host);
        assert.ok(problem, 'refused');
        assert.ok(problem.length < 200, 'the reason stays short, whatever the host');
        assert.throws(() => resolveEndpoint({ host }), TypeError);
        assert.throws(() => new RoomClient({ host }), TypeError);
      });
    }

    it('a URL names the fix', () => {
      assert.match(hostProblem('http://room')!, /not a URL/);
      assert.match(hostProblem('room:8080')!, /port field/);
    });

    it('refuses instance names that are not one safe path segment', () => {
      for (const instance of ['a/b', '..', '.', '50%', 'a b', 'x'.repeat(101), 'кабинет']) {
        assert.throws(() => resolveEndpoint({ host: 'h', instance }), /instance/, instance);
      }
      assert.equal(resolveEndpoint({ host: 'h', instance: 'room.2_b-c' }).instance, 'room.2_b-c');
    });

    it('discovery of a host http.get cannot parse fails at once, and no timer of it throws later', async () => {
      const started = Date.now();
      const result = await settle(discoverWsPort({ host: '1:2', port: 80 }, 100));
      assert.ok(result.error, 'rejected');
      assert.equal(result.error.name, 'DiscoveryError');
      assert.match(result.error.message, /cannot reach/);
      assert.ok(Date.now() - started < 100, 'before its deadline');
      // The old code started its deadline timer before http.get threw; the timer then hit `req` in its
      // temporal dead zone and took the process down. Mocha would report that uncaught error here.
      await quietWindow(300);
    });
  });

  describe('cancellation', () => {
    it('a queued request cancelled with its signal rejects CLOSED (not sent) at once and never reaches the Room', async () => {
      const room = await h.room();
      room.faults.refuseConnections(true);
      const client = h.client(room, {}, { requestTimeoutMs: 10_000 });
      client.start();
      const cancel = new AbortController();
      const pending = settle(client.request('setMicMute', { mute: true }, { signal: cancel.signal }));
      assert.equal(client.pendingCount, 1);
      cancel.abort();
      const { error } = await pending;
      assert.equal(error?.code, 'CLOSED');
      assert.equal((error as { sent?: boolean }).sent, false);
      assert.match(error!.message, /before it was sent; it will not be sent/);
      assert.equal(client.pendingCount, 0);

      room.faults.refuseConnections(false);
      await waitForState(client, 'ready', 10_000);
      await client.request('getAppState'); // anything queued would have gone out before this
      assert.equal(framesOf(room, 'setMicMute').length, 0, 'the cancelled command never reached the Room');
    });

    it('a request whose signal is already aborted is refused without queueing', async () => {
      const room = await h.room();
      const client = await ready(h.client(room));
      const { error } = await settle(client.request('getAppState', {}, { signal: AbortSignal.abort() }));
      assert.equal(error?.code, 'CLOSED');
      assert.equal(client.pendingCount, 0);
    });

    it('a sent request cancelled with its signal says it was sent; its late response is ignored', async () => {
      const room = await h.room();
      const logger = new MemoryLogger();
      const client = await ready(h.client(room, {}, {}, logger));
      room.faults.delayResponses(300);
      const cancel = new AbortController();
      const pending = settle(client.request('getMicMute', {}, { signal: cancel.signal }));
      await waitUntil(room, ['request'], () => framesOf(room, 'getMicMute').length === 1);
      cancel.abort();
      const { error } = await pending;
      assert.equal(error?.code, 'CLOSED');
      assert.equal((error as { sent?: boolean }).sent, true);
      assert.match(error!.message, /may have run/);
      await waitForEvent(room, 'response', { filter: (f) => (f as { method?: string }).method === 'getMicMute' });
      await quietWindow(100);
      assert.deepEqual(logger.warnings, [], 'the late response is not an unmatched-frame warning');
    });

    it('an outcome wait cancelled before sending removes its listeners at once and never sends', async () => {
      const room = await h.room();
      room.faults.refuseConnections(true);
      const client = h.client(room, {}, { requestTimeoutMs: 10_000 });
      client.start();
      const before = client.listenerCount();
      const cancel = new AbortController();
      const pending = settle(client.requestOutcome('call', { peerId: 'echo' }, { signal: cancel.signal }));
      assert.ok(client.listenerCount() > before, 'the wait listens');
      cancel.abort();
      assert.equal(client.listenerCount(), before, 'listeners removed synchronously');
      const { error } = await pending;
      assert.equal(error?.code, 'CLOSED');
      assert.equal((error as { sent?: boolean }).sent, false);
      room.faults.refuseConnections(false);
      await waitForState(client, 'ready', 10_000);
      await client.request('getAppState');
      assert.equal(framesOf(room, 'call').length, 0);
    });
  });

  describe('bounded queue', () => {
    it('beyond maxQueued a request fails QUEUE_FULL at once and nothing of it is queued', async () => {
      const room = await h.room();
      room.faults.refuseConnections(true);
      const client = h.client(room, {}, { maxQueued: 3, requestTimeoutMs: 10_000 });
      client.start();
      const queued = [1, 2, 3].map((n) => client.request('getDisplayNameById', { peerId: `q${n}` }));
      const over = await settle(client.request('getDisplayNameById', { peerId: 'over' }));
      assert.equal(over.error?.code, 'QUEUE_FULL');
      assert.equal((over.error as { sent?: boolean }).sent, false);
      assert.equal(client.pendingCount, 3);
      room.faults.refuseConnections(false);
      const answered = await Promise.all(queued);
      assert.deepEqual(
        // The Room answers with the resolved id (user@server); the short id is the part before '@'.
        answered.map((r: RoomResponse) => String(r.peerId).split('@')[0]),
        ['q1', 'q2', 'q3'],
      );
      assert.deepEqual(
        framesOf(room, 'getDisplayNameById').map((f) => f.peerId),
        ['q1', 'q2', 'q3'],
        'the refused one never went out',
      );
    });

    it('a backlog goes out in batches, in order, with requests made meanwhile behind it', async () => {
      const room = await h.room();
      room.faults.refuseConnections(true);
      const client = h.client(room, {}, { maxQueued: 3000, requestTimeoutMs: 15_000 });
      client.start();
      const padding = 'x'.repeat(1000);
      const backlog = Array.from({ length: 3000 }, (_, i) =>
        client.request('getDisplayNameById', { peerId: `b${i}`, padding }, { strict: false }),
      );
      let sentInFirstTurn = -1;
      let later: Promise<RoomResponse> | undefined;
      client.on('state', (c) => {
        if (c.state !== 'ready') return;
        // Runs right after the first flush of becoming ready.
        queueMicrotask(() => {
          sentInFirstTurn =
            3000 - (client as unknown as { requests: { queue: Map<string, unknown> } }).requests.queue.size;
          later = client.request('getDisplayNameById', { peerId: 'later' });
        });
      });
      room.faults.refuseConnections(false);
      await Promise.all(backlog);
      await later;
      assert.ok(sentInFirstTurn > 0 && sentInFirstTurn <= 100, `first turn sent ${sentInFirstTurn} of 3000`);
      const order = framesOf(room, 'getDisplayNameById').map((f) => f.peerId);
      assert.deepEqual(order, [...backlog.map((_, i) => `b${i}`), 'later'], 'sent in order, the late one last');
    });
  });

  describe('outcome waits', () => {
    it('token re-authentication on the same socket does not fail an outcome wait; only a lost socket does', async () => {
      const room = await h.room();
      const client = await ready(h.client(room));
      const wait = settle(client.requestOutcome('call', { peerId: 'nobody' }, { timeoutMs: 10_000 }));
      // A later request answered means the call's response has reached the wait (same socket, in order).
      await client.request('getAppState');
      // Token expired (cause 2): the client re-authenticates on the same socket.
      const reauth = nextState(client, 'authenticating');
      room.emitEvent('authorizationNeeded', { cause: 2 });
      await reauth;
      await waitForState(client, 'ready');
      assert.equal(room.connectionCount, 1, 'the same socket');
      room.emitEvent('conferenceCreated', { confId: 'c1' });
      const { value, error } = await wait;
      assert.equal(error, undefined, error?.message);
      assert.equal(value?.outcome.event, 'conferenceCreated');

      const other = await h.room();
      const client2 = await ready(h.client(other));
      const second = settle(client2.requestOutcome('call', { peerId: 'nobody' }, { timeoutMs: 10_000 }));
      await client2.request('getAppState');
      other.faults.dropConnections();
      assert.equal((await second).error?.code, 'CONNECTION_LOST');
    });
  });

  describe('secrets and logs', () => {
    it('masks secrets of any length, even one character', () => {
      assert.equal(redact('PIN 7 refused', ['7']), 'PIN *** refused');
      assert.equal(redact('bad pin 42', [undefined, '42']), 'bad pin ***');
      assert.equal(redact('nothing here', ['', undefined]), 'nothing here');
    });

    it('the endpoint key carries no plain hash of the secret (a 4-digit PIN would be reversed at once)', () => {
      const key = endpointKey({ host: 'h', authType: 'secured', secret: '1234' });
      const plain = createHash('sha256').update('1234', 'utf8').digest('hex');
      assert.ok(!key.includes(plain));
      assert.ok(!key.includes('1234'));
    });

    it('a pooled client logs through the newest lease, not the first one', async () => {
      const room = await h.room();
      const pool = new ConnectionPool({ graceMs: 1000 });
      h.onCleanup(() => pool.closeAll());
      const first = new MemoryLogger();
      const second = new MemoryLogger();
      const endpoint = { host: '127.0.0.1', port: room.webPort };
      const a = pool.acquire(endpoint, { heartbeatIntervalMs: 0 }, first);
      await waitForState(a.client, 'ready');
      const b = pool.acquire(endpoint, {}, second);
      assert.equal(b.client, a.client);
      a.release(); // the first node is gone (redeployed)
      const mark = first.lines.length;
      room.faults.dropConnections();
      await nextState(b.client, 'ready');
      assert.ok(
        second.lines.some((l) => l.includes('connection lost')),
        `the live node logs the drop: ${second.lines.join(' | ')}`,
      );
      assert.deepEqual(first.lines.slice(mark), [], 'the released node logs nothing more');
      b.release();
    });
  });
});
