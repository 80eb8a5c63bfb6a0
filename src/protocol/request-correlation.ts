import { RoomError } from './errors';
import type { Guard } from './guard';
import type { JsonObject, RoomResponse } from './types';

/** How many timed-out request ids we remember, so their late responses are dropped quietly. */
const EXPIRED_IDS_KEPT = 1_000;
/** A backlog goes out at most this many requests per event-loop turn... */
const FLUSH_BATCH = 100;
/** ...and only while the socket buffers less than this; the rest waits for the buffer to drain. */
const FLUSH_HIGH_WATER_BYTES = 256 * 1024;
/** How often a backlog held back by a full buffer looks again. */
const FLUSH_RETRY_MS = 10;

/** One request: either waiting for the connection (queue) or sent and waiting for its response (inflight). */
export interface Entry {
  id: string;
  method: string;
  frame: string;
  /** Internal requests (setUsedApiVersion, auth, getAppState) resolve with any response, result:false included. */
  internal: boolean;
  timeoutMs: number;
  /** The deadline; none for internal requests (their attempt has its own). */
  timer: NodeJS.Timeout | undefined;
  resolve(response: RoomResponse): void;
  reject(err: Error): void;
}

/** What correlation needs from the connection (RoomClient provides it). */
export interface CorrelationHost {
  /** True when a request may go out now: the connection is ready and the socket open. */
  canSend(): boolean;
  /** Writes a frame to the socket. A failed write means the socket is going down; its close fails the entry. */
  write(entry: Entry): void;
  /** Bytes the socket has not written yet. */
  bufferedAmount(): number;
  /** Why requests are waiting (for NOT_CONNECTED and QUEUE_FULL messages). */
  waitingBecause(): string;
  /** An error for a queued request that must not go out after all (the role is known by now), or undefined. */
  refuseQueued(method: string): RoomError | undefined;
}

/** Placeholder for an entry's resolve/reject until submit() puts the promise's own there. */
function settleLater(): void {}

/**
 * Request/response correlation of one connection: request ids, the bounded queue of requests waiting for
 * the connection, the requests in flight, their deadlines and cancellation, and the ids of expired ones
 * (whose late responses are ignored). Knows nothing of sockets beyond what CorrelationHost offers.
 */
export class RequestCorrelation {
  private readonly queue = new Map<string, Entry>();
  private readonly inflight = new Map<string, Entry>();
  private readonly expiredIds = new Set<string>();
  /**
   * The pending entries of each caller's signal, with one abort listener per signal: adding and removing
   * an AbortSignal listener per request costs about 2 µs (Node's EventTarget), a Set entry almost nothing.
   */
  private readonly bySignal = new WeakMap<AbortSignal, Set<Entry>>();
  private nextRequestId = 0;
  private flushTimer?: NodeJS.Timeout;

  constructor(
    private readonly host: CorrelationHost,
    private readonly maxQueued: number,
    private readonly guard: Guard,
  ) {}

  /** Requests waiting for the connection plus requests sent and not yet answered (internal ones excluded). */
  get pendingCount(): number {
    let n = this.queue.size;
    for (const e of this.inflight.values()) if (!e.internal) n++;
    return n;
  }

  /**
   * Builds a request's entry, or says why it cannot be sent. The entry is one object literal with every
   * field (submit() fills in resolve, reject and timer), so all entries share one V8 shape: building it as
   * `{ ...prepared, resolve, reject }` and adding `timer` afterwards took V8's slow path and cost about
   * 5 µs of CPU per request (of ~18 µs in this process for a whole round trip; see bench/).
   */
  create(method: string, params: JsonObject, timeoutMs: number): Entry | RoomError {
    const id = this.newRequestId();
    let frame: string;
    try {
      // method/requestId first for readability; validation guarantees params cannot override them.
      frame = JSON.stringify({ method, requestId: id, ...params });
    } catch (err) {
      return new RoomError(
        'INVALID_PARAMS',
        `${method}: params cannot be sent as JSON (${err instanceof Error ? err.message : String(err)})`,
        { method },
      );
    }
    return {
      id,
      method,
      frame,
      internal: false,
      timeoutMs,
      timer: undefined,
      resolve: settleLater,
      reject: settleLater,
    };
  }

  /**
   * Sends the entry now, or queues it (at most maxQueued; QUEUE_FULL beyond). It ends at its deadline;
   * `signal` cancels it: a queued one is never sent.
   */
  submit(entry: Entry, signal: AbortSignal | undefined): Promise<RoomResponse> {
    // A backlog still being flushed goes first, so requests keep their order.
    const sendNow = this.queue.size === 0 && this.host.canSend();
    if (!sendNow && this.queue.size >= this.maxQueued) {
      return Promise.reject(
        new RoomError(
          'QUEUE_FULL',
          `${entry.method}: not sent, ${this.queue.size} requests already wait for the Room connection (${this.host.waitingBecause()})`,
          { method: entry.method, sent: false },
        ),
      );
    }
    return new Promise<RoomResponse>((resolve, reject) => {
      if (signal) {
        // Leave the signal's group on every ending, so a long-lived signal does not collect entries.
        const group = this.groupOf(signal);
        group.add(entry);
        entry.resolve = (r) => {
          group.delete(entry);
          resolve(r);
        };
        entry.reject = (e) => {
          group.delete(entry);
          reject(e);
        };
      } else {
        entry.resolve = resolve;
        entry.reject = reject;
      }
      entry.timer = setTimeout(
        this.guard('request deadline', () => this.onDeadline(entry)),
        entry.timeoutMs,
      );
      if (sendNow) this.send(entry);
      else this.queue.set(entry.id, entry);
    });
  }

