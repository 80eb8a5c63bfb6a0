import type { ConnectionState, EndpointOptions, Unsubscribe } from '../../src/protocol';
import type { RoomClient } from '../../src/protocol';
import type { RuntimeNode } from './node-red';

/** What user nodes see of the connection at one moment. */
export interface ConnectionSnapshot {
  state: ConnectionState;
  reason?: string;
  retryInMs?: number;
  appState?: number;
  /** Set when the config node's own configuration is invalid (then there is no client). */
  configError?: string;
}

export type SnapshotListener = (snapshot: ConnectionSnapshot) => void;

/** The small API a room-config node offers to room-command and room-event nodes. */
export interface RoomConfigApi {
  readonly type: 'room-config';
  readonly id: string;
  /** The name msg.room routes by and reports: the node's name, or its id when it has none. */
  readonly roomName: string;
  /** Translated reason when the configuration is invalid; undefined when it is fine. */
  readonly configError: string | undefined;
  /** The endpoint (with secret: never log it) when the configuration is valid. */
  readonly endpoint: EndpointOptions | undefined;
  /** The pooled client while at least one user is registered; undefined otherwise. */
  readonly client: RoomClient | undefined;
  register(user: RuntimeNode): void;
  deregister(user: RuntimeNode): void;
  /** Calls the listener now with the current snapshot, then on every state or appState change. */
  onState(listener: SnapshotListener): Unsubscribe;
  snapshot(): ConnectionSnapshot;
}

export function isRoomConfig(node: unknown): node is RoomConfigApi {
  return (
    !!node &&
    typeof node === 'object' &&
    (node as { type?: unknown }).type === 'room-config' &&
    typeof (node as { register?: unknown }).register === 'function'
  );
}
