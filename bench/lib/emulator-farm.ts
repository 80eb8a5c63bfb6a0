import path from 'node:path';
import { IpcChild } from './ipc-child';

export interface EmulatorPorts {
  index: number;
  webPort: number;
  wsPort: number;
}

type Seen = { index: number; at: number };

/** Room emulators in a separate process (emulator-host.ts), with the connections they saw. */
export class EmulatorFarm {
  /** Wall times of the connections / authentications each emulator saw. */
  readonly connections = new Map<number, number[]>();
  readonly authentications = new Map<number, number[]>();

  private constructor(readonly ipc: IpcChild) {
    ipc.on('connection', (m: Seen) => push(this.connections, m));
    ipc.on('authenticated', (m: Seen) => push(this.authentications, m));
  }

  /** 'responder': near-zero-cost Rooms with pre-serialised answers (responder-host.ts), for throughput runs. */
  static async spawn(kind: 'emulator' | 'responder' = 'emulator'): Promise<EmulatorFarm> {
    return new EmulatorFarm(await IpcChild.spawn(path.join(__dirname, `${kind}-host.js`), `${kind} host`));
  }

  start(count: number): Promise<EmulatorPorts[]> {
    return this.ipc.call('start', { count }, 300_000);
  }

  /** The emulator sends `count` notifications of `event` as fast as it can. */
  fire(
    index: number,
    event: string,
    fields: Record<string, unknown>,
    count: number,
  ): Promise<{ startedAt: number; doneAt: number }> {
    return this.ipc.call('emit', { index, event, fields, count });
  }

  restart(index: number, downMs = 0): Promise<{ downAt: number; backAt: number }> {
    return this.ipc.call('restart', { index, downMs });
  }

  /**
   * Terminates every socket of the given Rooms (all when omitted) at once and, with downMs, refuses new
   * connections for that long; resolves (when the Rooms are back) with the wall times of the drop and return.
   */
  dropAll(indices?: number[], downMs = 0): Promise<{ at: number; backAt: number }> {
    return this.ipc.call('dropAll', { indices, downMs });
  }

  /** Per Room: requests of `method` received since `since` (wall ms) and how many repeated a requestId. */
  countRequests(
    method: string,
    since: number,
    indices?: number[],
  ): Promise<{ received: number; repeatedIds: number }[]> {
    return this.ipc.call('countRequests', { method, since, indices });
  }

  cpu(): Promise<NodeJS.CpuUsage> {
    return this.ipc.call('cpu');
  }

  connectionsSince(index: number, since: number): number[] {
    return (this.connections.get(index) ?? []).filter((t) => t >= since);
  }

  authenticationsSince(index: number, since: number): number[] {
    return (this.authentications.get(index) ?? []).filter((t) => t >= since);
  }

  /** Resolves with the wall time of the first authentication on `index` at or after `since`. */
  waitAuthenticated(index: number, since: number, timeoutMs: number): Promise<number> {
    const seen = this.authenticationsSince(index, since);
    if (seen.length) return Promise.resolve(seen[0]);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.ipc.off('authenticated', on);
        reject(new Error(`emulator #${index} saw no authentication within ${timeoutMs} ms`));
      }, timeoutMs);
      const on = (m: Seen) => {
        if (m.index !== index || m.at < since) return;
        clearTimeout(timer);
        this.ipc.off('authenticated', on);
        resolve(m.at);
      };
      this.ipc.on('authenticated', on);
    });
  }

  async close(): Promise<void> {
    await this.ipc.end();
  }
}

function push(map: Map<number, number[]>, m: Seen): void {
  let list = map.get(m.index);
  if (!list) map.set(m.index, (list = []));
  list.push(m.at);
}
