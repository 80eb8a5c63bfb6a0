import { EventEmitter } from 'node:events';
import WebSocket from 'ws';
import {
  authFailureHint,
  authFailureText,
  redact,
  roleFromPrivileges,
  secretAuthParams,
  tokenAuthParams,
} from './auth';
import { backoffDelay } from './backoff';
import { appStateName, authorizationNeededCauseText, DISPLACED_CAUSE, isAdminOnly } from './catalogue';
import { discoverWsPort } from './discovery';
import { describeEndpoint, resolveEndpoint, wsUrl, type ResolvedEndpoint } from './endpoint';
import { RoomError } from './errors';
import { ALL_EVENTS, EventRouter, type NotificationListener } from './event-router';
import { classifyFrame } from './frames';
import { waitForOutcome } from './outcome-wait';
import { outcomeRule } from './outcomes';
import { RateLimitedLog } from './rate-limited';
import { validateRequest } from './schemas';
import { resolveTuning } from './tuning';
import type {
  ClientTuning,
  ConnectionState,
  EndpointOptions,
  JsonObject,
  Logger,
  OutcomeResult,
  RequestOptions,
  Role,
  RoomNotification,
  RoomResponse,
  StateChange,
  Unsubscribe,
} from './types';

const SILENT_LOGGER: Logger = { debug() {}, info() {}, warn() {}, error() {} };

/** After this long in 'ready', earlier displacements are forgotten (the kick-each-other loop is over). */
const DISPLACED_RESET_MS = 60_000;
/** Re-authenticating after a displacement never happens sooner than this, whatever the backoff says. */
const DISPLACED_MIN_DELAY_MS = 1_000;
/** How many timed-out request ids we remember, so their late responses are dropped quietly. */
const EXPIRED_IDS_KEPT = 1_000;
/** A polite close gets this long for the closing handshake before the socket is destroyed. */
const CLOSE_GRACE_MS = 1_000;
/** A backlog goes out at most this many requests per event-loop turn... */
const FLUSH_BATCH = 100;
/** ...and only while the socket buffers less than this; the rest waits for the buffer to drain. */
const FLUSH_HIGH_WATER_BYTES = 256 * 1024;
/** How often a backlog held back by a full buffer looks again. */
const FLUSH_RETRY_MS = 10;

/** One request: either waiting for the connection (queue) or sent and waiting for its response (inflight). */
interface Entry {
  id: string;
  method: string;
  frame: string;
  /** Internal requests (setUsedApiVersion, auth, getAppState) resolve with any response, result:false included. */
  internal: boolean;
  timeoutMs: number;
  /** The deadline; none for internal requests (their attempt has its own). */
  timer: NodeJS.Timeout | undefined;
  /** The caller's cancellation, if any; its listener is removed when the entry settles. */
  signal: AbortSignal | undefined;
  onAbort: (() => void) | undefined;
  resolve(response: RoomResponse): void;
  reject(err: Error): void;
}

/** Placeholder for an entry's resolve/reject until request() puts the promise's own there. */
function settleLater(): void {}

/** Ends a connection attempt with a reason that becomes the 'backoff' state's reason. */
class AttemptFailure extends Error {}
/** The Room refused the credentials: no quick retry. */
class AuthRejected extends Error {}

function raceAbort<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason as Error);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason as Error);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (v) => {
        signal.removeEventListener('abort', onAbort);
        resolve(v);
      },
      (e: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(e);
      },
    );
  });
}

/**
 * A connection to one TrueConf Room: discovery, socket, auth, reconnects, heartbeat, request/response
 * correlation and notification routing. Knows nothing of Node-RED.
 *
 * Events: 'state' (StateChange), 'notification' (RoomNotification), 'appState' (number), 'connectionLost'
 * (reason: string; the socket went away, not just the authentication).
 */
export class RoomClient extends EventEmitter {
  readonly endpoint: ResolvedEndpoint;
  readonly tuning: ClientTuning;
  private readonly logger: Logger;
  private readonly router: EventRouter;
  private readonly badFrameLog: RateLimitedLog;

  private _state: ConnectionState = 'idle';
  private _lastReason?: string;
  private _appState?: number;
  private _grantedRole?: Role;
  private _wsPort?: number;
  private token?: string;

  private ws?: WebSocket;
  private wsOpened = false;
  private lastSocketError?: string;
  /** Set when we tear the socket down ourselves (heartbeat), so the close handler reports why. */
  private closeReasonOverride?: string;

