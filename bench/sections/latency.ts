import type { EmbeddedRed, FlowNode } from '../lib/embedded-red';
import type { EmulatorFarm, EmulatorPorts } from '../lib/emulator-farm';
import { diyFlow, junction, roomCommand, roomConfig, tab } from '../lib/flows';
import { RoomClient } from '../../src/protocol';
import { RawRoomClient } from '../lib/raw-client';
import { median, nsToMs, percentile } from '../lib/stats';

export interface PathFigures {
  /** Sequential round trips, ms. */
  p50: number;
  p99: number;
  samples: number;
  /** Pipelined requests per second (median over rounds). */
  throughput: number;
  throughputRounds: number[];
  /** CPU time of this process per request during the pipelined runs, µs (median over rounds). */
  cpuUs: number;
  /** p50 of each round, ms (rounds line up across paths: round i of every path ran back to back). */
  p50Rounds: number[];
  /** CPU share of one core the responder process used during this path's pipelined runs. */
  responderCpu: number;
}

export interface LatencyResult {
  method: string;
  sequentialPerRound: number;
  pipelinedPerRound: number;
  window: number;
  rounds: number;
  raw: PathFigures;
  node: PathFigures;
  diy: PathFigures;
  /** Diagnostics: the protocol core alone (no Node-RED), and Node-RED's two message hops alone (no Room). */
  client: PathFigures;
  hops: PathFigures;
}

type Once = () => Promise<void>;

export interface LatencyOptions {
  rounds: number;
  warmup: number;
  sequential: number;
  pipelined: number;
  window: number;
  log: (line: string) => void;
}

const METHOD = 'getAppState';

/**
 * Sends `msg` into the `entry` node and resolves when the same message reaches `exit`.
 * Messages are told apart by a counter property, so any number may be in flight.
 */
function throughFlow(red: EmbeddedRed, entry: string, exit: string, check: boolean): Once {
  const waiting = new Map<number, { resolve: () => void; reject: (e: Error) => void }>();
  let seq = 0;
  red.onInput(exit, (msg) => {
    const k = msg._bench as number;
    const w = waiting.get(k);
    if (!w) return;
    waiting.delete(k);
    try {
      if (check) expectSuccess(msg.payload as Record<string, unknown>, exit);
      w.resolve();
    } catch (err) {
      w.reject(err as Error);
    }
  });
  const entryNode = red.getNode(entry);
  return () =>
    new Promise<void>((resolve, reject) => {
      const k = ++seq;
      waiting.set(k, { resolve, reject });
      entryNode.receive({ payload: {}, _bench: k });
    });
}

/** Every measured response must be a real answer: an error reply would be a cheaper, meaningless round trip. */
function expectSuccess(response: Record<string, unknown> | undefined, path: string): void {
  if (!response || response.result !== true || response.method !== METHOD) {
    throw new Error(`${path}: expected a successful ${METHOD} response, got ${JSON.stringify(response)}`);
  }
}

async function sequential(once: Once, count: number): Promise<number[]> {
  const out: number[] = new Array(count);
  for (let i = 0; i < count; i++) {
    const t0 = process.hrtime.bigint();
    await once();
    out[i] = nsToMs(process.hrtime.bigint() - t0);
  }
  return out;
}

/** `total` requests with at most `window` in flight; returns requests per second. */
function pipelined(once: Once, total: number, window: number): Promise<number> {
  return new Promise((resolve, reject) => {
    let started = 0;
    let finished = 0;
    const t0 = process.hrtime.bigint();
    const next = (): void => {
      if (started >= total) return;
      started++;
      once().then(() => {
        finished++;
        if (finished === total) resolve(total / (nsToMs(process.hrtime.bigint() - t0) / 1000));
        else next();
      }, reject);
    };
    for (let i = 0; i < Math.min(window, total); i++) next();
  });
}

interface PathSet {
  raw: Once;
  client: Once;
  node: Once;
  diy: Once;
  close: () => Promise<void>;
}

/**
 * The four paths to one set of Rooms (one Room each: a Room grants each control mode to one connection at
 * a time, so paths sharing a Room would displace each other). `tag` keeps the node ids of two sets apart.
 */
async function openPaths(
  red: EmbeddedRed,
  rooms: EmulatorPorts[],
  tag: string,
): Promise<{ flows: FlowNode[]; open: () => Promise<PathSet> }> {
  const [rawRoom, clientRoom, nodeRoom, diyRoom] = rooms;
  const ids = { entry: `${tag}-entry`, cmd: `${tag}-cmd`, exit: `${tag}-exit` };
  const diyIds = { entry: `${tag}diy-entry`, exit: `${tag}diy-exit`, authed: `${tag}diy-authed` };
  const flows: FlowNode[] = [
    tab(tag, `latency ${tag}`),
    roomConfig(`${tag}-room`, nodeRoom),
    junction(ids.entry, tag, [ids.cmd]),
    roomCommand(ids.cmd, tag, `${tag}-room`, METHOD, [ids.exit]),
    junction(ids.exit, tag, []),
    tab(`${tag}diy`, `do-it-yourself ${tag}`),
    ...diyFlow(`${tag}diy`, diyIds, diyRoom.wsPort, METHOD),
  ];
  const open = async (): Promise<PathSet> => {
    await red.waitAllGreen([ids.cmd], 20_000);
    await waitDiyAuthed(red, `${tag}diy`, 20_000);
    const raw = await RawRoomClient.connect(rawRoom.wsPort);
    const client = new RoomClient({
      host: '127.0.0.1',
      wsPort: clientRoom.wsPort,
      apiVersion: '2',
      authType: 'unsecured',
    });
    const clientReady = new Promise<void>((resolve) =>
      client.on('state', (c: { state: string }) => c.state === 'ready' && resolve()),
    );
    client.start();
    await clientReady;
    return {
      raw: async () => {
        expectSuccess(await raw.request(METHOD), 'raw ws');
      },
      client: async () => {
        expectSuccess(await client.request(METHOD), 'RoomClient');
      },
      node: throughFlow(red, ids.entry, ids.exit, true),
      diy: throughFlow(red, diyIds.entry, diyIds.exit, true),
      close: async () => {
        await raw.close();
        await client.close();
      },
    };
  };
  return { flows, open };
}

