import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import type { RoomEmulator } from '../../src/emulator';
import { defaultFlavour, startNodeRed, type NodeRedProcess } from '../support/node-red-process';
import { waitUntil } from '../support/wait';
import {
  BASE_SETTINGS,
  catchNode,
  clientOf,
  commandNode,
  configNode,
  deploy,
  figure,
  forgetHelperSpyHistory,
  framesOf,
  garbageCollector,
  helperNode,
  injectNode,
  isReadyIdle,
  load,
  logs,
  node,
  quietWindow,
  seconds,
  startRoom,
  TAB,
  useSettings,
  WAIT_MS,
  waitForStatus,
  withRuntime,
  type Msg,
} from './harness';

/** Room-configs a user could type or import, each wrong in its own way (or right but unreachable). */
const LONG = 'x'.repeat(10 * 1024);
const HOSTILE_CONFIGS: Record<string, unknown>[] = [
  { host: '1:2', port: 8080 },
  { host: 'fe80:1', port: 8080 },
  { host: '[1:2]', port: 8080 },
  { host: 'fe80::1%eth0', port: 8080 },
  { host: '[::1', port: 8080 },
  { host: 'http://room.local', port: 8080 },
  { host: 'ws://room.local:8765/v2', port: 8080 },
  { host: 'room name', port: 8080 },
  { host: 'room.local:8080', port: 8080 },
  { host: '', port: 8080 },
  { host: LONG, port: 8080 },
  { host: 'кабинет.local', port: 8080 },
  { host: '1.2.3', port: 8080 },
  { host: '127.0.0.1', port: 0 },
  { host: '127.0.0.1', port: 65536 },
  { host: '127.0.0.1', port: 'abc' },
  { host: '127.0.0.1', port: 8080, wsPort: '-1' },
  { host: '127.0.0.1', port: 8080, instance: 'a/b' },
  { host: '127.0.0.1', port: 8080, instance: '..' },
  { host: '127.0.0.1', port: 8080, instance: '50%' },
  { host: '127.0.0.1', port: 8080, instance: 'my room' },
  { host: '127.0.0.1', port: 8080, instance: LONG },
  { host: '127.0.0.1', port: 8080, instance: 'переговорная' },
  { host: '127.0.0.1', port: 8080, apiVersion: '3' },
  { host: '127.0.0.1', port: 8080, authType: 'secured' },
  { host: '127.0.0.1', port: 8080, role: 'root' },
  { host: '127.0.0.1', port: 8080, name: `${'名'.repeat(5000)}` },
  // Valid, but nothing answers there: the connect deadline passes, the command fails NOT_CONNECTED.
  { host: '127.0.0.1', port: 1 },
  { host: '::1', port: 1 },
  { host: '[::1]', wsPort: 1 },
  { host: '127.0.0.1', port: 1, tls: true, tlsInsecure: 'maybe' },
];

