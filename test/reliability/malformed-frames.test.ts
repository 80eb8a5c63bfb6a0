import assert from 'node:assert/strict';
import type { RoomEmulator } from '../../src/emulator';
import { LEVEL } from '../support/reliability-log';
import { collect, waitForEvent, waitUntil } from '../support/wait';
import {
  commandFlow,
  eventNode,
  figure,
  helperNode,
  Inbox,
  isGreen,
  isReadyIdle,
  load,
  logs,
  node,
  startRoom,
  statusHistory,
  statusMark,
  WAIT_MS,
  waitForStatus,
  waitForStatusSince,
  withRuntime,
} from './harness';

/**
 * The close codes the Room's side of each open socket receives. The emulator does not report them, so this
 * looks at its sockets directly (test-only reach into a private field).
 */
function roomSideCloseCodes(room: RoomEmulator): number[] {
  const codes: number[] = [];
  const connections = (room as unknown as { connections: Map<number, { ws: import('ws').WebSocket }> }).connections;
  for (const conn of connections.values()) conn.ws.once('close', (code: number) => codes.push(code));
  return codes;
}

describe('reliability: malformed and oversize frames from the Room', function () {
  this.timeout(60000);
  withRuntime();

  /** A command node and a room-event node (with connection events) on one connection, ready. */
  async function setUp(): Promise<{ room: RoomEmulator; out: Inbox; events: Inbox }> {
    const room = await startRoom();
    await load([
      ...commandFlow(room, { method: 'getMicMute' }),
      eventNode('ev', { connectionEvents: true }),
      helperNode('events'),
    ]);
    const out = new Inbox(node('out'));
    const events = new Inbox(node('events'));
    await waitForStatus(node('cmd'), isReadyIdle, 'ready');
    await waitForStatus(node('ev'), isReadyIdle, 'ready');
    await events.next((m) => m.topic === 'connection' && m.payload.state === 'ready', 'connection ready event');
    return { room, out, events };
  }

  it('malformed frames (not JSON, arrays, scalars, unknown requestId, nameless events...): each kind logged once, the connection survives', async () => {
    const { room, out, events } = await setUp();
    const logMark = logs.mark();
    const mark = statusMark(node('cmd'));
    const connections = collect(room, 'connection');
    const disconnects = collect(room, 'disconnect');

    const kinds: { name: string; data: string | Buffer; binary?: boolean; logged: RegExp }[] = [
      { name: 'not JSON', data: 'this is {not json', logged: /not JSON/ },
      { name: 'truncated JSON', data: '{"method":"getMicMute","requestId":', logged: /not JSON/ },
      { name: 'a JSON array', data: '[1,2,3]', logged: /not a JSON object/ },
      { name: 'a JSON number', data: '42', logged: /not a JSON object/ },
      { name: 'a JSON string', data: '"hello"', logged: /not a JSON object/ },
      { name: 'JSON null', data: 'null', logged: /not a JSON object/ },
      {
        name: 'an unknown requestId',
        data: JSON.stringify({ method: 'getMicMute', requestId: 'no-such-request', result: true, mute: false }),
        logged: /matches no pending request/,
      },
      { name: 'an event without a name', data: JSON.stringify({ method: 'event' }), logged: /without an event name/ },
      {
        name: 'an event with an empty name',
        data: JSON.stringify({ method: 'event', event: '' }),
        logged: /without an event name/,
      },
      { name: 'a message without a method', data: JSON.stringify({ error: 'odd' }), logged: /without a method/ },
      { name: 'a binary frame', data: Buffer.from([0, 1, 2, 255]), binary: true, logged: /binary frame/ },
    ];
    const repeats = 3;
    for (const kind of kinds)
      for (let i = 0; i < repeats; i++) room.faults.sendRaw(kind.data, { binary: kind.binary === true });
    // Frames on one socket arrive in order: once this answer is out, every bad frame has been handled.
    node('cmd').receive({});
    assert.equal((await out.next()).payload.result, true);

    const patterns = [...new Set(kinds.map((k) => k.logged.source))].map((s) => new RegExp(s));
    for (const pattern of patterns) {
      // Once, and as a warning, so it shows in Node-RED's log at its default level (info).
      assert.equal(
        logs.count(pattern, logMark, LEVEL.WARN),
        1,
        `${pattern} logged exactly once as a warning (log: ${logs.allText(logMark)})`,
      );
      assert.equal(logs.count(pattern, logMark), 1, `${pattern} logged exactly once at any level`);
    }
    assert.equal(events.count(), 0, `no junk reached room-event: ${JSON.stringify(events.messages)}`);
    assert.ok(statusHistory(node('cmd')).slice(mark).every(isGreen), 'status stayed green');
    assert.equal(disconnects.values.length, 0, 'the connection survived');
    assert.equal(connections.values.length, 0);
    connections.stop();
    disconnects.stop();
    figure(
      `malformed frames: ${kinds.length} shapes x ${repeats} = ${kinds.length * repeats} bad frames -> ${patterns.length} warnings (one per problem kind), ` +
        `0 disconnects, 0 crashes, next command answered`,
    );
  });

  it("a frame over the client's maxPayload: the client closes with 1009, logs it once and reconnects", async () => {
    const { room, out, events } = await setUp();
    const logMark = logs.mark();
    const mark = statusMark(node('cmd'));
    const connections = collect(room, 'connection');
    const reauthenticated = waitForEvent(room, 'authenticated', { timeoutMs: WAIT_MS });
    const closeCodes = roomSideCloseCodes(room);
    const started = Date.now();
    room.faults.sendRaw('x'.repeat(4 * 1024 * 1024 + 1));
    const lost = await events.next(
      (m) => m.topic === 'connection' && m.payload.state === 'lost',
      'connection lost event',
    );
    // The client closes with 1009; its own close event says 1006 because it stops reading once the limit is hit.
    assert.match(lost.payload.reason, /Max payload size exceeded/);
    await waitUntil(room, ['disconnect'], () => closeCodes.length === 1, WAIT_MS, 'the Room to see the close');
    assert.deepEqual(closeCodes, [1009], 'the Room saw close code 1009 (message too big)');
    await reauthenticated;
    // Statuses are only set when they change, so a green one after the mark comes after the red one.
    await waitForStatusSince(node('cmd'), mark, (s) => !isGreen(s), 'left green');
    await waitForStatusSince(node('cmd'), mark, isReadyIdle, 'green again');
    const recoveredMs = Date.now() - started;
    node('cmd').receive({});
    assert.equal((await out.next()).payload.result, true);
    // Once where an operator looks (warn and above); debug lines may repeat it.
    const logged = logs.since(logMark).filter((e) => e.level <= LEVEL.WARN && /Max payload size exceeded/.test(e.text));
    assert.equal(logged.length, 1, `the close was logged once: ${logs.allText(logMark)}`);
    assert.equal(connections.values.length, 1, 'exactly one new connection');
    assert.equal(room.connectionCount, 1);
    connections.stop();
    const level =
      Object.entries(LEVEL)
        .find(([, n]) => n === logged[0].level)?.[0]
        .toLowerCase() ?? String(logged[0].level);
    figure(
      `oversize frame: 4 MiB + 1 byte -> the client closed with 1009 (logged once, at ${level} level), reconnected and green in ${recoveredMs} ms`,
    );
  });
});
