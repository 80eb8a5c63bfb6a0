import assert from 'node:assert/strict';
import type { RoomEmulator } from '../../src/emulator';
import { methodNames } from '../../src/protocol';
import { collect, waitForEvent, waitUntil } from '../support/wait';
import {
  configNode,
  helper,
  Inbox,
  isReady,
  isReadyIdle,
  load,
  node,
  placed,
  quietWindow,
  startRoom,
  statusHistory,
  waitForStatus,
  WAIT_MS,
  withNodeRed,
} from './harness';

/** config + a command node + an event node (myEvent) on one tab; names let a test "modify" nodes. */
function appFlow(
  room: RoomEmulator,
  names: { cmd?: string; ev?: string } = {},
  cfg: Record<string, unknown> = {},
): object[] {
  return [
    { id: 'tab', type: 'tab', label: 'app' },
    configNode(room, cfg),
    placed({
      id: 'cmd',
      type: 'room-command',
      z: 'tab',
      name: names.cmd ?? 'cmd',
      room: 'cfg',
      method: 'getMicMute',
      params: {},
      wires: [['cmd-out']],
    }),
    placed({ id: 'cmd-out', type: 'helper', z: 'tab' }),
    placed({
      id: 'ev',
      type: 'room-event',
      z: 'tab',
      name: names.ev ?? 'ev',
      room: 'cfg',
      events: ['myEvent'],
      topicPrefix: '',
      wires: [['ev-out']],
    }),
    placed({ id: 'ev-out', type: 'helper', z: 'tab' }),
  ];
}

