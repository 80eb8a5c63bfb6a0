import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import type { RoomEmulator } from '../../src/emulator';
import { DEFAULT_TUNING, isAdminOnly, methodNames, methodSpec } from '../../src/protocol';
import { startNodeRed, type NodeRedProcess } from '../support/node-red-process';
import {
  adminAuthSettings,
  adminToken,
  bearer,
  captureComms,
  VIEWER_USER,
  type CommsCapture,
} from '../support/reliability-admin';
import { collect, waitForEvent } from '../support/wait';
import { SELF_SIGNED } from './fixtures/self-signed-tls';
import {
  BASE_SETTINGS,
  catchNode,
  caughtCode,
  cleanUp,
  clientOf,
  commandFlow,
  commandNode,
  configNode,
  eventNode,
  figure,
  framesOf,
  helper,
  helperNode,
  Inbox,
  injectNode,
  isGreen,
  isReadyIdle,
  load,
  logs,
  node,
  startRoom,
  statusHistory,
  TAB,
  tokensIssued,
  WAIT_MS,
  waitForStatus,
  withRuntime,
  type Msg,
} from './harness';

const ADMIN_SECRET = 'Adm1n-S3cret-7f3a9c';
const WRONG_SECRET = 'Wr0ng-S3cret-b82e41';
const ROOM_AUTH = {
  admin: { type: 'password' as const, secret: ADMIN_SECRET },
  user: { type: 'pin' as const, secret: '4321' },
};

/** JSON of anything a test captured: errors keep message and stack, cycles and BigInts do not throw. */
function dump(value: unknown): string {
  const seen = new WeakSet<object>();
  return JSON.stringify(value, (_key, v: unknown) => {
    if (v instanceof Error) return { ...v, message: v.message, stack: v.stack };
    if (typeof v === 'bigint') return String(v);
    if (typeof v === 'object' && v !== null) {
      if (seen.has(v)) return '[Circular]';
      seen.add(v);
    }
    return v;
  });
}

/** Lists every place (by name) in which one of the secrets occurs. */
function leaks(places: Record<string, string>, secrets: string[]): string[] {
  const found: string[] = [];
  for (const [where, text] of Object.entries(places)) {
    for (const secret of secrets) if (text.includes(secret)) found.push(`${where} contains ${secret.slice(0, 6)}…`);
  }
  return found;
}

/** The smallest params the catalogue accepts for a method: so that only the admin-only rule can refuse it. */
function minimalParams(method: string): Record<string, unknown> {
  const params: Record<string, unknown> = {};
  for (const [name, spec] of Object.entries(methodSpec(method)!.params)) {
    if (!spec.required) continue;
    if (spec.enum && spec.enum.length > 0) params[name] = spec.enum[0];
    else
      params[name] = { string: 'x', integer: 1, number: 1, boolean: false, object: {}, array: [], any: 'x' }[spec.type];
  }
  return params;
}

