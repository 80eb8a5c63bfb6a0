import { eventNames } from '../../src/protocol/catalogue';
import type { EmbeddedRed, FlowNode } from '../lib/embedded-red';
import type { EmulatorFarm } from '../lib/emulator-farm';
import { junction, roomConfig, roomEvent, tab } from '../lib/flows';
import { parseOnlyClient } from '../lib/raw-client';
import { median, nsToMs } from '../lib/stats';

export interface FanoutFigures {
  /** Notifications per second taken in (for Node-RED: each delivered to the 3 catch-all nodes). */
  rate: number;
  /** CPU time of this process per notification, µs. */
  cpuUs: number;
  rateRounds: number[];
  cpuRounds: number[];
}

export interface FanoutResult {
  event: string;
  notifications: number;
  catchAll: number;
  rounds: number;
  baseline: FanoutFigures;
  sizes: { nodes: number; figures: FanoutFigures }[];
}

export interface FanoutOptions {
  sizes: number[];
  notifications: number;
  rounds: number;
  catchAll: number;
  log: (line: string) => void;
}

const EVENT = 'audioCapturerMute';
const FIELDS = { mute: true };

/** Distinct event filters that never match EVENT: pairs of other catalogue events, each pair used once. */
function distinctFilters(count: number): string[][] {
  const names = eventNames().filter((n) => n !== EVENT);
  const m = names.length;
  if (count > m * (m - 1)) throw new Error('not enough distinct event pairs');
  const out: string[][] = [];
  for (let i = 0; i < count; i++) out.push([names[i % m], names[(i + 1 + Math.floor(i / m)) % m]]);
  return out;
}

function gc(): void {
  (globalThis as { gc?: () => void }).gc?.();
}

/** Resolves when `count()` reaches `target`; `poke` is called by whoever increments the count. */
class Arrival {
  private target = Infinity;
  private resolve: (() => void) | undefined;
  n = 0;
  hit(): void {
    this.n++;
    if (this.n >= this.target && this.resolve) {
      const r = this.resolve;
      this.resolve = undefined;
      r();
    }
  }
  expect(target: number, timeoutMs: number, what: string): Promise<void> {
    this.n = 0;
    this.target = target;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`${what}: ${this.n}/${target} after ${timeoutMs} ms`)),
        timeoutMs,
      );
      this.resolve = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }
}

export async function runFanout(red: EmbeddedRed, farm: EmulatorFarm, opts: FanoutOptions): Promise<FanoutResult> {
  const rooms = await farm.start(1 + opts.sizes.length);
  const baselineRoom = rooms[0];
  const flows: FlowNode[] = [];
  const arrivals = new Map<number, Arrival>();
  const userIds: string[] = [];
  opts.sizes.forEach((size, k) => {
    const z = `fan${size}`;
    const cfg = `${z}-room`;
    flows.push(tab(z, `fan-out ${size}`), roomConfig(cfg, rooms[k + 1]), junction(`${z}-exit`, z, []));
    distinctFilters(size).forEach((events, i) => {
      flows.push(roomEvent(`${z}-f${i}`, z, cfg, events, []));
      userIds.push(`${z}-f${i}`);
    });
    for (let c = 0; c < opts.catchAll; c++) {
      flows.push(roomEvent(`${z}-all${c}`, z, cfg, [], [`${z}-exit`]));
      userIds.push(`${z}-all${c}`);
    }
  });
  await red.deploy(flows);
  await red.waitAllGreen(userIds, 60_000);
  for (const size of opts.sizes) {
    const arrival = new Arrival();
    arrivals.set(size, arrival);
    red.onInput(`fan${size}-exit`, () => arrival.hit());
  }
  const baselineArrival = new Arrival();
  const { client } = await parseOnlyClient(baselineRoom.wsPort);
  client.onEvent = () => baselineArrival.hit();

  const n = opts.notifications;
  const measure = async (index: number, arrival: Arrival, perNotification: number, what: string) => {
    gc();
    const done = arrival.expect(n * perNotification, 60_000, what);
    const cpu0 = process.cpuUsage();
    const t0 = process.hrtime.bigint();
    await farm.fire(index, EVENT, FIELDS, n);
    await done;
    const ms = nsToMs(process.hrtime.bigint() - t0);
    const cpu = process.cpuUsage(cpu0);
    return { rate: n / (ms / 1000), cpuUs: (cpu.user + cpu.system) / n };
  };

  const variants = [
    { key: 0, index: baselineRoom.index, arrival: baselineArrival, per: 1, what: 'JSON.parse baseline' },
    ...opts.sizes.map((size, k) => ({
      key: size,
      index: rooms[k + 1].index,
      arrival: arrivals.get(size)!,
      per: opts.catchAll,
      what: `${size} nodes`,
    })),
  ];
  // Warm-up: one short burst through every path (JIT, buffers), not recorded.
  for (const v of variants) {
    const done = v.arrival.expect(Math.min(2000, n) * v.per, 60_000, `warm-up ${v.what}`);
    await farm.fire(v.index, EVENT, FIELDS, Math.min(2000, n));
    await done;
  }
  const samples = new Map<number, { rate: number[]; cpu: number[] }>(
    variants.map((v) => [v.key, { rate: [], cpu: [] }]),
  );
  // The verdict compares the smallest and the largest flow: those two always run back to back, in turns
  // (which goes first alternates), so each pair shares the machine's load of that moment.
  const smallest = variants[1];
  const largest = variants[variants.length - 1];
  const others = variants.filter((v) => v !== smallest && v !== largest);
  for (let round = 0; round < opts.rounds; round++) {
    const pair = round % 2 === 0 ? [smallest, largest] : [largest, smallest];
    const order = round % 4 < 2 ? [...pair, ...others] : [...others, ...pair];
    for (const v of order) {
      const r = await measure(v.index, v.arrival, v.per, v.what);
      samples.get(v.key)!.rate.push(r.rate);
      samples.get(v.key)!.cpu.push(r.cpuUs);
    }
    opts.log(
      `  round ${round + 1}/${opts.rounds}: µs CPU/notification ` +
        variants
          .map((v) => `${v.key === 0 ? 'parse-only' : v.key}: ${samples.get(v.key)!.cpu.at(-1)!.toFixed(1)}`)
          .join(', '),
    );
  }
  await client.close();
  await red.deploy([]);

  const figures = (key: number): FanoutFigures => {
    const s = samples.get(key)!;
    return { rate: median(s.rate), cpuUs: median(s.cpu), rateRounds: s.rate, cpuRounds: s.cpu };
  };
  return {
    event: EVENT,
    notifications: n,
    catchAll: opts.catchAll,
    rounds: opts.rounds,
    baseline: figures(0),
    sizes: opts.sizes.map((size) => ({ nodes: size, figures: figures(size) })),
  };
}
