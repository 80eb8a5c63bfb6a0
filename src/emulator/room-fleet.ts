import { RoomEmulator } from './room-emulator';
import type { RoomEmulatorOptions } from './types';

/** How far above the first web port a busy port is skipped before giving up. */
const WEB_PORT_TRIES = 200;

export interface EmulatedRoomEntry {
  /** The room's name: what a room-config's name (and so msg.room) would be. */
  readonly name: string;
  readonly room: RoomEmulator;
}

export interface RoomFleetOptions {
  /** The rooms' names, one Room each. */
  names: string[];
  /** Web port of the first Room; the others take the next free ports above it. 0 (default): any free port each. */
  firstWebPort?: number;
  /** Options every Room gets (host, auth, timings, log...). The WebSocket port is any free one unless given. */
  room?: Omit<RoomEmulatorOptions, 'webPort'>;
}

/**
 * A building of emulated Rooms in one process: one RoomEmulator each, every one with its own web port for
 * discovery (config.json) and its own WebSocket port, as separate Rooms on a network would have.
 */
export class RoomFleet {
  private readonly entries: EmulatedRoomEntry[] = [];

  constructor(private readonly options: RoomFleetOptions) {
    const seen = new Set<string>();
    for (const name of options.names) {
      if (seen.has(name)) throw new Error(`room name "${name}" is given twice`);
      seen.add(name);
    }
  }

  get rooms(): readonly EmulatedRoomEntry[] {
    return this.entries;
  }

  /** The Room of that name; throws when there is none (a test typo should fail loudly). */
  get(name: string): RoomEmulator {
    const entry = this.entries.find((e) => e.name === name);
    if (!entry) throw new Error(`no emulated room "${name}"`);
    return entry.room;
  }

  async start(): Promise<void> {
    let nextPort = this.options.firstWebPort ?? 0;
    try {
      for (const name of this.options.names) {
        const room = await this.startOne(nextPort);
        this.entries.push({ name, room });
        if (nextPort !== 0) nextPort = room.webPort + 1;
      }
    } catch (err) {
      await this.stop();
      throw err;
    }
  }

  async stop(): Promise<void> {
    const entries = this.entries.splice(0);
    await Promise.all(entries.map((e) => e.room.stop()));
  }

  /** Starts one Room on `webPort`, or on the next free port above it when that is taken. */
  private async startOne(webPort: number): Promise<RoomEmulator> {
    let lastError: unknown;
    for (let port = webPort, n = 0; n < (webPort === 0 ? 1 : WEB_PORT_TRIES) && port <= 65535; port++, n++) {
      const room = new RoomEmulator({ wsPort: 0, ...this.options.room, webPort: port });
      try {
        await room.start();
        return room;
      } catch (err) {
        lastError = err;
        await room.stop();
        if ((err as NodeJS.ErrnoException).code !== 'EADDRINUSE') break;
      }
    }
    throw lastError instanceof Error ? lastError : new Error(String(lastError));
  }
}

/** Room names room1..roomN, the scheme the CLI's --rooms and the building example use. */
export function numberedRoomNames(count: number, prefix = 'room'): string[] {
  return Array.from({ length: count }, (_, i) => `${prefix}${i + 1}`);
}
