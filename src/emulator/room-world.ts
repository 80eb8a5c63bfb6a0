import { AppState } from './app-state';
import { demoContacts } from './address-book';
import { Calls } from './calls';
import { Conferences } from './conference';
import { userPart } from './peers';
import { fail, ok, type Reply } from './reply';
import { Timers } from './timers';
import type { EmulatedConference, IncomingCallOptions, PeerScript } from './types';
import type { WorldLink } from './world-link';

/**
 * The Room's world: app state, server and account, mute state and settings; the call being placed or
 * received (calls.ts) and the current conference (conference.ts). It decides what each of these commands
 * does and which notifications follow (docs/protocol.md §10); it knows nothing of sockets or auth.
 * Notifications go out through `notify`, which broadcasts to every authorized controller.
 */

export type { Notify } from './notify';
import type { Notify } from './notify';

export interface WorldOptions {
  appState: number;
  server?: string;
  login?: { login: string; password: string };
  peers: Record<string, PeerScript>;
  ringTimeoutMs: number;
  answerDelayMs: number;
  /** The port reported as embeddedHttpPort. */
  httpPort: () => number;
  /** getAppState fields owned elsewhere (desktop sharing, broadcast picture, audio test, a set extStatus). */
  appStateExtras?: () => Record<string, unknown>;
  /** A call was answered, refused or given up (call history). */
  onCallRecord?: (record: {
    peerId: string;
    peerDn: string;
    direction: 'outgoing' | 'incoming';
    answered: boolean;
  }) => void;
  /** A server was connected to (the last-used servers list). */
  onServer?: (name: string) => void;
  /** The conference ended (other modules drop what belonged to it). */
  onConferenceEnded?: () => void;
  /** A participant (InstanceId) left the conference. */
  onParticipantLeft?: (peerId: string) => void;
  onError: (err: unknown) => void;
}

export const DEFAULT_DOMAIN = 'emulator.local';
const DEFAULT_ACCOUNT = 'room';
const TRUECONF_SERVER_PORT = 4307;

export class RoomWorld implements WorldLink {
  appState: AppState;
  private server?: { name: string; port: number; domain: string };
  private account?: { login: string; peerDn: string };
  private confCounter = 0;
  readonly mute = { mic: false, video: false, audio: false };
  readonly settings: Record<string, unknown> = {
    autoAccept: false,
    enableAutologin: true,
    audioPlayLevel: 80,
    micLevel: 80,
    language: 'en',
    roomName: 'Emulated Room',
  };
  readonly calls: Calls;
  readonly confs: Conferences;
  private readonly otherTimers: Timers;

  constructor(
    private readonly opts: WorldOptions,
    readonly notify: Notify,
    private readonly onAppState: (state: number) => void,
  ) {
    if (!Number.isInteger(opts.appState) || opts.appState < AppState.None || opts.appState > AppState.Normal) {
      throw new Error('emulator: initial appState must be 0, 1, 2 or 3');
    }
    this.otherTimers = new Timers(opts.onError);
    this.calls = new Calls(this, (pending) => this.confs.startFromCall(pending));
    this.confs = new Conferences(
      this,
      () => opts.onConferenceEnded?.(),
      (peerId) => opts.onParticipantLeft?.(peerId),
    );
    this.appState = opts.appState;
    if (opts.appState >= AppState.Connect) {
      const name = opts.server ?? DEFAULT_DOMAIN;
      this.server = { name, port: TRUECONF_SERVER_PORT, domain: name };
    }
    if (opts.appState === AppState.Normal) {
      const login = opts.login?.login ?? DEFAULT_ACCOUNT;
      this.account = { login, peerDn: displayNameOf(login) };
    }
  }

  // ---- WorldLink ------------------------------------------------------------------------------------

  get peers(): Record<string, PeerScript> {
    return this.opts.peers;
  }

  get ringTimeoutMs(): number {
    return this.opts.ringTimeoutMs;
  }

  get answerDelayMs(): number {
    return this.opts.answerDelayMs;
  }

  onError(err: unknown): void {
    this.opts.onError(err);
  }

  recordCall(record: { peerId: string; peerDn: string; direction: 'outgoing' | 'incoming'; answered: boolean }): void {
    this.opts.onCallRecord?.(record);
  }

  newConfId(): string {
    this.confCounter += 1;
    return `${String(this.confCounter).padStart(8, '0')}@${this.domain}#vcs`;
  }