  /** An internal request, sent at once (the caller checked the socket); its caller must forget() it. */
  sendInternal(method: string, params: JsonObject): { id: string; response: Promise<RoomResponse> } {
    const id = this.newRequestId();
    const response = new Promise<RoomResponse>((resolve, reject) => {
      this.send({
        id,
        method,
        frame: JSON.stringify({ method, requestId: id, ...params }),
        internal: true,
        timeoutMs: 0,
        timer: undefined,
        resolve,
        reject,
      });
    });
    return { id, response };
  }

  forget(id: string): void {
    this.inflight.delete(id);
  }

  /**
   * A response arrived: settles its request. 'late' for a request that had already expired or been
   * cancelled, 'unknown' for an id we never used.
   */
  settle(id: string | undefined, response: RoomResponse): 'answered' | 'late' | 'unknown' {
    const entry = id !== undefined ? this.inflight.get(id) : undefined;
    if (!entry) return id !== undefined && this.expiredIds.delete(id) ? 'late' : 'unknown';
    this.inflight.delete(entry.id);
    clearTimeout(entry.timer);
    if (entry.internal || response.result !== false) {
      entry.resolve(response);
    } else {
      const why = typeof response.error === 'string' && response.error !== '' ? response.error : 'result:false';
      entry.reject(new RoomError('ROOM_ERROR', `${entry.method} failed: ${why}`, { method: entry.method, response }));
    }
    return 'answered';
  }

  /**
   * Sends the backlog in batches, each only while the socket's buffer is below the high-water mark, so a
   * long backlog neither blocks the event loop nor piles up in memory twice (queue and socket buffer).
   */
  flush(): void {
    this.stopFlushing();
    let sent = 0;
    for (const entry of this.queue.values()) {
      if (!this.host.canSend()) return;
      if (sent >= FLUSH_BATCH || this.host.bufferedAmount() >= FLUSH_HIGH_WATER_BYTES) {
        this.flushTimer = setTimeout(
          this.guard('queue flush', () => this.flush()),
          sent >= FLUSH_BATCH ? 0 : FLUSH_RETRY_MS,
        );
        return;
      }
      this.queue.delete(entry.id);
      const refused = this.host.refuseQueued(entry.method);
      if (refused) {
        clearTimeout(entry.timer);
        entry.reject(refused);
        continue;
      }
      this.send(entry);
      sent++;
    }
  }

  stopFlushing(): void {
    clearTimeout(this.flushTimer);
    this.flushTimer = undefined;
  }

  /** Rejects in-flight requests (and, with `queued`, waiting ones too); `sent` tells makeError which. */
  failAll(makeError: (entry: Entry, sent: boolean) => Error, queued: boolean): void {
    const inflight = [...this.inflight.values()];
    this.inflight.clear();
    for (const e of inflight) {
      clearTimeout(e.timer);
      e.reject(makeError(e, true));
    }
    if (queued) this.failQueued((e) => makeError(e, false));
  }

  /** Rejects the requests that wait for the connection (waiting cannot help any more). */
  failQueued(makeError: (entry: Entry) => Error): void {
    const entries = [...this.queue.values()];
    this.queue.clear();
    for (const e of entries) {
      clearTimeout(e.timer);
      e.reject(makeError(e));
    }
  }

  private groupOf(signal: AbortSignal): Set<Entry> {
    let group = this.bySignal.get(signal);
    if (!group) {
      const entries = new Set<Entry>();
      group = entries;
      this.bySignal.set(signal, entries);
      signal.addEventListener('abort', () => {
        for (const entry of [...entries]) this.cancel(entry);
      });
    }
    return group;
  }

  private newRequestId(): string {
    this.nextRequestId = this.nextRequestId >= Number.MAX_SAFE_INTEGER ? 1 : this.nextRequestId + 1;
    return `nr${this.nextRequestId}`;
  }

  private send(entry: Entry): void {
    this.inflight.set(entry.id, entry);
    this.host.write(entry);
  }

  private onDeadline(entry: Entry): void {
    entry.timer = undefined;
    if (this.queue.delete(entry.id)) {
      entry.reject(
        new RoomError(
          'NOT_CONNECTED',
          `${entry.method}: not sent, not connected to the Room within ${entry.timeoutMs} ms (${this.host.waitingBecause()})`,
          { method: entry.method, sent: false },
        ),
      );
    } else if (this.inflight.delete(entry.id)) {
      this.rememberExpired(entry.id);
      entry.reject(
        new RoomError(
          'TIMEOUT',
          `${entry.method}: sent, but no response from the Room within ${entry.timeoutMs} ms (it may have run)`,
          { method: entry.method, sent: true },
        ),
      );
    }
  }

  /** The caller gave up (its signal): a queued request never goes out; a sent one is forgotten. */
  private cancel(entry: Entry): void {
    const queued = this.queue.delete(entry.id);
    if (!queued && !this.inflight.delete(entry.id)) return;
    clearTimeout(entry.timer);
    if (!queued) this.rememberExpired(entry.id);
    entry.reject(
      new RoomError(
        'CLOSED',
        queued
          ? `${entry.method}: cancelled before it was sent; it will not be sent`
          : `${entry.method}: cancelled after it was sent; the Room may have run it`,
        { method: entry.method, sent: !queued },
      ),
    );
  }

  private rememberExpired(id: string): void {
    this.expiredIds.add(id);
    if (this.expiredIds.size > EXPIRED_IDS_KEPT)
      this.expiredIds.delete(this.expiredIds.values().next().value as string);
  }
}
