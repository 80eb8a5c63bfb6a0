import * as assert from 'node:assert/strict';
import * as net from 'node:net';
import { RoomClient } from '../../src/protocol/client';
import { testConnection } from '../../src/protocol/probe';
import type { StateChange } from '../../src/protocol/types';
import { TEST_TLS } from '../emulator/tls-fixture';
import { collect, waitForEvent, waitUntil } from '../support/wait';
import { FAST, framesOf, Harness, MemoryLogger, nextState, ready, settle, waitForState } from './helpers';

/** A port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('protocol: connecting and authenticating', function () {
  this.timeout(20_000);
  const h = new Harness();
  afterEach(() => h.cleanup());

  describe('discovery', () => {
    it('finds the WebSocket port in config.json and walks through the named states', async () => {
      const room = await h.room();
      const client = h.client(room);
      const states = collect<StateChange>(client, 'state');
      const appState = waitForEvent<number>(client, 'appState');
      assert.equal(client.state, 'idle');
      await ready(client);
      states.stop();
      assert.deepEqual(
        states.values.map((s) => s.state),
        ['discovering', 'connecting', 'authenticating', 'ready'],
      );
      assert.equal(client.wsPort, room.wsPort);
      assert.equal(await appState, 3);
      assert.equal(client.appState, 3);
    });

    it('uses the instance name in the discovery path', async () => {
      const room = await h.room({ instance: 'lobby' });
      const client = await ready(h.client(room, { instance: 'lobby' }));
      assert.equal(client.wsPort, room.wsPort);
      const wrong = h.client(room, { instance: 'default' });
      wrong.start();
      const change = await nextState(wrong, 'backoff');
      assert.match(change.reason!, /Room unreachable: .*\/public\/default\/config\.json answered HTTP 404/);
    });

    it('skips discovery when the WebSocket port is given', async () => {
      const room = await h.room();
      const client = h.client(room, { port: undefined, wsPort: room.wsPort });
      const states = collect<StateChange>(client, 'state');
      await ready(client);
      states.stop();
      assert.ok(!states.values.some((s) => s.state === 'discovering'));
    });

    it('reports an unreachable Room in the state reason', async () => {
      const port = await closedPort();
      const client = h.track(new RoomClient({ host: '127.0.0.1', port }, FAST));
      client.start();
      const change = await nextState(client, 'backoff');
      assert.match(
        change.reason!,
        /^Room unreachable: cannot reach http:\/\/127\.0\.0\.1:\d+\/public\/default\/config\.json: connect ECONNREFUSED/,
      );
      assert.ok(change.retryInMs! >= 0 && change.retryInMs! <= 500);
    });
  });

  describe('TLS', () => {
    it('connects over https/wss when the certificate is trusted, and refuses an untrusted one', async () => {
      const room = await h.room({ tls: TEST_TLS });
      const trusted = await ready(h.client(room, { tls: true, ca: TEST_TLS.cert }));
      assert.equal(trusted.wsPort, room.wsPort);
      const lax = await ready(h.client(room, { tls: true, rejectUnauthorized: false }));
      assert.equal(lax.state, 'ready');
      const strict = h.client(room, { tls: true });
      strict.start();
      const change = await nextState(strict, 'backoff');
      assert.match(
        change.reason!,
        /^Room unreachable: cannot reach https:\/\/127\.0\.0\.1:\d+\/public\/default\/config\.json: self[- ]signed certificate/,
      );
    });
  });

  describe('API versions', () => {
    for (const version of ['1', '2'] as const) {
      it(`API v${version}: connects to /v${version} and sends setUsedApiVersion "${version}" first`, async () => {
        const room = await h.room();
        await ready(h.client(room, { apiVersion: version }));
        const first = room.requests[0].frame;
        assert.equal(first.method, 'setUsedApiVersion');
        assert.equal(first.version, version);
        assert.equal(typeof first.requestId, 'string');
        assert.equal(room.requests[1].frame.method, 'auth');
        const info = room.clients().find((c) => c.connId === room.requests[0].connId);
        assert.equal(info?.apiVersion, Number(version));
      });
    }
  });

  describe('auth modes', () => {
    const protectedRoom = () =>
      h.room({ auth: { admin: { type: 'password', secret: 'Adm1n-pass' }, user: { type: 'pin', secret: '4711' } } });

    it('unsecured: admin by default, user when asked for', async () => {
      const room = await h.room();
      const admin = await ready(h.client(room));
      assert.equal(admin.role, 'admin');
      assert.deepEqual(framesOf(room, 'auth')[0], {
        method: 'auth',
        requestId: framesOf(room, 'auth')[0].requestId,
        type: 'unsecured',
      });
      const user = await ready(h.client(room, { role: 'user' }));
      assert.equal(user.role, 'user');
      assert.equal(framesOf(room, 'auth')[1].role, 'user');
      assert.equal(framesOf(room, 'auth')[1].type, 'unsecured');
    });

    it('password: admin mode with the admin password', async () => {
      const room = await protectedRoom();
      const client = await ready(h.client(room, { authType: 'secured', secret: 'Adm1n-pass', role: 'admin' }));
      assert.equal(client.role, 'admin');
      const auth = framesOf(room, 'auth')[0];
      assert.equal(auth.type, 'secured');
      assert.equal(auth.credentials, 'Adm1n-pass');
      assert.equal(auth.role, 'admin');
    });

    it('PIN: user mode with the user PIN, role inferred from the response', async () => {
      const room = await protectedRoom();
      const client = await ready(h.client(room, { authType: 'secured', secret: '4711' }));
      assert.equal(client.role, 'user');
    });

    it('PIN and password work for the other modes too', async () => {
      const room = await h.room({
        auth: { admin: { type: 'pin', secret: '1234' }, user: { type: 'password', secret: 'user-pw' } },
      });
      const admin = await ready(h.client(room, { authType: 'secured', secret: '1234', role: 'admin' }));
      const user = await ready(h.client(room, { authType: 'secured', secret: 'user-pw', role: 'user' }));
      assert.equal(admin.role, 'admin');
      assert.equal(user.role, 'user');
      assert.equal(admin.state, 'ready');
    });

    it('re-authenticates with the token after a reconnect', async () => {
      const room = await protectedRoom();
      const client = await ready(h.client(room, { authType: 'secured', secret: '4711', role: 'user' }));
      const lost = nextState(client, 'backoff');
      room.faults.dropConnections();
      await lost;
      await waitForState(client, 'ready');
      const auths = framesOf(room, 'auth');
      assert.equal(auths.length, 2);
      assert.equal(auths[0].credentials, '4711');
      assert.equal(auths[1].type, 'secured');
      assert.notEqual(auths[1].credentials, '4711');
      assert.match(String(auths[1].credentials), /^[0-9a-f]{16,}$/);
      assert.equal(auths[1].role, 'user');
    });

    it('falls back to the secret when the token is refused', async () => {
      const room = await protectedRoom();
      const admin = await ready(h.client(room, { authType: 'secured', secret: 'Adm1n-pass', role: 'admin' }));
      const user = await ready(h.client(room, { authType: 'secured', secret: '4711', role: 'user' }));
      await admin.request('clearTokens'); // the Room forgets every token it issued
      const lost = nextState(user, 'backoff');
      room.faults.dropConnections();
      await lost;
      await waitForState(user, 'ready');
      const userAuths = framesOf(room, 'auth').filter((f) => f.role === 'user');
      assert.deepEqual(
        userAuths.map((f) => (f.credentials === '4711' ? 'secret' : 'token')),
        ['secret', 'token', 'secret'],
      );
    });
  });

  describe('rejected credentials', () => {
    it('stops in auth-failed with the reason, fails requests at once and does not retry within the window', async () => {
      const room = await h.room({
        auth: { admin: { type: 'pin', secret: '1234' }, user: { type: 'pin', secret: '9876' } },
      });
      const logger = new MemoryLogger();
      const client = h.client(
        room,
        { authType: 'secured', secret: 'wrong-secret-5555' },
        { authRetryMs: 60_000 },
        logger,
      );
      const queued = settle(client.request('getAppState', {}, { timeoutMs: 10_000 }));
      const startedAt = Date.now();
      client.start();
      const change = await nextState(client, 'auth-failed');
      // The Room's words, then what to check given what we sent.
      const EXPECTED_REASON =
        'credentials rejected: wrong credentials; check the PIN/password for the control mode the Room assigns (or choose "unsecured" if that mode has no protection)';
      assert.equal(change.reason, EXPECTED_REASON);
      assert.equal(change.retryInMs, 60_000);
      assert.equal(client.lastReason, EXPECTED_REASON);

      const early = await queued;
      assert.equal(early.error?.code, 'AUTH_FAILED');
      assert.ok(Date.now() - startedAt < 5000, 'the queued request failed without waiting for its deadline');
      assert.match(early.error!.message, /rejected the credentials/);

      const sentBefore = room.requests.length;
      const t0 = Date.now();
      const now = await settle(client.request('getAppState'));
      assert.equal(now.error?.code, 'AUTH_FAILED');
      assert.ok(Date.now() - t0 < 200);
      assert.equal(room.requests.length, sentBefore, 'nothing was sent');

      // No retry storm: within a short window, no second attempt reaches the Room.
      await new Promise((r) => setTimeout(r, 600));
      assert.equal(framesOf(room, 'auth').length, 1);
      assert.equal(client.state, 'auth-failed');

      const everything = [change.reason, early.error!.message, now.error!.message, ...logger.lines].join('\n');
      assert.ok(!everything.includes('wrong-secret-5555'), 'the secret never appears');

      // The user fixes nothing, but asks to retry: one more attempt, rejected again.
      const again = nextState(client, 'auth-failed');
      client.retryNow();
      await again;
      assert.equal(framesOf(room, 'auth').length, 2);
    });
  });

  describe('testConnection', () => {
    it('reports success, rejected credentials and an unreachable Room in one sentence', async () => {
      const room = await h.room({ auth: { admin: { type: 'pin', secret: '1234' }, user: { type: 'unsecured' } } });
      const ok = await testConnection(
        { host: '127.0.0.1', port: room.webPort, authType: 'secured', secret: '1234' },
        { timeoutMs: 5000 },
      );
      assert.deepEqual(ok, {
        ok: true,
        message: 'Connected: app state normal, role admin',
        appState: 3,
        role: 'admin',
        wsPort: room.wsPort,
      });

      const bad = await testConnection(
        { host: '127.0.0.1', port: room.webPort, authType: 'secured', secret: '0000' },
        { timeoutMs: 5000 },
      );
      assert.equal(bad.ok, false);
      assert.equal(
        bad.message,
        'Credentials rejected: wrong credentials; check the PIN/password for the control mode the Room assigns (or choose "unsecured" if that mode has no protection)',
      );

      const port = await closedPort();
      const down = await testConnection({ host: '127.0.0.1', port }, { timeoutMs: 5000 });
      assert.equal(down.ok, false);
      assert.match(down.message, /^Room unreachable: .*ECONNREFUSED/);

      const invalid = await testConnection({ host: '' }, { timeoutMs: 5000 });
      assert.equal(invalid.ok, false);
      assert.match(invalid.message, /^Invalid configuration: host/);
      await waitUntil(room, ['disconnect'], () => room.connectionCount === 0, 5000, 'every probe to close its socket');
    });
  });
});