  setAppState(state: AppState): void {
    if (state === this.appState) return;
    this.appState = state;
    this.notify('appStateChanged', this.appStateFields());
    this.onAppState(state);
  }

  // ---- identity -------------------------------------------------------------------------------------

  get domain(): string {
    return this.server?.domain ?? this.opts.server ?? DEFAULT_DOMAIN;
  }

  get roomId(): string {
    return `${this.account?.login ?? DEFAULT_ACCOUNT}@${this.domain}`;
  }

  get roomDn(): string {
    return this.account?.peerDn ?? 'Emulated Room';
  }

  /** A short TrueConf ID resolves against the Room's current server: bob -> bob@<server> (docs/protocol.md §6.6). */
  resolve(id: string): string {
    // Not connected to a server: there is nothing to complete a short id with, so it stays as given [INF].
    if (id.includes('@') || !this.server) return id;
    return `${id}@${this.server.domain}`;
  }

  displayName(id: string): string {
    const known = demoContacts(this.domain).find((c) => c.peerId === this.resolve(id.split('/')[0]));
    return known ? String(known.peerDn) : displayNameOf(userPart(id.split('/')[0]));
  }

  // ---- inspection -----------------------------------------------------------------------------------

  get conference(): EmulatedConference | undefined {
    return this.confs.snapshot;
  }

  get pendingCall(): Readonly<Record<string, unknown>> | undefined {
    return this.calls.pending ? { ...this.calls.pending } : undefined;
  }

  appStateFields(): Record<string, unknown> {
    const s = this.appState;
    return {
      appState: s,
      embeddedHttpPort: this.opts.httpPort(),
      extStatus: s === AppState.Conference ? 7 : s >= AppState.Normal ? 2 : 0,
      additionalStatus: '',
      desktopSharing: { running: false, sourceType: 0, id: 0, windowName: '' },
      broadcastPicture: { running: false },
      audioCaptureTest: false,
      recording: false,
      ...this.opts.appStateExtras?.(),
      ...this.confs.appStateRequests(),
    };
  }

  /** appStateChanged with the current payload, for a change of its other fields [INF]. */
  announceAppState(): void {
    this.notify('appStateChanged', this.appStateFields());
  }

  loginInfo(): Record<string, unknown> {
    const loggedIn = this.appState >= AppState.Normal && this.account !== undefined;
    return loggedIn
      ? { isLoggedIn: true, peerId: this.roomId, peerDn: this.roomDn }
      : { isLoggedIn: false, peerId: '', peerDn: '' };
  }

  connectedInfo(): Record<string, unknown> {
    const state = this.appState === AppState.None ? 0 : this.appState === AppState.Connect ? 1 : 2;
    const s = this.server;
    return { state, serverInfo: s ? { server: s.name, service: false, port: s.port, domain: s.domain } : {} };
  }

  conferences(apiVersion: number): Array<Record<string, unknown>> {
    return this.confs.list(apiVersion);
  }

  participants(apiVersion: number): Array<Record<string, unknown>> {
    return this.confs.participants(apiVersion);
  }

  // ---- server and account ---------------------------------------------------------------------------

  connectToServer(server: string, port: number | undefined, service = false): Reply {
    if (this.appState >= AppState.Wait) return fail('busy: in a call');
    return ok(undefined, () => {
      this.setAppState(AppState.Connect);
      const accepted = this.opts.server === undefined || this.opts.server === server;
      if (!accepted) {
        // An unknown server never answers; the Room gives up [INF].
        this.otherTimers.after(this.opts.answerDelayMs, () => {
          this.server = undefined;
          this.account = undefined;
          this.notify('serverDisconnected', { server, port: port ?? TRUECONF_SERVER_PORT, service });
          this.setAppState(AppState.None);
        });
        return;
      }
      const sameServer = this.server?.name === server;
      this.server = { name: server, port: port ?? TRUECONF_SERVER_PORT, domain: server };
      if (!sameServer) this.account = undefined;
      this.opts.onServer?.(server);
      this.notify('serverConnected', { server, port: this.server.port, domain: server, service });
      // A Room that was logged in to this server logs in again by itself (autologin) [INF].
      this.setAppState(this.account ? AppState.Normal : AppState.Login);
    });
  }

