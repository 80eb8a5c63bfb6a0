import type { FlowNode } from '../lib/embedded-red';
import type { EmulatorFarm, EmulatorPorts } from '../lib/emulator-farm';
import { roomConfig, roomEvent, tab } from '../lib/flows';
import { RedWorker } from '../lib/red-handle';
import { median } from '../lib/stats';

export interface MemorySample {
  endpoints: number;
  rss: number;
  heapUsed: number;
  rssRounds: number[];
  heapRounds: number[];
}

export interface MemoryResult {
  samples: MemorySample[];
  /** (value at the largest size − value at the smallest) / (endpoint difference), bytes. */
  rssPerEndpoint: number;
  heapPerEndpoint: number;
  /** Same, between the smallest and the middle size. */
  rssPerEndpointMid: number;
  heapPerEndpointMid: number;
  repeats: number;
}

export interface MemoryOptions {
  sizes: number[];
  repeats: number;
  log: (line: string) => void;
}

function endpointFlows(rooms: EmulatorPorts[]): { flows: FlowNode[]; users: string[] } {
  const flows: FlowNode[] = [tab('mem', 'endpoints')];
  const users: string[] = [];
  rooms.forEach((room, i) => {
    flows.push(roomConfig(`mem-room${i}`, room));
    flows.push(roomEvent(`mem-ev${i}`, 'mem', `mem-room${i}`, ['appStateChanged'], []));
    users.push(`mem-ev${i}`);
  });
  return { flows, users };
}

/**
 * Each size runs in a fresh Node-RED process (so nothing of a larger run lingers in a smaller one), with the
 * emulators in the farm process. Figures are taken after all endpoints are ready and garbage was collected.
 */
export async function runMemory(farm: EmulatorFarm, opts: MemoryOptions): Promise<MemoryResult> {
  const largest = Math.max(...opts.sizes);
  const rooms = await farm.start(largest);
  const raw = new Map<number, { rss: number[]; heap: number[] }>(opts.sizes.map((s) => [s, { rss: [], heap: [] }]));
  for (let rep = 0; rep < opts.repeats; rep++) {
    for (const size of opts.sizes) {
      const worker = await RedWorker.spawn({}, `Node-RED (${size} endpoints)`);
      try {
        const { flows, users } = endpointFlows(rooms.slice(0, size));
        await worker.deploy(flows);
        await worker.waitAllGreen(users, 90_000);
        const mem = await worker.memory();
        raw.get(size)!.rss.push(mem.rss);
        raw.get(size)!.heap.push(mem.heapUsed);
        opts.log(
          `  ${size} endpoint(s): RSS ${(mem.rss / 1048576).toFixed(1)} MB, heap ${(mem.heapUsed / 1048576).toFixed(1)} MB`,
        );
      } finally {
        await worker.end();
      }
    }
  }
  const samples: MemorySample[] = opts.sizes.map((endpoints) => {
    const r = raw.get(endpoints)!;
    return { endpoints, rss: median(r.rss), heapUsed: median(r.heap), rssRounds: r.rss, heapRounds: r.heap };
  });
  const per = (a: MemorySample, b: MemorySample, key: 'rss' | 'heapUsed') =>
    (b[key] - a[key]) / (b.endpoints - a.endpoints);
  const first = samples[0];
  const mid = samples[Math.floor(samples.length / 2)];
  const last = samples[samples.length - 1];
  return {
    samples,
    rssPerEndpoint: per(first, last, 'rss'),
    heapPerEndpoint: per(first, last, 'heapUsed'),
    rssPerEndpointMid: per(first, mid, 'rss'),
    heapPerEndpointMid: per(first, mid, 'heapUsed'),
    repeats: opts.repeats,
  };
}
