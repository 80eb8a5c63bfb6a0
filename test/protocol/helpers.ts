import { RoomClient } from '../../src/protocol/client';
import type { ClientTuning, ConnectionState, EndpointOptions, Logger, StateChange } from '../../src/protocol/types';
import { RoomEmulator } from '../../src/emulator';
import { waitForEvent, waitUntil } from '../support/wait';

/** Small timings so the suite is quick; deadlines stay generous for a loaded machine. */
export const FAST: Partial<ClientTuning> = {
  connectTimeoutMs: 3000,
  requestTimeoutMs: 3000,
  reconnectInitialMs: 50,
  reconnectMaxMs: 500,
  heartbeatIntervalMs: 0,
  heartbeatTimeoutMs: 200,
  authRetryMs: 60_000,
};

/** A logger that keeps what it is told, so tests can check warnings and that no secret leaks. */
export class MemoryLogger implements Logger {
  readonly lines: string[] = [];
  debug(msg: string): void {
    this.lines.push(`debug ${msg}`);
  }
  info(msg: string): void {
    this.lines.push(`info ${msg}`);
  }
  warn(msg: string): void {
    this.lines.push(`warn ${msg}`);
  }
  error(msg: string): void {
    this.lines.push(`error ${msg}`);
  }
  get warnings(): string[] {
    return this.lines.filter((l) => l.startsWith('warn '));
  }
}

/** Tracks what a test opens, so afterEach can close it all. */
export class Harness {
  private readonly rooms: RoomEmulator[] = [];
  private readonly clients: RoomClient[] = [];
  private readonly closers: (() => Promise<void> | void)[] = [];

  async room(options: ConstructorParameters<typeof RoomEmulator>[0] = {}): Promise<RoomEmulator> {
    const room = new RoomEmulator({ host: '127.0.0.1', webPort: 0, wsPort: 0, ...options });
    this.rooms.push(room);
    await room.start();
    return room;
  }

  /** A client of `room` found by discovery (web port), not started. */
  client(
    room: RoomEmulator,
    endpoint: Partial<EndpointOptions> = {},
    tuning: Partial<ClientTuning> = {},
    logger?: Logger,
  ): RoomClient {
    const client = new RoomClient(
      { host: '127.0.0.1', port: room.webPort, ...endpoint },
      { ...FAST, ...tuning },
      logger,
    );
    this.clients.push(client);
    return client;
  }

  track(client: RoomClient): RoomClient {
    this.clients.push(client);
    return client;
  }

  onCleanup(fn: () => Promise<void> | void): void {
    this.closers.push(fn);
  }

  async cleanup(): Promise<void> {
    await Promise.all(this.clients.splice(0).map((c) => c.close()));
    for (const fn of this.closers.splice(0).reverse()) await fn();
    await Promise.all(this.rooms.splice(0).map((r) => r.stop()));
  }
}

export function waitForState(client: RoomClient, state: ConnectionState, timeoutMs = 8000): Promise<void> {
  return waitUntil(
    client,
    ['state'],
    () => client.state === state,
    timeoutMs,
    `state ${state} (now ${client.state}: ${client.lastReason ?? ''})`,
  );
}

export async function ready(client: RoomClient, timeoutMs = 8000): Promise<RoomClient> {
  client.start();
  await waitForState(client, 'ready', timeoutMs);
  return client;
}

export function nextState(client: RoomClient, state: ConnectionState, timeoutMs = 8000): Promise<StateChange> {
  return waitForEvent<StateChange>(client, 'state', { timeoutMs, filter: (c) => c.state === state });
}

/** Request frames the emulator received with this method. */
export function framesOf(room: RoomEmulator, method: string): Record<string, unknown>[] {
  return room.requests.filter((r) => r.frame.method === method).map((r) => r.frame);
}

/** Settles a promise into a value or error, so a test can assert on rejections without races. */
export function settle<T>(p: Promise<T>): Promise<{ value?: T; error?: Error & { code?: string } }> {
  return p.then(
    (value) => ({ value }),
    (error: Error) => ({ error }),
  );
}
