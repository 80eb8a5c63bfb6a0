import assert from 'node:assert/strict';
import vm from 'node:vm';
import { rejectCauseText } from '../../src/protocol';
import type { RoomEmulator } from '../../src/emulator';
import { waitForEvent, withDeadline } from '../support/wait';
import {
  configNode,
  helper,
  Inbox,
  inject,
  isReadyIdle,
  load,
  node,
  placed,
  quietWindow,
  startRoom,
  waitForStatus,
  withNodeRed,
  type Msg,
} from './harness';

/** A flow: config -> one room-command (extra props) wired to `out`, and a catch node wired to `caught`. */
function commandFlow(
  room: RoomEmulator,
  cmd: Record<string, unknown> = {},
  cfg: Record<string, unknown> = {},
): object[] {
  return [
    { id: 'tab', type: 'tab', label: 'test' },
    configNode(room, cfg),
    placed({
      id: 'cmd',
      type: 'room-command',
      z: 'tab',
      name: '',
      room: 'cfg',
      method: '',
      params: {},
      timeout: '',
      wires: [['out']],
      ...cmd,
    }),
    placed({ id: 'out', type: 'helper', z: 'tab' }),
    placed({ id: 'catcher', type: 'catch', z: 'tab', scope: null, uncaught: false, wires: [['caught']] }),
    placed({ id: 'caught', type: 'helper', z: 'tab' }),
  ];
}

/** Requests the Room received for one method. */
function sent(room: RoomEmulator, method: string): Record<string, unknown>[] {
  return room.requests.filter((r) => r.frame.method === method).map((r) => r.frame);
}

