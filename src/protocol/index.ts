/** Public API of the protocol core (knows nothing of Node-RED). */
export { RoomClient } from './client';
export { ConnectionPool, sharedPool, type Lease, type PoolOptions } from './pool';
export {
  testConnection,
  testConnectionBeside,
  testReachability,
  modesMayCollide,
  type LiveConnection,
  type ProbeResult,
} from './probe';
export { validateRequest, methodSchema, type ValidateOptions, type JsonSchema } from './schemas';
export { outcomeRule, hasOutcome, OUTCOME_METHODS, type OutcomeRule } from './outcomes';
export { discoverWsPort, DiscoveryError } from './discovery';
export { backoffDelay } from './backoff';
export { DEFAULT_TUNING, resolveTuning } from './tuning';
export {
  resolveEndpoint,
  endpointProblem,
  endpointKey,
  roomKey,
  describeEndpoint,
  hostProblem,
  instanceProblem,
  type EndpointProblem,
  type ResolvedEndpoint,
} from './endpoint';
export { redact } from './auth';
export { kindOf, describeValue } from './value-kind';
export { isPlainObject } from './plain-object';
export { EventRouter, ALL_EVENTS } from './event-router';
export {
  catalogue,
  methodSpec,
  eventSpec,
  methodNames,
  eventNames,
  isAdminOnly,
  rejectCauseText,
  appStateText,
  appStateName,
  authorizationNeededCauseText,
  loginResultText,
  DISPLACED_CAUSE,
  type MethodSpec,
  type EventSpec,
  type ParamSpec,
} from './catalogue';
export { RoomError, isRoomError, type RoomErrorCode } from './errors';
export type * from './types';
