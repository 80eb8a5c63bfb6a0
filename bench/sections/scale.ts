import os from 'node:os';
import type { FlowNode } from '../lib/embedded-red';
import type { EmulatorFarm, EmulatorPorts } from '../lib/emulator-farm';
import type { Outcomes, RateFigures } from '../lib/fleet-driver';
import { catchAll, discoveringRoomConfig, junction, roomCommand, roomConfig, roomEvent, tab } from '../lib/flows';
import { RedWorker } from '../lib/red-handle';
import { median, percentile, wallMs } from '../lib/stats';

export interface ScalePoint {
  rooms: number;
  /** Deploy call to every room-command and room-event green, ms; and the CPU the Node-RED process spent on it. */
  deployMs: number;
  deployCpuMs: number;
  /** 1-minute load average of the machine when the size was measured (others' work competes for the cores). */
  load: number;
  /** Memory of the Node-RED process after forced GC, before the deploy (empty runtime) and with the Rooms. */
  rssBefore: number;
  heapBefore: number;
  rss: number;
  heap: number;
  /** (with the Rooms − empty runtime) ÷ Rooms: includes first-use costs (code paths, schemas) paid once. */
  rssPerRoom: number;
  heapPerRoom: number;
  /** Marginal cost: (this size − the smallest size) ÷ (Room difference), across processes; NaN at the smallest. */
  rssMarginal: number;
  heapMarginal: number;
  /** CPU share of one core used by the idle Node-RED process (1 = a whole core). */
  idleCpu: number;
}

export interface MassReconnect {
  rooms: number;
  /** 0: a network blink (Rooms reachable at once); otherwise how long the Rooms refused connections, ms. */
  downMs: number;
  /** Drop to the Rooms accepting connections again (0 for a blink), ms. */
  backMs: number;
  /** Drop to every node green again, ms. */
  readyMs: number;
  /** Drop to the first node leaving green (the loss noticed in Node-RED), ms. */
  noticedMs: number;
  /** CPU spent from just before the drop (commands included) to all green: Node-RED, and the Rooms' process (ms). */
  redCpuMs: number;
  roomsCpuMs: number;
  load: number;
  /** WebSocket connections the Rooms saw after the drop, ms after it (sorted). */
  attemptsMs: number[];
  binMs: number;
  /** Busiest bin's count scaled to a second, and the most connections in any 1 s window. */
  peakPerS: number;
  peakInOneS: number;
  commands: Outcomes & {
    settled: boolean;
    /** Requests of the command's method the Rooms received, and requestIds received twice. */
    received: number;
    repeatedIds: number;
    /** Rooms that received more requests than messages that could have been sent to them. */
    roomsOverSent: number;
  };
}

export interface FleetRound {
  node: RateFigures;
  raw: RateFigures;
  /** Responder process CPU share of one core during each run. */
  responderCpuNode: number;
  responderCpuRaw: number;
}

export interface FleetThroughput {
  rooms: number;
  total: number;
  window: number;
  method: string;
  /** Deploy of the fleet flow on the responders (explicit WebSocket ports, no discovery), ms. */
  deployMs: number;
  rounds: FleetRound[];
}

export interface ScaleResult {
  idleMs: number;
  method: string;
  points: ScalePoint[];
  /** Every socket dropped, the Rooms reachable at once (a network blink). */
  reconnect?: MassReconnect;
  /** Every socket dropped and the Rooms unreachable for a while (a switch restarting). */
  outage?: MassReconnect;
  fleet?: FleetThroughput;
}

export interface ScaleOptions {
  sizes: number[];
  idleMs: number;
  /** Length of the outage scenario, ms. */
  outageMs: number;
  fleet: { total: number; window: number; rounds: number };
  log: (line: string) => void;
}

/** Not part of the handshake (setUsedApiVersion, auth, getAppState), so the Rooms' counts are ours alone. */
const METHOD = 'getLogin';
const FLEET_METHOD = 'getAppState';
const Z = 'fleet';
const EXIT = 'fleet-exit';
const ERR = 'fleet-err';