describe('reliability: hostile configs in a Node-RED process', function () {
  this.timeout(180000);
  let nr: NodeRedProcess | undefined;
  afterEach(async () => {
    await nr?.stop();
    nr = undefined;
  });

  it(`${HOSTILE_CONFIGS.length} hostile room-configs: Node-RED stays up past the connect deadline, every command gets a catchable error, Test connection answers each`, async () => {
    const connectTimeoutMs = 1000;
    const flows: object[] = [{ id: 'tab', type: 'tab', label: 'hostile' }];
    const commandIds: string[] = [];
    HOSTILE_CONFIGS.forEach((cfg, i) => {
      flows.push({ id: `cfg${i}`, type: 'room-config', name: `hostile ${i}`, instance: 'default', ...cfg });
      flows.push({
        id: `cmd${i}`,
        type: 'room-command',
        z: 'tab',
        name: `cmd${i}`,
        room: `cfg${i}`,
        method: 'getAppState',
        params: {},
        timeout: '1500',
        x: 300,
        y: 40 + i * 40,
        wires: [[]],
      });
      commandIds.push(`cmd${i}`);
    });
    flows.push(
      injectNode('inj', commandIds),
      { id: 'catcher', type: 'catch', z: 'tab', scope: null, uncaught: false, x: 100, y: 200, wires: [['report']] },
      {
        id: 'report',
        type: 'function',
        z: 'tab',
        name: 'report',
        func: "node.warn('CAUGHT ' + msg.error.source.id + ' ' + msg.error.code); return null;",
        outputs: 1,
        x: 300,
        y: 200,
        wires: [[]],
      },
    );
    nr = await startNodeRed({
      nodeRed: defaultFlavour(),
      flows,
      settings: { ...BASE_SETTINGS, roomConfigConnectTimeoutMs: connectTimeoutMs, roomConfigReconnectMaxMs: 500 },
    });
    const startedAt = Date.now();

    // Past the connect deadline (and a few reconnect rounds): the discovery timer of `1:2` used to crash here.
    const mark = nr.mark();
    await nr.waitForLog(/a line that never comes/, connectTimeoutMs * 4, mark).catch(() => undefined);
    assert.ok(nr.isRunning(), `Node-RED exited:\n${nr.logTail(30)}`);

    const caughtMark = nr.mark();
    await nr.inject('inj');
    const caught = new Map<string, string>();
    await waitUntil(
      nr.events,
      ['line'],
      () => {
        for (const line of nr!.lines.slice(caughtMark)) {
          const m = /CAUGHT (cmd\d+) ([A-Z_]+)/.exec(line);
          if (m) caught.set(m[1], m[2]);
        }
        return caught.size === commandIds.length;
      },
      WAIT_MS * 2,
      `a caught error from each of ${commandIds.length} commands (so far ${caught.size})`,
    );
    const codes = new Map<string, number>();
    for (const code of caught.values()) codes.set(code, (codes.get(code) ?? 0) + 1);
    for (const code of codes.keys()) assert.ok(['INVALID_CONFIG', 'NOT_CONNECTED'].includes(code), code);

    // The editor's Test connection with each form: an answer every time, never a crash.
    const answers: boolean[] = [];
    for (const cfg of HOSTILE_CONFIGS) {
      const res = await nr.request('POST', '/trueconf-room/test-connection', {
        ...cfg,
        apiVersion: cfg.apiVersion ?? '2',
      });
      assert.equal(res.status, 200, JSON.stringify(res.body).slice(0, 200));
      const body = res.json as { ok?: boolean; message?: string };
      assert.equal(body.ok, false);
      assert.ok(typeof body.message === 'string' && body.message.length > 0 && body.message.length < 400, body.message);
      answers.push(body.ok === false);
    }
    await nr.waitForLog(/a line that never comes/, connectTimeoutMs * 2, nr.mark()).catch(() => undefined);
    assert.ok(nr.isRunning(), `Node-RED exited:\n${nr.logTail(30)}`);
    assert.ok(!nr.lines.some((l) => /uncaught|ReferenceError|TypeError: Cannot/i.test(l)), nr.logTail(30));
    figure(
      `hostile configs (${defaultFlavour()} process): ${HOSTILE_CONFIGS.length} room-configs, Node-RED up after ${seconds(Date.now() - startedAt)} ` +
        `(connect deadline ${connectTimeoutMs} ms); ${caught.size} of ${commandIds.length} commands caught (${[...codes].map(([c, n]) => `${n} ${c}`).join(', ')}); ` +
        `${answers.length} Test connection answers, all ok:false with a reason`,
    );
  });
});

describe('reliability: commands reported as not sent never reach the Room', function () {
  this.timeout(120000);
  withRuntime();

  it('calls queued while the Room is unreachable, then the room-command is redeployed: CLOSED (not sent), and none rings when the Room is back', async () => {
    const count = 50;
    const room = await startRoom();
    const cmd = { method: 'call', timeout: '60000' };
    await load([...commandFlowWithProbe(room, cmd)]);
    await waitForStatus(node('cmd'), isReadyIdle, 'ready');
    room.faults.refuseConnections(true);
    room.faults.dropConnections();
    await waitUntil(clientOf(), ['state'], () => clientOf().state !== 'ready', WAIT_MS, 'the Room to be away');

    const codes: { code?: string; message?: string }[] = [];
    const ended = new EventEmitter();
    node('caught').on('input', (msg: Msg) => {
      codes.push({ code: msg.error?.code, message: msg.error?.message });
      ended.emit('ended');
    });
    for (let i = 0; i < count; i++) node('cmd').receive({ payload: { peerId: `echo-${i}` } });
    await waitUntil(clientOf(), ['state'], () => clientOf().pendingCount === count, WAIT_MS, `${count} queued`);

    // Redeploy only the command node (renamed): the pooled client, which outlives it, keeps running.
    await deploy(commandFlowWithProbe(room, { ...cmd, name: 'renamed' }), 'nodes');
    await waitUntil(ended, ['ended'], () => codes.length === count, WAIT_MS, `${count} CLOSED errors`);
    assert.ok(
      codes.every((c) => c.code === 'CLOSED' && /before call was sent; it will not be sent/.test(c.message ?? '')),
      JSON.stringify(codes.slice(0, 3)),
    );
    assert.equal(clientOf().pendingCount, 0, 'nothing of the closed node is left in the pooled client');

    room.faults.refuseConnections(false);
    await waitForStatus(node('probe'), isReadyIdle, 'ready again', WAIT_MS);
    // A command after the reconnect: anything still queued would have gone out before its answer.
    const probed = new Promise((resolve) => node('probe-out').once('input', resolve));
    node('probe').receive({});
    await probed;
    await quietWindow(300);
    const rang = framesOf(room, 'call').length;
    assert.equal(rang, 0, 'no cancelled call reached the Room');
    figure(
      `cancelled commands: ${count} calls queued while the Room was away, room-command redeployed -> ${codes.length} CLOSED ("not sent"); ` +
        `${rang} reached the Room after it came back`,
    );
  });
});

