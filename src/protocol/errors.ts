import type { JsonObject, RoomResponse } from './types';

/**
 * Every failure the core reports is a RoomError with a stable `code`, so adapters (the Node-RED nodes)
 * can branch on it and users can branch on `msg.error.code` after a Catch node.
 */
export type RoomErrorCode =
  | 'UNKNOWN_METHOD' // the catalogue does not know the method (and strict is on)
  | 'INVALID_PARAMS' // params fail the method's JSON Schema, or are not an object
  | 'ADMIN_ONLY' // admin-only method on a connection authenticated as user
  | 'TIMEOUT' // no response before the request's deadline
  | 'NOT_CONNECTED' // the connection did not become ready before the deadline
  | 'QUEUE_FULL' // too many requests already wait for the connection; this one was not queued
  | 'CONNECTION_LOST' // the socket closed while the request was in flight
  | 'AUTH_FAILED' // the Room rejected the credentials; waiting cannot help
  | 'ROOM_ERROR' // the Room answered result:false
  | 'OUTCOME_FAILED' // the command was accepted but its outcome notification reports failure
  | 'NO_OUTCOME' // an outcome wait was asked for a method that has no outcome notification
  | 'CLOSED'; // the client was closed

export class RoomError extends Error {
  readonly code: RoomErrorCode;
  /** The Room's response, for ROOM_ERROR; the failing notification, for OUTCOME_FAILED. */
  readonly response?: RoomResponse | JsonObject;
  /** The method of the request that failed, when there was one. */
  readonly method?: string;
  /**
   * Whether the request had been written to the socket (the Room may have run it), for errors where the
   * code alone does not say (CLOSED). false: it never left and never will.
   */
  readonly sent?: boolean;

  constructor(
    code: RoomErrorCode,
    message: string,
    extra: { response?: RoomResponse | JsonObject; method?: string; sent?: boolean } = {},
  ) {
    super(message);
    this.name = 'RoomError';
    this.code = code;
    this.response = extra.response;
    this.method = extra.method;
    if (extra.sent !== undefined) this.sent = extra.sent;
  }
}

export function isRoomError(err: unknown): err is RoomError {
  return err instanceof RoomError;
}