  private attempt?: AbortController;
  private attemptCount = 0;
  private displacedCount = 0;
  /** After the displacement limit: no re-authentication until retryNow(). */
  private gaveUp = false;

  private readonly queue = new Map<string, Entry>();
  private readonly inflight = new Map<string, Entry>();
  private readonly expiredIds = new Set<string>();
  private nextRequestId = 0;

  private retryTimer?: NodeJS.Timeout;
  private connectTimer?: NodeJS.Timeout;
  private heartbeatTimer?: NodeJS.Timeout;
  private pongTimer?: NodeJS.Timeout;
  private displacedResetTimer?: NodeJS.Timeout;
  private flushTimer?: NodeJS.Timeout;

  private closing?: Promise<void>;

  constructor(endpoint: EndpointOptions, tuning: Partial<ClientTuning> = {}, logger: Logger = SILENT_LOGGER) {
    super();
    // A shared client legitimately has many listeners (every node, every outcome wait); leaks are
    // checked with listenerCount() instead of Node's warning at 11.
    this.setMaxListeners(0);
    this.endpoint = resolveEndpoint(endpoint);
    this.tuning = resolveTuning(tuning);
    this.logger = logger;
    this.router = new EventRouter((err, event) =>
      this.logger.error(
        `a listener of the Room notification "${event}" threw: ${err instanceof Error ? err.message : String(err)}`,
      ),
    );
    this.badFrameLog = new RateLimitedLog((msg) => this.logger.warn(msg));
  }

  // ---------------------------------------------------------------- public state

  get state(): ConnectionState {
    return this._state;
  }

  /** Why the connection is not (or was not) ready; cleared when it becomes ready. Never contains the secret. */
  get lastReason(): string | undefined {
    return this._lastReason;
  }

  /** The Room's appState (0-6), from getAppState after each connect and appStateChanged since. */
  get appState(): number | undefined {
    return this._appState;
  }

  /** The requested control mode, or the one inferred from the auth response. */
  get role(): Role | undefined {
    return this.endpoint.role ?? this._grantedRole;
  }

  /** The WebSocket port in use (configured or discovered). */
  get wsPort(): number | undefined {
    return this._wsPort;
  }

  /** Requests waiting for the connection plus requests sent and not yet answered. */
  get pendingCount(): number {
    let n = this.queue.size;
    for (const e of this.inflight.values()) if (!e.internal) n++;
    return n;
  }

  /**
   * Listeners attached under `event`: EventEmitter listeners ('state', 'notification', 'appState') plus
   * notification subscriptions made with subscribe(); without an argument, all of them. Used to check
   * that nodes leave no listeners behind.
   */
  override listenerCount(event?: string | symbol, listener?: (...args: unknown[]) => void): number {
    if (event === undefined) {
      let n = this.router.listenerCount();
      for (const name of this.eventNames()) n += super.listenerCount(name);
      return n;
    }
    const own = listener ? super.listenerCount(event, listener) : super.listenerCount(event);
    return own + (typeof event === 'string' ? this.router.listenerCount(event) : 0);
  }

  /** Subscribe to one Room notification by name, or to all with '*'. */
  subscribe(event: string, listener: NotificationListener): Unsubscribe {
    return this.router.subscribe(event, listener);
  }

  // ---------------------------------------------------------------- lifecycle

  /** Starts connecting. Idempotent. */
  start(): void {
    if (this._state !== 'idle') return;
    this.logger.debug(`connecting to the Room at ${describeEndpoint(this.endpoint)}`);
    this.beginAttempt(false);
  }

  /**
   * Tries again now instead of waiting: after rejected credentials, a displacement limit, or a backoff.
   * Used when the user changes the configuration.
   */
  retryNow(): void {
    if (this._state === 'closed') return;
    if (this._state === 'idle') return this.start();
    if (this._state !== 'backoff' && this._state !== 'auth-failed' && this._state !== 'displaced') return;
    this.clearTimer('retryTimer');
    this.attemptCount = 0;
    this.displacedCount = 0;
    this.gaveUp = false;
    this.beginAttempt(this.socketOpen());
  }