const cmdId = (i: number) => `f-cmd${i}`;
const evId = (i: number) => `f-ev${i}`;

/**
 * The per-Room flow a building's integrator would deploy: per Room a room-config, one room-command and one
 * room-event; every room-command wired to one exit and one Catch node for the tab (so the harness sees how
 * each message ends).
 */
function fleetFlows(
  rooms: EmulatorPorts[],
  config: (id: string, r: EmulatorPorts) => FlowNode,
  method: string,
): { flows: FlowNode[]; users: string[]; commands: string[] } {
  const flows: FlowNode[] = [
    tab(Z, 'fleet'),
    junction(EXIT, Z, []),
    junction(ERR, Z, []),
    catchAll('fleet-catch', Z, [ERR]),
  ];
  const users: string[] = [];
  const commands: string[] = [];
  rooms.forEach((room, i) => {
    flows.push(
      config(`f-room${i}`, room),
      roomCommand(cmdId(i), Z, `f-room${i}`, method, [EXIT]),
      roomEvent(evId(i), Z, `f-room${i}`, ['appStateChanged'], []),
    );
    users.push(cmdId(i), evId(i));
    commands.push(cmdId(i));
  });
  return { flows, users, commands };
}

/**
 * The scale curve: per size a fresh Node-RED process (emulated Rooms in the farm's process, discovery on as
 * a default config has it). At the largest size also the mass reconnect, then the fleet throughput against
 * near-zero-cost responders.
 */
export async function runScale(farm: EmulatorFarm, responders: EmulatorFarm, opts: ScaleOptions): Promise<ScaleResult> {
  const largest = Math.max(...opts.sizes);
  const rooms = await farm.start(largest);
  const result: ScaleResult = { idleMs: opts.idleMs, method: METHOD, points: [] };
  for (const size of opts.sizes) {
    const worker = await RedWorker.spawn({}, `Node-RED (${size} Rooms)`);
    try {
      const { flows, users, commands } = fleetFlows(rooms.slice(0, size), discoveringRoomConfig, METHOD);
      const before = await worker.memory();
      const deploy = await worker.call<{ ms: number; cpuMs: number }>(
        'deployTimed',
        { flows, ids: users, timeoutMs: 120_000 },
        130_000,
      );
      const after = await worker.memory();
      const idleCpu = await worker.call<number>('idleCpu', { ms: opts.idleMs }, opts.idleMs + 30_000);
      const point: ScalePoint = {
        rooms: size,
        deployMs: deploy.ms,
        deployCpuMs: deploy.cpuMs,
        load: os.loadavg()[0],
        rssBefore: before.rss,
        heapBefore: before.heapUsed,
        rss: after.rss,
        heap: after.heapUsed,
        rssPerRoom: (after.rss - before.rss) / size,
        heapPerRoom: (after.heapUsed - before.heapUsed) / size,
        rssMarginal: NaN,
        heapMarginal: NaN,
        idleCpu,
      };
      result.points.push(point);
      opts.log(
        `  ${size} Room(s): all green ${deploy.ms.toFixed(0)} ms after deploy (${deploy.cpuMs.toFixed(0)} ms CPU; load ${point.load.toFixed(1)}); RSS ${(after.rss / 1048576).toFixed(1)} MB ` +
          `(${(point.rssPerRoom / 1024).toFixed(0)} KB/Room), heap ${(after.heapUsed / 1048576).toFixed(1)} MB ` +
          `(${(point.heapPerRoom / 1024).toFixed(0)} KB/Room); idle CPU ${(idleCpu * 100).toFixed(2)}% of a core`,
      );
      if (size === largest) {
        const fleet = { worker, farm, rooms: rooms.slice(0, size), users, commands, log: opts.log };
        result.reconnect = await massReconnect(fleet, 0);
        result.outage = await massReconnect(fleet, opts.outageMs);
        result.fleet = await fleetThroughput(worker, responders, size, opts);
      }
    } finally {
      await worker.end();
    }
  }
  const first = result.points[0];
  for (const p of result.points.slice(1)) {
    p.rssMarginal = (p.rss - first.rss) / (p.rooms - first.rooms);
    p.heapMarginal = (p.heap - first.heap) / (p.rooms - first.rooms);
  }
  return result;
}