/**
 * Sequential round trips go to emulated Rooms (a Room that really answers); pipelined throughput goes to
 * near-zero-cost responders in their own process, so the Room side cannot cap the baseline.
 */
export async function runLatency(
  red: EmbeddedRed,
  farm: EmulatorFarm,
  responders: EmulatorFarm,
  opts: LatencyOptions,
): Promise<LatencyResult> {
  const seqSet = await openPaths(red, await farm.start(4), 'lat');
  const thrSet = await openPaths(red, await responders.start(4), 'thr');
  await red.deploy([
    ...seqSet.flows,
    ...thrSet.flows,
    // The same two hops without the Room: the floor any path through Node-RED pays.
    tab('hop', 'hops'),
    junction('hop-entry', 'hop', ['hop-mid']),
    junction('hop-mid', 'hop', ['hop-exit']),
    junction('hop-exit', 'hop', []),
  ]);
  const seqPaths = await seqSet.open();
  const thrPaths = await thrSet.open();
  const hops = throughFlow(red, 'hop-entry', 'hop-exit', false);
  const names = ['raw', 'client', 'node', 'diy', 'hops'] as const;
  const seqOf = (name: (typeof names)[number]): Once => (name === 'hops' ? hops : seqPaths[name]);
  const thrOf = (name: (typeof names)[number]): Once => (name === 'hops' ? hops : thrPaths[name]);
  for (const name of names) {
    await sequential(seqOf(name), opts.warmup);
    await pipelined(thrOf(name), opts.warmup * 2, opts.window);
  }

  const seq: Record<string, number[]> = Object.fromEntries(names.map((n) => [n, []]));
  const thr: Record<string, number[]> = Object.fromEntries(names.map((n) => [n, []]));
  const cpu: Record<string, number[]> = Object.fromEntries(names.map((n) => [n, []]));
  const p50s: Record<string, number[]> = Object.fromEntries(names.map((n) => [n, []]));
  const responderCpu: Record<string, { cpuMs: number; wallMs: number }> = Object.fromEntries(
    names.map((n) => [n, { cpuMs: 0, wallMs: 0 }]),
  );
  for (let round = 0; round < opts.rounds; round++) {
    // Rotate the order each round so no path always runs first (warm caches, GC debt of the previous one).
    const order = names.map((_, i) => names[(i + round) % names.length]);
    for (const name of order) {
      const samples = await sequential(seqOf(name), opts.sequential);
      seq[name].push(...samples);
      p50s[name].push(percentile(samples, 50));
      const r0 = await responders.cpu();
      const t0 = process.hrtime.bigint();
      const cpu0 = process.cpuUsage();
      thr[name].push(await pipelined(thrOf(name), opts.pipelined, opts.window));
      const used = process.cpuUsage(cpu0);
      const wall = nsToMs(process.hrtime.bigint() - t0);
      const r1 = await responders.cpu();
      cpu[name].push((used.user + used.system) / opts.pipelined);
      responderCpu[name].cpuMs += (r1.user - r0.user + r1.system - r0.system) / 1000;
      responderCpu[name].wallMs += wall;
    }
    opts.log(
      `  round ${round + 1}/${opts.rounds}: p50 raw ${p50s.raw.at(-1)!.toFixed(3)} ms, room-command ${p50s.node.at(-1)!.toFixed(3)} ms; ` +
        `throughput raw ${thr.raw.at(-1)!.toFixed(0)}/s, room-command ${thr.node.at(-1)!.toFixed(0)}/s, diy ${thr.diy.at(-1)!.toFixed(0)}/s`,
    );
  }
  await seqPaths.close();
  await thrPaths.close();
  await red.deploy([]);

  const figures = (name: string): PathFigures => ({
    p50: percentile(seq[name], 50),
    p99: percentile(seq[name], 99),
    samples: seq[name].length,
    throughput: median(thr[name]),
    throughputRounds: thr[name],
    cpuUs: median(cpu[name]),
    p50Rounds: p50s[name],
    responderCpu: responderCpu[name].wallMs > 0 ? responderCpu[name].cpuMs / responderCpu[name].wallMs : NaN,
  });
  return {
    method: METHOD,
    sequentialPerRound: opts.sequential,
    pipelinedPerRound: opts.pipelined,
    window: opts.window,
    rounds: opts.rounds,
    raw: figures('raw'),
    node: figures('node'),
    diy: figures('diy'),
    client: figures('client'),
    hops: figures('hops'),
  };
}

/**
 * The DIY flow's handshake runs on its own when its socket opens; the match function records the auth reply
 * in flow context and sends it to the `authed` junction. Wait on that message (or the flag, if it came first).
 */
async function waitDiyAuthed(red: EmbeddedRed, z: string, timeoutMs: number): Promise<void> {
  const flowContext = red.getNode(`${z}-match`).context().flow;
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('the do-it-yourself flow did not authenticate')), timeoutMs);
    const done = (): void => {
      clearTimeout(timer);
      resolve();
    };
    red.onInput(`${z}-authed`, (msg) => {
      if ((msg.payload as { result?: unknown }).result === true) done();
    });
    if (flowContext.get('authed') === true) done();
  });
}
