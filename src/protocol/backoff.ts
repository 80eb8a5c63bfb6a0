/**
 * Exponential backoff with jitter: delay(attempt) = min(cap, initial * 2^attempt) * r, r in [0.5, 1.0).
 * The jitter spreads the reconnects of many clients after a Room restart; keeping r >= 0.5 keeps the
 * growth visible. With the default initial 500 ms the first retry (attempt 0) comes within 500 ms.
 */
export interface BackoffOptions {
  initialMs: number;
  maxMs: number;
  /** Injectable for tests; must return a number in [0, 1). */
  random?: () => number;
}

export function backoffDelay(attempt: number, options: BackoffOptions): number {
  const random = options.random ?? Math.random;
  const exp = Math.max(0, Math.floor(attempt));
  // 2^exp overflows to Infinity for large attempts; min() with the cap handles that.
  const base = Math.min(options.maxMs, options.initialMs * Math.pow(2, exp));
  const r = Math.min(Math.max(random(), 0), 1);
  return Math.round(base * (0.5 + 0.5 * r));
}
