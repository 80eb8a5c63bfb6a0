import { RoomError, type JsonObject, type RoomErrorCode } from '../../src/protocol';

/** Codes raised by the nodes themselves, before or around the core. */
export type NodeErrorCode =
  | RoomErrorCode
  | 'NO_CONFIG' // no room-config node selected, or it is missing from the flows
  | 'INVALID_CONFIG' // the room-config node's configuration is invalid
  | 'UNKNOWN_ROOM' // msg.room names no deployed room-config (or is not a string)
  | 'AMBIGUOUS_ROOM' // msg.room names more than one deployed room-config
  | 'NO_METHOD' // neither the node, msg.method nor msg.topic names a method
  | 'INVALID_TIMEOUT' // msg.timeout is not a usable number of milliseconds
  | 'INTERNAL'; // anything unexpected (a bug): the message says what

/**
 * The error a room-command hands to done(err). Node-RED copies an OWN `code` property into the Catch
 * node's msg.error.code, and uses toString() for msg.error.message: toString is the bare message, so the
 * user reads "busy" rather than "NodeCommandError: busy".
 */
export class NodeCommandError extends Error {
  readonly code: NodeErrorCode;
  /** The Room's response (ROOM_ERROR) or the failing notification (OUTCOME_FAILED). */
  readonly response?: JsonObject;

  constructor(code: NodeErrorCode, message: string, response?: JsonObject) {
    super(message);
    this.name = 'NodeCommandError';
    this.code = code;
    if (response !== undefined) this.response = response;
  }

  override toString(): string {
    return this.message;
  }
}

/** Converts whatever the core rejected with into a NodeCommandError (RoomError keeps its code). */
export function toNodeError(err: unknown): NodeCommandError {
  if (err instanceof NodeCommandError) return err;
  if (err instanceof RoomError)
    return new NodeCommandError(err.code, err.message, err.response as JsonObject | undefined);
  return new NodeCommandError('INTERNAL', err instanceof Error ? err.message : String(err));
}