describe('room-command node', function () {
  this.timeout(30000);
  let out: Inbox;
  let caught: Inbox;

  withNodeRed();

  async function setUp(
    cmd: Record<string, unknown> = {},
    cfg: Record<string, unknown> = {},
    roomOptions = {},
    credentials = {},
  ): Promise<RoomEmulator> {
    const room = await startRoom(roomOptions);
    await load(commandFlow(room, cmd, cfg), credentials);
    out = new Inbox(node('out'));
    caught = new Inbox(node('caught'));
    return room;
  }

  const caughtError = (code: string) => (m: Msg) => m.error?.code === code;

  describe('choosing the method', () => {
    it('uses the method configured in the node, ignoring msg.method and msg.topic', async () => {
      const room = await setUp({ method: 'getMicMute' });
      inject(node('cmd'), { method: 'getVideoMute', topic: 'a/b/getAudioMute' });
      const msg = await out.next();
      assert.equal(msg.payload.method, 'getMicMute');
      assert.equal(msg.payload.result, true);
      assert.equal(sent(room, 'getVideoMute').length + sent(room, 'getAudioMute').length, 0);
    });

    it('takes msg.method when the node has none', async () => {
      await setUp();
      inject(node('cmd'), { method: 'getVideoMute', topic: 'x/getAudioMute' });
      const msg = await out.next();
      assert.equal(msg.payload.method, 'getVideoMute');
    });

    it('takes the last level of msg.topic when neither names one (MQTT-driven flows)', async () => {
      const room = await setUp();
      inject(node('cmd'), { topic: 'rooms/hall/cmd/setMicMute', payload: { mute: true } });
      const msg = await out.next();
      assert.equal(msg.payload.method, 'setMicMute');
      assert.equal(msg.topic, 'rooms/hall/cmd/setMicMute', 'the incoming msg is reused');
      assert.equal(room.mute.mic, true);
    });

    it('fails catchably with NO_METHOD when nothing names a method', async () => {
      await setUp();
      inject(node('cmd'), { payload: {} });
      const err = await caught.next(caughtError('NO_METHOD'));
      assert.match(err.error.message, /msg\.method|msg\.topic/);
    });
  });

  describe('parameters', () => {
    it('merges msg.payload over the configured params', async () => {
      const room = await setUp({ method: 'call', params: { peerId: 'configured', pin: '42' } });
      inject(node('cmd'), { payload: { peerId: 'alice' } });
      await out.next();
      const [frame] = sent(room, 'call');
      assert.equal(frame.peerId, 'alice');
      assert.equal(frame.pin, '42');
    });

    it('accepts a payload object built in a Function node (another vm realm)', async () => {
      const room = await setUp({ method: 'call' });
      // A Function node runs in its own vm context: its objects have that context's Object.prototype.
      inject(node('cmd'), { payload: vm.runInNewContext('({ peerId: "alice" })') });
      await out.next();
      assert.equal(sent(room, 'call')[0].peerId, 'alice');
    });

    it('sends the configured params alone when msg.payload is undefined', async () => {
      const room = await setUp({ method: 'setMicMute', params: { mute: true } });
      inject(node('cmd'), {});
      await out.next();
      assert.equal(sent(room, 'setMicMute')[0].mute, true);
    });

    for (const [label, payload] of [
      ['a number', 1],
      ['a string', 'hello'],
      ['a boolean', true],
      ['an array', [1]],
      ['null', null],
      ['a Buffer', Buffer.from('x')],
    ] as const) {
      it(`rejects ${label} as msg.payload without sending anything`, async () => {
        const room = await setUp({ method: 'setMicMute', params: { mute: true } });
        inject(node('cmd'), { payload });
        const err = await caught.next(caughtError('INVALID_PARAMS'));
        assert.match(err.error.message, /msg\.payload must be an object of parameters/);
        assert.match(err.error.message, /\{\}/, 'hints at the Inject node payload {}');
        assert.equal(sent(room, 'setMicMute').length, 0);
      });
    }

    it('rejects params the catalogue schema refuses (missing peerId) without sending', async () => {
      const room = await setUp({ method: 'call' });
      inject(node('cmd'), { payload: { pin: '1' } });
      const err = await caught.next(caughtError('INVALID_PARAMS'));
      assert.match(err.error.message, /peerId/);
      assert.equal(sent(room, 'call').length, 0);
    });

    it('refuses a params object over 1 MiB', async () => {
      const room = await setUp({ method: 'sendGroupMessage' });
      inject(node('cmd'), { payload: { message: 'x'.repeat(1024 * 1024 + 10) } });
      const err = await caught.next(caughtError('INVALID_PARAMS'));
      assert.match(err.error.message, /too large/);
      assert.equal(sent(room, 'sendGroupMessage').length, 0);
    });
  });

  describe('output', () => {
    it('emits the incoming msg with msg.payload = the Room response', async () => {
      await setUp({ method: 'getAppState' });
      inject(node('cmd'), { _msgid: 'm1', topic: 'keep', extra: 7 });
      const msg = await out.next();
      assert.equal(msg._msgid, 'm1');
      assert.equal(msg.extra, 7);
      assert.equal(msg.payload.appState, 3);
      assert.equal(msg.payload.result, true);
    });
  });

  describe('timeouts', () => {
    it('msg.timeout overrides the default and fails with TIMEOUT', async () => {
      const room = await setUp({ method: 'getMicMute' });
      room.faults.neverAnswer(['getMicMute']);
      const started = Date.now();
      inject(node('cmd'), { timeout: 300 });
      const err = await caught.next(caughtError('TIMEOUT'));
      assert.ok(Date.now() - started < 3500, 'well before the 4 s default of the test settings');
      assert.match(err.error.message, /getMicMute/);
    });

    it('the configured timeout applies when msg.timeout is absent', async () => {
      const room = await setUp({ method: 'getMicMute', timeout: '300' });
      room.faults.neverAnswer(['getMicMute']);
      const started = Date.now();
      inject(node('cmd'), {});
      await caught.next(caughtError('TIMEOUT'));
      assert.ok(Date.now() - started < 3500);
    });

    for (const bad of [-1, 0, 'soon', Number.NaN, 11 * 60 * 1000]) {
      it(`rejects msg.timeout = ${String(bad)} with INVALID_TIMEOUT, nothing sent`, async () => {
        const room = await setUp({ method: 'getMicMute' });
        inject(node('cmd'), { timeout: bad });
        const err = await caught.next(caughtError('INVALID_TIMEOUT'));
        assert.match(err.error.message, /msg\.timeout/);
        assert.equal(sent(room, 'getMicMute').length, 0);
      });
    }
  });

  describe('catchable failures', () => {
    it('UNKNOWN_METHOD for a method the catalogue lacks (strict)', async () => {
      const room = await setUp();
      inject(node('cmd'), { method: 'noSuchMethod' });
      const err = await caught.next(caughtError('UNKNOWN_METHOD'));
      assert.match(err.error.message, /noSuchMethod/);
      assert.equal(sent(room, 'noSuchMethod').length, 0);
      assert.equal(err.error.source.id, 'cmd');
    });

    it('strict off sends an unknown method; the Room refusal is ROOM_ERROR with its response in msg.payload', async () => {
      const room = await setUp({ strict: false });
      inject(node('cmd'), { method: 'noSuchMethod', payload: { a: 1 } });
      const err = await caught.next(caughtError('ROOM_ERROR'));
      assert.equal(sent(room, 'noSuchMethod').length, 1);
      assert.equal(err.payload.result, false);
      assert.equal(err.payload.method, 'noSuchMethod');
    });

    it('ADMIN_ONLY for an admin command on a user connection, nothing sent', async () => {
      const room = await setUp({ method: 'logout' }, { role: 'user' });
      await waitForStatus(node('cmd'), isReadyIdle, 'ready');
      inject(node('cmd'), {});
      const err = await caught.next(caughtError('ADMIN_ONLY'));
      assert.match(err.error.message, /logout/);
      assert.equal(sent(room, 'logout').length, 0);
    });

    it('CONNECTION_LOST when the socket drops while the request is in flight', async () => {
      const room = await setUp({ method: 'getMicMute' });
      await waitForStatus(node('cmd'), isReadyIdle, 'ready');
      room.faults.neverAnswer(['getMicMute']);
      const requested = waitForEvent<Record<string, unknown>>(room, 'request', {
        filter: (f) => f.method === 'getMicMute',
        timeoutMs: 8000,
      });
      inject(node('cmd'), {});
      await requested;
      room.faults.dropConnections();
      await caught.next(caughtError('CONNECTION_LOST'));
    });

    it('NOT_CONNECTED when the Room does not come up within the deadline', async () => {
      const room = await startRoom();
      room.faults.refuseConnections(true);
      await load(commandFlow(room, { method: 'getMicMute' }));
      caught = new Inbox(node('caught'));
      inject(node('cmd'), { timeout: 400 });
      const err = await caught.next(caughtError('NOT_CONNECTED'));
      assert.match(err.error.message, /getMicMute/);
    });

    it('AUTH_FAILED for a wrong PIN', async () => {
      await setUp(
        { method: 'getMicMute' },
        { authType: 'secured' },
        { auth: { admin: { type: 'pin', secret: '1234' }, user: { type: 'pin', secret: '1234' } } },
        { cfg: { secret: '9999' } },
      );
      await waitForStatus(
        node('cmd'),
        (s) => s.fill === 'red' && s.text === 'auth failed: check PIN/password',
        'auth failed',
      );
      inject(node('cmd'), {});
      const err = await caught.next(caughtError('AUTH_FAILED'));
      assert.ok(!String(err.error.message).includes('9999'), 'the secret never appears in errors');
    });

    it('NO_CONFIG when no room-config node is selected (grey "no config" status)', async () => {
      const room = await startRoom();
      await load([
        { id: 'tab', type: 'tab' },
        placed({ id: 'cmd', type: 'room-command', z: 'tab', room: '', method: 'getMicMute', wires: [[]] }),
        placed({ id: 'catcher', type: 'catch', z: 'tab', scope: null, wires: [['caught']] }),
        placed({ id: 'caught', type: 'helper', z: 'tab' }),
      ]);
      caught = new Inbox(node('caught'));
      const status = await waitForStatus(node('cmd'), (s) => s.fill === 'grey', 'no config');
      assert.equal(status.text, 'no config');
      inject(node('cmd'), {});
      await caught.next(caughtError('NO_CONFIG'));
      assert.equal(room.connectionCount, 0);
    });

    it('INVALID_CONFIG: a bad config shows a red status and fails each message', async () => {
      const room = await startRoom();
      await load(commandFlow(room, { method: 'getMicMute' }, { host: 'ws://oops/', port: '' }));
      caught = new Inbox(node('caught'));
      const status = await waitForStatus(node('cmd'), (s) => s.fill === 'red', 'invalid config');
      assert.match(String(status.text), /^invalid config: /);
      inject(node('cmd'), {});
      const err = await caught.next(caughtError('INVALID_CONFIG'));
      assert.match(err.error.message, /host/);
    });
  });

  describe('wait for outcome', () => {
    it('emits when the call is answered: payload = conferenceCreated, response = the immediate answer', async () => {
      await setUp({ method: 'call', waitForOutcome: true });
      inject(node('cmd'), { payload: { peerId: 'alice' } });
      const msg = await out.next();
      assert.equal(msg.payload.event, 'conferenceCreated');
      assert.equal(msg.response.method, 'call');
      assert.equal(msg.response.result, true);
    });

    it('a declined call is a catchable OUTCOME_FAILED with the catalogue cause, payload = rejectReceived', async () => {
      await setUp({ method: 'call', waitForOutcome: true });
      inject(node('cmd'), { payload: { peerId: 'busy-bob' } });
      const err = await caught.next(caughtError('OUTCOME_FAILED'));
      assert.ok(
        err.error.message.includes(rejectCauseText(2)),
        `"${err.error.message}" carries "${rejectCauseText(2)}"`,
      );
      assert.ok(!err.error.message.startsWith('NodeCommandError'), 'the message is the bare text');
      assert.equal(err.payload.event, 'rejectReceived');
      assert.equal(err.payload.cause, 2);
      assert.equal(out.count(), 0);
    });

    it('an outcome that does not come in time is a TIMEOUT with the accepted response in msg.response', async () => {
      await setUp({ method: 'call', waitForOutcome: true });
      inject(node('cmd'), { payload: { peerId: 'nobody' }, timeout: 500 });
      const err = await caught.next(caughtError('TIMEOUT'));
      assert.match(err.error.message, /no outcome/);
      assert.equal(err.response.method, 'call');
      assert.equal(err.response.result, true);
      assert.equal(out.count(), 0);
    });

    it('without the option the node emits the immediate response of call', async () => {
      await setUp({ method: 'call' });
      inject(node('cmd'), { payload: { peerId: 'busy-bob' } });
      const msg = await out.next();
      assert.equal(msg.payload.method, 'call');
      assert.equal(msg.payload.result, true);
    });

    it('methods without an outcome still answer with their response when the option is on', async () => {
      await setUp({ waitForOutcome: true });
      inject(node('cmd'), { method: 'getMicMute' });
      const msg = await out.next();
      assert.equal(msg.payload.method, 'getMicMute');
      assert.equal(msg.response, undefined);
    });
  });

  describe('close', () => {
    it('fails a pending command exactly once when the node closes, well within 15 s', async () => {
      const room = await setUp({ method: 'getMicMute', timeout: '60000' });
      await waitForStatus(node('cmd'), isReadyIdle, 'ready');
      room.faults.neverAnswer(['getMicMute']);
      const requested = waitForEvent<Record<string, unknown>>(room, 'request', {
        filter: (f) => f.method === 'getMicMute',
        timeoutMs: 8000,
      });
      const cmd = node('cmd');
      const errors: { code?: string; message?: string }[] = [];
      let failed: () => void = () => undefined;
      const firstError = new Promise<void>((resolve) => (failed = resolve));
      // The helper removes its spies before it stops the flows, so record on the instance itself.
      const original = cmd.error.bind(cmd);
      cmd.error = (err: { code?: string; message?: string }, msg?: unknown) => {
        errors.push(err);
        failed();
        original(err, msg);
      };
      inject(cmd, {});
      await requested;
      const client = (node('cfg') as unknown as { client: { state: string; pendingCount: number } }).client;
      // Redeploy only the command node: the config node and its pooled client stay up, so nothing but the
      // node's own close handling can end the message before its 60 s deadline.
      const started = Date.now();
      await helper.setFlows(commandFlow(room, { method: 'getMicMute', timeout: '60000', name: 'renamed' }), 'nodes');
      await withDeadline(firstError, 5000, 'the pending command to fail on close');
      assert.ok(Date.now() - started < 5000);
      await quietWindow(200);
      assert.equal(client.state, 'ready', 'the pooled client outlived the redeploy');
      assert.equal(client.pendingCount, 0, 'and holds nothing of the closed node');
      assert.deepEqual(
        errors.map((e) => e.code),
        ['CLOSED'],
        'exactly once',
      );
      assert.match(errors[0].message ?? '', /before the Room answered getMicMute/);
      assert.equal(out.count(), 0);
    });
  });
});
