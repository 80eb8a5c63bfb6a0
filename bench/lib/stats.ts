/** Small statistics helpers for the benchmark. All inputs are plain numbers (ms, µs, counts). */

export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  // Nearest-rank: the smallest value with at least p% of the samples at or below it.
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil((p / 100) * sorted.length)));
  return sorted[rank - 1];
}

export function median(values: readonly number[]): number {
  return percentile(values, 50);
}

export function sum(values: readonly number[]): number {
  return values.reduce((a, b) => a + b, 0);
}

/** ns (from process.hrtime.bigint differences) to ms. */
export function nsToMs(ns: bigint): number {
  return Number(ns) / 1e6;
}

/** Wall-clock ms with sub-ms resolution that compares across processes on one machine. */
export function wallMs(): number {
  return performance.timeOrigin + performance.now();
}

export function round(value: number, digits = 2): number {
  if (!Number.isFinite(value)) return value;
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

/** Human formatting with a sensible number of significant digits. */
export function fmt(value: number, digits = 3): string {
  if (!Number.isFinite(value)) return String(value);
  if (value === 0) return '0';
  const abs = Math.abs(value);
  if (abs >= 1000) return Math.round(value).toLocaleString('en-US');
  return Number(value.toPrecision(digits)).toString();
}

/**
 * Ratio of two series as the median of their per-round ratios: series measured back to back share the
 * machine's momentary load, so per-round ratios cancel most of the drift of a busy machine.
 */
export function pairedRatio(a: readonly number[], b: readonly number[]): number {
  return median(a.map((v, i) => v / b[i]));
}
