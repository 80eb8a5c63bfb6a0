import { RoomClient } from './client';
import { endpointKey, roomKey } from './endpoint';
import type { ClientTuning, EndpointOptions, Logger } from './types';

/** A share of a pooled client. release() is idempotent. */
export interface Lease {
  readonly client: RoomClient;
  release(): void;
}

export interface PoolOptions {
  /** How long a client with no users stays open, so a redeploy can pick it up again. Default 5000 ms. */
  graceMs?: number;
}

interface PoolEntry {
  client: RoomClient;
  /** roomKey(): which Room, regardless of how we authenticate. */
  room: string;
  refs: number;
  closeTimer?: NodeJS.Timeout;
  /** Loggers of the current leases, newest last; the client logs through the newest. */
  loggers: Logger[];
  /** The logger of the last lease, kept for what the client logs in its grace period. */
  lastLogger?: Logger;
}

const SILENT: Logger = { debug() {}, info() {}, warn() {}, error() {} };

/** A logger that writes through whichever lease is newest, so log lines name a node that still exists. */
function leaseLogger(entry: () => PoolEntry | undefined): Logger {
  const current = (): Logger => {
    const e = entry();
    return (e && (e.loggers[e.loggers.length - 1] ?? e.lastLogger)) || SILENT;
  };
  return {
    debug: (m) => current().debug(m),
    info: (m) => current().info(m),
    warn: (m) => current().warn(m),
    error: (m) => current().error(m),
  };
}

/**
 * One RoomClient per endpoint identity (endpoint.ts endpointKey: where and how we connect, the secret
 * only as a hash), shared by reference count. The Room allows one connection per control mode, so two
 * nodes on one endpoint must share a socket or they would displace each other.
 */
export class ConnectionPool {
  private readonly entries = new Map<string, PoolEntry>();
  private readonly graceMs: number;

  constructor(options: PoolOptions = {}) {
    const grace = options.graceMs ?? 5000;
    if (typeof grace !== 'number' || !Number.isFinite(grace) || grace < 0)
      throw new TypeError('graceMs must be a non-negative number');
    this.graceMs = grace;
  }

  /** Number of live clients in the pool (including those in their grace period). */
  get size(): number {
    return this.entries.size;
  }

  /**
   * Shares (or creates and starts) the client of this endpoint. Tuning is that of the first acquirer;
   * the client logs through the newest lease's logger.
   */
  acquire(endpoint: EndpointOptions, tuning?: Partial<ClientTuning>, logger?: Logger): Lease {
    const key = endpointKey(endpoint);
    let entry = this.entries.get(key);
    if (entry && entry.client.state === 'closed') {
      // Closed behind our back (someone called client.close()): start afresh.
      clearTimeout(entry.closeTimer);
      this.entries.delete(key);
      entry = undefined;
    }
    if (!entry) {
      const room = roomKey(endpoint);
      let created: PoolEntry | undefined = undefined;
      const client = new RoomClient(
        endpoint,
        tuning,
        leaseLogger(() => created),
      );
      this.closeIdleClientsOf(room);
      created = { client, room, refs: 0, loggers: [] };
      entry = created;
      this.entries.set(key, entry);
    }
    const current = entry;
    const leaseLog = logger ?? SILENT;
    current.loggers.push(leaseLog);
    if (current.refs++ === 0 && current.client.state === 'idle') current.client.start();
    if (current.closeTimer) {
      clearTimeout(current.closeTimer);
      current.closeTimer = undefined;
    }
    let released = false;
    return {
      client: current.client,
      release: () => {
        if (released) return;
        released = true;
        const i = current.loggers.lastIndexOf(leaseLog);
        if (i >= 0) current.loggers.splice(i, 1);
        current.lastLogger = leaseLog;
        this.release(key, current);
      },
    };
  }

  /**
   * A new identity for a Room that still has an unused client in its grace period (a redeploy changed the
   * secret, role or API version): that client has no more users coming, and left open it would displace
   * the new one in the same control mode until the grace period ends. Close it now.
   */
  private closeIdleClientsOf(room: string): void {
    for (const [key, entry] of this.entries) {
      if (entry.room !== room || entry.refs > 0) continue;
      clearTimeout(entry.closeTimer);
      this.entries.delete(key);
      void entry.client.close();
    }
  }

  private release(key: string, entry: PoolEntry): void {
    entry.refs--;
    if (entry.refs > 0 || this.entries.get(key) !== entry) return;
    const close = () => {
      entry.closeTimer = undefined;
      if (this.entries.get(key) === entry && entry.refs === 0) {
        this.entries.delete(key);
        void entry.client.close();
      }
    };
    if (this.graceMs === 0) close();
    else entry.closeTimer = setTimeout(close, this.graceMs);
  }

  /**
   * Closes the endpoint's client now instead of after the grace period, unless a lease still holds it:
   * for an endpoint whose configuration was deleted, no successor will pick the socket up.
   */
  closeIfUnused(endpoint: EndpointOptions): Promise<void> {
    let key: string;
    try {
      key = endpointKey(endpoint);
    } catch {
      return Promise.resolve(); // never pooled
    }
    const entry = this.entries.get(key);
    if (!entry || entry.refs > 0) return Promise.resolve();
    clearTimeout(entry.closeTimer);
    this.entries.delete(key);
    return entry.client.close();
  }

  /** Closes every client now (shutdown, tests). Outstanding leases become inert. */
  async closeAll(): Promise<void> {
    const entries = [...this.entries.values()];
    this.entries.clear();
    for (const e of entries) clearTimeout(e.closeTimer);
    await Promise.all(entries.map((e) => e.client.close()));
  }
}

/** The process-wide pool the Node-RED nodes share. */
export const sharedPool = new ConnectionPool();