describe('room-config node', function () {
  this.timeout(40000);
  withNodeRed();

  describe('shared connection and redeploys', () => {
    /** Loads the app flow and waits until both user nodes show the connected Room. */
    async function loadApp(): Promise<RoomEmulator> {
      const room = await startRoom();
      const firstConnection = waitForEvent(room, 'connection', { timeoutMs: WAIT_MS });
      await load(appFlow(room));
      await firstConnection;
      await waitForStatus(node('cmd'), isReadyIdle, 'cmd ready');
      await waitForStatus(node('ev'), isReadyIdle, 'ev ready');
      return room;
    }

    /** After a deploy: one socket, the new nodes are live, one notification -> exactly one message. */
    async function assertOneSocketNoDuplicates(room: RoomEmulator, newConnections: unknown[]): Promise<void> {
      await waitForStatus(node('cmd'), isReadyIdle, 'cmd ready after deploy');
      await waitForStatus(node('ev'), isReadyIdle, 'ev ready after deploy');
      const events = new Inbox(node('ev-out'));
      const responses = new Inbox(node('cmd-out'));
      room.emitEvent('myEvent', { n: 1 });
      await events.next();
      node('cmd').receive({});
      await responses.next();
      await quietWindow(300);
      assert.equal(events.count(), 0, 'one notification gives exactly one message');
      assert.equal(responses.count(), 0);
      assert.equal(newConnections.length, 0, 'no new socket: the redeploy kept the connection');
      assert.equal(room.connectionCount, 1);
    }

    it('connects once on start; the config node holds no socket without users', async () => {
      const room = await startRoom();
      await load([configNode(room)]);
      await quietWindow(300);
      assert.equal(room.connectionCount, 0, 'a config node without users does not connect');
    });

    for (const type of ['full', 'nodes', 'flows'] as const) {
      it(`a "${type}" deploy keeps the one socket and gives no duplicate events`, async () => {
        const room = await loadApp();
        const connections = collect(room, 'connection');
        try {
          const flow = appFlow(room, type === 'full' ? {} : { cmd: 'cmd changed', ev: 'ev changed' });
          await helper.setFlows(flow, type);
          await assertOneSocketNoDuplicates(room, connections.values);
        } finally {
          connections.stop();
        }
      });
    }

    it('a "nodes" deploy that changes only the config name keeps the socket', async () => {
      const room = await loadApp();
      const connections = collect(room, 'connection');
      try {
        await helper.setFlows(appFlow(room, {}, { name: 'renamed' }), 'nodes');
        await assertOneSocketNoDuplicates(room, connections.values);
      } finally {
        connections.stop();
      }
    });

    it('deleting the config node (and its users) closes its socket at once, not after the grace period', async () => {
      const room = await loadApp();
      const closed = waitForEvent(room, 'disconnect', { timeoutMs: 2000 });
      const started = Date.now();
      await helper.setFlows([{ id: 'tab', type: 'tab', label: 'app' }], 'full');
      await closed;
      assert.ok(Date.now() - started < 2000, 'well before the 5 s grace period');
      assert.equal(room.connectionCount, 0);
    });

    it('changing the endpoint opens a new socket and closes the old one at once (no mutual displacement)', async () => {
      const room = await loadApp();
      const closed = waitForEvent(room, 'disconnect', { timeoutMs: WAIT_MS });
      const opened = waitForEvent(room, 'connection', { timeoutMs: WAIT_MS });
      await helper.setFlows(appFlow(room, {}, { apiVersion: '1' }), 'nodes');
      await Promise.all([closed, opened]);
      await waitForStatus(node('ev'), isReadyIdle, 'ready on API v1');
      assert.equal(room.connectionCount, 1);
      assert.ok(
        !statusHistory(node('ev')).some((s) => s.fill === 'yellow' && s.shape === 'dot'),
        JSON.stringify(statusHistory(node('ev'))),
      );
      const events = new Inbox(node('ev-out'));
      room.emitEvent('myEvent', {});
      await events.next();
    });

    it('two config nodes with the same endpoint share one socket', async () => {
      const room = await startRoom();
      const flow = [
        { id: 'tab', type: 'tab' },
        configNode(room, { id: 'cfgA', name: 'A' }),
        configNode(room, { id: 'cfgB', name: 'B' }),
        placed({ id: 'evA', type: 'room-event', z: 'tab', room: 'cfgA', events: ['myEvent'], wires: [['outA']] }),
        placed({ id: 'outA', type: 'helper', z: 'tab' }),
        placed({ id: 'evB', type: 'room-event', z: 'tab', room: 'cfgB', events: ['myEvent'], wires: [['outB']] }),
        placed({ id: 'outB', type: 'helper', z: 'tab' }),
      ];
      const connections = collect(room, 'connection');
      try {
        await load(flow);
        await waitForStatus(node('evA'), isReady, 'A ready');
        await waitForStatus(node('evB'), isReady, 'B ready');
        const a = new Inbox(node('outA'));
        const b = new Inbox(node('outB'));
        room.emitEvent('myEvent', {});
        await Promise.all([a.next(), b.next()]);
        assert.equal(connections.values.length, 1);
        assert.equal(room.connectionCount, 1);
      } finally {
        connections.stop();
      }
    });

    it('reconnects by itself after the Room restarts on another port (no redeploy needed)', async () => {
      const room = await loadApp();
      const oldPort = room.wsPort;
      await room.restart();
      assert.notEqual(room.wsPort, oldPort);
      await waitForStatus(node('ev'), (s) => s.fill !== 'green', 'noticed the restart');
      await waitForStatus(node('ev'), isReadyIdle, 'ready again');
      const events = new Inbox(node('ev-out'));
      room.emitEvent('myEvent', {});
      await events.next();
    });
  });

  describe('validation and settings', () => {
    it('an invalid config logs an error and its users show "invalid config: ..."', async () => {
      const room = await startRoom();
      await load(appFlow(room, {}, { port: '', wsPort: '' }));
      const status = await waitForStatus(node('ev'), (s) => s.fill === 'red', 'invalid config');
      assert.equal(status.shape, 'ring');
      assert.match(String(status.text), /^invalid config: set the web port or/);
      assert.equal(room.connectionCount, 0);
    });

    it('secured without a PIN is an invalid config', async () => {
      const room = await startRoom();
      await load(appFlow(room, {}, { authType: 'secured' }));
      const status = await waitForStatus(node('cmd'), (s) => s.fill === 'red', 'invalid config');
      assert.match(String(status.text), /PIN/);
    });

    it('an explicit WebSocket port skips discovery', async () => {
      const room = await startRoom();
      await load(appFlow(room, {}, { port: '', wsPort: String(room.wsPort) }));
      await waitForStatus(node('ev'), isReadyIdle, 'ready via wsPort');
    });

    it('roomConfigRequestTimeoutMs from settings.js is the default request timeout', async () => {
      const room = await startRoom();
      await load([
        ...appFlow(room),
        placed({ id: 'catcher', type: 'catch', z: 'tab', scope: null, wires: [['caught']] }),
        placed({ id: 'caught', type: 'helper', z: 'tab' }),
      ]);
      await waitForStatus(node('cmd'), isReadyIdle, 'ready');
      room.faults.neverAnswer(['getMicMute']);
      const caught = new Inbox(node('caught'));
      const started = Date.now();
      node('cmd').receive({});
      const err = await caught.next((m) => m.error?.code === 'TIMEOUT', 'TIMEOUT', 15000);
      const took = Date.now() - started;
      // Test settings: 4000 ms (the built-in default is 10 s).
      assert.ok(took >= 3500 && took < 9000, `took ${took} ms`);
      assert.match(err.error.message, /getMicMute/);
    });
  });

  describe('admin routes', () => {
    it('GET /trueconf-room/catalogue gives the method picker everything it needs', async () => {
      const room = await startRoom();
      await load([configNode(room)]);
      const res = await helper.request().get('/trueconf-room/catalogue').expect(200);
      const cat = res.body;
      assert.deepEqual(Object.keys(cat.methods).sort(), methodNames());
      assert.equal(cat.methods.call.params.peerId.required, true);
      assert.equal(cat.methods.call.outcome, true);
      assert.equal(cat.methods.getMicMute.outcome, false);
      assert.equal(cat.methods.logout.adminOnly, true);
      assert.match(cat.methods.call.doc, /^https:\/\/docs\.trueconf\.com\/videosdk\/en\/commands\/call/);
      assert.equal(cat.methods.call.docGuessed, false);
      assert.equal(cat.methods.getAbook.doc, 'https://trueconf.com/docs/videosdk/en/commands/getAbook');
      assert.equal(cat.methods.getAbook.docGuessed, true);
      assert.ok(cat.events.includes('inviteReceived'));
      assert.equal(typeof cat.appStates['3'], 'string');
      assert.ok(cat.outcomeMethods.includes('call'));
      // The editor judges timeouts and lists settings.js keys from the runtime's own values, not copies.
      assert.deepEqual(cat.limits, { maxTimeoutMs: 600000 });
      assert.deepEqual([...cat.settings].sort(), [
        'roomConfigConnectTimeoutMs',
        'roomConfigHeartbeatIntervalMs',
        'roomConfigHeartbeatTimeoutMs',
        'roomConfigMaxQueued',
        'roomConfigReconnectMaxMs',
        'roomConfigRequestTimeoutMs',
      ]);
    });

    it('POST /trueconf-room/test-connection: ok for a reachable Room', async () => {
      const room = await startRoom();
      await load([configNode(room)]);
      const res = await helper
        .request()
        .post('/trueconf-room/test-connection')
        .send({
          host: '127.0.0.1',
          port: room.webPort,
          instance: 'default',
          apiVersion: '2',
          authType: 'unsecured',
          role: '',
          tls: false,
        })
        .expect(200);
      assert.equal(res.body.ok, true, res.body.message);
      assert.equal(res.body.appState, 3);
    });

    it('POST /trueconf-room/test-connection: a wrong PIN fails without echoing it', async () => {
      const room = await startRoom({
        auth: { admin: { type: 'pin', secret: '1234' }, user: { type: 'pin', secret: '1234' } },
      });
      await load([configNode(room)]);
      const res = await helper
        .request()
        .post('/trueconf-room/test-connection')
        .send({ host: '127.0.0.1', port: room.webPort, authType: 'secured', secret: '987654', apiVersion: '2' })
        .expect(200);
      assert.equal(res.body.ok, false);
      assert.ok(res.body.message.length > 0);
      assert.ok(!JSON.stringify(res.body).includes('987654'), 'the secret is never echoed');
    });

    it('POST /trueconf-room/test-connection: an unchanged password (__PWRD__) uses the deployed credentials', async () => {
      const room = await startRoom({
        auth: { admin: { type: 'pin', secret: '1234' }, user: { type: 'pin', secret: '1234' } },
      });
      await load([configNode(room, { authType: 'secured' })], { cfg: { secret: '1234' } });
      const res = await helper
        .request()
        .post('/trueconf-room/test-connection')
        .send({
          id: 'cfg',
          host: '127.0.0.1',
          port: room.webPort,
          authType: 'secured',
          secret: '__PWRD__',
          apiVersion: '2',
        })
        .expect(200);
      assert.equal(res.body.ok, true, res.body.message);
    });

    it('POST /trueconf-room/test-connection: the stored password is never sent to another address', async () => {
      const room = await startRoom({
        auth: { admin: { type: 'pin', secret: '1234' }, user: { type: 'pin', secret: '1234' } },
      });
      const elsewhere = await startRoom();
      await load([configNode(room, { authType: 'secured' })], { cfg: { secret: '1234' } });
      const res = await helper
        .request()
        .post('/trueconf-room/test-connection')
        .send({
          id: 'cfg',
          host: '127.0.0.1',
          port: elsewhere.webPort,
          authType: 'secured',
          secret: '__PWRD__',
          apiVersion: '2',
        })
        .expect(200);
      assert.equal(res.body.ok, false);
      assert.match(res.body.message, /PIN or password/);
      assert.equal(elsewhere.requests.length, 0, 'nothing, let alone the secret, reached the other address');
    });

    it('POST /trueconf-room/test-connection: the stored password never goes out with less certificate checking than it was saved with', async () => {
      const room = await startRoom({
        auth: { admin: { type: 'pin', secret: '1234' }, user: { type: 'pin', secret: '1234' } },
      });
      // Saved with TLS and verification on; the dialog now ticks "accept self-signed certificates".
      await load([configNode(room, { authType: 'secured', tls: true })], { cfg: { secret: '1234' } });
      const form = {
        id: 'cfg',
        host: '127.0.0.1',
        port: room.webPort,
        authType: 'secured',
        secret: '__PWRD__',
        apiVersion: '2',
        tls: true,
      };
      const insecure = await helper
        .request()
        .post('/trueconf-room/test-connection')
        .send({ ...form, tlsInsecure: true })
        .expect(200);
      assert.equal(insecure.body.ok, false);
      assert.match(insecure.body.message, /certificate checking differs.*PIN or password/);
      // The same form with verification on passes the guard (and then fails on the plain-HTTP emulator).
      const verified = await helper.request().post('/trueconf-room/test-connection').send(form).expect(200);
      assert.equal(verified.body.ok, false);
      assert.doesNotMatch(verified.body.message, /PIN or password/);
    });

    it('POST /trueconf-room/test-connection: testing the deployed endpoint answers from the live socket (no displacement)', async () => {
      const room = await startRoom();
      await load(appFlow(room));
      await waitForStatus(node('ev'), isReadyIdle, 'ready');
      const connections = collect(room, 'connection');
      try {
        const res = await helper
          .request()
          .post('/trueconf-room/test-connection')
          .send({
            id: 'cfg',
            host: '127.0.0.1',
            port: room.webPort,
            instance: 'default',
            apiVersion: '2',
            authType: 'unsecured',
            role: '',
            tls: false,
          })
          .expect(200);
        assert.equal(res.body.ok, true);
        assert.equal(res.body.appState, 3);
        assert.equal(connections.values.length, 0, 'no second session in the same control mode');
        assert.ok(!statusHistory(node('ev')).some((st) => st.text === 'displaced by another client'));
      } finally {
        connections.stop();
      }
    });

    it('POST /trueconf-room/test-connection: another identity in the live control mode is only checked for reachability (no displacement)', async () => {
      const room = await startRoom();
      await load(appFlow(room));
      await waitForStatus(node('ev'), isReadyIdle, 'ready');
      const authenticated = collect(room, 'authenticated');
      try {
        for (let i = 0; i < 5; i++) {
          // API v1 instead of the deployed v2: another endpoint identity for the same Room and mode.
          const res = await helper
            .request()
            .post('/trueconf-room/test-connection')
            .send({ host: '127.0.0.1', port: room.webPort, apiVersion: '1', authType: 'unsecured', role: '' })
            .expect(200);
          assert.equal(res.body.ok, true);
          assert.equal(res.body.untested, true);
          assert.match(res.body.message, /not tested/);
        }
        assert.equal(authenticated.values.length, 0, 'the test never authenticated');
        assert.ok(!statusHistory(node('ev')).some((st) => st.text === 'displaced by another client'));
        assert.ok(isReadyIdle(statusHistory(node('ev')).at(-1)!), 'the deployed node is still green');
      } finally {
        authenticated.stop();
      }
    });

    it('POST /trueconf-room/test-connection: an invalid form gets a readable reason', async () => {
      const room = await startRoom();
      await load([configNode(room)]);
      const res = await helper.request().post('/trueconf-room/test-connection').send({ host: '', port: 1 }).expect(200);
      assert.equal(res.body.ok, false);
      assert.match(res.body.message, /host/);
    });

    it('GET /trueconf-room/live/:id/:list is 404 when the config is not deployed', async () => {
      const room = await startRoom();
      await load([configNode(room)]);
      const res = await helper.request().get('/trueconf-room/live/nope/participants').expect(404);
      assert.equal(typeof res.body.error, 'string');
      // Deployed but without users: no connection to ask either.
      await helper.request().get('/trueconf-room/live/cfg/contacts').expect(404);
      await helper.request().get('/trueconf-room/live/cfg/whatever').expect(400);
    });

    it('GET /trueconf-room/live/:id/:list lists contacts and conference participants from the live connection', async () => {
      const room = await startRoom();
      const flow = appFlow(room);
      Object.assign(flow[2], { method: '' });
      await load(flow);
      await waitForStatus(node('cmd'), isReadyIdle, 'ready');
      const contacts = await helper.request().get('/trueconf-room/live/cfg/contacts').expect(200);
      assert.ok(contacts.body.items.length > 0);
      assert.equal(typeof contacts.body.items[0].id, 'string');
      const out = new Inbox(node('cmd-out'));
      node('cmd').receive({ method: 'call', payload: { peerId: 'alice' } });
      await out.next();
      await waitUntil(room, ['notification'], () => room.appState === 5, WAIT_MS, 'in conference');
      const participants = await helper.request().get('/trueconf-room/live/cfg/participants').expect(200);
      assert.ok(
        participants.body.items.some((p: { id: string }) => p.id.startsWith('alice')),
        JSON.stringify(participants.body),
      );
    });
  });
});