interface Fleet {
  worker: RedWorker;
  farm: EmulatorFarm;
  rooms: EmulatorPorts[];
  users: string[];
  commands: string[];
  log: (line: string) => void;
}

async function massReconnect(
  { worker, farm, rooms, users, commands, log }: Fleet,
  downMs: number,
): Promise<MassReconnect> {
  await worker.call('track', { exit: EXIT, err: ERR });
  const indices = rooms.map((r) => r.index);
  // Counts before and after, not a time window: no clock of another process decides what belongs to this run.
  const before = await farm.countRequests(METHOD, 0, indices);
  const noticed = worker.waitAnyNotGreen(users, 20_000);
  const red0 = await worker.call<NodeJS.CpuUsage>('cpu');
  const rooms0 = await farm.cpu();
  // One command per Room just before the blink (some are on the wire when it comes) and one while it lasts.
  await worker.call('burst', { ids: commands });
  const dropping = farm.dropAll(indices, downMs);
  const noticedAt = await noticed;
  await worker.call('burst', { ids: commands });
  const { at: dropAt, backAt } = await dropping;
  const readyAt = await worker.waitAllGreen(users, 120_000, dropAt);
  const red1 = await worker.call<NodeJS.CpuUsage>('cpu');
  const rooms1 = await farm.cpu();
  const cpuMs = (a: NodeJS.CpuUsage, b: NodeJS.CpuUsage) => (b.user - a.user + b.system - a.system) / 1000;
  const outcomes = await worker.call<Outcomes & { settled: boolean }>('settle', { timeoutMs: 60_000 }, 70_000);
  const counts = (await farm.countRequests(METHOD, 0, indices)).map((c, i) => ({
    received: c.received - before[i].received,
    repeatedIds: c.repeatedIds - before[i].repeatedIds,
  }));
  let roomsOverSent = 0;
  counts.forEach((c, i) => {
    const tally = outcomes.byNode[commands[i]] ?? { ok: 0, maybeSent: 0 };
    if (c.received > tally.ok + tally.maybeSent) roomsOverSent++;
  });
  const attemptsMs = indices
    .flatMap((i) => farm.connectionsSince(i, dropAt))
    .map((t) => t - dropAt)
    .sort((a, b) => a - b);
  const binMs = 100;
  const bins = new Map<number, number>();
  for (const t of attemptsMs) bins.set(Math.floor(t / binMs), (bins.get(Math.floor(t / binMs)) ?? 0) + 1);
  let peakInOneS = 0;
  for (let a = 0, b = 0; b < attemptsMs.length; b++) {
    while (attemptsMs[b] - attemptsMs[a] >= 1000) a++;
    peakInOneS = Math.max(peakInOneS, b - a + 1);
  }
  const received = counts.reduce((s, c) => s + c.received, 0);
  const repeatedIds = counts.reduce((s, c) => s + c.repeatedIds, 0);
  const { byNode: _byNode, ...summary } = outcomes;
  const out: MassReconnect = {
    rooms: rooms.length,
    downMs,
    backMs: backAt - dropAt,
    readyMs: readyAt - dropAt,
    noticedMs: noticedAt - dropAt,
    redCpuMs: cpuMs(red0, red1),
    roomsCpuMs: cpuMs(rooms0, rooms1),
    load: os.loadavg()[0],
    attemptsMs,
    binMs,
    peakPerS: (Math.max(0, ...bins.values()) * 1000) / binMs,
    peakInOneS,
    commands: { ...summary, byNode: {}, received, repeatedIds, roomsOverSent },
  };
  log(
    `  ${downMs ? `${downMs} ms outage` : 'blink'} of ${rooms.length}: noticed ${out.noticedMs.toFixed(0)} ms and all green ${out.readyMs.toFixed(0)} ms after the drop; ${attemptsMs.length} connections, ` +
      `first ${attemptsMs[0]?.toFixed(0)} ms, median ${percentile(attemptsMs, 50).toFixed(0)} ms, last ${attemptsMs.at(-1)?.toFixed(0)} ms; ` +
      `peak ${out.peakPerS.toFixed(0)}/s (${binMs} ms bins), ${peakInOneS} in the busiest second; CPU Node-RED ${out.redCpuMs.toFixed(0)} ms, ` +
      `Rooms ${out.roomsCpuMs.toFixed(0)} ms; load ${out.load.toFixed(1)}`,
  );
  log(
    `  commands: ${outcomes.sent} sent, ${outcomes.ok} answered, ${outcomes.errors} errors ${JSON.stringify(outcomes.codes)}, ` +
      `${outcomes.endedTwice} ended twice; Rooms received ${received}, ${repeatedIds} repeated ids, ${roomsOverSent} Rooms got more than was sent`,
  );
  return out;
}

