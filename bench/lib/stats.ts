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

/**
 * Mean of per-round values with a 95% confidence interval (Student's t for the round count), so a verdict
 * can tell "under the threshold" from "the rounds do not say".
 */
export function meanInterval(values: readonly number[]): { mean: number; low: number; high: number } {
  const n = values.length;
  const mean = sum(values) / n;
  if (n < 2) return { mean, low: -Infinity, high: Infinity };
  const sd = Math.sqrt(sum(values.map((v) => (v - mean) ** 2)) / (n - 1));
  // Two-sided 97.5% quantiles of t for 1..30 degrees of freedom; 2.0 beyond.
  const T = [
    12.71, 4.3, 3.18, 2.78, 2.57, 2.45, 2.36, 2.31, 2.26, 2.23, 2.2, 2.18, 2.16, 2.14, 2.13, 2.12, 2.11, 2.1, 2.09,
    2.09,
  ];
  const t = T[n - 2] ?? (n <= 31 ? 2.05 : 2.0);
  const half = (t * sd) / Math.sqrt(n);
  return { mean, low: mean - half, high: mean + half };
}
