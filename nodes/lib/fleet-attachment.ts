import type { Unsubscribe } from '../../src/protocol';
import type { ConnectionSnapshot, RoomConfigApi } from './config-api';
import type { Translate } from './i18n';
import type { RuntimeNode } from './node-red';
import type { RoomRegistry } from './room-registry';
import { fleetStatus, statusSetter } from './status';

export interface FleetHooks {
  /** A room joined (now, or by a later deploy): set up what the node needs of it; return how to undo it. */
  joined?(room: RoomConfigApi): Unsubscribe | undefined;
  /**
   * The room's connection changed (called once at once on joining, like onState). `late`: the room joined
   * after the node started (a later deploy added or renamed it), so its state at joining is news.
   */
  snapshot?(room: RoomConfigApi, snapshot: ConnectionSnapshot, late: boolean): void;
  /** A later deploy removed (or renamed) the room; called before the room is left. Not called on detach. */
  removed?(room: RoomConfigApi): void;
}

export interface FleetAttachment {
  /** Stops following the registry and deregisters from every room. Safe to call twice. */
  detach(): void;
}

/**
 * Attaches a fleet node (room-command with roomFromMsg, room-event with allRooms) to every deployed
 * room-config, and to those later deploys add: registers as a user of each (so each holds its connection)
 * and shows one status that counts the rooms by state.
 */
export function attachToFleet(
  registry: RoomRegistry,
  node: RuntimeNode,
  t: Translate,
  hooks: FleetHooks = {},
): FleetAttachment {
  const setStatus = statusSetter((s) => node.status(s));
  const snapshots = new Map<RoomConfigApi, ConnectionSnapshot>();
  const leaving = new Map<RoomConfigApi, () => void>();
  let ready = false;
  const refresh = (): void => {
    if (ready) setStatus(fleetStatus(snapshots.values(), t));
  };

  const leave = (room: RoomConfigApi): void => {
    const undo = leaving.get(room);
    if (!undo) return;
    leaving.delete(room);
    undo();
    refresh();
  };

  const stopFollowing = registry.onChange({
    added(room) {
      const late = ready;
      room.register(node);
      const stop = room.onState((snapshot) => {
        snapshots.set(room, snapshot);
        hooks.snapshot?.(room, snapshot, late);
        refresh();
      });
      const undoJoin = hooks.joined?.(room);
      leaving.set(room, () => {
        stop();
        undoJoin?.();
        snapshots.delete(room);
        room.deregister(node);
      });
    },
    removed(room) {
      if (leaving.has(room)) hooks.removed?.(room);
      leave(room);
    },
  });
  ready = true;
  refresh();

  let attached = true;
  return {
    detach() {
      if (!attached) return;
      attached = false;
      ready = false;
      stopFollowing();
      for (const room of [...leaving.keys()]) leave(room);
    },
  };
}
