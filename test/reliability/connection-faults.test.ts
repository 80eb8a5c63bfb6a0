import assert from 'node:assert/strict';
import type { RoomEmulator } from '../../src/emulator';
import { waitForEvent } from '../support/wait';
import {
  caughtCode,
  clientOf,
  commandFlow,
  eventNode,
  figure,
  framesOf,
  helperNode,
  Inbox,
  isGreen,
  isReadyIdle,
  lastStatus,
  load,
  logs,
  node,
  quietWindow,
  startRoom,
  statusMark,
  tokensIssued,
  useSettings,
  WAIT_MS,
  waitForStatus,
  waitForStatusSince,
  withRuntime,
} from './harness';

const ADMIN_SECRET = 'Adm1n-pass-R3liab1lity';

describe('reliability: connection faults, through the nodes in a Node-RED runtime', function () {
  this.timeout(60000);
  withRuntime();

  /** A Room without auth and a getMicMute command node on it, ready; its outputs and caught errors from now on. */
  async function readyGetMicMute(): Promise<{ room: RoomEmulator; out: Inbox; caught: Inbox }> {
    const room = await startRoom();
    await load(commandFlow(room, { method: 'getMicMute' }));
    const out = new Inbox(node('out'));
    const caught = new Inbox(node('caught'));
    await waitForStatus(node('cmd'), isReadyIdle, 'ready');
    return { room, out, caught };
  }

  /** The same on a Room with passwords, authenticated as admin; the tokens the Room hands out, from the first auth on. */
  async function readySecuredGetMicMute(): Promise<{ room: RoomEmulator; tokens: string[]; out: Inbox }> {
    const room = await startRoom({
      auth: { admin: { type: 'password', secret: ADMIN_SECRET }, user: { type: 'pin', secret: '4321' } },
    });
    const tokens = tokensIssued(room);
    await load(commandFlow(room, { method: 'getMicMute' }, { authType: 'secured', role: 'admin' }), {
      cfg: { secret: ADMIN_SECRET },
    });
    const out = new Inbox(node('out'));
    await waitForStatus(node('cmd'), isReadyIdle, 'ready');
    return { room, tokens, out };
  }

  it('drop mid-request: fails once with CONNECTION_LOST, is not resent, the next command works after the automatic reconnect', async () => {
    const { room, out, caught } = await readyGetMicMute();
    const from = room.requests.length;

    room.faults.neverAnswer(['getMicMute']);
    const requested = waitForEvent<Record<string, unknown>>(room, 'request', {
      filter: (f) => f.method === 'getMicMute',
      timeoutMs: WAIT_MS,
    });
    node('cmd').receive({ seq: 1 });
    await requested;
    const mark = statusMark(node('cmd'));
    const reauthenticated = waitForEvent(room, 'authenticated', { timeoutMs: WAIT_MS });
    const droppedAt = Date.now();
    room.faults.dropConnections();
    // From now on the Room answers: a resend of the lost command would come back as a second output.
    room.faults.neverAnswer(null);

    const err = await caught.next(caughtCode('CONNECTION_LOST'), 'CONNECTION_LOST');
    const failedMs = Date.now() - droppedAt;
    assert.equal(err.seq, 1);
    assert.match(err.error.message, /getMicMute.*connection lost/);
    await reauthenticated;
    await waitForStatusSince(node('cmd'), mark, isReadyIdle, 'ready again');
    const recoveredMs = Date.now() - droppedAt;

    node('cmd').receive({ seq: 2 });
    const ok = await out.next();
    assert.equal(ok.seq, 2);
    assert.equal(ok.payload.result, true);
    await quietWindow(300);
    assert.equal(caught.count(), 0, 'the lost command failed exactly once');
    assert.equal(out.count(), 0, 'the lost command never produced an output');
    const frames = framesOf(room, 'getMicMute', from);
    assert.equal(frames.length, 2, 'the Room received each command once: the lost one was not resent');
    assert.notEqual(frames[0].requestId, frames[1].requestId);
    assert.equal(room.connectionCount, 1);
    figure(
      `drop mid-request: 1 in-flight command failed once (CONNECTION_LOST) ${failedMs} ms after the drop, ` +
        `the Room received it 1 time (not resent); reconnected and ready in ${recoveredMs} ms; next command answered`,
    );
  });

  it('Room restart on another port: re-discovered, re-authenticated with the token, green again without a redeploy', async () => {
    const { room, tokens, out } = await readySecuredGetMicMute();
    assert.ok(tokens.length >= 1, 'the first auth issued a token');
    const [firstAuth] = framesOf(room, 'auth');
    assert.equal(firstAuth.credentials, ADMIN_SECRET, 'the first auth used the configured secret');

    const from = room.requests.length;
    const oldPort = room.wsPort;
    const mark = statusMark(node('cmd'));
    const reauthenticated = waitForEvent<{ role?: string }>(room, 'authenticated', { timeoutMs: WAIT_MS });
    const started = Date.now();
    await room.restart();
    assert.notEqual(room.wsPort, oldPort, 'the Room came back on another port');

    await waitForStatusSince(node('cmd'), mark, (s) => !isGreen(s), 'noticed the restart');
    const auth = await reauthenticated;
    assert.equal(auth.role, 'admin');
    await waitForStatusSince(node('cmd'), mark, isReadyIdle, 'green again');
    const recoveredMs = Date.now() - started;

    const authFrames = framesOf(room, 'auth', from);
    assert.ok(authFrames.length >= 1);
    assert.equal(authFrames[0].credentials, tokens[0], 'the re-authentication used the token');
    assert.ok(
      authFrames.every((f) => f.credentials !== ADMIN_SECRET),
      'the secret was not sent again',
    );
    assert.equal(clientOf().wsPort, room.wsPort, 'the client found the new port through config.json');
    node('cmd').receive({});
    assert.equal((await out.next()).payload.result, true);
    assert.equal(room.connectionCount, 1);
    figure(
      `Room restart: WebSocket port ${oldPort} -> ${room.wsPort}, re-discovered and re-authenticated with the token, green in ${recoveredMs} ms, no redeploy`,
    );
  });

  it('Room restart that forgets its tokens: the refused token is followed by the secret, green again without a redeploy', async () => {
    const { room, tokens, out } = await readySecuredGetMicMute();
    const from = room.requests.length;
    const mark = statusMark(node('cmd'));
    const reauthenticated = waitForEvent(room, 'authenticated', { timeoutMs: WAIT_MS });
    const started = Date.now();
    await room.restart({ forgetTokens: true });
    await reauthenticated;
    await waitForStatusSince(node('cmd'), mark, isReadyIdle, 'green again');
    const recoveredMs = Date.now() - started;
    const credentials = framesOf(room, 'auth', from).map((f) => f.credentials);
    assert.deepEqual(credentials, [tokens[0], ADMIN_SECRET], 'the old token first, then the secret');
    node('cmd').receive({});
    assert.equal((await out.next()).payload.result, true);
    figure(`Room restart that forgets tokens: token refused, secret accepted, green in ${recoveredMs} ms, no redeploy`);
  });

  it('half-open link: the Room stops answering pings; status leaves green within the heartbeat deadline, a reconnect follows', async () => {
    const interval = 500;
    const timeout = 500;
    useSettings({ roomConfigHeartbeatIntervalMs: interval, roomConfigHeartbeatTimeoutMs: timeout });
    const room = await startRoom();
    await load([
      ...commandFlow(room, { method: 'getMicMute' }),
      eventNode('ev', { events: ['nothing'], connectionEvents: true }),
      helperNode('events'),
    ]);
    const out = new Inbox(node('out'));
    const events = new Inbox(node('events'));
    await waitForStatus(node('cmd'), isReadyIdle, 'ready');

    const mark = statusMark(node('cmd'));
    const disconnected = waitForEvent(room, 'disconnect', { timeoutMs: WAIT_MS });
    const started = Date.now();
    room.faults.stopPongs(true);
    const left = await waitForStatusSince(node('cmd'), mark, (s) => !isGreen(s), 'leaves green');
    const detectedMs = Date.now() - started;
    await disconnected;
    const lost = await events.next(
      (m) => m.topic === 'connection' && m.payload.state === 'lost',
      'connection lost event',
    );
    assert.match(lost.payload.reason, /heartbeat/);
    // Slack on top of interval + timeout for a loaded machine; the figure shows the real value.
    assert.ok(detectedMs <= interval + timeout + 2500, `detected after ${detectedMs} ms`);

    const reconnected = waitForEvent(room, 'authenticated', { timeoutMs: WAIT_MS });
    room.faults.stopPongs(false);
    await reconnected;
    await waitForStatusSince(node('cmd'), mark, isReadyIdle, 'green again');
    const recoveredMs = Date.now() - started;
    await events.next((m) => m.topic === 'connection' && m.payload.state === 'ready', 'connection ready event');
    node('cmd').receive({});
    assert.equal((await out.next()).payload.result, true);
    figure(
      `half-open link: detected in ${detectedMs} ms (heartbeat ${interval} + ${timeout} ms), status "${left.text}", ` +
        `reconnected and green after ${recoveredMs} ms`,
    );
  });

  it('slow Room: a response after the deadline is ignored without error or leak; the command failed once with TIMEOUT', async () => {
    const { room, out, caught } = await readyGetMicMute();
    const logMark = logs.mark();
    const delayMs = 1500;
    room.faults.delayResponses(delayMs);
    const lateResponse = waitForEvent<Record<string, unknown>>(room, 'response', {
      filter: (f) => f.method === 'getMicMute',
      timeoutMs: WAIT_MS,
    });

    const started = Date.now();
    node('cmd').receive({ timeout: 300 });
    const err = await caught.next(caughtCode('TIMEOUT'), 'TIMEOUT');
    const failedMs = Date.now() - started;
    assert.match(err.error.message, /getMicMute: sent, but no response from the Room within 300 ms/);
    await lateResponse;
    // The client's own record that it saw the late response and dropped it.
    await logs.waitFor(/late response to getMicMute .* ignored/, logMark);
    await quietWindow(300);

    assert.equal(caught.count(), 0, 'failed exactly once');
    assert.equal(out.count(), 0, 'the late response produced no output');
    assert.equal(clientOf().pendingCount, 0, 'nothing left pending in the client');
    assert.deepEqual(logs.problems(logMark), [], 'no warning or error logged');
    assert.ok(isGreen(lastStatus(node('cmd'))!), 'the connection stayed up');

    room.faults.delayResponses(0);
    node('cmd').receive({});
    assert.equal((await out.next()).payload.result, true);
    figure(
      `slow Room: TIMEOUT after ${failedMs} ms (msg.timeout 300), the response ${delayMs} ms late was ignored: 1 error, 0 outputs, 0 pending, 0 warnings`,
    );
  });
});
