/** The TrueConf Room emulator: a Room you can run (CLI: cli.ts) or start from a test. */
export { RoomEmulator } from './room-emulator';
export { numberedRoomNames, RoomFleet, type EmulatedRoomEntry, type RoomFleetOptions } from './room-fleet';
export { DEFAULT_PEER_RULES, NO_ANSWER_CAUSE, scriptFor } from './peers';
export { AppState } from './app-state';
export { DEFAULT_DOMAIN } from './room-world';
export type { FaultHooks } from './faults';
export type {
  ClientInfo,
  ControlMode,
  EmulatedConference,
  EmulatedParticipant,
  IncomingCallOptions,
  LogEntry,
  ModeAuth,
  PeerScript,
  ProtectionType,
  RecordedRequest,
  RoomEmulatorOptions,
  TlsOptions,
} from './types';
