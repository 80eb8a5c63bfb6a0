import * as assert from 'node:assert/strict';
import { ConnectionPool } from '../../src/protocol/pool';
import { waitForEvent, waitUntil } from '../support/wait';
import { FAST, Harness, waitForState } from './helpers';

describe('protocol: connection pool', function () {
  this.timeout(20_000);
  const h = new Harness();
  afterEach(() => h.cleanup());

  function makePool(graceMs: number): ConnectionPool {
    const pool = new ConnectionPool({ graceMs });
    h.onCleanup(() => pool.closeAll());
    return pool;
  }

  it('shares one socket between users of one endpoint', async () => {
    const room = await h.room({ auth: { admin: { type: 'pin', secret: '1234' }, user: { type: 'pin', secret: '9999' } } });
    const pool = makePool(5000);
    let connections = 0;
    room.on('connection', () => connections++);
    const endpoint = { host: '127.0.0.1', port: room.webPort, authType: 'secured' as const, secret: '1234' };
    const one = pool.acquire(endpoint, FAST);
    const two = pool.acquire({ ...endpoint }, FAST);
    assert.equal(one.client, two.client);
    assert.equal(pool.size, 1);
    await waitForState(one.client, 'ready');
    await Promise.all([one.client.request('getAppState'), two.client.request('getMicMute')]);
    assert.equal(connections, 1);
    assert.equal(room.connectionCount, 1);

    // Another secret is another identity (and another connection).
    const other = pool.acquire({ ...endpoint, secret: '9999' }, FAST);
    assert.notEqual(other.client, one.client);
    assert.equal(pool.size, 2);
    await waitForState(other.client, 'ready');
    assert.equal(other.client.role, 'user');
  });

  it('keeps the socket through a redeploy within the grace period, closes it after', async () => {
    const room = await h.room();
    const pool = makePool(400);
    let connections = 0;
    room.on('connection', () => connections++);
    const endpoint = { host: '127.0.0.1', port: room.webPort };
    const first = pool.acquire(endpoint, FAST);
    const client = first.client;
    await waitForState(client, 'ready');

    // Redeploy: the old node releases, the new one acquires the unchanged endpoint.
    first.release();
    first.release(); // idempotent: must not drop a second reference
    const second = pool.acquire(endpoint, FAST);
    assert.equal(second.client, client, 'same client');
    const third = pool.acquire(endpoint, FAST);
    third.release();
    third.release();
    await new Promise((r) => setTimeout(r, 600)); // longer than the grace period
    assert.equal(client.state, 'ready', 'still in use: not closed');
    assert.equal(connections, 1, 'no new connection');

    const releasedAt = Date.now();
    const closed = waitForEvent(client, 'state', { filter: (c) => (c as { state: string }).state === 'closed' });
    second.release();
    await closed;
    assert.ok(Date.now() - releasedAt >= 380, 'closed only after the grace period');
    assert.equal(pool.size, 0);
    await waitUntil(room, ['disconnect'], () => room.connectionCount === 0, 5000, 'the socket to close');

    // The next acquire builds a fresh client.
    const fresh = pool.acquire(endpoint, FAST);
    assert.notEqual(fresh.client, client);
    await waitForState(fresh.client, 'ready');
  });

  it('closeAll closes every client', async () => {
    const room = await h.room();
    const pool = makePool(5000);
    const lease = pool.acquire({ host: '127.0.0.1', port: room.webPort }, FAST);
    await waitForState(lease.client, 'ready');
    await pool.closeAll();
    assert.equal(lease.client.state, 'closed');
    assert.equal(pool.size, 0);
    lease.release(); // harmless after closeAll
  });
});