  /** Terminal: rejects everything pending with CLOSED, clears every timer, closes the socket. */
  close(): Promise<void> {
    if (this.closing) return this.closing;
    const ws = this.ws;
    this.ws = undefined;
    this.abortAttempt();
    for (const t of ['retryTimer', 'connectTimer', 'displacedResetTimer', 'flushTimer'] as const) this.clearTimer(t);
    this.stopHeartbeat();
    this.failAll(
      (e, sent) =>
        new RoomError(
          'CLOSED',
          `${e.method}: the Room connection was closed ${sent ? 'before the Room answered' : 'before it was sent'}`,
          { method: e.method, sent },
        ),
      true,
    );
    this.setState('closed', { reason: 'closed' });
    this.router.clear();
    this.closing = ws ? closeGently(ws) : Promise.resolve();
    return this.closing;
  }

  // ---------------------------------------------------------------- requests

  /**
   * Sends one request and resolves with the Room's response. Validation runs first: an invalid request
   * is rejected and nothing is sent. Sent at most once; never re-sent after a reconnect. While the
   * connection is not ready it waits in a queue of at most `maxQueued` (QUEUE_FULL beyond it). A
   * request cancelled with `opts.signal` before it was sent is never sent.
   */
  request(method: string, params: JsonObject = {}, opts: RequestOptions = {}): Promise<RoomResponse> {
    const entry = this.prepare(method, params, opts);
    if (entry instanceof RoomError) return Promise.reject(entry);
    // A backlog still being flushed goes first, so requests keep their order.
    const sendNow = this._state === 'ready' && this.queue.size === 0 && this.socketOpen();
    if (!sendNow && this.queue.size >= this.tuning.maxQueued) {
      return Promise.reject(
        new RoomError(
          'QUEUE_FULL',
          `${method}: not sent, ${this.queue.size} requests already wait for the Room connection (${this._lastReason ?? `state ${this._state}`})`,
          { method, sent: false },
        ),
      );
    }
    return new Promise<RoomResponse>((resolve, reject) => {
      const signal = opts.signal;
      if (signal) {
        // Detach the cancellation on every ending, so a long-lived signal does not collect listeners.
        const onAbort = () => this.cancel(entry);
        entry.signal = signal;
        entry.onAbort = onAbort;
        entry.resolve = (r) => {
          signal.removeEventListener('abort', onAbort);
          resolve(r);
        };
        entry.reject = (e) => {
          signal.removeEventListener('abort', onAbort);
          reject(e);
        };
        signal.addEventListener('abort', onAbort, { once: true });
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

  /**
   * Sends a request and waits for its outcome notification (outcomes.ts): resolves on success, rejects
   * OUTCOME_FAILED with the readable cause. The deadline covers the response and the outcome.
   */
  requestOutcome(method: string, params: JsonObject = {}, opts: RequestOptions = {}): Promise<OutcomeResult> {
    const rule = outcomeRule(method);
    if (!rule) {
      const invalid = this.prepare(method, params, opts);
      return Promise.reject(
        invalid instanceof RoomError
          ? invalid
          : new RoomError('NO_OUTCOME', `${method} has no outcome notification; turn off "wait for outcome"`, {
              method,
            }),
      );
    }
    return waitForOutcome(this, rule, method, params, {
      ...opts,
      timeoutMs: opts.timeoutMs ?? this.tuning.requestTimeoutMs,
    });
  }

  // ---------------------------------------------------------------- request internals

  /**
   * Checks a request and builds its entry, or says why it cannot be sent. The entry is one object literal
   * with every field (request() fills in resolve, reject and timer), so all entries share one V8 shape:
   * building it as `{ ...prepared, resolve, reject }` and adding `timer` afterwards took V8's slow path and
   * cost about 5 µs of CPU per request (of ~18 µs in this process for a whole round trip; see bench/).
   */
  private prepare(method: string, params: JsonObject, opts: RequestOptions): Entry | RoomError {
    const invalid = validateRequest(method, params, { strict: opts.strict });
    if (invalid) return invalid;
    if (opts.signal?.aborted)
      return new RoomError('CLOSED', `${method}: cancelled before it was sent`, { method, sent: false });
    const timeoutMs = opts.timeoutMs ?? this.tuning.requestTimeoutMs;
    if (typeof timeoutMs !== 'number' || !Number.isFinite(timeoutMs) || timeoutMs <= 0) {
      return new RoomError(
        'INVALID_PARAMS',
        `${method}: timeout must be a positive number of ms, got ${JSON.stringify(timeoutMs)}`,
        { method },
      );
    }
    if (this.role === 'user' && isAdminOnly(method)) return this.adminOnlyError(method);
    if (this._state === 'closed')
      return new RoomError('CLOSED', `${method}: the Room connection was closed`, { method });
    if (this._state === 'auth-failed') return this.authFailedError(method);
    if (this._state === 'displaced' && this.gaveUp) return this.gaveUpError(method);
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
      signal: undefined,
      onAbort: undefined,
      resolve: settleLater,
      reject: settleLater,
    };
  }

  private adminOnlyError(method: string): RoomError {
    return new RoomError(
      'ADMIN_ONLY',
      `${method} needs the administrator control mode, but this connection is authenticated as user. ` +
        'Set the role to admin (with the admin PIN/password) in the Room configuration to use it.',
      { method },
    );
  }

  private authFailedError(method: string): RoomError {
    return new RoomError(
      'AUTH_FAILED',
      `${method}: not connected, the Room rejected the credentials (${this._lastReason ?? 'credentials rejected'}). Check the PIN/password.`,
      { method },
    );
  }

  private gaveUpError(method: string): RoomError {
    return new RoomError('NOT_CONNECTED', `${method}: not connected to the Room (${this._lastReason ?? 'displaced'})`, {
      method,
    });
  }

  private newRequestId(): string {
    this.nextRequestId = this.nextRequestId >= Number.MAX_SAFE_INTEGER ? 1 : this.nextRequestId + 1;
    return `nr${this.nextRequestId}`;
  }

  private send(entry: Entry): void {
    const ws = this.ws!;
    this.inflight.set(entry.id, entry);
    ws.send(entry.frame, (err) => {
      // A failed write means the socket is going down; its close handler fails the entry.
      if (err) this.logger.debug(`sending ${entry.method} failed: ${err.message}`);
    });
  }

  /** Internal request on the current socket; resolves with the raw response (result:false included). */
  private internalRequest(method: string, params: JsonObject, signal: AbortSignal): Promise<RoomResponse> {
    const ws = this.ws;
    if (!ws || ws.readyState !== WebSocket.OPEN) return Promise.reject(new AttemptFailure('connection lost'));
    const id = this.newRequestId();
    const promise = new Promise<RoomResponse>((resolve, reject) => {
      this.send({
        id,
        method,
        frame: JSON.stringify({ method, requestId: id, ...params }),
        internal: true,
        timeoutMs: 0,
        timer: undefined,
        signal: undefined,
        onAbort: undefined,
        resolve,
        reject,
      });
    });
    return raceAbort(promise, signal).finally(() => this.inflight.delete(id));
  }

  private onDeadline(entry: Entry): void {
    entry.timer = undefined;
    if (this.queue.delete(entry.id)) {
      const why = this._state === 'idle' ? 'the client was not started' : (this._lastReason ?? `state ${this._state}`);
      entry.reject(
        new RoomError(
          'NOT_CONNECTED',
          `${entry.method}: not sent, not connected to the Room within ${entry.timeoutMs} ms (${why})`,
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

  /** The caller gave up (opts.signal): a queued request never goes out; a sent one is forgotten. */
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

  /**
   * Sends the backlog in batches, each only while the socket's buffer is below the high-water mark, so a
   * long backlog neither blocks the event loop nor piles up in memory twice (queue and socket buffer).
   */
  private flushQueue(): void {
    this.clearTimer('flushTimer');
    let sent = 0;
    for (const entry of this.queue.values()) {
      if (this._state !== 'ready' || !this.socketOpen()) return;
      if (sent >= FLUSH_BATCH || this.ws!.bufferedAmount >= FLUSH_HIGH_WATER_BYTES) {
        const wait = sent >= FLUSH_BATCH ? 0 : FLUSH_RETRY_MS;
        this.flushTimer = setTimeout(
          this.guard('queue flush', () => this.flushQueue()),
          wait,
        );
        return;
      }
      this.queue.delete(entry.id);
      // The role may only be known now: an admin-only request queued before auth must not go out as user.
      if (this.role === 'user' && isAdminOnly(entry.method)) {
        clearTimeout(entry.timer);
        entry.reject(this.adminOnlyError(entry.method));
        continue;
      }
      this.send(entry);
      sent++;
    }
  }

  /** Rejects in-flight requests (and, with `queued`, waiting ones too); `sent` tells makeError which. */
  private failAll(makeError: (entry: Entry, sent: boolean) => Error, queued: boolean): void {
    const inflight = [...this.inflight.values()];
    const waiting = queued ? [...this.queue.values()] : [];
    this.inflight.clear();
    if (queued) this.queue.clear();
    for (const e of inflight) {
      clearTimeout(e.timer);
      e.reject(e.internal ? new AttemptFailure(makeError(e, true).message) : makeError(e, true));
    }
    for (const e of waiting) {
      clearTimeout(e.timer);
      e.reject(makeError(e, false));
    }
  }

  private failQueued(makeError: (entry: Entry) => Error): void {
    const entries = [...this.queue.values()];
    this.queue.clear();
    for (const e of entries) {
      clearTimeout(e.timer);
      e.reject(makeError(e));
    }
  }

  // ---------------------------------------------------------------- connection attempts

  private beginAttempt(reuseSocket: boolean): void {
    this.clearTimer('retryTimer');
    this.abortAttempt();
    const controller = new AbortController();
    this.attempt = controller;
    const ms = this.tuning.connectTimeoutMs;
    this.connectTimer = setTimeout(
      this.guard('connect deadline', () => {
        controller.abort(new AttemptFailure(`not connected within ${ms} ms (stuck while ${this._state})`));
      }),
      ms,
    );
    this.runAttempt(controller.signal, reuseSocket).then(
      this.guard('connection attempt', () => {
        if (this.attempt !== controller) return;
        this.endAttempt();
        this.becomeReady();
      }),
      this.guard('connection attempt', (err: unknown) => {
        if (this.attempt !== controller) return; // superseded or closed
        this.endAttempt();
        const reason = err instanceof Error ? err.message : String(err);
        if (err instanceof AuthRejected) this.enterAuthFailed(reason);
        else {
          this.dropSocket(reason);
          this.enterBackoff(reason);
        }
      }),
    );
  }

  private endAttempt(): void {
    this.attempt = undefined;
    this.clearTimer('connectTimer');
  }

  private abortAttempt(): void {
    const a = this.attempt;
    if (!a) return;
    this.endAttempt();
    a.abort(new AttemptFailure('attempt abandoned'));
  }

  private async runAttempt(signal: AbortSignal, reuseSocket: boolean): Promise<void> {
    const startedAt = Date.now();
    const remaining = () => Math.max(1, this.tuning.connectTimeoutMs - (Date.now() - startedAt));
    if (!(reuseSocket && this.socketOpen())) {
      this.dropSocket('reconnecting');
      let port = this.endpoint.wsPort;
      if (port === undefined) {
        // Discover every time: the Room may have moved to another port (reference §0). On failure we back
        // off rather than fall back to the last known port (allowed, but it would hide a wrong web port).
        this.setState('discovering');
        try {
          port = await raceAbort(discoverWsPort(this.endpoint, remaining(), signal), signal);
        } catch (err) {
          if (signal.aborted) throw signal.reason;
          throw new AttemptFailure(`Room unreachable: ${err instanceof Error ? err.message : String(err)}`);
        }
      }
      this._wsPort = port;
      this.setState('connecting');
      await raceAbort(this.openSocket(port, remaining()), signal);
      this.setState('authenticating');
      const v = await this.internalRequest('setUsedApiVersion', { version: this.endpoint.apiVersion }, signal);
      // Room 4.3 may not know setUsedApiVersion; the URL path already picks the version.
      if (v.result === false)
        this.logger.debug(`setUsedApiVersion ${this.endpoint.apiVersion} refused (${authFailureText(v)}); continuing`);
    } else {
      this.setState('authenticating');
    }
    await this.authenticate(signal);
  }

  private openSocket(port: number, timeoutMs: number): Promise<void> {
    const url = wsUrl(this.endpoint, port);
    const ws = new WebSocket(url, {
      maxPayload: this.tuning.maxPayloadBytes,
      handshakeTimeout: timeoutMs,
      rejectUnauthorized: this.endpoint.rejectUnauthorized,
      ca: this.endpoint.ca,
      perMessageDeflate: false,
    });
    this.ws = ws;
    this.wsOpened = false;
    this.lastSocketError = undefined;
    this.closeReasonOverride = undefined;
    ws.on(
      'message',
      this.guard('incoming frame', (data: WebSocket.RawData, isBinary: boolean) => {
        if (ws === this.ws) this.onFrame(data, isBinary);
      }),
    );
    ws.on('error', (err) => {
      if (ws === this.ws) this.lastSocketError = err.message;
    });
    ws.on(
      'close',
      this.guard('socket close', (code: number) => {
        if (ws === this.ws) this.onSocketClosed(code);
      }),
    );
    ws.on('pong', () => {
      if (ws === this.ws) this.clearTimer('pongTimer');
    });
    return new Promise<void>((resolve) => {
      ws.once('open', () => {
        if (ws === this.ws) this.wsOpened = true;
        resolve();
      });
      // Failure before 'open' arrives as 'close', which aborts the attempt (see onSocketClosed).
    });
  }

  private async authenticate(signal: AbortSignal): Promise<void> {
    if (this.token) {
      const r = await this.internalRequest('auth', tokenAuthParams(this.endpoint, this.token), signal);
      if (r.result !== false) return this.acceptAuth(r);
      this.logger.debug(
        `the saved token was refused (${this.redact(authFailureText(r))}); authenticating with the configured credentials`,
      );
      this.token = undefined;
    }
    if (this.endpoint.authType === 'secured' && !this.endpoint.secret) {
      throw new AuthRejected('credentials rejected: secured auth needs a PIN or password, and none is configured');
    }
    const r = await this.internalRequest('auth', secretAuthParams(this.endpoint), signal);
    if (r.result === false)
      throw new AuthRejected(
        `credentials rejected: ${this.redact(authFailureText(r))}; ${authFailureHint(this.endpoint)}`,
      );
    this.acceptAuth(r);
  }

  private acceptAuth(r: RoomResponse): void {
    if (typeof r.token === 'string' && r.token !== '') this.token = r.token;
    const granted = roleFromPrivileges(r.previleges);
    if (granted) this._grantedRole = granted;
  }

  private becomeReady(): void {
    this.attemptCount = 0;
    this.gaveUp = false;
    this.setState('ready');
    this.startHeartbeat();
    this.clearTimer('displacedResetTimer');
    this.displacedResetTimer = setTimeout(
      this.guard('displacement reset', () => {
        this.displacedResetTimer = undefined;
        this.displacedCount = 0;
      }),
      DISPLACED_RESET_MS,
    );
    this.flushQueue();
    this.fetchAppState();
  }

  private fetchAppState(): void {
    const controller = new AbortController();
    const timer = setTimeout(
      this.guard('app state request', () => controller.abort(new AttemptFailure('no answer'))),
      this.tuning.requestTimeoutMs,
    );
    this.internalRequest('getAppState', {}, controller.signal).then(
      (r) => {
        clearTimeout(timer);
        if (typeof r.appState === 'number') this.updateAppState(r.appState);
      },
      (err: Error) => {
        clearTimeout(timer);
        this.logger.debug(`getAppState failed: ${err.message}`);
      },
    );
  }

  private updateAppState(value: number): void {
    if (value === this._appState) return;
    this._appState = value;
    this.logger.debug(`Room app state ${value} (${appStateName(value)})`);
    this.safeEmit('appState', value);
  }

  private enterBackoff(reason: string): void {
    const delay = backoffDelay(this.attemptCount, {
      initialMs: this.tuning.reconnectInitialMs,
      maxMs: this.tuning.reconnectMaxMs,
    });
    this.attemptCount++;
    this.setState('backoff', { reason, retryInMs: delay, attempt: this.attemptCount });
    this.retryTimer = setTimeout(
      this.guard('reconnect', () => {
        this.retryTimer = undefined;
        this.beginAttempt(false);
      }),
      delay,
    );
  }

  private enterAuthFailed(reason: string): void {
    this.dropSocket(reason);
    const wait = this.tuning.authRetryMs;
    this.setState('auth-failed', { reason, retryInMs: wait });
    // Waiting cannot help: everything queued fails now, and new requests fail at once (prepare()).
    this.failQueued((e) => this.authFailedError(e.method));
    this.logger.warn(`TrueConf Room ${this.endpoint.host}: ${reason}; next attempt in ${Math.round(wait / 1000)} s`);
    this.retryTimer = setTimeout(
      this.guard('reconnect', () => {
        this.retryTimer = undefined;
        this.beginAttempt(false);
      }),
      wait,
    );
  }

  private onSocketClosed(code: number): void {
    const reason =
      this.closeReasonOverride ??
      (this.wsOpened
        ? `connection lost (code ${code}${this.lastSocketError ? `: ${this.lastSocketError}` : ''})`
        : `Room unreachable: ${this.lastSocketError ?? `connection closed (code ${code})`}`);
    if (this.attempt) {
      // Mid-attempt: the attempt's failure path drops the socket and backs off.
      this.attempt.abort(new AttemptFailure(reason));
      return;
    }
    this.dropSocket(reason);
    if (this._state === 'ready') {
      // Once per lost connection, not per retry: at the default log level the operator sees why the Room went away.
      this.logger.warn(`TrueConf Room ${this.endpoint.host}: ${reason}; reconnecting`);
      this.enterBackoff(reason);
    }
    // 'displaced': a scheduled re-authentication reconnects from scratch; after giving up we stay put.
  }

  /** Forgets the current socket: stops the heartbeat, fails in-flight requests, closes it if still open. */
  private dropSocket(reason: string): void {
    const ws = this.ws;
    this.stopHeartbeat();
    this.clearTimer('flushTimer');
    this.failAll(
      (e) =>
        new RoomError('CONNECTION_LOST', `${e.method}: connection lost before the Room answered (${reason})`, {
          method: e.method,
          sent: true,
        }),
      false,
    );
    if (!ws) return;
    this.ws = undefined;
    void closeGently(ws);
    this.safeEmit('connectionLost', reason);
  }

  private socketOpen(): boolean {
    return this.ws !== undefined && this.ws.readyState === WebSocket.OPEN;
  }

  // ---------------------------------------------------------------- displacement

  private onAuthorizationNeeded(n: RoomNotification): void {
    if (this._state !== 'ready') return;
    this.clearTimer('displacedResetTimer');
    if (n.cause !== DISPLACED_CAUSE) {
      // Token expired, credentials changed ...: the token is no good any more; try the secret once.
      this.logger.info(
        `TrueConf Room ${this.endpoint.host}: authorization needed (${authorizationNeededCauseText(n.cause)}); re-authenticating`,
      );
      this.token = undefined;
      this.setState('authenticating', { reason: `authorization needed: ${authorizationNeededCauseText(n.cause)}` });
      this.beginAttempt(true);
      return;
    }
    this.displacedCount++;
    const reason = `another client took the ${this.role ?? 'same'} control mode`;
    if (this.displacedCount > this.tuning.displacedRetryLimit) {
      // Bounded: two clients with one mode would otherwise kick each other forever.
      this.gaveUp = true;
      this.dropSocket(reason);
      const text = `${reason}; stopped re-authenticating after ${this.displacedCount} displacements (change the configuration or redeploy to try again)`;
      this.setState('displaced', { reason: text, attempt: this.displacedCount });
      // Waiting cannot help until retryNow(): fail what waits now (new requests fail in prepare()).
      this.failQueued((e) => this.gaveUpError(e.method));
      this.logger.warn(`TrueConf Room ${this.endpoint.host}: ${text}`);
      return;
    }
    const delay = Math.max(
      DISPLACED_MIN_DELAY_MS,
      backoffDelay(this.displacedCount - 1, {
        initialMs: this.tuning.reconnectInitialMs,
        maxMs: this.tuning.reconnectMaxMs,
      }),
    );
    this.setState('displaced', { reason, retryInMs: delay, attempt: this.displacedCount });
    this.retryTimer = setTimeout(
      this.guard('re-authentication', () => {
        this.retryTimer = undefined;
        this.beginAttempt(this.socketOpen());
      }),
      delay,
    );
  }

  // ---------------------------------------------------------------- heartbeat

  private startHeartbeat(): void {
    this.stopHeartbeat();
    const interval = this.tuning.heartbeatIntervalMs;
    if (!interval) return;
    this.heartbeatTimer = setInterval(
      this.guard('heartbeat', () => {
        const ws = this.ws;
        if (!ws || ws.readyState !== WebSocket.OPEN || this.pongTimer) return;
        const timeoutMs = this.tuning.heartbeatTimeoutMs;
        this.pongTimer = setTimeout(
          this.guard('heartbeat deadline', () => {
            this.pongTimer = undefined;
            if (ws !== this.ws) return;
            this.closeReasonOverride = `connection lost (no answer to the heartbeat within ${timeoutMs} ms)`;
            ws.terminate();
          }),
          timeoutMs,
        );
        try {
          ws.ping();
        } catch (err) {
          this.logger.debug(`heartbeat ping failed: ${err instanceof Error ? err.message : String(err)}`);
        }
      }),
      interval,
    );
  }

  private stopHeartbeat(): void {
    this.clearTimer('heartbeatTimer');
    this.clearTimer('pongTimer');
  }

  // ---------------------------------------------------------------- incoming frames

  private onFrame(data: WebSocket.RawData, isBinary: boolean): void {
    const incoming = classifyFrame(data, isBinary);
    if (incoming.kind === 'ignored') {
      return this.badFrameLog.log(
        incoming.problem,
        `TrueConf Room ${this.endpoint.host}: ${this.redact(incoming.description)}`,
      );
    }
    if (incoming.kind === 'notification') return this.onNotification(incoming.notification);
    const { frame, requestId: id } = incoming;
    const entry = id !== undefined ? this.inflight.get(id) : undefined;
    if (!entry) {
      if (id !== undefined && this.expiredIds.delete(id)) {
        this.logger.debug(`late response to ${frame.method} (${id}) ignored: its request had timed out`);
        return;
      }
      return this.badFrameLog.log(
        'unmatched',
        `TrueConf Room ${this.endpoint.host}: ignored a "${frame.method}" response that matches no pending request`,
      );
    }
    this.inflight.delete(entry.id);
    clearTimeout(entry.timer);
    const response = frame as RoomResponse;
    if (entry.internal || response.result !== false) return entry.resolve(response);
    const why = typeof response.error === 'string' && response.error !== '' ? response.error : 'result:false';
    entry.reject(new RoomError('ROOM_ERROR', `${entry.method} failed: ${why}`, { method: entry.method, response }));
  }

  private onNotification(n: RoomNotification): void {
    if (n.event === 'appStateChanged' && typeof n.appState === 'number') this.updateAppState(n.appState);
    this.safeEmit('notification', n);
    this.router.dispatch(n);
    if (n.event === 'authorizationNeeded') this.onAuthorizationNeeded(n);
  }

  // ---------------------------------------------------------------- helpers

  private setState(state: ConnectionState, info: { reason?: string; retryInMs?: number; attempt?: number } = {}): void {
    const previous = this._state;
    if (previous === 'closed') return;
    if (previous === state && info.reason === undefined) return;
    this._state = state;
    if (state === 'ready') this._lastReason = undefined;
    else if (info.reason !== undefined) this._lastReason = info.reason;
    const change: StateChange = { state, previous };
    if (info.reason !== undefined) change.reason = info.reason;
    if (info.retryInMs !== undefined) change.retryInMs = info.retryInMs;
    if (info.attempt !== undefined) change.attempt = info.attempt;
    this.logger.debug(
      `TrueConf Room ${this.endpoint.host}: ${previous} -> ${state}${info.reason ? ` (${info.reason})` : ''}`,
    );
    this.safeEmit('state', change);
  }

  private safeEmit(event: string, value: unknown): void {
    try {
      this.emit(event, value);
    } catch (err) {
      this.logger.error(`a "${event}" listener threw: ${err instanceof Error ? err.message : String(err)}`);
    }
  }

  private redact(text: string): string {
    return redact(text, [this.endpoint.secret, this.token]);
  }

  /**
   * Wraps a timer or socket callback: a bug of ours that throws there is logged instead of escaping to
   * the event loop, where it would take the whole Node-RED process down.
   */
  private guard<A extends unknown[]>(what: string, fn: (...args: A) => void): (...args: A) => void {
    return (...args: A) => {
      try {
        fn(...args);
      } catch (err) {
        try {
          this.logger.error(
            `TrueConf Room ${this.endpoint.host}: internal error in ${what}: ${err instanceof Error ? err.message : String(err)}`,
          );
        } catch {
          // The logger itself failed; nothing sensible left to do.
        }
      }
    };
  }

  private clearTimer(
    name: 'retryTimer' | 'connectTimer' | 'heartbeatTimer' | 'pongTimer' | 'displacedResetTimer' | 'flushTimer',
  ): void {
    const t = this[name];
    if (t !== undefined) {
      clearTimeout(t);
      this[name] = undefined;
    }
  }
}

/** Closes politely; destroys the socket if the peer does not complete the closing handshake soon. */
function closeGently(ws: WebSocket): Promise<void> {
  ws.removeAllListeners();
  ws.on('error', () => {}); // errors while closing are expected and uninteresting
  if (ws.readyState === WebSocket.CLOSED) return Promise.resolve();
  return new Promise<void>((resolve) => {
    const timer = setTimeout(() => ws.terminate(), CLOSE_GRACE_MS);
    ws.once('close', () => {
      clearTimeout(timer);
      resolve();
    });
    if (ws.readyState === WebSocket.CONNECTING) ws.terminate();
    else if (ws.readyState === WebSocket.OPEN) ws.close(1000);
  });
}

export { ALL_EVENTS };
