import type { EmbeddedRed } from '../lib/embedded-red';
import type { EmulatorFarm } from '../lib/emulator-farm';
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
  /** CPU share of one core the emulator process used during the raw pipelined runs (1 = a full core). */
  emulatorCpuDuringRaw: number;
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

export async function runLatency(red: EmbeddedRed, farm: EmulatorFarm, opts: LatencyOptions): Promise<LatencyResult> {
  // One emulated Room per path: a Room grants each control mode to one connection at a time, so paths
  // sharing a Room would displace each other. The Rooms are identical and live in the same host process.
  const [rawRoom, clientRoom, nodeRoom, diyRoom] = await farm.start(4);
  const z = 'lat';
  const ids = { entry: 'lat-entry', cmd: 'lat-cmd', exit: 'lat-exit' };
  const diyIds = { entry: 'diy-entry', exit: 'diy-exit', authed: 'diy-authed' };
  await red.deploy([
    tab(z, 'latency'),
    roomConfig('lat-room', nodeRoom),
    junction(ids.entry, z, [ids.cmd]),
    roomCommand(ids.cmd, z, 'lat-room', METHOD, [ids.exit]),
    junction(ids.exit, z, []),
    // The same two hops without the Room: the floor any path through Node-RED pays.
    junction('hop-entry', z, ['hop-mid']),
    junction('hop-mid', z, ['hop-exit']),
    junction('hop-exit', z, []),
    tab('diy', 'do-it-yourself'),
    ...diyFlow('diy', diyIds, diyRoom.wsPort, METHOD),
  ]);
  await red.waitAllGreen([ids.cmd], 20_000);
  await waitDiyAuthed(red, 20_000);
  const raw = await RawRoomClient.connect(rawRoom.wsPort);
  const client = new RoomClient({
    host: '127.0.0.1',
    port: clientRoom.webPort,
    wsPort: clientRoom.wsPort,
    apiVersion: '2',
    authType: 'unsecured',
  });
  const clientReady = new Promise<void>((resolve) =>
    client.on('state', (c: { state: string }) => c.state === 'ready' && resolve()),
  );
  client.start();
  await clientReady;

  const paths: Record<'raw' | 'client' | 'node' | 'diy' | 'hops', Once> = {
    raw: async () => {
      expectSuccess(await raw.request(METHOD), 'raw ws');
    },
    client: async () => {
      expectSuccess(await client.request(METHOD), 'RoomClient');
    },
    node: throughFlow(red, ids.entry, ids.exit, true),
    diy: throughFlow(red, diyIds.entry, diyIds.exit, true),
    hops: throughFlow(red, 'hop-entry', 'hop-exit', false),
  };
  const names = Object.keys(paths) as (keyof typeof paths)[];
  for (const name of names) {
    await sequential(paths[name], opts.warmup);
    await pipelined(paths[name], opts.warmup * 2, opts.window);
  }

  const seq: Record<string, number[]> = Object.fromEntries(names.map((n) => [n, []]));
  const thr: Record<string, number[]> = Object.fromEntries(names.map((n) => [n, []]));
  const cpu: Record<string, number[]> = Object.fromEntries(names.map((n) => [n, []]));
  const p50s: Record<string, number[]> = Object.fromEntries(names.map((n) => [n, []]));
  let rawCpuMs = 0;
  let rawWallMs = 0;
  for (let round = 0; round < opts.rounds; round++) {
    // Rotate the order each round so no path always runs first (warm caches, GC debt of the previous one).
    const order = names.map((_, i) => names[(i + round) % names.length]);
    for (const name of order) {
      const samples = await sequential(paths[name], opts.sequential);
      seq[name].push(...samples);
      p50s[name].push(percentile(samples, 50));
      const farmCpu0 = name === 'raw' ? await farm.cpu() : undefined;
      const t0 = process.hrtime.bigint();
      const cpu0 = process.cpuUsage();
      thr[name].push(await pipelined(paths[name], opts.pipelined, opts.window));
      const used = process.cpuUsage(cpu0);
      cpu[name].push((used.user + used.system) / opts.pipelined);
      if (farmCpu0) {
        const wall = nsToMs(process.hrtime.bigint() - t0);
        const farmCpu1 = await farm.cpu();
        rawCpuMs += (farmCpu1.user - farmCpu0.user + farmCpu1.system - farmCpu0.system) / 1000;
        rawWallMs += wall;
      }
    }
    opts.log(
      `  round ${round + 1}/${opts.rounds}: throughput raw ${thr.raw.at(-1)!.toFixed(0)}/s, ` +
        `room-command ${thr.node.at(-1)!.toFixed(0)}/s, diy ${thr.diy.at(-1)!.toFixed(0)}/s`,
    );
  }
  await raw.close();
  await client.close();
  await red.deploy([]);

  const figures = (name: string): PathFigures => ({
    p50: percentile(seq[name], 50),
    p99: percentile(seq[name], 99),
    samples: seq[name].length,
    throughput: median(thr[name]),
    throughputRounds: thr[name],
    cpuUs: median(cpu[name]),
    p50Rounds: p50s[name],
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
    emulatorCpuDuringRaw: rawWallMs > 0 ? rawCpuMs / rawWallMs : NaN,
  };
}

/**
 * The DIY flow's handshake runs on its own when its socket opens; the match function records the auth reply
 * in flow context and sends it to the `authed` junction. Wait on that message (or the flag, if it came first).
 */
async function waitDiyAuthed(red: EmbeddedRed, timeoutMs: number): Promise<void> {
  const flowContext = red.getNode('diy-match').context().flow;
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('the do-it-yourself flow did not authenticate')), timeoutMs);
    const done = (): void => {
      clearTimeout(timer);
      resolve();
    };
    red.onInput('diy-authed', (msg) => {
      if ((msg.payload as { result?: unknown }).result === true) done();
    });
    if (flowContext.get('authed') === true) done();
  });
}
