import type { FanoutResult } from '../sections/fanout';
import type { LatencyResult } from '../sections/latency';
import { meanInterval, median, pairedRatio } from '../lib/stats';
import type { RedeployResult } from '../sections/redeploy';
import type { ReconnectScenario } from '../sections/reconnect';
import { fleetRatio, type MassReconnect, type ScalePoint, type ScaleResult } from '../sections/scale';

export interface MachineInfo {
  date: string;
  cpus: number;
  cpuModel: string;
  memoryGb: number;
  os: string;
  node: string;
  nodeRed: string;
  loadAverageAtStart: number[];
}

export interface BenchResults {
  machine: MachineInfo;
  /** BENCH_QUICK: smoke-test counts. */
  quick: boolean;
  durationS: number;
  latency?: LatencyResult;
  fanout?: FanoutResult;
  redeploy?: RedeployResult[];
  reconnect?: ReconnectScenario[];
  scale?: ScaleResult;
  /** Section name -> error text, for sections that could not run. */
  errors: Record<string, string>;
}

export interface TargetCheck {
  id: string;
  /** What is compared, for people. */
  label: string;
  /** Short label for the chart. */
  short: string;
  measured: number;
  target: number;
  /** 'max': measured must be <= target (or < with strict); 'min': measured must be >= target. */
  kind: 'max' | 'min';
  strict?: boolean;
  unit: string;
  pass: boolean;
  /** Not passed, but the rounds' confidence interval contains the target: the run cannot tell. */
  inconclusive?: boolean;
  /** Shown in the chart as a ratio to the target's scale (1 = the target). */
  chartValue: number;
  chartTarget: number;
  detail: string;
}

function check(c: Omit<TargetCheck, 'pass'>): TargetCheck {
  const pass =
    Number.isFinite(c.measured) &&
    (c.kind === 'max' ? (c.strict ? c.measured < c.target : c.measured <= c.target) : c.measured >= c.target);
  return { ...c, pass };
}

const fmt0 = (v: number) => v.toFixed(0);

/** The verdict word for a check. */
export function verdict(c: TargetCheck): string {
  return c.pass ? 'PASS' : c.inconclusive ? 'INCONCLUSIVE' : 'FAIL';
}

/**
 * The point of the curve the flatness of per-Room memory is judged against: 100 Rooms, or the nearest size
 * below that has a marginal figure (any but the smallest).
 */
export function flatnessBase(points: ScalePoint[]): ScalePoint {
  const under = points.slice(1, -1).filter((p) => p.rooms <= 100);
  return under[under.length - 1] ?? points[1] ?? points[0];
}

