import assert from 'node:assert/strict';
import fs from 'node:fs';
import type { RoomEmulator } from '../../src/emulator';
import {
  defaultFlavour,
  node22Binary,
  startNodeRed,
  type NodeRedFlavour,
  type NodeRedProcess,
} from '../support/node-red-process';
import { waitForEvent, waitUntil } from '../support/wait';
import {
  BASE_SETTINGS,
  clientOf,
  commandFlow,
  configNode,
  figure,
  framesOf,
  helper,
  injectNode,
  isReadyIdle,
  load,
  node,
  quietWindow,
  startRoom,
  WAIT_MS,
  waitForStatus,
  withRuntime,
  type Msg,
} from './harness';

const PENDING = 25;
/** Node-RED gives each node this long to close before it reports "Close timed out". */
const NODE_RED_CLOSE_LIMIT_MS = 15000;

/** The Node-RED of this run, plus Node-RED 5 on Node 22 when test/tooling/node22 is installed. */
function flavours(): NodeRedFlavour[] {
  const first = defaultFlavour();
  const other: NodeRedFlavour = first === 'node-red' ? 'node-red-5' : 'node-red';
  return other === 'node-red-5' && !fs.existsSync(node22Binary) ? [first] : [first, other];
}

describe('reliability: shutdown in a Node-RED runtime', function () {
  this.timeout(60000);
  withRuntime();

  it('shutdown: stopping the flows with commands pending rejects each one once, well within 15 s', async () => {
    const room = await startRoom();
    const count = 50;
    await load(commandFlow(room, { method: 'getMicMute', timeout: '60000' }));
    await waitForStatus(node('cmd'), isReadyIdle, 'ready');
    room.faults.neverAnswer(true);
    const cmd = node('cmd');
    const errors: { code?: string; seq: unknown }[] = [];
    // The helper removes its spies before it stops the flows, so record done(err) on the instance itself.
    const original = cmd.error.bind(cmd);
    cmd.error = (err: { code?: string }, msg?: Msg) => {
      errors.push({ code: err?.code, seq: msg?.seq });
      original(err, msg);
    };
    for (let seq = 0; seq < count; seq++) cmd.receive({ seq });
    await waitUntil(
      room,
      ['request'],
      () => framesOf(room, 'getMicMute').length === count,
      WAIT_MS,
      `${count} requests at the Room`,
    );
    assert.equal(clientOf().pendingCount, count);

    const started = Date.now();
    await helper.unload();
    const stoppedMs = Date.now() - started;
    assert.ok(stoppedMs < 15000, `stopped in ${stoppedMs} ms`);
    await quietWindow(200);
    const closed = errors.filter((e) => e.code === 'CLOSED');
    assert.equal(closed.length, count, 'each pending command was rejected');
    assert.equal(new Set(closed.map((e) => e.seq)).size, count, 'each exactly once');
    assert.equal(errors.length, count, 'and nothing else');
    figure(
      `shutdown (runtime): flows stopped in ${stoppedMs} ms with ${count} commands pending, ${closed.length} rejected once each (CLOSED)`,
    );
  });
});

describe('reliability: shutdown of a Node-RED process with commands pending', function () {
  this.timeout(120000);
  let room: RoomEmulator | undefined;
  let nr: NodeRedProcess | undefined;

  afterEach(async () => {
    await nr?.stop();
    nr = undefined;
    await room?.stop();
    room = undefined;
  });

  for (const flavour of flavours()) {
    it(`${flavour}: stops within the ${NODE_RED_CLOSE_LIMIT_MS / 1000} s close limit, each pending command rejected once`, async () => {
      room = await startRoom();
      room.faults.neverAnswer(['getMicMute']);
      const authenticated = waitForEvent(room, 'authenticated', { timeoutMs: 60000 });
      // No Catch node: each rejected command is then one [error] line in Node-RED's log.
      const flows = [
        { id: 'tab', type: 'tab', label: 'shutdown' },
        configNode(room),
        injectNode('inj', ['cmd']),
        {
          id: 'cmd',
          type: 'room-command',
          z: 'tab',
          name: 'cmd',
          room: 'cfg',
          method: 'getMicMute',
          params: {},
          timeout: '60000',
          x: 300,
          y: 100,
          wires: [[]],
        },
      ];
      nr = await startNodeRed({ nodeRed: flavour, flows, settings: BASE_SETTINGS });
      await authenticated;
      for (let i = 0; i < PENDING; i++) await nr.inject('inj');
      await waitUntil(
        room,
        ['request'],
        () => framesOf(room!, 'getMicMute').length === PENDING,
        WAIT_MS * 3,
        `${PENDING} commands at the Room`,
      );

      const process = nr;
      const started = Date.now();
      await process.stop();
      nr = undefined;
      const stoppedMs = Date.now() - started;
      const rejected = process.lines.filter((l) =>
        /\[error\] \[room-command:cmd\] the node was stopped before the Room answered getMicMute/.test(l),
      );
      assert.ok(stoppedMs < NODE_RED_CLOSE_LIMIT_MS, `stopped in ${stoppedMs} ms`);
      assert.ok(!process.lines.some((l) => /Close timed out|Error stopping node/i.test(l)), process.logTail(20));
      assert.equal(rejected.length, PENDING, `each pending command rejected once:\n${process.logTail(20)}`);
      assert.ok(
        process.lines.some((l) => /Stopped flows/.test(l)),
        'the flows stopped cleanly',
      );
      figure(
        `shutdown (${flavour} process): SIGINT with ${PENDING} commands pending -> exited in ${stoppedMs} ms (limit ${NODE_RED_CLOSE_LIMIT_MS / 1000} s), ${rejected.length} rejected once each`,
      );
    });
  }
});
