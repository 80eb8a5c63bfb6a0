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
  on(event: 'connectionLost', listener: (reason: string) => void): unknown;
  off(event: 'connectionLost', listener: (reason: string) => void): unknown;
}

/**
 * Sends a request and waits for the notification that reports its outcome. Resolves on success, rejects
 * OUTCOME_FAILED with the readable cause; the deadline covers the response and the outcome; listeners
 * are removed on every path, at once. A wait that fails before the response (or is cancelled through
 * opts.signal) cancels its request, so a command reported as failed is never sent afterwards.
 */
export function waitForOutcome(
  host: OutcomeHost,
  rule: OutcomeRule,
  method: string,
  params: JsonObject,
  opts: RequestOptions & { timeoutMs: number },
): Promise<OutcomeResult> {
  const { timeoutMs, signal } = opts;
  const startedAt = Date.now();
  if (signal?.aborted)
    return Promise.reject(new RoomError('CLOSED', `${method}: cancelled before it was sent`, { method, sent: false }));
  return new Promise<OutcomeResult>((resolve, reject) => {
    let done = false;
    // Cancels the request when the wait ends first; a no-op once the request has settled.
    const request = new AbortController();
    let response: RoomResponse | undefined;
    let success: RoomNotification | undefined;
    let timer: NodeJS.Timeout | undefined;
    const unsubscribers: Unsubscribe[] = [];
    /** Removes every listener; idempotent. */
    const cleanup = () => {
      clearTimeout(timer);
      for (const u of unsubscribers) u();
      host.off('state', onState);
      host.off('connectionLost', onLost);
      signal?.removeEventListener('abort', onAbort);
    };
    const fail = (err: Error) => {
      if (done) return;
      done = true;
      cleanup();
      request.abort();
      reject(err);
    };
    const succeedIfComplete = () => {
      if (done || !response || !success) return;
      done = true;
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
    // Only after the response: before it, request() itself reports a closed or lost connection.
    const onState = (change: StateChange) => {
      if (!response || change.state !== 'closed') return;
      fail(
        new RoomError('CLOSED', `${method}: the Room connection was closed while waiting for the outcome`, {
          method,
          sent: true,
        }),
      );
    };
    // Only the socket going away can lose the outcome: re-authenticating on the same socket (token
    // expiry) keeps the Room's notifications coming.
    const onLost = (reason: string) => {
      if (!response) return;
      fail(
        new RoomError('CONNECTION_LOST', `${method}: connection lost while waiting for the outcome (${reason})`, {
          method,
          sent: true,
        }),
      );
    };
    const onAbort = () => {
      if (!response) {
        // The request itself rejects (below), saying whether it had been sent.
        cleanup();
        request.abort();
        return;
      }
      fail(
        new RoomError('CLOSED', `${method}: cancelled while waiting for the outcome; the Room had accepted it`, {
          method,
          sent: true,
        }),
      );
    };
    // Listen BEFORE sending: the outcome may arrive right behind (or even before) the response.
    for (const event of outcomeEvents(rule)) unsubscribers.push(host.subscribe(event, onNotification));
    host.on('state', onState);
    host.on('connectionLost', onLost);
    signal?.addEventListener('abort', onAbort, { once: true });
    host.request(method, params, { ...opts, signal: request.signal }).then(
      (r) => {
        if (done) return;
        response = r;
        if (signal?.aborted) return onAbort();
        const left = timeoutMs - (Date.now() - startedAt);
        const timeout = () =>
          fail(
            new RoomError('TIMEOUT', `${method}: accepted, but no outcome notification within ${timeoutMs} ms`, {
              method,
              response: r,
              sent: true,
            }),
          );
        if (success) succeedIfComplete();
        else if (left <= 0) timeout();
        else timer = setTimeout(timeout, left);
      },
      // The request already ended, so fail()'s abort of it is a no-op.
      (err: Error) => fail(err),
    );
  });
}