describe('reliability: security', function () {
  this.timeout(90000);

  describe('in a Node-RED runtime', () => {
    withRuntime();

    it('the secret and the Room token never appear in logs (every level), status text, messages or error texts', async () => {
      const room = await startRoom({ auth: ROOM_AUTH });
      const tokens = tokensIssued(room);
      const logMark = logs.mark();
      const secured = { authType: 'secured' };
      await load(
        [
          TAB,
          configNode(room, { ...secured, role: 'admin' }),
          configNode(room, { id: 'cfgBad', name: 'bad', ...secured }),
          commandNode('cmd', { method: '' }),
          commandNode('bad', { room: 'cfgBad', method: 'getMicMute' }),
          helperNode('out'),
          eventNode('ev', { events: [], connectionEvents: true }),
          eventNode('evBad', { room: 'cfgBad', events: [], connectionEvents: true }),
          helperNode('events'),
          ...catchNode(),
        ],
        { cfg: { secret: ADMIN_SECRET }, cfgBad: { secret: WRONG_SECRET } },
      );
      const out = new Inbox(node('out'));
      const caught = new Inbox(node('caught'));
      // Every message, kept (the inboxes hand theirs out as the test takes them).
      const messages: { where: string; msg: Msg }[] = [];
      for (const id of ['out', 'caught', 'events'])
        node(id).on('input', (msg: Msg) => messages.push({ where: id, msg }));
      await waitForStatus(node('cmd'), isReadyIdle, 'ready');
      await waitForStatus(node('bad'), (s) => s.fill === 'red', 'auth failed');

      // Successes, a Room-side failure, a local failure, a timeout, rejected credentials, a token re-auth.
      node('cmd').receive({ method: 'getMicMute' });
      await out.next();
      node('cmd').receive({ method: 'hangUp' });
      await caught.next(caughtCode('ROOM_ERROR'), 'ROOM_ERROR');
      node('cmd').receive({ method: 'call', payload: { pin: '1' } });
      await caught.next(caughtCode('INVALID_PARAMS'), 'INVALID_PARAMS');
      room.faults.neverAnswer(['getVideoMute']);
      node('cmd').receive({ method: 'getVideoMute', timeout: 200 });
      await caught.next(caughtCode('TIMEOUT'), 'TIMEOUT');
      room.faults.neverAnswer(null);
      node('bad').receive({});
      await caught.next(caughtCode('AUTH_FAILED'), 'AUTH_FAILED');
      const reauth = waitForEvent(room, 'authenticated', { timeoutMs: WAIT_MS });
      room.faults.dropConnections();
      await reauth;
      await waitForStatus(node('cmd'), isReadyIdle, 'ready after the token re-auth');
      const tokenAuth = framesOf(room, 'auth').filter((f) => tokens.includes(f.credentials as string));
      assert.ok(tokenAuth.length >= 1, 'the reconnect used the token, so it went through the code paths too');
      const testConnection = await helper
        .request()
        .post('/trueconf-room/test-connection')
        // role user: the deployed flow holds admin mode, and a test in a mode a live connection holds only checks reachability.
        .send({
          host: '127.0.0.1',
          port: room.webPort,
          authType: 'secured',
          role: 'user',
          secret: WRONG_SECRET,
          apiVersion: '2',
        })
        .expect(200);
      assert.equal(testConnection.body.ok, false);

      // Node-RED's view of the flows (what an export is made from) has no credentials.
      const flows = (helper as unknown as { _redNodes: { getFlows(): unknown } })._redNodes.getFlows();
      const statuses = ['cmd', 'bad', 'ev', 'evBad'].flatMap((id) => statusHistory(node(id)));
      const texts = {
        log: logs.allText(logMark),
        statuses: dump(statuses),
        'messages (outputs, caught errors, connection events)': dump(messages),
        'error texts': messages
          .filter((m) => m.where === 'caught')
          .map((m) => String(m.msg.error?.message))
          .join('\n'),
        'test-connection answer': dump(testConnection.body),
        'flows export': dump(flows),
      };
      assert.ok(
        tokens.length >= 2 && statuses.length > 0 && messages.length >= 6 && logs.since(logMark).length > 0,
        'there was something to look through',
      );
      assert.deepEqual(leaks(texts, [ADMIN_SECRET, WRONG_SECRET, ...tokens]), []);
      const chars = Object.values(texts).reduce((n, t) => n + t.length, 0);
      figure(
        `secrets: 2 secrets + ${tokens.length} Room tokens grepped in ${logs.since(logMark).length} log entries (all levels), ${statuses.length} statuses, ` +
          `${messages.length} messages and errors, the flows export (${chars} chars): 0 found`,
      );
    });

    it('admin-only methods on a user-level connection fail locally with a clear error; nothing is sent', async () => {
      const adminOnly = methodNames().filter(isAdminOnly);
      // Explicit role user, and the automatic role when the Room grants user (its admin mode is protected).
      for (const variant of ['role user', 'automatic role'] as const) {
        const room = await startRoom({ auth: { admin: { type: 'pin', secret: '9876' } } });
        await load(commandFlow(room, {}, variant === 'role user' ? { role: 'user' } : {}));
        const caught = new Inbox(node('caught'));
        await waitForStatus(node('cmd'), isReadyIdle, 'ready');
        assert.equal(room.clients()[0].role, 'user');
        const before = room.requests.length;
        for (const method of adminOnly) {
          node('cmd').receive({ method, payload: minimalParams(method) });
          const err = await caught.next(() => true, `the error for ${method}`);
          assert.equal(err.error.code, 'ADMIN_ONLY', `${method}: ${err.error.message}`);
          assert.match(
            err.error.message,
            new RegExp(`^${method} needs the administrator control mode, but this connection is authenticated as user`),
          );
        }
        assert.equal(room.requests.length, before, 'nothing reached the Room');
        await cleanUp(room);
      }
      figure(
        `admin-only: ${adminOnly.length} admin-only methods x 2 user-level connections (role user, automatic) -> ${adminOnly.length * 2} ADMIN_ONLY errors, 0 frames sent`,
      );
    });

    it('wss:// verifies the certificate by default (self-signed Room refused with the reason); tlsInsecure connects', async () => {
      const room = await startRoom({ tls: { key: SELF_SIGNED.key, cert: SELF_SIGNED.cert } });
      const connections = collect(room, 'connection');
      const tls = { tls: true };
      await load([
        TAB,
        configNode(room, { ...tls }),
        configNode(room, { id: 'cfgWs', ...tls, port: '', wsPort: String(room.wsPort) }),
        commandNode('cmd', { method: 'getMicMute' }),
        commandNode('cmdWs', { room: 'cfgWs', method: 'getMicMute' }),
        helperNode('out'),
        eventNode('ev', { events: ['nothing'], connectionEvents: true }),
        eventNode('evWs', { room: 'cfgWs', events: ['nothing'], connectionEvents: true }),
        helperNode('events'),
        ...catchNode(),
      ]);
      const caught = new Inbox(node('caught'));
      const events = new Inbox(node('events'));
      for (const id of ['cmd', 'cmdWs']) {
        const status = await waitForStatus(node(id), (s) => s.fill === 'red', 'refused');
        assert.match(String(status.text), /^unreachable/);
      }
      const reasons: string[] = [];
      for (let i = 0; i < 2; i++) {
        // one refusal per config: through discovery (https) and on the configured wss port
        const lost = await events.next((m) => m.topic === 'connection' && m.payload.state === 'lost', 'the refusal');
        reasons.push(lost.payload.reason);
      }
      for (const reason of reasons) assert.match(reason, /self-signed certificate/);
      node('cmd').receive({ timeout: 500 });
      const err = await caught.next(caughtCode('NOT_CONNECTED'), 'NOT_CONNECTED');
      assert.match(err.error.message, /self-signed certificate/);
      assert.equal(connections.values.length, 0, 'no WebSocket session was opened');
      assert.equal(room.requests.length, 0);
      await cleanUp();

      await load(commandFlow(room, { method: 'getMicMute' }, { tls: true, tlsInsecure: true }));
      const out = new Inbox(node('out'));
      await waitForStatus(node('cmd'), isReadyIdle, 'ready over wss with tlsInsecure');
      node('cmd').receive({});
      assert.equal((await out.next()).payload.result, true);
      assert.equal(connections.values.length, 1);
      connections.stop();
      figure(
        `wss: self-signed Room refused by default (discovery and direct port, reason "${reasons[0].replace(/https:\/\/[^\s]*config\.json/, '<config.json URL>')}"), 0 sessions opened; tlsInsecure: connected, command answered`,
      );
    });

    it('the client caps incoming frames and the emulator listens on 127.0.0.1 only', async () => {
      const room = await startRoom();
      await load(commandFlow(room, { method: 'getMicMute' }));
      await waitForStatus(node('cmd'), isGreen, 'ready');
      assert.equal(clientOf().tuning.maxPayloadBytes, DEFAULT_TUNING.maxPayloadBytes);
      assert.ok(Number.isFinite(DEFAULT_TUNING.maxPayloadBytes) && DEFAULT_TUNING.maxPayloadBytes <= 16 * 1024 * 1024);
      const servers = room as unknown as { webServer: Server; wsServer: Server };
      const bound = [servers.webServer, servers.wsServer].map((s) => (s.address() as AddressInfo).address);
      assert.deepEqual(bound, ['127.0.0.1', '127.0.0.1']);
      assert.equal(room.clients()[0].remoteAddress, '127.0.0.1');
      figure(
        `limits: client maxPayload ${DEFAULT_TUNING.maxPayloadBytes / 1024 / 1024} MiB (oversize frame: see the oversize figure); emulator bound to ${bound.join(' and ')}`,
      );
    });
  });

  describe('in a Node-RED process with adminAuth, logging at trace level', () => {
    let room: RoomEmulator | undefined;
    let nr: NodeRedProcess | undefined;
    let comms: CommsCapture | undefined;

    after(async () => {
      await comms?.close();
      await nr?.stop();
      await room?.stop();
    });

    it('admin routes need a token (401 without); exports, files, logs and the editor never show the secret or the token', async () => {
      room = await startRoom({ auth: ROOM_AUTH });
      const tokens = tokensIssued(room);
      const secured = { authType: 'secured' };
      const debugNode = (id: string) => ({
        id,
        type: 'debug',
        z: 'tab',
        name: id,
        active: true,
        tosidebar: true,
        console: true,
        tostatus: false,
        complete: 'true',
        targetType: 'full',
        x: 500,
        y: 100,
        wires: [],
      });
      const flows = [
        { id: 'tab', type: 'tab', label: 'security' },
        { ...configNode(room, { ...secured, role: 'admin' }), credentials: { secret: ADMIN_SECRET } },
        { ...configNode(room, { id: 'cfgBad', name: 'bad', ...secured }), credentials: { secret: WRONG_SECRET } },
        injectNode('inj', ['cmd']),
        injectNode('injBad', ['bad']),
        injectNode('injHangUp', ['hangup']),
        {
          id: 'cmd',
          type: 'room-command',
          z: 'tab',
          name: 'cmd',
          room: 'cfg',
          method: 'getMicMute',
          params: {},
          timeout: '',
          x: 300,
          y: 100,
          wires: [['dbg']],
        },
        {
          id: 'bad',
          type: 'room-command',
          z: 'tab',
          name: 'bad',
          room: 'cfgBad',
          method: 'getMicMute',
          params: {},
          timeout: '',
          x: 300,
          y: 200,
          wires: [['dbg']],
        },
        {
          id: 'hangup',
          type: 'room-command',
          z: 'tab',
          name: 'hangup',
          room: 'cfg',
          method: 'hangUp',
          params: {},
          timeout: '',
          x: 300,
          y: 300,
          wires: [['dbg']],
        },
        {
          id: 'ev',
          type: 'room-event',
          z: 'tab',
          name: 'ev',
          room: 'cfg',
          events: [],
          topicPrefix: '',
          connectionEvents: true,
          x: 300,
          y: 400,
          wires: [['dbg']],
        },
        {
          id: 'catcher',
          type: 'catch',
          z: 'tab',
          name: 'catcher',
          scope: null,
          uncaught: false,
          x: 100,
          y: 500,
          wires: [['dbg']],
        },
        debugNode('dbg'),
      ];
      // Started empty, then deployed through the admin API like the editor does, so Node-RED itself stores
      // the credentials (encrypted) rather than a file the test wrote.
      nr = await startNodeRed({
        flows: [],
        logLevel: 'trace',
        settings: {
          ...adminAuthSettings(),
          ...BASE_SETTINGS,
          logging: { console: { level: 'trace', metrics: false, audit: true } },
        },
      });
      const http = nr;

      // 1. No token: every route of the package says 401.
      const noToken = [
        await http.request('GET', '/trueconf-room/catalogue'),
        await http.request('POST', '/trueconf-room/test-connection', {
          host: '127.0.0.1',
          port: room.webPort,
          authType: 'secured',
          secret: ADMIN_SECRET,
        }),
        await http.request('GET', '/trueconf-room/live/cfg/participants'),
        await http.request('GET', '/trueconf-room/live/cfg/contacts'),
      ];
      assert.deepEqual(
        noToken.map((r) => r.status),
        [401, 401, 401, 401],
      );

      // 2. With a token the routes answer (the 401 was the permission check, not a missing route).
      const token = await adminToken(http);
      const auth = bearer(token);
      const mark = http.mark();
      const deployed = await http.request(
        'POST',
        '/flows',
        { flows },
        { ...auth, 'Node-RED-API-Version': 'v2', 'Node-RED-Deployment-Type': 'full' },
      );
      assert.equal(deployed.status, 200, deployed.body);
      await http.waitForLog(/Started flows/, 30000, mark);
      assert.equal((await http.request('GET', '/trueconf-room/catalogue', undefined, auth)).status, 200);
      comms = await captureComms(http, token);
      await comms.waitFor(() => comms!.statuses.get('cmd')?.fill === 'green', 'cmd green in the editor', 30000);
      await comms.waitFor(() => comms!.statuses.get('bad')?.fill === 'red', 'bad red in the editor', 30000);
      const tested = [
        // role user: the deployed flow holds admin mode (a test in a mode a live connection holds only checks reachability).
        await http.request(
          'POST',
          '/trueconf-room/test-connection',
          {
            host: '127.0.0.1',
            port: room.webPort,
            authType: 'secured',
            role: 'user',
            secret: WRONG_SECRET,
            apiVersion: '2',
          },
          auth,
        ),
        await http.request(
          'POST',
          '/trueconf-room/test-connection',
          {
            id: 'cfg',
            host: '127.0.0.1',
            port: room.webPort,
            authType: 'secured',
            role: 'admin',
            secret: '__PWRD__',
            apiVersion: '2',
          },
          auth,
        ),
        await http.request('GET', '/trueconf-room/live/cfg/participants', undefined, auth),
      ];
      assert.deepEqual(
        tested.map((r) => r.status),
        [200, 200, 200],
      );
      assert.equal((tested[0].json as { ok?: boolean }).ok, false, 'the wrong secret is refused');
      assert.equal(
        (tested[1].json as { ok?: boolean }).ok,
        true,
        'the stored secret is used without the editor knowing it',
      );

      // A read-only editor user may look things up but not make Node-RED open a connection.
      const viewer = bearer(await adminToken(http, VIEWER_USER, 'read'));
      const asViewer = [
        await http.request('GET', '/trueconf-room/catalogue', undefined, viewer),
        await http.request(
          'POST',
          '/trueconf-room/test-connection',
          { host: '127.0.0.1', port: room.webPort, authType: 'unsecured' },
          viewer,
        ),
      ];
      assert.deepEqual(
        asViewer.map((r) => r.status),
        [200, 401],
      );

      // 3. Drive the flows: an answer, a Room-side error, rejected credentials, a token re-auth.
      await http.request('POST', '/inject/inj', undefined, auth);
      await http.request('POST', '/inject/injHangUp', undefined, auth);
      await http.request('POST', '/inject/injBad', undefined, auth);
      await comms.waitFor(
        (f) => f.includes('"topic":"debug"') && f.includes('AUTH_FAILED'),
        'the AUTH_FAILED error in the debug sidebar',
      );
      await comms.waitFor(
        (f) => f.includes('"topic":"debug"') && f.includes('no active call'),
        'the Room error in the debug sidebar',
      );
      const reauth = waitForEvent(room, 'authenticated', { timeoutMs: WAIT_MS });
      room.faults.dropConnections();
      await reauth;
      assert.ok(
        framesOf(room, 'auth').some((f) => tokens.includes(f.credentials as string)),
        'the token was used',
      );
      await http.request('POST', '/inject/inj', undefined, auth);
      await comms.waitFor((f) => f.split('"topic":"debug"').length > 3, 'more debug output');

      // 4. What an operator can export or read back.
      const exported = await http.request('GET', '/flows', undefined, { ...auth, 'Node-RED-API-Version': 'v2' });
      assert.equal(exported.status, 200);
      const creds = await http.request('GET', '/credentials/room-config/cfg', undefined, auth);
      assert.deepEqual(creds.json, { has_secret: true });
      const files = ['flows.json', 'flows_cred.json'].map((f) => fs.readFileSync(path.join(http.userDir, f), 'utf8'));
      assert.match(files[1], /^\{\s*"\$"/, 'flows_cred.json is encrypted');

      const commsFrames = comms.frames;
      // Comms frames are batches: count what the editor received, one status or debug message each.
      const commsItems = commsFrames.reduce((n, f) => {
        try {
          const parsed: unknown = JSON.parse(f);
          return n + (Array.isArray(parsed) ? parsed.length : 1);
        } catch {
          return n + 1;
        }
      }, 0);
      await comms.close();
      comms = undefined;
      await http.stop();
      nr = undefined;
      const log = http.lines.join('\n');
      assert.match(log, /\[trace\]/, 'trace lines were captured');
      const places = {
        'GET /flows': exported.body,
        'GET /credentials': creds.body,
        'flows.json': files[0],
        'flows_cred.json': files[1],
        'test-connection answers': tested.map((r) => r.body).join('\n'),
        '401 answers': noToken.map((r) => r.body).join('\n'),
        'editor comms (status, debug)': commsFrames.join('\n'),
        'Node-RED output (trace level, audit on)': log,
      };
      assert.deepEqual(leaks(places, [ADMIN_SECRET, WRONG_SECRET, ...tokens]), []);
      figure(
        `admin routes: 4 of 4 answer 401 without a token (adminAuth), test-connection 401 for a read-only user; secrets: 2 secrets + ${tokens.length} Room tokens grepped in GET /flows, flows files, ` +
          `${http.lines.length} Node-RED log lines at trace level, ${commsItems} editor comms messages (status, debug sidebar): 0 found`,
      );
    });
  });
});
