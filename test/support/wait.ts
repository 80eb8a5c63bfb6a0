import { EventEmitter } from 'node:events';

/**
 * Test waits: every wait is on an event (or a condition re-checked when an event fires) with a deadline,
 * never a bare sleep.
 */

export function withDeadline<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms waiting for ${what}`)), ms);
  });
  return Promise.race([promise, deadline]).finally(() => clearTimeout(timer));
}

/** Resolves with the arguments of the first `event` for which `filter` holds. */
export function waitForEvent<T = unknown>(
  emitter: EventEmitter,
  event: string,
  options: { timeoutMs?: number; filter?: (value: T) => boolean } = {},
): Promise<T> {
  const { timeoutMs = 5000, filter = () => true } = options;
  let listener: ((value: T) => void) | undefined;
  const hit = new Promise<T>((resolve) => {
    listener = (value: T) => {
      if (filter(value)) resolve(value);
    };
    emitter.on(event, listener);
  });
  return withDeadline(hit, timeoutMs, `event '${event}'`).finally(() => {
    if (listener) emitter.off(event, listener);
  });
}

/**
 * Re-checks `condition` whenever one of `events` fires on `emitter` (and once at the start);
 * resolves when it holds, fails at the deadline.
 */
export function waitUntil(
  emitter: EventEmitter,
  events: string[],
  condition: () => boolean,
  timeoutMs = 5000,
  what = 'condition',
): Promise<void> {
  if (condition()) return Promise.resolve();
  let check: (() => void) | undefined;
  const hit = new Promise<void>((resolve) => {
    check = () => {
      if (condition()) resolve();
    };
    for (const e of events) emitter.on(e, check);
  });
  return withDeadline(hit, timeoutMs, what).finally(() => {
    for (const e of events) emitter.off(e, check!);
  });
}

/** Collects every value of `event` until stop() is called. */
export function collect<T = unknown>(emitter: EventEmitter, event: string): { values: T[]; stop: () => void } {
  const values: T[] = [];
  const listener = (v: T) => values.push(v);
  emitter.on(event, listener);
  return { values, stop: () => emitter.off(event, listener) };
}
