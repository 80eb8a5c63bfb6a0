import type { ClientTuning } from './types';

/** Defaults chosen for a Room on the local network; tests pass much smaller values. */
export const DEFAULT_TUNING: Readonly<ClientTuning> = Object.freeze({
  connectTimeoutMs: 10_000,
  requestTimeoutMs: 10_000,
  reconnectInitialMs: 500,
  reconnectMaxMs: 30_000,
  heartbeatIntervalMs: 15_000,
  heartbeatTimeoutMs: 5_000,
  authRetryMs: 60_000,
  displacedRetryLimit: 3,
  maxPayloadBytes: 4 * 1024 * 1024,
  maxQueued: 1000,
});

/** Fields that may be 0 (0 disables the feature or means "no limit on retries"). */
const MAY_BE_ZERO: ReadonlySet<keyof ClientTuning> = new Set<keyof ClientTuning>([
  'heartbeatIntervalMs',
  'displacedRetryLimit',
]);

/**
 * Merges a partial tuning over the defaults. Every given value must be a finite, non-negative number
 * (positive where 0 would make no sense), so a typo in a config fails loudly instead of producing a
 * reconnect loop with a NaN delay.
 */
export function resolveTuning(partial: Partial<ClientTuning> = {}): ClientTuning {
  const out: ClientTuning = { ...DEFAULT_TUNING };
  for (const key of Object.keys(partial) as (keyof ClientTuning)[]) {
    const value = partial[key];
    if (value === undefined) continue;
    if (!Object.prototype.hasOwnProperty.call(DEFAULT_TUNING, key)) {
      throw new TypeError(`unknown tuning option "${String(key)}"`);
    }
    if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
      throw new TypeError(`tuning option "${key}" must be a non-negative number, got ${JSON.stringify(value)}`);
    }
    if (value === 0 && !MAY_BE_ZERO.has(key)) {
      throw new TypeError(`tuning option "${key}" must be greater than 0`);
    }
    out[key] = value;
  }
  if (out.reconnectMaxMs < out.reconnectInitialMs) {
    throw new TypeError('tuning option "reconnectMaxMs" must not be smaller than "reconnectInitialMs"');
  }
  return out;
}
