import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { waitUntil } from '../support/wait';
import {
  catchNode,
  clientOf,
  commandNode,
  configNode,
  figure,
  framesOf,
  helperNode,
  isReadyIdle,
  load,
  node,
  quietWindow,
  seconds,
  startRoom,
  TAB,
  useSettings,
  waitForStatus,
  withRuntime,
  type Msg,
} from './harness';

const TOTAL = 10000;
/** Messages in flight at once across the nodes (a busy flow, not an unbounded flood). */
const WINDOW = 200;
/**
 * Offered load: a batch every TICK_MS, about 1000 commands/s, so the run spans some 10 s and dozens of drops
 * (unpaced, 10,000 commands finish in under 2 s and see only a handful).
 */
const TICK_MS = 10;
const PER_TICK = 10;
const METHODS = ['getMicMute', 'getVideoMute', 'getAudioMute', 'getAppState'];
const DROP_MIN_MS = 100;
const DROP_MAX_MS = 300;
const DEADLINE_MS = 150000;

describe('reliability: soak', function () {
  this.timeout(DEADLINE_MS + 30000);
  let dropTimer: NodeJS.Timeout | undefined;
  let loadTimer: NodeJS.Timeout | undefined;

  // Registered first so that it runs first: no drop or load may fire while the Room and flows stop.
  afterEach(() => {
    clearTimeout(dropTimer);
    clearTimeout(loadTimer);
  });
  withRuntime();

  it(`${TOTAL} commands from ${METHODS.length} room-command nodes while the Room drops the connection every ${DROP_MIN_MS}-${DROP_MAX_MS} ms: each ends exactly once, none sent twice`, async () => {
    // Quick reconnects; a deadline long enough that commands queued during a reconnect are sent when it is back.
    useSettings({ roomConfigReconnectMaxMs: 100, roomConfigRequestTimeoutMs: 10000, roomConfigConnectTimeoutMs: 3000 });
    const room = await startRoom();
    const flow = [
      TAB,
      configNode(room),
      ...METHODS.map((method, i) => commandNode(`cmd${i}`, { method }, 'out')),
      helperNode('out'),
      ...catchNode(),
    ];
    await load(flow);
    for (let i = 0; i < METHODS.length; i++) await waitForStatus(node(`cmd${i}`), isReadyIdle, 'ready');
    const client = clientOf();
    const listenersBefore = client.listenerCount();
    const firstRequest = room.requests.length;

    // Every command's end, by sequence number: 'response' or the error code.
    const outcome = new Map<number, string>();
    const duplicates: { seq: number; first: string; second: string }[] = [];
    const progress = new EventEmitter();
    let sent = 0;
    const send = () => {
      const seq = sent++;
      node(`cmd${seq % METHODS.length}`).receive({ seq, payload: { tag: `soak-${seq}` } });
    };
    const tick = () => {
      for (let i = 0; i < PER_TICK && sent < TOTAL && sent - outcome.size < WINDOW; i++) send();
      if (sent < TOTAL) loadTimer = setTimeout(tick, TICK_MS);
    };
    const settle = (seq: number, how: string) => {
      const first = outcome.get(seq);
      if (first !== undefined) {
        duplicates.push({ seq, first, second: how });
        return;
      }
      outcome.set(seq, how);
      progress.emit('settled');
    };
    node('out').on('input', (msg: Msg) => settle(msg.seq, 'response'));
    node('caught').on('input', (msg: Msg) => settle(msg.seq, String(msg.error?.code ?? 'no code')));

    // Every requestId the Room answered: a command it answered must never end in TIMEOUT (the answer
    // either arrives, or the socket it was written to dies and the command ends CONNECTION_LOST).
    const answered = new Set<unknown>();
    const onResponse = (frame: Record<string, unknown>) => answered.add(frame.requestId);
    room.on('response', onResponse);
    let drops = 0;
    let reconnects = 0;
    const onAuthenticated = () => reconnects++;
    room.on('authenticated', onAuthenticated);
    const scheduleDrop = () => {
      dropTimer = setTimeout(
        () => {
          drops++;
          room.faults.dropConnections();
          scheduleDrop();
        },
        DROP_MIN_MS + Math.random() * (DROP_MAX_MS - DROP_MIN_MS),
      );
    };

    const started = Date.now();
    scheduleDrop();
    tick();
    try {
      await waitUntil(progress, ['settled'], () => outcome.size === TOTAL, DEADLINE_MS, `all ${TOTAL} commands to end`);
    } finally {
      clearTimeout(dropTimer);
      clearTimeout(loadTimer);
      dropTimer = undefined;
    }
    const tookMs = Date.now() - started;
    // Late duplicates would show up here.
    await quietWindow(500);
    room.off('authenticated', onAuthenticated);
    room.off('response', onResponse);

    const byCode = new Map<string, number>();
    for (const how of outcome.values()) byCode.set(how, (byCode.get(how) ?? 0) + 1);
    const responses = byCode.get('response') ?? 0;
    const errors = [...byCode.entries()].filter(([k]) => k !== 'response').sort((a, b) => b[1] - a[1]);
    const hung = TOTAL - outcome.size;

    const frames = framesOf(room, undefined, firstRequest).filter((f) => typeof f.tag === 'string');
    const ids = new Set(frames.map((f) => f.requestId));
    const tags = new Set(frames.map((f) => f.tag));
    const resentTags = frames.length - tags.size;
    const requestIdOfSeq = new Map(frames.map((f) => [Number(String(f.tag).slice('soak-'.length)), f.requestId]));
    const timeouts = [...outcome].filter(([, how]) => how === 'TIMEOUT').map(([seq]) => seq);
    const answeredButTimedOut = timeouts.filter((seq) => answered.has(requestIdOfSeq.get(seq)));

    figure(
      `soak: ${TOTAL} commands in ${seconds(tookMs)} with ${drops} connection drops (${reconnects} reconnects): ${responses} responses, ` +
        `${errors.map(([code, n]) => `${n} ${code}`).join(', ') || '0 errors'} (${timeouts.length} TIMEOUT, ${answeredButTimedOut.length} of them answered by the Room); ${duplicates.length} ended twice, ${resentTags} sent twice, ${hung} hung; ` +
        `the Room received ${frames.length} (${frames.length - responses} of them executed but unanswered: reported, not resent)`,
    );

    assert.equal(hung, 0, 'no command hangs');
    assert.deepEqual(duplicates, [], 'no command ends twice');
    assert.equal(outcome.size, TOTAL);
    assert.equal(ids.size, frames.length, 'every frame the Room got has its own requestId');
    assert.equal(resentTags, 0, 'no command was sent twice');
    assert.ok(responses <= frames.length, 'every response answers a frame the Room received');
    assert.deepEqual(answeredButTimedOut, [], 'no command the Room answered ended in TIMEOUT');
    for (const [code] of errors) {
      // Drops fail what is in flight; queued commands may run out of time while the Room is away.
      assert.ok(['CONNECTION_LOST', 'NOT_CONNECTED', 'TIMEOUT'].includes(code), `unexpected error code ${code}`);
    }
    assert.ok(drops >= 5, 'the Room really dropped the connection repeatedly');
    // Nothing left behind: no pending request, no extra listener, one connection once the drops stopped.
    assert.equal(client.pendingCount, 0);
    assert.equal(client.listenerCount(), listenersBefore);
    for (let i = 0; i < METHODS.length; i++) await waitForStatus(node(`cmd${i}`), isReadyIdle, 'ready after the soak');
    assert.equal(room.connectionCount, 1);
    assert.ok(responses > 0);
  });
});