  login(login: string, password: string): Reply {
    if (this.appState < AppState.Login) return fail('not connected to a server');
    if (this.appState >= AppState.Wait) return fail('busy: in a call');
    return ok(undefined, () => {
      if (this.appState === AppState.Normal) {
        this.notify('login', { result: 1, peerId: this.roomId, peerDn: this.roomDn });
        return;
      }
      const result = this.loginResult(login, password);
      if (result !== 0) {
        this.notify('login', { result });
        return;
      }
      this.account = { login, peerDn: displayNameOf(login) };
      this.notify('login', { result: 0, peerId: this.roomId, peerDn: this.roomDn });
      this.setAppState(AppState.Normal);
    });
  }

  /** login event `result`: 0 ok, 2 login not found, 3 wrong password (any non-empty password without the login option). */
  private loginResult(login: string, password: string): number {
    const expected = this.opts.login;
    if (!expected) return password === '' ? 3 : 0;
    if (login !== expected.login) return 2;
    return password === expected.password ? 0 : 3;
  }

  logout(): Reply {
    if (this.appState < AppState.Normal) return fail('not logged in');
    return ok(undefined, () => {
      this.endAnyCall();
      this.account = undefined;
      this.notify('logout', { result: 0, cause: 0 });
      this.setAppState(AppState.Login);
    });
  }

  // ---- calls and conferences ------------------------------------------------------------------------

  call(peerId: string): Reply {
    const refusal = this.idleRefusal();
    if (refusal) return refusal;
    if (this.resolve(peerId.split('/')[0]) === this.roomId) return fail('cannot call yourself');
    return this.calls.call(peerId);
  }

  /** Test hook: a far end calls the Room (or invites it when type > 0). Returns the conference id. */
  incomingCall(options: IncomingCallOptions): string {
    return this.calls.incoming(options);
  }

  accept(): Reply {
    return this.calls.accept();
  }

  reject(): Reply {
    return this.calls.reject();
  }

  hangUp(): Reply {
    if (this.calls.pending || this.confs.active) return ok(undefined, () => this.endAnyCall());
    return fail('no active call');
  }

  createConference(params: Record<string, unknown>): Reply {
    return this.idleRefusal() ?? this.confs.create(params);
  }

  inviteToConference(peerId: string): Reply {
    return this.confs.inviteToConference(peerId);
  }

  kickPeer(peerId: string): Reply {
    return this.confs.kickPeer(peerId);
  }

  acceptPeer(peerId: string): Reply {
    return this.confs.acceptPeer(peerId);
  }

  rejectPeer(peerId: string): Reply {
    return this.confs.rejectPeer(peerId);
  }

  participantJoins(options: { peerId: string; peerDn?: string }): string {
    return this.confs.participantJoins(options);
  }

  participantLeaves(peerId: string): boolean {
    return this.confs.participantLeaves(peerId);
  }

  requestToJoin(options: { peerId: string; peerDn?: string }): void {
    this.confs.requestToJoin(options);
  }

  // ---- media and settings ---------------------------------------------------------------------------

  setMute(kind: 'mic' | 'video' | 'audio', mute: boolean): Reply {
    const event = { mic: 'audioCapturerMute', video: 'videoCapturerMute', audio: 'audioRendererMute' }[kind];
    return ok(undefined, () => {
      this.mute[kind] = mute;
      this.notify(event, { mute });
    });
  }

  setSettings(settings: Record<string, unknown>): Reply {
    return ok(undefined, () => {
      for (const [name, value] of Object.entries(settings)) {
        if (name === '__proto__' || name === 'constructor' || name === 'prototype') continue;
        this.settings[name] = value;
        this.notify('settingsChanged', { name, value });
      }
    });
  }

  // ---- lifecycle ------------------------------------------------------------------------------------

  /** The Room application restarted: no call, no conference; server and account are kept (autologin). */
  resetAfterRestart(): void {
    this.cancelTimers();
    this.calls.clear();
    this.confs.clear();
    this.opts.onConferenceEnded?.();
    this.appState = this.account ? AppState.Normal : this.server ? AppState.Login : AppState.None;
  }

  cancelTimers(): void {
    this.calls.clear();
    this.confs.clear();
    this.otherTimers.clear();
  }

  private endAnyCall(): void {
    if (this.calls.pending) this.calls.hangUp();
    else this.confs.end();
  }

  private idleRefusal(): Reply | undefined {
    if (this.appState < AppState.Normal) return fail('not logged in');
    if (this.appState > AppState.Normal) return fail('busy: a call or conference is in progress');
    return undefined;
  }
}

function displayNameOf(login: string): string {
  return login.length === 0 ? login : login[0].toUpperCase() + login.slice(1);
}
