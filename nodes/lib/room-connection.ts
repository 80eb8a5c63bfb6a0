import { sharedPool, type Lease, type RoomClient } from '../../src/protocol';
import type { ClientTuning, EndpointOptions, Logger, StateChange, Unsubscribe } from '../../src/protocol';
import type { ConnectionSnapshot, SnapshotListener } from './config-api';

/**
 * The connection side of one room-config node: counts its user nodes, holds one pooled client lease
 * while it has users (the pool shares the socket with other config nodes of the same endpoint and keeps
 * it through a redeploy), and fans state changes out to the users' status listeners.
 */
export class RoomConnection {
  private readonly users = new Set<string>();
  private readonly listeners = new Set<SnapshotListener>();
  private lease: Lease | undefined;
  private detachClient: Unsubscribe | undefined;
  private lastChange: StateChange | undefined;
  private closed = false;
  private startError: string | undefined;

  constructor(
    readonly endpoint: EndpointOptions | undefined,
    private readonly invalidConfig: string | undefined,
    private readonly tuning: Partial<ClientTuning>,
    private readonly logger: Logger,
  ) {}

  /** Why there is no connection to offer: the configuration, or the core refusing the endpoint. */
  get configError(): string | undefined {
    return this.invalidConfig ?? this.startError;
  }

  get client(): RoomClient | undefined {
    return this.lease?.client;
  }

  get userCount(): number {
    return this.users.size;
  }

  register(userId: string): void {
    if (this.closed) return;
    this.users.add(userId);
    if (!this.lease && this.endpoint && this.configError === undefined) {
      try {
        this.acquire(this.endpoint);
      } catch (err) {
        // The core re-checks the endpoint; should it disagree with our parsing, report it like a bad config.
        this.startError = err instanceof Error ? err.message : String(err);
        this.logger.error(this.startError);
        this.notify();
      }
    }
  }

  deregister(userId: string): void {
    this.users.delete(userId);
    if (this.users.size === 0) this.releaseLease();
  }

  /** The config node is closing: give the lease back (the pool decides when the socket really closes). */
  close(): void {
    this.closed = true;
    this.users.clear();
    this.releaseLease();
    this.listeners.clear();
  }

  snapshot(): ConnectionSnapshot {
    const configError = this.configError;
    if (configError !== undefined) return { state: 'closed', configError };
    const client = this.lease?.client;
    if (!client) return { state: this.closed ? 'closed' : 'idle' };
    const snap: ConnectionSnapshot = { state: client.state };
    const change = this.lastChange && this.lastChange.state === client.state ? this.lastChange : undefined;
    const reason = change?.reason ?? client.lastReason;
    if (reason !== undefined) snap.reason = reason;
    if (change?.retryInMs !== undefined) snap.retryInMs = change.retryInMs;
    if (client.appState !== undefined) snap.appState = client.appState;
    return snap;
  }

  onState(listener: SnapshotListener): Unsubscribe {
    this.listeners.add(listener);
    listener(this.snapshot());
    return () => {
      this.listeners.delete(listener);
    };
  }

  private acquire(endpoint: EndpointOptions): void {
    const lease = sharedPool.acquire(endpoint, this.tuning, this.logger);
    this.lease = lease;
    // A deploy is the user's "try again": a pooled client that gave up (credentials rejected, displaced past
    // its limit) or is waiting out a backoff reconnects now instead of at its next scheduled attempt.
    const waiting = lease.client.state;
    if (waiting === 'auth-failed' || waiting === 'displaced' || waiting === 'backoff') lease.client.retryNow();
    this.lastChange = undefined;
    const onState = (change: StateChange): void => {
      this.lastChange = change;
      this.notify();
    };
    const onAppState = (): void => this.notify();
    lease.client.on('state', onState);
    lease.client.on('appState', onAppState);
    this.detachClient = () => {
      lease.client.off('state', onState);
      lease.client.off('appState', onAppState);
    };
    this.notify();
  }

  private releaseLease(): void {
    const lease = this.lease;
    if (!lease) return;
    this.lease = undefined;
    this.detachClient?.();
    this.detachClient = undefined;
    this.lastChange = undefined;
    lease.release();
  }

  private notify(): void {
    if (this.listeners.size === 0) return;
    const snap = this.snapshot();
    for (const listener of [...this.listeners]) {
      try {
        listener(snap);
      } catch (err) {
        this.logger.error(`status listener failed: ${err instanceof Error ? err.message : String(err)}`);
      }
    }
  }
}