describe('reliability: bounded queue', function () {
  this.timeout(300000);
  withRuntime();

  it('100,000 messages into a room-command while the Room is down: bounded heap, QUEUE_FULL beyond the bound, only live commands sent on return', async () => {
    const total = 100_000;
    const bound = 1000;
    useSettings({ roomConfigMaxQueued: bound });
    const room = await startRoom();
    await load(commandFlowWithProbe(room, { method: 'getMicMute' }));
    await waitForStatus(node('cmd'), isReadyIdle, 'ready');
    room.faults.refuseConnections(true);
    room.faults.dropConnections();
    await waitUntil(clientOf(), ['state'], () => clientOf().state !== 'ready', WAIT_MS, 'the Room to be away');
    const firstRequest = room.requests.length;

    // Ends by sequence number, except the (many) QUEUE_FULL ones, which are only counted: the test's own
    // records must not weigh on the heap figure.
    const outcome = new Map<number, string>();
    let queueFull = 0;
    let ended = 0;
    const progress = new EventEmitter();
    let shortEnded = 0;
    node('caught').on('input', (msg: Msg) => {
      ended++;
      if (msg.error?.code === 'QUEUE_FULL') queueFull++;
      else outcome.set(msg.seq as number, String(msg.error?.code));
      if ((msg.seq as number) % 2 === 0) shortEnded++;
      progress.emit('ended');
    });
    node('out').on('input', (msg: Msg) => {
      ended++;
      outcome.set(msg.seq as number, 'response');
      progress.emit('ended');
    });

    const gc = garbageCollector();
    logs.entries.splice(0);
    forgetHelperSpyHistory();
    gc?.();
    const heapBefore = process.memoryUsage().heapUsed;
    // Even messages have a short deadline that passes while the Room is away; odd ones a long one.
    const timeoutOf = (seq: number) => (seq % 2 === 0 ? 1000 : 120000);
    const started = Date.now();
    for (let seq = 0; seq < total; seq += 1000) {
      for (let i = seq; i < seq + 1000; i++)
        node('cmd').receive({ seq: i, timeout: timeoutOf(i), payload: { tag: `flood-${i}` } });
      await new Promise((resolve) => setImmediate(resolve));
    }
    const floodMs = Date.now() - started;
    // Every short deadline has passed; what still waits is within its deadline and the bound.
    await waitUntil(progress, ['ended'], () => shortEnded === total / 2, WAIT_MS * 3, 'every short deadline to pass');
    // The test's log capture keeps every metric line of Node-RED (6 per message): not the nodes' memory.
    logs.entries.splice(0);
    forgetHelperSpyHistory();
    gc?.();
    const heapGrowth = process.memoryUsage().heapUsed - heapBefore;
    const waiting = total - ended;
    assert.ok(waiting <= bound, `${waiting} waiting, bound ${bound}`);
    assert.ok(queueFull >= total * 0.9, `${queueFull} QUEUE_FULL`); // short deadlines free places as the flood runs

    room.faults.refuseConnections(false);
    await waitUntil(progress, ['ended'], () => ended === total, WAIT_MS * 6, `all ${total} to end`);
    const frames = framesOf(room, 'getMicMute', firstRequest).filter((f) => typeof f.tag === 'string');
    const sentSeqs = frames.map((f) => Number(String(f.tag).slice('flood-'.length)));
    const responses = [...outcome.values()].filter((c) => c === 'response').length;
    assert.ok(frames.length <= bound, `${frames.length} frames reached the Room (bound ${bound})`);
    assert.equal(frames.length, waiting, 'exactly the commands still waiting, nothing that had been reported failed');
    assert.ok(
      sentSeqs.every((s) => outcome.get(s) === 'response' && timeoutOf(s) > 1000),
      'only commands within their deadline',
    );
    assert.equal(responses, frames.length);
    const byCode = new Map<string, number>();
    byCode.set('QUEUE_FULL', queueFull);
    for (const c of outcome.values()) byCode.set(c, (byCode.get(c) ?? 0) + 1);
    figure(
      `bounded queue: ${total.toLocaleString('en')} messages into one room-command in ${seconds(floodMs)} while the Room was down -> ` +
        `heap +${(heapGrowth / 1024 / 1024).toFixed(1)} MB after GC with ${waiting} waiting (bound ${bound}); ` +
        `${[...byCode].map(([c, n]) => `${n} ${c}`).join(', ')}; ${frames.length} frames reached the Room on its return`,
    );
    assert.ok(heapGrowth < 20 * 1024 * 1024, `heap grew ${(heapGrowth / 1024 / 1024).toFixed(1)} MB`);
  });
});

/** tab + config + `cmd` (wired to `out`) + a `probe` getAppState node + catch -> `caught`. */
function commandFlowWithProbe(room: RoomEmulator, cmd: Record<string, unknown>): Record<string, unknown>[] {
  return [
    TAB,
    configNode(room),
    commandNode('cmd', cmd),
    commandNode('probe', { method: 'getVideoMute' }, 'probe-out'),
    helperNode('out'),
    helperNode('probe-out'),
    ...catchNode(),
  ];
}
