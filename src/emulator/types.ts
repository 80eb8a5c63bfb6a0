/**
 * Public types of the Room emulator. The emulator is the independent "other side" of the protocol: it never
 * imports the protocol client, only the catalogue (API facts).
 */

export type ControlMode = 'admin' | 'user';
export type ProtectionType = 'unsecured' | 'pin' | 'password';

/** How one control mode (admin or user) is protected. `secret` is the PIN or password. */
export interface ModeAuth {
  type: ProtectionType;
  secret?: string;
}

/**
 * What the far end does when the Room calls or invites it (see peers.ts for the defaults by id).
 * - answer: picks up after delayMs (default answerDelayMs)
 * - reject: declines with the given reject cause after delayMs
 * - stop: the far end stops the call (stopCalling side 1) after delayMs
 * - ignore: never answers; after ringTimeoutMs the call fails with reject cause 16 (no answer)
 */
export type PeerScript =
  | { answer: true; delayMs?: number }
  | { reject: number; delayMs?: number }
  | { stop: true; delayMs?: number }
  | { ignore: true };

export interface TlsOptions {
  key: string | Buffer;
  cert: string | Buffer;
}

export interface RoomEmulatorOptions {
  /** Bind address. Default 127.0.0.1. */
  host?: string;
  /** Web port (config.json and the status page). 0 = ephemeral. Default 0. */
  webPort?: number;
  /** WebSocket port. 0 = ephemeral. A busy non-zero port moves to the next free one, like the Room. Default 0. */
  wsPort?: number;
  /** With a non-zero wsPort: fail instead of moving to the next free port (the Room's `--wsport`). */
  strictWsPort?: boolean;
  /** Instance name in /public/<instance>/config.json. Default `default`. */
  instance?: string;
  /**
   * `room` (default) or `videosdk`: TrueConf VideoSDK speaks the same API with no access levels (no
   * administrator/user split). There `role` is ignored, every command is allowed, `auth` answers without
   * `previleges`, and `auth.admin` protects the one control mode [INF].
   */
  product?: 'room' | 'videosdk';
  /** Protection of each control mode. Default: both unsecured. */
  auth?: { admin?: ModeAuth; user?: ModeAuth };
  /** Initial app state, 0-3. Default 3 (logged in, idle). */
  appState?: number;
  /** The TrueConf Server `connectToServer` accepts (any when unset). Also the Room's domain. Default emulator.local. */
  server?: string;
  /** The account `login` accepts (any non-empty password when unset). Its login is the Room's own id. */
  login?: { login: string; password: string };
  /** Scripted far ends by callee id; ids not listed follow the defaults in peers.ts. */
  peers?: Record<string, PeerScript>;
  /** How long a call rings before it fails with "no answer" (and an unanswered incoming call stops). Default 30000. */
  ringTimeoutMs?: number;
  /** How long an answering far end takes to pick up. Default 50. */
  answerDelayMs?: number;
  /** Serve wss:// and https:// with this key and certificate. */
  tls?: TlsOptions;
  /** room.requests keeps at most this many frames (the oldest tenth goes first), so a long demo run stays small. Default 100000. */
  maxRecordedRequests?: number;
  /** After shutdown / shutdownSystem / rebootSystem, how long the Room stays down. Default 3000. */
  powerCycleMs?: number;
  /** Live log of API frames: true = console, a function = your sink. Secrets are masked. */
  log?: boolean | ((line: string) => void);
}

export interface EmulatedParticipant {
  /** InstanceId form user@server/INSTANCE: two instances of one user are two participants. */
  peerId: string;
  peerDn: string;
  /** 1 general, 2 owner (participantRoles in the catalogue). */
  role: number;
  /** 0 absent, 1 muted, 2 on. */
  mic: number;
  video: number;
  /** true for the Room itself. */
  self: boolean;
  /** On the podium (shown to everyone): roleEventOccured reports changes. */
  broadcast: boolean;
  /** Pinned to the podium in a smart meeting (pinUser). */
  pinned: boolean;
  /** Made a moderator by setModeratorRole (leaderType 1 on the wire [INF]). */
  moderator: boolean;
  inWaitingRoom: boolean;
  /** Whether the Room receives this participant's audio / video (enableAudioReceiving / enableVideoReceiving). */
  audioReceiving: boolean;
  videoReceiving: boolean;
  /** This participant records the Room (allowed by allowRecord). */
  recordingMe: boolean;
}

export interface EmulatedConference {
  confId: string;
  /** 0 p2p call, 1 symmetric, 2 asymmetric, 3 role-based. */
  confType: number;
  title: string;
  /** The owner's id: the Room itself for conferences it created or calls it placed. */
  owner: string;
  /** Smart meeting: the podium follows voice activity (VAD), podium commands are inactive, pinUser works. */
  smartMeeting: boolean;
  /** Includes the Room itself (first). */
  participants: EmulatedParticipant[];
}

export interface IncomingCallOptions {
  peerId: string;
  peerDn?: string;
  confId?: string;
  /** Conference type of the invitation: 0 p2p call (default), 1-3 an invitation to a group conference. */
  type?: number;
  confTitle?: string;
}

export interface ClientInfo {
  connId: number;
  role?: ControlMode;
  apiVersion: number;
  remoteAddress?: string;
}

export interface RecordedRequest {
  connId: number;
  frame: Record<string, unknown>;
  at: number;
}

export interface LogEntry {
  seq: number;
  at: number;
  /** in: request from a controller; out: response; event: notification; info: emulator remark. */
  dir: 'in' | 'out' | 'event' | 'info';
  connId?: number;
  text: string;
}
