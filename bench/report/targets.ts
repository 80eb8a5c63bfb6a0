import type { FanoutResult } from '../sections/fanout';
import type { LatencyResult } from '../sections/latency';
import { pairedRatio } from '../lib/stats';
import type { MemoryResult } from '../sections/memory';
import type { RedeployResult } from '../sections/redeploy';
import type { ReconnectScenario } from '../sections/reconnect';

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
  durationS: number;
  latency?: LatencyResult;
  fanout?: FanoutResult;
  memory?: MemoryResult;
  redeploy?: RedeployResult;
  reconnect?: ReconnectScenario[];
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
    const ratio = pairedRatio(big.figures.cpuRounds, small.figures.cpuRounds);
    out.push(
      check({
        id: 'fanout',
        label: `CPU per notification, ${big.nodes} ÷ ${small.nodes} non-matching nodes`,
        short: `CPU ${big.nodes} ÷ ${small.nodes} nodes`,
        measured: ratio,
        target: 1.1,
        kind: 'max',
        strict: true,
        unit: '×',
        chartValue: ratio,
        chartTarget: 1.1,
        detail: `${big.figures.cpuUs.toFixed(1)} µs vs ${small.figures.cpuUs.toFixed(1)} µs`,
      }),
    );
  }
  if (r.memory) {
    const kb = r.memory.rssPerEndpoint / 1024;
    out.push(
      check({
        id: 'memory',
        label: 'RSS per idle endpoint (room-config + room-event)',
        short: 'RSS/endpoint ÷ 200 KB',
        measured: kb,
        target: 200,
        kind: 'max',
        strict: true,
        unit: 'KB',
        chartValue: kb / 200,
        chartTarget: 1,
        detail: `${kb.toFixed(0)} KB RSS, ${(r.memory.heapPerEndpoint / 1024).toFixed(0)} KB heap`,
      }),
    );
  }
  if (r.redeploy) {
    const worst = Math.max(...r.redeploy.unchanged.newConnections);
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
        detail: `${r.redeploy.unchanged.newConnections.join(', ')} over ${r.redeploy.repeats} deploys`,
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
  let digits = c.unit === '×' ? 2 : 1;
  while (digits < 4 && Number(c.measured.toFixed(digits)) === c.target && c.measured !== c.target) digits++;
  return c.measured.toFixed(digits);
}

export function targetLine(c: TargetCheck): string {
  const op = c.kind === 'max' ? (c.strict ? '<' : '≤') : '≥';
  const value = c.unit === '×' ? `${measuredText(c)}×` : `${measuredText(c)}${c.unit ? ' ' + c.unit : ''}`;
  const target = c.unit === '×' ? `${c.target}×` : `${c.target}${c.unit ? ' ' + c.unit : ''}`;
  return `${c.pass ? 'PASS' : 'FAIL'}  ${c.label}: ${value} (target ${op} ${target}; ${c.detail})`;
}
