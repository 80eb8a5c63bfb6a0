import { isRoomConfig, type RoomConfigApi, type SnapshotListener } from './config-api';
import type { Translate } from './i18n';
import type { NodeRedApi, RuntimeNode } from './node-red';
import { noConfigStatus, statusFor, statusSetter } from './status';

export interface RoomAttachment {
  /** The config node, or undefined when none is selected or it is missing from the flows. */
  readonly room: RoomConfigApi | undefined;
  /** Stops status updates and deregisters from the config node. Safe to call twice. */
  detach(): void;
}

/** The room-config node a node's `room` property names, when it is deployed. */
export function configuredRoom(RED: Pick<NodeRedApi, 'nodes'>, roomId: unknown): RoomConfigApi | undefined {
  const found = typeof roomId === 'string' && roomId !== '' ? RED.nodes.getNode(roomId) : undefined;
  return isRoomConfig(found) ? found : undefined;
}

/**
 * Connects a room-command/room-event node to its room-config node: registers as a user (so the config
 * node holds the pooled connection) and keeps the node's status in step with the connection.
 */
export function attachToRoom(
  RED: Pick<NodeRedApi, 'nodes'>,
  node: RuntimeNode,
  roomId: unknown,
  t: Translate,
  onSnapshot?: SnapshotListener,
): RoomAttachment {
  const room = configuredRoom(RED, roomId);
  if (!room) {
    node.status(noConfigStatus(t));
    return { room: undefined, detach: () => undefined };
  }
  const setStatus = statusSetter((s) => node.status(s));
  room.register(node);
  const stop = room.onState((snapshot) => {
    setStatus(statusFor(snapshot, t));
    onSnapshot?.(snapshot);
  });
  let attached = true;
  return {
    room,
    detach() {
      if (!attached) return;
      attached = false;
      stop();
      room.deregister(node);
    },
  };
}
