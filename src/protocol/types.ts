/**
 * Public types of the protocol core. Nothing here knows about Node-RED.
 * The wire format follows docs/protocol.md §6: parameters sit at the top level of a request,
 * responses echo `method` and `requestId`, notifications are `{method:"event", event:<name>, ...}`.
 */

export type ApiVersion = '1' | '2';
export type AuthType = 'unsecured' | 'secured';
export type Role = 'user' | 'admin';

/** What identifies one Room endpoint and how we authenticate to it. */
export interface EndpointOptions {
  host: string;
  /** The Room's web port, used for discovery (GET /public/<instance>/config.json). Default 80. */
  port?: number;
  /** Explicit WebSocket port; when set, discovery is skipped. */
  wsPort?: number;
  /** Room instance name in the discovery path. Default `default`. */
  instance?: string;
  /** Default '2'. */
  apiVersion?: ApiVersion;
  /** Default 'unsecured'. */
  authType?: AuthType;
  /** PIN or password for `secured`. Never logged, never put in errors or state reasons. */
  secret?: string;
  /** Expected control mode; undefined = whatever the Room assigns. */
  role?: Role;
  /** Use wss:// and https:// for discovery. */
  tls?: boolean;
  /** With tls: verify the Room's certificate (default true). false accepts self-signed certificates. */
  rejectUnauthorized?: boolean;
  /** With tls: extra CA certificate(s) (PEM) to trust. */
  ca?: string;
}

/** Timings and limits; every field has a default (see DEFAULT_TUNING in tuning.ts). */
export interface ClientTuning {
  /** Deadline for discovery + socket open + setUsedApiVersion + auth. */
  connectTimeoutMs: number;
  /** Default deadline of a request when the caller gives none. */
  requestTimeoutMs: number;
  /** First reconnect delay (jitter is added; the first retry happens within 1 s). */
  reconnectInitialMs: number;
  /** Cap of the exponential backoff. */
  reconnectMaxMs: number;
  /** Interval of WebSocket pings; 0 disables the heartbeat. */
  heartbeatIntervalMs: number;
  /** A pong must arrive within this after a ping, else the link is half-open and gets torn down. */
  heartbeatTimeoutMs: number;
  /** After the Room rejected the credentials, wait at least this long before trying again. */
  authRetryMs: number;
  /** After being displaced (authorizationNeeded cause 1) this many times in a row, stop re-authenticating. */
  displacedRetryLimit: number;
  /** Largest frame accepted from the Room. */
  maxPayloadBytes: number;
  /** Requests that may wait for the connection at once; beyond it a request fails with QUEUE_FULL. */
  maxQueued: number;
}

/**
 * Named connection states.
 * idle -> discovering -> connecting -> authenticating -> ready
 * any -> backoff (waiting to retry) -> discovering ...
 * authenticating -> auth-failed (credentials rejected; retried at most once per authRetryMs)
 * ready -> displaced (another client took this control mode; bounded re-auth attempts)
 * any -> closed (close() called; terminal)
 */
export type ConnectionState =
  | 'idle'
  | 'discovering'
  | 'connecting'
  | 'authenticating'
  | 'ready'
  | 'backoff'
  | 'auth-failed'
  | 'displaced'
  | 'closed';

export interface StateChange {
  state: ConnectionState;
  previous: ConnectionState;
  /** Human-readable reason (never contains the secret). */
  reason?: string;
  /** For backoff/auth-failed/displaced: ms until the next attempt, if one is scheduled. */
  retryInMs?: number;
  /** Consecutive failed attempts so far. */
  attempt?: number;
}

/** A JSON object as it travels on the wire. */
export type JsonObject = { [key: string]: unknown };

export interface RoomResponse extends JsonObject {
  method: string;
  requestId: string;
  result: boolean;
}

export interface RoomNotification extends JsonObject {
  method: 'event';
  event: string;
}

export interface RequestOptions {
  /** Deadline for this request, ms, counted from the call (includes waiting for the connection). */
  timeoutMs?: number;
  /** false: allow methods the catalogue does not know (params still pass through). Default true. */
  strict?: boolean;
  /**
   * Cancels the request: a queued one is removed and never sent; one already sent is forgotten (its late
   * response is ignored). Either way it rejects at once with CLOSED, whose `sent` says which.
   */
  signal?: AbortSignal;
}

/** What a successful outcome wait resolves with. */
export interface OutcomeResult {
  response: RoomResponse;
  outcome: RoomNotification;
}

export interface Logger {
  debug(msg: string): void;
  info(msg: string): void;
  warn(msg: string): void;
  error(msg: string): void;
}

export type Unsubscribe = () => void;
