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

  it('closeIfUnused closes an endpoint in its grace period at once, and leaves one still leased alone', async () => {
    const room = await h.room();
    const pool = makePool(60_000);
    const endpoint = { host: '127.0.0.1', port: room.webPort };
    const one = pool.acquire(endpoint, FAST);
    await waitForState(one.client, 'ready');
    await pool.closeIfUnused(endpoint);
    assert.equal(one.client.state, 'ready', 'still leased');
    one.release();
    assert.equal(pool.size, 1, 'in its grace period');
    await pool.closeIfUnused(endpoint);
    assert.equal(one.client.state, 'closed');
    assert.equal(pool.size, 0);
    await pool.closeIfUnused({ host: 'not a host' }); // an endpoint the pool never saw
  });

  it('shares one socket between users of one endpoint', async () => {
    const room = await h.room({
      auth: { admin: { type: 'pin', secret: '1234' }, user: { type: 'pin', secret: '9999' } },
    });
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

  it('a redeploy that changes how we reach the same Room closes the idle old client at once, not after the grace period', async () => {
    const room = await h.room({ auth: { admin: { type: 'pin', secret: '1234' }, user: { type: 'unsecured' } } });
    const pool = makePool(60_000);
    const before = {
      host: '127.0.0.1',
      port: room.webPort,
      apiVersion: '1' as const,
      authType: 'secured' as const,
      secret: '1234',
    };
    const old = pool.acquire(before, FAST);
    await waitForState(old.client, 'ready');
    // Another Room endpoint in use meanwhile must not be touched.
    const otherRoom = await h.room();
    const unrelated = pool.acquire({ host: '127.0.0.1', port: otherRoom.webPort }, FAST);
    await waitForState(unrelated.client, 'ready');

    // Redeploy: the config node now asks for API v2 with the same PIN, i.e. the same control mode.
    old.release();
    const oldClosed = waitForEvent(old.client, 'state', { filter: (c) => (c as { state: string }).state === 'closed' });
    const renewed = pool.acquire({ ...before, apiVersion: '2' }, FAST);
    await oldClosed;
    await waitForState(renewed.client, 'ready');
    assert.equal(pool.size, 2, 'the renewed client and the unrelated one');
    assert.equal(unrelated.client.state, 'ready');
    // With the old socket gone at once, nothing displaces the new one.
    assert.equal(room.connectionCount, 1);
    await renewed.client.request('getAppState');
    assert.equal(renewed.client.state, 'ready');
  });

  it('a client still in use is kept when another identity for the same Room appears', async () => {
    const room = await h.room({
      auth: { admin: { type: 'pin', secret: '1234' }, user: { type: 'pin', secret: '9999' } },
    });
    const pool = makePool(60_000);
    const endpoint = { host: '127.0.0.1', port: room.webPort, authType: 'secured' as const };
    const admin = pool.acquire({ ...endpoint, secret: '1234' }, FAST);
    const user = pool.acquire({ ...endpoint, secret: '9999' }, FAST);
    await Promise.all([waitForState(admin.client, 'ready'), waitForState(user.client, 'ready')]);
    assert.equal(room.connectionCount, 2, 'admin and user modes side by side');
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