async function fleetThroughput(
  worker: RedWorker,
  responders: EmulatorFarm,
  size: number,
  opts: ScaleOptions,
): Promise<FleetThroughput> {
  const rooms = await responders.start(size);
  const { flows, users, commands } = fleetFlows(rooms, roomConfig, FLEET_METHOD);
  const deploy = await worker.call<{ ms: number }>('deployTimed', { flows, ids: users, timeoutMs: 120_000 }, 130_000);
  await worker.call('track', { exit: EXIT, err: ERR });
  await worker.call('connectRaw', { ports: rooms.map((r) => r.wsPort) }, 120_000);
  const { total, window } = opts.fleet;
  const cpuShare = async <T>(run: () => Promise<T>): Promise<[T, number]> => {
    const c0 = await responders.cpu();
    const t0 = wallMs();
    const value = await run();
    const c1 = await responders.cpu();
    return [value, (c1.user - c0.user + c1.system - c0.system) / 1000 / (wallMs() - t0)];
  };
  const node = () => worker.call<RateFigures>('commands', { ids: commands, total, window }, 300_000);
  const raw = () => worker.call<RateFigures>('rawCommands', { method: FLEET_METHOD, total, window }, 300_000);
  // Warm-up of both paths (JIT, socket buffers), not recorded.
  await worker.call('commands', { ids: commands, total: Math.min(total, 5000), window }, 300_000);
  await worker.call('rawCommands', { method: FLEET_METHOD, total: Math.min(total, 5000), window }, 300_000);
  const rounds: FleetRound[] = [];
  for (let round = 0; round < opts.fleet.rounds; round++) {
    // Alternate which path goes first, so neither always inherits the other's GC debt.
    const first = round % 2 === 0;
    const a = await cpuShare(first ? node : raw);
    const b = await cpuShare(first ? raw : node);
    const [n, r] = first ? [a, b] : [b, a];
    rounds.push({ node: n[0], raw: r[0], responderCpuNode: n[1], responderCpuRaw: r[1] });
    opts.log(
      `  fleet round ${round + 1}/${opts.fleet.rounds}: room-command ${n[0].rate.toFixed(0)}/s (${n[0].cpuUs.toFixed(0)} µs CPU), ` +
        `raw ws ${r[0].rate.toFixed(0)}/s (${r[0].cpuUs.toFixed(0)} µs); responder CPU ${(n[1] * 100).toFixed(0)}% / ${(r[1] * 100).toFixed(0)}%`,
    );
  }
  await worker.call('closeRaw');
  await worker.deploy([]);
  const errors = rounds.reduce((s, x) => s + x.node.errors + x.raw.errors, 0);
  if (errors) throw new Error(`fleet throughput: ${errors} requests failed`);
  return { rooms: size, total, window, method: FLEET_METHOD, deployMs: deploy.ms, rounds };
}

/** Median per-round ratio of the fleet throughput, room-command ÷ raw ws. */
export function fleetRatio(f: FleetThroughput): number {
  return median(f.rounds.map((x) => x.node.rate / x.raw.rate));
}
