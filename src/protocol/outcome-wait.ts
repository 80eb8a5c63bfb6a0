import { RoomError } from './errors';
import { judgeOutcome, outcomeEvents, type OutcomeRule } from './outcomes';
import type {
  JsonObject,
  OutcomeResult,
  RequestOptions,
  RoomNotification,
  RoomResponse,
  StateChange,
  Unsubscribe,
} from './types';

/** What the outcome wait needs from the client (RoomClient provides it). */
export interface OutcomeHost {
  subscribe(event: string, listener: (n: RoomNotification) => void): Unsubscribe;
  request(method: string, params: JsonObject, opts: RequestOptions): Promise<RoomResponse>;
  on(event: 'state', listener: (change: StateChange) => void): unknown;
  off(event: 'state', listener: (change: StateChange) => void): unknown;
}

/**
 * Sends a request and waits for the notification that reports its outcome. Resolves on success, rejects
 * OUTCOME_FAILED with the readable cause; the deadline covers the response and the outcome; listeners
 * are removed on every path.
 */
export function waitForOutcome(
  host: OutcomeHost,
  rule: OutcomeRule,
  method: string,
  params: JsonObject,
  opts: RequestOptions & { timeoutMs: number },
): Promise<OutcomeResult> {
  const { timeoutMs } = opts;
  const startedAt = Date.now();
  return new Promise<OutcomeResult>((resolve, reject) => {
    let done = false;
    let response: RoomResponse | undefined;
    let success: RoomNotification | undefined;
    let timer: NodeJS.Timeout | undefined;
    const unsubscribers: Unsubscribe[] = [];
    const cleanup = () => {
      done = true;
      clearTimeout(timer);
      for (const u of unsubscribers) u();
      host.off('state', onState);
    };
    const fail = (err: Error) => {
      if (done) return;
      cleanup();
      reject(err);
    };
    const succeedIfComplete = () => {
      if (done || !response || !success) return;
      cleanup();
      resolve({ response, outcome: success });
    };
    const onNotification = (n: RoomNotification) => {
      if (done || success) return;
      const verdict = judgeOutcome(rule, n);
      if (!verdict) return;
      if (verdict.ok) {
        success = n;
        succeedIfComplete();
      } else {
        fail(new RoomError('OUTCOME_FAILED', `${method} failed: ${verdict.text}`, { method, response: n }));
      }
    };
    const onState = (change: StateChange) => {
      // Only after the response: before it, request() itself reports a lost connection.
      if (!response || change.state === 'ready') return;
      if (change.state === 'closed')
        fail(
          new RoomError('CLOSED', `${method}: the Room connection was closed while waiting for the outcome`, {
            method,
          }),
        );
      else
        fail(
          new RoomError(
            'CONNECTION_LOST',
            `${method}: connection lost while waiting for the outcome (${change.reason ?? change.state})`,
            { method },
          ),
        );
    };
    // Listen BEFORE sending: the outcome may arrive right behind (or even before) the response.
    for (const event of outcomeEvents(rule)) unsubscribers.push(host.subscribe(event, onNotification));
    host.on('state', onState);
    host.request(method, params, opts).then(
      (r) => {
        if (done) return;
        response = r;
        const left = timeoutMs - (Date.now() - startedAt);
        const timeout = () =>
          fail(
            new RoomError('TIMEOUT', `${method}: accepted, but no outcome notification within ${timeoutMs} ms`, {
              method,
              response: r,
            }),
          );
        if (success) succeedIfComplete();
        else if (left <= 0) timeout();
        else timer = setTimeout(timeout, left);
      },
      (err: Error) => fail(err),
    );
  });
}
