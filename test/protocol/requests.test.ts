import * as assert from 'node:assert/strict';
import type { RoomNotification, StateChange } from '../../src/protocol/types';
import { waitForEvent, waitUntil } from '../support/wait';
import { framesOf, Harness, MemoryLogger, nextState, ready, settle, waitForState } from './helpers';

describe('protocol: requests', function () {
  this.timeout(20_000);
  const h = new Harness();
  afterEach(() => h.cleanup());

  it('correlates 1,000 concurrent requests: each gets its own response', async () => {
    const room = await h.room();
    const client = await ready(h.client(room));
    const ids = Array.from({ length: 1000 }, (_, i) => `peer${i}@emulator.local`);
    const pending = ids.map((peerId) => client.request('getDisplayNameById', { peerId }));
    assert.equal(client.pendingCount, 1000);
    const responses = await Promise.all(pending);
    responses.forEach((r, i) => {
      assert.equal(r.result, true);
      assert.equal(r.method, 'getDisplayNameById');
      assert.equal(r.peerId, ids[i], `response ${i} belongs to its request`);
    });
    assert.equal(new Set(responses.map((r) => r.requestId)).size, 1000, 'unique requestIds');
    assert.equal(client.pendingCount, 0);
  });

  it('times out a request, ignores its late response quietly, and leaks nothing', async () => {
    const room = await h.room();
    const logger = new MemoryLogger();
    const client = await ready(h.client(room, {}, {}, logger));
    room.faults.delayResponses(500);
    const lateResponse = waitForEvent(room, 'response', {
      timeoutMs: 5000,
      filter: (f) => (f as { method: string }).method === 'getAppState',
    });
    const started = Date.now();
    const outcome = await settle(client.request('getAppState', {}, { timeoutMs: 150 }));
    assert.equal(outcome.error?.code, 'TIMEOUT');
    assert.equal(
      outcome.error?.message,
      'getAppState: sent, but no response from the Room within 150 ms (it may have run)',
    );
    assert.ok(Date.now() - started < 450, 'failed at its deadline, not at the response');
    assert.equal(client.pendingCount, 0);
    await lateResponse;
    room.faults.delayResponses(0);
    const after = await client.request('getAppState');
    assert.equal(after.result, true);
    assert.equal(client.state, 'ready');
    assert.deepEqual(logger.warnings, [], 'the late response is not a warning');
  });

  it('rejects requests in flight at once when the socket drops, and each exactly once', async () => {
    const room = await h.room();
    const client = await ready(h.client(room));
    room.faults.neverAnswer(['getDisplayNameById']);
    let settledCount = 0;
    const outcomes = [1, 2, 3].map((i) =>
      settle(
        client.request('getDisplayNameById', { peerId: `p${i}` }, { timeoutMs: 10_000 }).finally(() => settledCount++),
      ),
    );
    await waitUntil(
      room,
      ['request'],
      () => framesOf(room, 'getDisplayNameById').length === 3,
      5000,
      'requests to arrive',
    );
    const started = Date.now();
    room.faults.dropConnections();
    const results = await Promise.all(outcomes);
    assert.ok(Date.now() - started < 2000, 'rejected when the socket closed, not at the deadline');
    for (const r of results) {
      assert.equal(r.error?.code, 'CONNECTION_LOST');
      assert.match(
        r.error!.message,
        /^getDisplayNameById: connection lost before the Room answered \(connection lost \(code 1006\)\)$/,
      );
    }
    assert.equal(settledCount, 3);
    assert.equal(client.pendingCount, 0);
  });

  it('rejects everything pending with CLOSED on close()', async () => {
    const room = await h.room();
    const client = await ready(h.client(room));
    room.faults.neverAnswer(true);
    const inflight = settle(client.request('getAppState', {}, { timeoutMs: 10_000 }));
    await waitUntil(room, ['request'], () => framesOf(room, 'getAppState').length >= 2, 5000, 'request to arrive');
    const started = Date.now();
    await client.close();
    assert.ok(Date.now() - started < 1500, 'close() resolves quickly');
    assert.equal((await inflight).error?.code, 'CLOSED');
    assert.equal(client.state, 'closed');
    const after = (await settle(client.request('getAppState'))).error as (Error & { sent?: boolean }) | undefined;
    assert.equal((after as { code?: string } | undefined)?.code, 'CLOSED');
    // A flow reads CLOSED both ways: the error must say that this one was never sent.
    assert.equal(after?.sent, false);
    assert.match(after?.message ?? '', /not sent/);
    assert.equal(client.pendingCount, 0);
    await client.close(); // idempotent
  });

  it('sends nothing for an invalid request', async () => {
    const room = await h.room();
    const client = await ready(h.client(room));
    await waitUntil(
      room,
      ['request'],
      () => framesOf(room, 'getAppState').length === 1,
      5000,
      'the initial getAppState',
    );
    room.clearRequests();
    const cases: [string, unknown, string][] = [
      ['call', {}, 'INVALID_PARAMS'],
      ['setMicMute', { mute: 'yes' }, 'INVALID_PARAMS'],
      ['makeCoffee', {}, 'UNKNOWN_METHOD'],
      ['getAppState', [], 'INVALID_PARAMS'],
      ['call', { peerId: 'a', requestId: 'mine' }, 'INVALID_PARAMS'],
    ];
    for (const [method, params, code] of cases) {
      const r = await settle(client.request(method, params as never));
      assert.equal(r.error?.code, code, `${method} ${JSON.stringify(params)}`);
    }
    const badTimeout = await settle(client.request('getAppState', {}, { timeoutMs: -5 }));
    assert.equal(badTimeout.error?.code, 'INVALID_PARAMS');
    // Prove the socket works and nothing invalid went before this request.
    await client.request('getAppState');
    assert.deepEqual(
      room.requests.map((r) => r.frame.method),
      ['getAppState'],
    );
    assert.equal(client.pendingCount, 0);
  });

  it('sends an unknown method with strict:false and reports the Room refusal with its response', async () => {
    const room = await h.room();
    const client = await ready(h.client(room));
    const r = await settle(client.request('makeCoffee', { strength: 3 }, { strict: false }));
    assert.equal(r.error?.code, 'ROOM_ERROR');
    assert.equal(r.error?.message, 'makeCoffee failed: unknown method "makeCoffee"');
    assert.equal((r.error as unknown as { response: { result: boolean } }).response.result, false);
    assert.equal(framesOf(room, 'makeCoffee')[0].strength, 3);
  });

  it('refuses admin-only methods on a user connection without sending them', async () => {
    const room = await h.room({ auth: { admin: { type: 'pin', secret: '1234' }, user: { type: 'unsecured' } } });
    const explicit = await ready(h.client(room, { role: 'user' }));
    const r = await settle(explicit.request('shutdown', {}));
    assert.equal(r.error?.code, 'ADMIN_ONLY');
    assert.match(r.error!.message, /^shutdown needs the administrator control mode.*Set the role to admin/);

    // Role learnt only from the auth response: a request queued before that is refused at flush time.
    const inferred = h.client(room);
    const queued = settle(inferred.request('getLogo'));
    await ready(inferred);
    assert.equal(inferred.role, 'user');
    assert.equal((await queued).error?.code, 'ADMIN_ONLY');
    assert.equal(framesOf(room, 'shutdown').length + framesOf(room, 'getLogo').length, 0);
  });

  it('queues a request made while connecting and sends it once ready', async () => {
    const room = await h.room();
    const client = h.client(room);
    const early = client.request('getAppState');
    assert.equal(client.pendingCount, 1);
    client.start();
    const mid = client.request('getMicMute');
    const [a, b] = await Promise.all([early, mid]);
    assert.equal(a.result, true);
    assert.equal(typeof b.mute, 'boolean');
    assert.equal(framesOf(room, 'getMicMute').length, 1);
  });

  it('fails NOT_CONNECTED at the deadline when the Room is down, with the reason', async () => {
    const room = await h.room();
    const client = await ready(h.client(room));
    await room.stop();
    await nextState(client, 'backoff');
    const r = await settle(client.request('getAppState', {}, { timeoutMs: 400 }));
    assert.equal(r.error?.code, 'NOT_CONNECTED');
    assert.match(
      r.error!.message,
      /^getAppState: not sent, not connected to the Room within 400 ms \((Room unreachable: .*ECONNREFUSED.*|connection lost \(code \d+\))\)$/,
    );
    assert.equal(client.pendingCount, 0);
  });

  it('sends a request at most once: not re-sent after a reconnect', async () => {
    const room = await h.room();
    const client = await ready(h.client(room));
    room.faults.neverAnswer(['call']);
    const call = settle(client.request('call', { peerId: 'alice' }, { timeoutMs: 10_000 }));
    await waitUntil(room, ['request'], () => framesOf(room, 'call').length === 1, 5000, 'the call to arrive');
    room.faults.dropConnections();
    assert.equal((await call).error?.code, 'CONNECTION_LOST');
    room.faults.neverAnswer(null);
    await waitForState(client, 'ready');
    await client.request('getAppState'); // a full round trip on the new connection
    assert.equal(framesOf(room, 'call').length, 1, 'call did not ring twice');
  });

  it('survives malformed frames and warns once per kind', async () => {
    const room = await h.room();
    const logger = new MemoryLogger();
    const client = await ready(h.client(room, {}, {}, logger));
    const raw = [
      'not json',
      'not json either',
      '[1,2]',
      '42',
      '{"method":"event"}',
      '{"error":"boom"}',
      '{"method":"foo","requestId":"nope","result":true}',
    ];
    for (const text of raw) room.faults.sendRaw(text);
    room.faults.sendRaw(Buffer.from([1, 2, 3]), { binary: true });
    const r = await client.request('getAppState');
    assert.equal(r.result, true);
    assert.equal(client.state, 'ready');
    const warnings = logger.warnings;
    assert.equal(warnings.filter((w) => w.includes('not JSON:')).length, 1, 'rate-limited per kind');
    assert.ok(warnings.some((w) => w.includes('not a JSON object')));
    assert.ok(warnings.some((w) => w.includes('without an event name')));
    assert.ok(warnings.some((w) => w.includes('without a method: boom')));
    assert.ok(warnings.some((w) => w.includes('"foo" response that matches no pending request')));
    assert.ok(warnings.some((w) => w.includes('binary frame')));
  });

  it('drops a connection whose frame exceeds maxPayloadBytes and reconnects', async () => {
    const room = await h.room();
    const client = await ready(h.client(room, {}, { maxPayloadBytes: 1024 }));
    const lost = nextState(client, 'backoff');
    room.faults.sendRaw(JSON.stringify({ method: 'event', event: 'myEvent', data: 'x'.repeat(4096) }));
    const change: StateChange = await lost;
    assert.match(change.reason!, /^connection lost \(code 10\d\d: Max payload size exceeded\)$/);
    await waitForState(client, 'ready');
  });

  it('routes notifications by name and to "*", and unsubscribes without leaks', async () => {
    const room = await h.room();
    const client = await ready(h.client(room));
    const byName: RoomNotification[] = [];
    const all: string[] = [];
    const off1 = client.subscribe('myEvent', (n) => byName.push(n));
    const off2 = client.subscribe('*', (n) => all.push(n.event));
    const emitted = waitForEvent<RoomNotification>(client, 'notification', { filter: (n) => n.event === 'myEvent' });
    room.emitEvent('participantLeftConference', { peerId: 'x' });
    room.emitEvent('myEvent', { data: 'hello' });
    await emitted;
    assert.equal(byName.length, 1);
    assert.equal(byName[0].data, 'hello');
    assert.deepEqual(
      all.filter((e) => e !== 'appStateChanged'),
      ['participantLeftConference', 'myEvent'],
    );
    assert.equal(client.listenerCount('myEvent'), 1);
    off1();
    off2();
    assert.equal(client.listenerCount('myEvent'), 0);
    assert.equal(client.listenerCount('*'), 0);
  });
});
