import { EventEmitter } from 'node:events';
import WebSocket from 'ws';
import {
  authFailureHint,
  authFailureText,
  hasAccessLevels,
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
import { EventRouter, type NotificationListener } from './event-router';
import { classifyFrame } from './frames';
import { guardWith, type Guard } from './guard';
import { Heartbeat } from './heartbeat';
import { waitForOutcome } from './outcome-wait';
import { outcomeRule } from './outcomes';
import { RateLimitedLog } from './rate-limited';
import { RequestCorrelation, type Entry } from './request-correlation';
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
/** A polite close gets this long for the closing handshake before the socket is destroyed. */
const CLOSE_GRACE_MS = 1_000;
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
 * A connection to one TrueConf Room: discovery, socket, auth and token re-auth, reconnects and
 * displacement, with request correlation (request-correlation.ts), the heartbeat (heartbeat.ts) and
 * notification routing (event-router.ts) in their own modules. Knows nothing of Node-RED.
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
  private readonly guard: Guard;
  private readonly requests: RequestCorrelation;
  private readonly heartbeat: Heartbeat;

  private _state: ConnectionState = 'idle';
  private _lastReason?: string;
  private _appState?: number;
  private _grantedRole?: Role;
  /** false once an auth answer carried no `previleges` (a Room without access levels: TrueConf VideoSDK). */
  private _accessLevels?: boolean;
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

  private retryTimer?: NodeJS.Timeout;
  private connectTimer?: NodeJS.Timeout;
  private displacedResetTimer?: NodeJS.Timeout;

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
    this.guard = guardWith((msg) => this.logger.error(`TrueConf Room ${this.endpoint.host}: ${msg}`));
    this.requests = new RequestCorrelation(
      {
        canSend: () => this._state === 'ready' && this.socketOpen(),
        write: (entry) => this.write(entry),
        bufferedAmount: () => this.ws?.bufferedAmount ?? 0,
        waitingBecause: () =>
          this._state === 'idle' ? 'the client was not started' : (this._lastReason ?? `state ${this._state}`),
        // The role may only be known now: an admin-only request queued before auth must not go out as user.
        refuseQueued: (method) =>
          this.role === 'user' && isAdminOnly(method) ? this.adminOnlyError(method) : undefined,
      },
      this.tuning.maxQueued,
      this.guard,
    );
    this.heartbeat = new Heartbeat(
      this.tuning.heartbeatIntervalMs,
      this.tuning.heartbeatTimeoutMs,
      () => this.ws,
      (ws, reason) => {
        this.closeReasonOverride = reason;
        ws.terminate();
      },
      this.guard,
      (msg) => this.logger.debug(msg),
    );
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

  /** The requested control mode, or the one inferred from the auth response; none without access levels. */
  get role(): Role | undefined {
    if (this._accessLevels === false) return undefined;
    return this.endpoint.role ?? this._grantedRole;
  }

  /** A role is configured, but the Room (TrueConf VideoSDK) has no access levels: it does not apply. */
  get roleNotApplicable(): boolean {
    return this.endpoint.role !== undefined && this._accessLevels === false;
  }

  /** The WebSocket port in use (configured or discovered). */
  get wsPort(): number | undefined {
    return this._wsPort;
  }

  /** Requests waiting for the connection plus requests sent and not yet answered. */
  get pendingCount(): number {
    return this.requests.pendingCount;
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
    for (const t of ['retryTimer', 'connectTimer', 'displacedResetTimer'] as const) this.clearTimer(t);
    this.heartbeat.stop();
    this.requests.stopFlushing();
    this.failRequests(
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
    return this.requests.submit(entry, opts.signal);
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

  /** Checks a request and builds its entry, or says why it cannot be sent. */
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
      return new RoomError('CLOSED', `${method}: not sent, the Room connection was closed`, { method, sent: false });
    if (this._state === 'auth-failed') return this.authFailedError(method);
    if (this._state === 'displaced' && this.gaveUp) return this.gaveUpError(method);
    return this.requests.create(method, params, timeoutMs);
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

  private write(entry: Entry): void {
    this.ws!.send(entry.frame, (err) => {
      // A failed write means the socket is going down; its close handler fails the entry.
      if (err) this.logger.debug(`sending ${entry.method} failed: ${err.message}`);
    });
  }

  /** Internal request on the current socket; resolves with the raw response (result:false included). */
  private internalRequest(method: string, params: JsonObject, signal: AbortSignal): Promise<RoomResponse> {
    if (!this.socketOpen()) return Promise.reject(new AttemptFailure('connection lost'));
    const { id, response } = this.requests.sendInternal(method, params);
    return raceAbort(response, signal).finally(() => this.requests.forget(id));
  }

  /** Rejects in-flight requests (and, with `queued`, waiting ones); an internal one ends its attempt. */
  private failRequests(makeError: (entry: Entry, sent: boolean) => RoomError, queued: boolean): void {
    this.requests.failAll(
      (e, sent) => (e.internal ? new AttemptFailure(makeError(e, sent).message) : makeError(e, sent)),
      queued,
    );
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
        // Discover every time: the Room may have moved to another port (docs/protocol.md §3.3). On failure we back
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
      if (ws === this.ws) this.heartbeat.pong();
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
    const levels = hasAccessLevels(r);
    if (!levels && this._accessLevels !== false && this.endpoint.role !== undefined)
      this.logger.warn(
        `role "${this.endpoint.role}" is not applicable: this Room has no access levels (TrueConf VideoSDK)`,
      );
    this._accessLevels = levels;
    const granted = roleFromPrivileges(r.previleges);
    if (granted) this._grantedRole = granted;
  }

  private becomeReady(): void {
    this.attemptCount = 0;
    this.gaveUp = false;
    this.setState('ready');
    this.heartbeat.start();
    this.clearTimer('displacedResetTimer');
    this.displacedResetTimer = setTimeout(
      this.guard('displacement reset', () => {
        this.displacedResetTimer = undefined;
        this.displacedCount = 0;
      }),
      DISPLACED_RESET_MS,
    );
    this.requests.flush();
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
    this.requests.failQueued((e) => this.authFailedError(e.method));
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
    this.heartbeat.stop();
    this.requests.stopFlushing();
    this.failRequests(
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
      this.requests.failQueued((e) => this.gaveUpError(e.method));
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
    const matched = this.requests.settle(id, frame as RoomResponse);
    if (matched === 'late')
      this.logger.debug(`late response to ${frame.method} (${id}) ignored: its request had ended`);
    else if (matched === 'unknown')
      this.badFrameLog.log(
        'unmatched',
        `TrueConf Room ${this.endpoint.host}: ignored a "${frame.method}" response that matches no pending request`,
      );
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

  private clearTimer(name: 'retryTimer' | 'connectTimer' | 'displacedResetTimer'): void {
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