/** Every target of the issue, evaluated against this run's figures. Missing sections give no checks. */
export function evaluateTargets(r: BenchResults): TargetCheck[] {
  const out: TargetCheck[] = [];
  if (r.latency) {
    const { raw, node, diy } = r.latency;
    const p50 = pairedRatio(node.p50Rounds, raw.p50Rounds);
    out.push(
      check({
        id: 'p50-vs-raw',
        label: 'p50 latency, room-command ÷ raw ws',
        short: 'p50 ÷ raw ws',
        measured: p50,
        target: 1.5,
        kind: 'max',
        unit: '×',
        chartValue: p50,
        chartTarget: 1.5,
        detail: `${node.p50.toFixed(3)} ms vs ${raw.p50.toFixed(3)} ms`,
      }),
    );
    const thr = pairedRatio(node.throughputRounds, raw.throughputRounds);
    out.push(
      check({
        id: 'throughput-vs-raw',
        label: 'pipelined throughput, room-command ÷ raw ws',
        short: 'throughput ÷ raw ws',
        measured: thr,
        target: 0.5,
        kind: 'min',
        unit: '×',
        chartValue: thr,
        chartTarget: 0.5,
        detail: `${node.throughput.toFixed(0)}/s vs ${raw.throughput.toFixed(0)}/s`,
      }),
    );
    const thrDiy = pairedRatio(node.throughputRounds, diy.throughputRounds);
    out.push(
      check({
        id: 'throughput-vs-diy',
        label: 'pipelined throughput, room-command ÷ do-it-yourself flow',
        short: 'throughput ÷ DIY',
        measured: thrDiy,
        target: 1,
        kind: 'min',
        unit: '×',
        chartValue: thrDiy,
        chartTarget: 1,
        detail: `${node.throughput.toFixed(0)}/s vs ${diy.throughput.toFixed(0)}/s`,
      }),
    );
    const p50Diy = pairedRatio(node.p50Rounds, diy.p50Rounds);
    out.push(
      check({
        id: 'p50-vs-diy',
        label: 'p50 latency, room-command ÷ do-it-yourself flow',
        short: 'p50 ÷ DIY',
        measured: p50Diy,
        target: 1,
        kind: 'max',
        unit: '×',
        chartValue: p50Diy,
        chartTarget: 1,
        detail: `${node.p50.toFixed(3)} ms vs ${diy.p50.toFixed(3)} ms`,
      }),
    );
  }
  if (r.fanout && r.fanout.sizes.length >= 2) {
    const small = r.fanout.sizes[0];
    const big = r.fanout.sizes[r.fanout.sizes.length - 1];
    const ratios = big.figures.cpuRounds.map((v, i) => v / small.figures.cpuRounds[i]);
    const ci = meanInterval(ratios);
    // Judged on the mean of per-round ratios and its 95% interval: a pass needs the whole interval under.
    const c = check({
      id: 'fanout',
      label: `CPU per notification, ${big.nodes} ÷ ${small.nodes} non-matching nodes`,
      short: `CPU ${big.nodes} ÷ ${small.nodes} nodes`,
      measured: ci.mean,
      target: 1.1,
      kind: 'max',
      strict: true,
      unit: '×',
      chartValue: ci.mean,
      chartTarget: 1.1,
      detail: `mean of ${ratios.length} interleaved rounds, 95% interval ${ci.low.toFixed(2)}–${ci.high.toFixed(2)}×; ${big.figures.cpuUs.toFixed(1)} µs vs ${small.figures.cpuUs.toFixed(1)} µs`,
    });
    c.pass = ci.high < 1.1;
    c.inconclusive = !c.pass && ci.low < 1.1;
    out.push(c);
  }
  const scale = r.scale;
  const points = scale?.points ?? [];
  const top = points[points.length - 1];
  if (top) {
    const kb = top.rssPerRoom / 1024;
    out.push(
      check({
        id: 'memory',
        label: `RSS per idle Room (room-config + room-command + room-event), ${top.rooms} Rooms`,
        short: 'RSS/Room ÷ 200 KB',
        measured: kb,
        target: 200,
        kind: 'max',
        strict: true,
        unit: 'KB',
        chartValue: kb / 200,
        chartTarget: 1,
        detail: `${kb.toFixed(0)} KB RSS, ${(top.heapPerRoom / 1024).toFixed(0)} KB heap`,
      }),
    );
  }
  if (top && points.length >= 3) {
    const base = flatnessBase(points);
    const growth = top.heapMarginal / base.heapMarginal;
    out.push(
      check({
        id: 'memory-flat',
        label: `heap per added Room at ${top.rooms} ÷ at ${base.rooms} Rooms (flat: no growth with the count)`,
        short: `heap/Room ${top.rooms} ÷ ${base.rooms}`,
        measured: growth,
        target: 1.2,
        kind: 'max',
        unit: '×',
        chartValue: growth,
        chartTarget: 1.2,
        detail: `${(top.heapMarginal / 1024).toFixed(1)} KB vs ${(base.heapMarginal / 1024).toFixed(1)} KB; RSS ${(top.rssMarginal / 1024).toFixed(0)} KB vs ${(base.rssMarginal / 1024).toFixed(0)} KB`,
      }),
    );
  }
  if (top) {
    const pct = top.idleCpu * 100;
    out.push(
      check({
        id: 'idle-cpu',
        label: `idle CPU with ${top.rooms} Rooms, % of one core`,
        short: `idle CPU ${top.rooms} Rooms ÷ 2%`,
        measured: pct,
        target: 2,
        kind: 'max',
        strict: true,
        unit: '%',
        chartValue: pct / 2,
        chartTarget: 1,
        detail: `over ${(scale!.idleMs / 1000).toFixed(0)} s`,
      }),
    );
    const s = top.deployMs / 1000;
    out.push(
      check({
        id: 'deploy-green',
        label: `deploy of ${top.rooms} Rooms to all green`,
        short: `deploy ${top.rooms} Rooms ÷ 10 s`,
        measured: s,
        target: 10,
        kind: 'max',
        unit: 's',
        chartValue: s / 10,
        chartTarget: 1,
        detail: `discovery on; ${fmt0(top.deployCpuMs)} ms CPU in Node-RED, load average ${top.load.toFixed(1)}`,
      }),
    );
  }
  const mr = scale?.reconnect;
  if (mr) {
    const s = mr.readyMs / 1000;
    out.push(
      check({
        id: 'mass-reconnect',
        label: `all ${mr.rooms} Rooms green again after every socket dropped at once (default settings)`,
        short: 'mass reconnect ÷ 30 s',
        measured: s,
        target: 30,
        kind: 'max',
        unit: 's',
        chartValue: s / 30,
        chartTarget: 1,
        detail: `peak ${mr.peakPerS.toFixed(0)} attempts/s in ${mr.binMs} ms bins, ${mr.peakInOneS} in the busiest second; ${fmt0(mr.redCpuMs)} ms CPU in Node-RED`,
      }),
    );
    const both = [mr, scale!.outage].filter((x): x is MassReconnect => !!x);
    const sum = (f: (c: MassReconnect['commands']) => number) => both.reduce((n, x) => n + f(x.commands), 0);
    const twice = sum((c) => c.roomsOverSent + c.repeatedIds + c.endedTwice);
    out.push(
      check({
        id: 'sent-twice',
        label: 'commands sent twice or ended twice during the mass reconnects',
        short: 'sent twice',
        measured: twice,
        target: 0,
        kind: 'max',
        unit: '',
        chartValue: twice,
        chartTarget: 0,
        detail: `${sum((c) => c.sent)} sent, ${sum((c) => c.ok)} answered, ${sum((c) => c.errors)} errors; ${sum((c) => c.received)} received by the Rooms`,
      }),
    );
  }
  if (scale?.fleet) {
    const f = scale.fleet;
    const ratio = fleetRatio(f);
    out.push(
      check({
        id: 'fleet-throughput',
        label: `commands to random Rooms of ${f.rooms}, room-command ÷ ${f.rooms} raw ws clients`,
        short: 'fleet throughput ÷ raw ws',
        measured: ratio,
        target: 0.5,
        kind: 'min',
        unit: '×',
        chartValue: ratio,
        chartTarget: 0.5,
        detail: `${median(f.rounds.map((x) => x.node.rate)).toFixed(0)}/s vs ${median(f.rounds.map((x) => x.raw.rate)).toFixed(0)}/s`,
      }),
    );
  }
  if (r.redeploy?.length) {
    const all = r.redeploy.flatMap((d) => d.unchanged.newConnections);
    const worst = Math.max(...all);
    out.push(
      check({
        id: 'redeploy',
        label: 'new connections on a full deploy with an unchanged endpoint (worst run)',
        short: 'reconnects, unchanged',
        measured: worst,
        target: 0,
        kind: 'max',
        unit: '',
        chartValue: worst,
        chartTarget: 0,
        detail: `${all.join(', ')} over ${all.length} deploys (discovery and explicit port)`,
      }),
    );
  }
  return out;
}

/**
 * The measured value with enough digits that a miss never reads like the target itself
 * (0.497 must not print as "0.50" next to FAIL).
 */
export function measuredText(c: Pick<TargetCheck, 'measured' | 'target' | 'unit'>): string {
  if (Number.isInteger(c.measured)) return String(c.measured);
  let digits = c.unit === '×' || c.unit === '%' ? 2 : 1;
  while (digits < 4 && Number(c.measured.toFixed(digits)) === c.target && c.measured !== c.target) digits++;
  return c.measured.toFixed(digits);
}

export function targetLine(c: TargetCheck): string {
  const op = c.kind === 'max' ? (c.strict ? '<' : '≤') : '≥';
  const value = c.unit === '×' ? `${measuredText(c)}×` : `${measuredText(c)}${c.unit ? ' ' + c.unit : ''}`;
  const target = c.unit === '×' ? `${c.target}×` : `${c.target}${c.unit ? ' ' + c.unit : ''}`;
  return `${verdict(c)}  ${c.label}: ${value} (target ${op} ${target}; ${c.detail})`;
}
