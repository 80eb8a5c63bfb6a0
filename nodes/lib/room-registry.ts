import type { Unsubscribe } from '../../src/protocol';
import type { RoomConfigApi } from './config-api';

/** Why a name picked no room: nothing deployed by that name or id, or more than one by that name. */
export type RoomLookupFailure = 'UNKNOWN_ROOM' | 'AMBIGUOUS_ROOM';

export type RoomLookup = { ok: true; room: RoomConfigApi } | { ok: false; code: RoomLookupFailure };

export interface RegistryListener {
  added(room: RoomConfigApi): void;
  removed(room: RoomConfigApi): void;
}

/**
 * The room-config nodes deployed in this Node-RED, by id, and the one place a name from a message is turned
 * into a room. Only what an editor user deployed is here: a message can choose among these, never create one.
 * Fleet nodes (room-command with roomFromMsg, room-event with allRooms) follow later deploys through
 * onChange. One per process, like the connection pool: Node-RED runs one runtime per process.
 */
export class RoomRegistry {
  private readonly byId = new Map<string, RoomConfigApi>();
  /** The same rooms by routing name: every fleet message looks one up, so no scan of every room. */
  private readonly byName = new Map<string, RoomConfigApi[]>();
  private readonly listeners = new Set<RegistryListener>();

  /** Deployed room-configs by id (the admin routes read it). */
  get deployed(): ReadonlyMap<string, RoomConfigApi> {
    return this.byId;
  }

  all(): RoomConfigApi[] {
    return [...this.byId.values()];
  }

  /** Other deployed rooms with this routing name (for the duplicate warning). */
  named(name: string): readonly RoomConfigApi[] {
    return this.byName.get(name) ?? [];
  }

  add(room: RoomConfigApi): void {
    const replaced = this.byId.get(room.id);
    if (replaced) this.unname(replaced);
    this.byId.set(room.id, room);
    this.byName.set(room.roomName, [...this.named(room.roomName), room]);
    for (const listener of [...this.listeners]) listener.added(room);
  }

  /** Removes the room if it is still the one deployed under its id (a redeploy may have replaced it). */
  remove(room: RoomConfigApi): void {
    if (this.byId.get(room.id) !== room) return;
    this.byId.delete(room.id);
    this.unname(room);
    for (const listener of [...this.listeners]) listener.removed(room);
  }

  private unname(room: RoomConfigApi): void {
    const others = this.named(room.roomName).filter((r) => r !== room);
    if (others.length > 0) this.byName.set(room.roomName, others);
    else this.byName.delete(room.roomName);
  }

  /** A name picks the room of that name; failing that, an id picks that room. */
  find(nameOrId: string): RoomLookup {
    const named = this.named(nameOrId);
    if (named.length > 1) return { ok: false, code: 'AMBIGUOUS_ROOM' };
    const room = named[0] ?? this.byId.get(nameOrId);
    return room ? { ok: true, room } : { ok: false, code: 'UNKNOWN_ROOM' };
  }

  /** Calls listener.added for every room deployed now, then on every later add and remove. */
  onChange(listener: RegistryListener): Unsubscribe {
    this.listeners.add(listener);
    for (const room of this.all()) listener.added(room);
    return () => {
      this.listeners.delete(listener);
    };
  }
}

export const deployedRooms = new RoomRegistry();

/** The name a room is routed by and reported as in msg.room: its name, or its id when it has none. */
export function roomNameOf(name: unknown, id: string): string {
  return typeof name === 'string' && name.trim() !== '' ? name.trim() : id;
}
