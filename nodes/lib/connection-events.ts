import type { ConnectionSnapshot } from './config-api';

/**
 * The connection changes room-event reports on its `connection` topic. `removed` (all-rooms nodes only): a
 * later deploy removed or renamed the room-config, so the name no longer routes anywhere.
 */
export type ConnectionEventState = 'ready' | 'lost' | 'auth-failed' | 'displaced' | 'removed';

export interface ConnectionEventPayload {
  state: ConnectionEventState;
  reason?: string;
  appState?: number;
}

/**
 * Turns the stream of connection snapshots into connection events: one per transition into ready, lost,
 * auth-failed or displaced, never the same one twice in a row (appState churn and repeated retries stay
 * quiet). "lost" = unreachable (backoff), or reconnecting after having been ready.
 * The first snapshot only sets the starting point: a redeploy onto a live connection emits nothing. With
 * `reportFirst`, a first snapshot that is ready is reported: a room that joins a fleet node later (added or
 * renamed by a deploy, its socket kept by the pool) would otherwise never say it is there.
 */
export class ConnectionEventTracker {
  private last: ConnectionEventState | undefined;
  private started = false;

  constructor(private readonly reportFirst = false) {}

  /** True once the room's state has been reported, or taken as known (a live connection at the start). */
  get known(): boolean {
    return this.last !== undefined;
  }

  /** Returns the payload to emit for this snapshot, or undefined. */
  next(snapshot: ConnectionSnapshot): ConnectionEventPayload | undefined {
    const kind = this.classify(snapshot);
    if (!this.started) {
      this.started = true;
      this.last = kind === 'ready' ? 'ready' : undefined;
      if (!(this.reportFirst && kind === 'ready')) return undefined;
      return snapshot.appState !== undefined ? { state: kind, appState: snapshot.appState } : { state: kind };
    }
    if (kind === undefined || kind === this.last) return undefined;
    this.last = kind;
    const payload: ConnectionEventPayload = { state: kind };
    if (snapshot.reason !== undefined) payload.reason = snapshot.reason;
    if (snapshot.appState !== undefined) payload.appState = snapshot.appState;
    return payload;
  }

  private classify(snapshot: ConnectionSnapshot): ConnectionEventState | undefined {
    if (snapshot.configError !== undefined) return undefined;
    switch (snapshot.state) {
      case 'ready':
        return 'ready';
      case 'auth-failed':
        return 'auth-failed';
      case 'displaced':
        return 'displaced';
      case 'backoff':
        return 'lost';
      case 'discovering':
      case 'connecting':
      case 'authenticating':
        return this.last === 'ready' ? 'lost' : undefined;
      default:
        return undefined; // idle, closed: our own lifecycle, not news about the Room
    }
  }
}
