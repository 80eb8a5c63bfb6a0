import { NO_ANSWER_CAUSE, scriptFor, userPart } from './peers';
import { fail, ok, type Reply } from './reply';
import { demoContacts } from './address-book';
import { Timers } from './timers';
import type { EmulatedConference, EmulatedParticipant, IncomingCallOptions, PeerScript } from './types';

/**
 * The Room's world: app state, server and account, the call being placed or received, the current
 * conference and its participants, mute state and settings. It decides what each stateful command does
 * and which notifications follow (reference §4.6); it knows nothing of sockets or auth.
 * Notifications go out through `notify`, which broadcasts to every authorized controller.
 */

export type Notify = (event: string, fields: Record<string, unknown>) => void;

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
  /** A call or conference ended or failed (call history). */
  onCallRecord?: (record: {
    peerId: string;
    peerDn: string;
    direction: 'outgoing' | 'incoming';
    answered: boolean;
  }) => void;
  /** A server was connected to (the last-used servers list). */
  onServer?: (name: string) => void;
  onError: (err: unknown) => void;
}

interface PendingCall {
  direction: 'outgoing' | 'incoming';
  peerId: string;
  peerDn: string;
  confId: string;
  /** Conference type of an incoming invitation (0 = p2p call). */
  type: number;
  confTitle?: string;
}

interface Conference extends EmulatedConference {
  p2p: boolean;
  direction?: 'outgoing' | 'incoming';
  autoAccept: boolean;
  waitingRoom: boolean;
  startedAt: number;
}

export const DEFAULT_DOMAIN = 'emulator.local';
const DEFAULT_ACCOUNT = 'room';
const TRUECONF_SERVER_PORT = 4307;
const CONF_TYPES: Record<string, number> = { symmetric: 1, asymmetric: 2, role: 3 };
const MAX_PARTICIPANTS = 36;

export class RoomWorld {
  appState: number;
  private server?: { name: string; port: number; domain: string };
  private account?: { login: string; peerDn: string };
  private pending?: PendingCall;
  private conf?: Conference;
  private readonly joinRequests = new Map<string, { peerId: string; peerDn: string }>();
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
  private readonly callTimers: Timers;
  private readonly confTimers: Timers;
  private readonly otherTimers: Timers;

  constructor(
    private readonly opts: WorldOptions,
    private readonly notify: Notify,
    private readonly onAppState: (state: number) => void,
  ) {
    if (!Number.isInteger(opts.appState) || opts.appState < 0 || opts.appState > 3) {
      throw new Error('emulator: initial appState must be 0, 1, 2 or 3');
    }
    this.callTimers = new Timers(opts.onError);
    this.confTimers = new Timers(opts.onError);
    this.otherTimers = new Timers(opts.onError);
    this.appState = opts.appState;
    if (opts.appState >= 1) {
      const name = opts.server ?? DEFAULT_DOMAIN;
      this.server = { name, port: TRUECONF_SERVER_PORT, domain: name };
    }
    if (opts.appState === 3) {
      const login = opts.login?.login ?? DEFAULT_ACCOUNT;
      this.account = { login, peerDn: displayNameOf(login) };
    }
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

  /** A short TrueConf ID resolves against the Room's server: bob -> bob@<domain> (reference §0). */
  resolve(id: string): string {
    return id.includes('@') ? id : `${id}@${this.domain}`;
  }

  displayName(id: string): string {
    const known = demoContacts(this.domain).find((c) => c.peerId === this.resolve(id));
    return known ? String(known.peerDn) : displayNameOf(userPart(id));
  }

  // ---- inspection -----------------------------------------------------------------------------------

  get conference(): EmulatedConference | undefined {
    const c = this.conf;
    if (!c) return undefined;
    return {
      confId: c.confId,
      confType: c.confType,
      title: c.title,
      owner: c.owner,
      participants: c.participants.map((p) => ({ ...p })),
    };
  }

  get pendingCall(): Readonly<PendingCall> | undefined {
    return this.pending ? { ...this.pending } : undefined;
  }

  appStateFields(): Record<string, unknown> {
    return {
      appState: this.appState,
      embeddedHttpPort: this.opts.httpPort(),
      extStatus: this.appState === 5 ? 7 : this.appState >= 3 ? 2 : 0,
      additionalStatus: '',
      desktopSharing: { running: false, sourceType: 0, id: 0, windowName: '' },
      broadcastPicture: { running: false },
      audioCaptureTest: false,
      recording: false,
      ...this.opts.appStateExtras?.(),
    };
  }

  /** appStateChanged with the current payload, for a change of its other fields [INF]. */
  announceAppState(): void {
    this.notify('appStateChanged', this.appStateFields());
  }

  loginInfo(): Record<string, unknown> {
    const loggedIn = this.appState >= 3 && this.account !== undefined;
    return loggedIn
      ? { isLoggedIn: true, peerId: this.roomId, peerDn: this.roomDn }
      : { isLoggedIn: false, peerId: '', peerDn: '' };
  }

  connectedInfo(): Record<string, unknown> {
    const state = this.appState === 0 ? 0 : this.appState === 1 ? 1 : 2;
    const s = this.server;
    return { state, serverInfo: s ? { server: s.name, service: false, port: s.port, domain: s.domain } : {} };
  }

  /** getConferences: the current session as a one-element list (empty when idle) [INF]. */
  conferences(apiVersion: number): Array<Record<string, unknown>> {
    const c = this.conf;
    if (!c) return [];
    const duration = Math.floor((Date.now() - c.startedAt) / 1000);
    const common: Record<string, unknown> = {
      confId: c.confId,
      confType: c.confType,
      confTitle: c.title,
      duration,
      pinned: false,
    };
    if (apiVersion >= 2) common.id = c.confId;
    if (c.p2p) {
      const peer = c.participants.find((p) => !p.self);
      return [
        {
          ...common,
          type: 'p2p',
          direction: c.direction,
          peerId: peer?.peerId ?? '',
          peerDn: peer?.peerDn ?? '',
          confState: 'running',
        },
      ];
    }
    return [
      {
        ...common,
        conferenceOwner: c.owner,
        isSmartMeeting: false,
        slideShowPresent: false,
        joinUrl: this.joinUrl(c.confId),
        realTimeConferenceManagmentUrl: `${this.joinUrl(c.confId)}/manage`,
        autoJoin: false,
        confState: 'running',
        isWaitingRoomSwitchingSupported: true,
        isWaitingRoomEnabled: c.waitingRoom,
        maxParticipants: MAX_PARTICIPANTS,
        maxParticipantsOnPodium: MAX_PARTICIPANTS,
      },
    ];
  }

  participants(apiVersion: number): Array<Record<string, unknown>> {
    const c = this.conf;
    if (!c) return [];
    return c.participants.map((p) => ({
      ...this.participantFields(p, c.confId),
      ...(apiVersion >= 2 ? { reaction: 0 } : {}),
    }));
  }

  // ---- server and account ---------------------------------------------------------------------------

  connectToServer(server: string, port: number | undefined): Reply {
    if (this.appState >= 4) return fail('busy: in a call');
    return ok(undefined, () => {
      this.setAppState(1);
      const accepted = this.opts.server === undefined || this.opts.server === server;
      if (!accepted) {
        // An unknown server never answers; the Room gives up [INF].
        this.otherTimers.after(this.opts.answerDelayMs, () => {
          this.server = undefined;
          this.account = undefined;
          this.notify('serverDisconnected', { server, port: port ?? TRUECONF_SERVER_PORT, service: false });
          this.setAppState(0);
        });
        return;
      }
      const sameServer = this.server?.name === server;
      this.server = { name: server, port: port ?? TRUECONF_SERVER_PORT, domain: server };
      if (!sameServer) this.account = undefined;
      this.opts.onServer?.(server);
      this.notify('serverConnected', { server, port: this.server.port, domain: server, service: false });
      // A Room that was logged in to this server logs in again by itself (autologin) [INF].
      this.setAppState(this.account ? 3 : 2);
    });
  }

  login(login: string, password: string): Reply {
    if (this.appState < 2) return fail('not connected to a server');
    if (this.appState >= 4) return fail('busy: in a call');
    return ok(undefined, () => {
      if (this.appState === 3) {
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
      this.setAppState(3);
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
    if (this.appState < 3) return fail('not logged in');
    return ok(undefined, () => {
      this.endAnyCall();
      this.account = undefined;
      this.notify('logout', { result: 0, cause: 0 });
      this.setAppState(2);
    });
  }

  // ---- calls ----------------------------------------------------------------------------------------

  call(peerId: string): Reply {
    const refusal = this.idleRefusal();
    if (refusal) return refusal;
    if (this.resolve(peerId) === this.roomId) return fail('cannot call yourself');
    return ok(undefined, () => {
      const pending: PendingCall = {
        direction: 'outgoing',
        peerId: this.resolve(peerId),
        peerDn: this.displayName(peerId),
        confId: this.newConfId(),
        type: 0,
      };
      this.pending = pending;
      this.notify('inviteSent', {
        peerId: pending.peerId,
        peerDn: pending.peerDn,
        confType: 0,
        confId: pending.confId,
      });
      this.setAppState(4);
      const noAnswer = () =>
        this.finishRinging(() =>
          this.notify('rejectReceived', { peerId: pending.peerId, peerDn: pending.peerDn, cause: NO_ANSWER_CAUSE }),
        );
      this.callTimers.after(this.opts.ringTimeoutMs, noAnswer);
      const script = scriptFor(peerId, this.opts.peers);
      if ('ignore' in script) return;
      const delay = script.delayMs ?? this.opts.answerDelayMs;
      this.callTimers.after(delay, () => {
        if (this.pending !== pending) return;
        if ('answer' in script) this.startFromPending(pending);
        else if ('reject' in script) {
          this.finishRinging(() =>
            this.notify('rejectReceived', { peerId: pending.peerId, peerDn: pending.peerDn, cause: script.reject }),
          );
        } else this.finishRinging(() => this.notify('stopCalling', { peerId: pending.peerId, side: 1 }));
      });
    });
  }

  /** Test hook: a far end calls the Room (or invites it when type > 0). Returns the conference id. */
  incomingCall(options: IncomingCallOptions): string {
    if (!options || typeof options.peerId !== 'string' || options.peerId === '')
      throw new Error('incomingCall: peerId is required');
    if (this.appState !== 3) throw new Error(`incomingCall: the Room is not idle (appState ${this.appState})`);
    const type = options.type ?? 0;
    const pending: PendingCall = {
      direction: 'incoming',
      peerId: this.resolve(options.peerId),
      peerDn: options.peerDn ?? this.displayName(options.peerId),
      confId: options.confId ?? this.newConfId(),
      type,
      confTitle:
        options.confTitle ?? (type === 0 ? undefined : `Conference of ${options.peerDn ?? userPart(options.peerId)}`),
    };
    this.pending = pending;
    const fields: Record<string, unknown> = {
      peerId: pending.peerId,
      peerDn: pending.peerDn,
      type,
      confId: pending.confId,
    };
    if (pending.confTitle !== undefined) fields.confTitle = pending.confTitle;
    this.notify('inviteReceived', fields);
    this.setAppState(4);
    // The caller gives up after the ring timeout (stopCalling side 1: the other user).
    this.callTimers.after(this.opts.ringTimeoutMs, () => {
      if (this.pending !== pending) return;
      this.finishRinging(() => this.notify('stopCalling', { peerId: pending.peerId, side: 1 }));
    });
    if (this.settings.autoAccept === true) {
      this.callTimers.after(0, () => {
        if (this.pending === pending) this.startFromPending(pending);
      });
    }
    return pending.confId;
  }

  accept(): Reply {
    const pending = this.pending;
    if (!pending || pending.direction !== 'incoming') return fail('no incoming call');
    return ok(undefined, () => {
      if (this.pending === pending) this.startFromPending(pending);
    });
  }

  reject(): Reply {
    const pending = this.pending;
    if (!pending || pending.direction !== 'incoming') return fail('no incoming call');
    return ok(undefined, () => {
      if (this.pending !== pending) return;
      this.finishRinging(() =>
        this.notify('rejectSent', { peerId: pending.peerId, peerDn: pending.peerDn, cause: 0, confId: pending.confId }),
      );
    });
  }

  hangUp(): Reply {
    if (this.pending || this.conf) return ok(undefined, () => this.endAnyCall());
    return fail('no active call');
  }

  // ---- group conferences ----------------------------------------------------------------------------

  createConference(params: Record<string, unknown>): Reply {
    const refusal = this.idleRefusal();
    if (refusal) return refusal;
    const invitees = (params.inviteList as string[] | undefined) ?? [];
    if (invitees.some((id) => this.resolve(id) === this.roomId))
      return fail('inviteList must not contain the Room itself');
    return ok(undefined, () => {
      const confId = this.newConfId();
      const conf: Conference = {
        confId,
        confType: CONF_TYPES[String(params.confType)] ?? 1,
        title: String(params.title),
        owner: this.roomId,
        participants: [this.selfParticipant(2)],
        p2p: false,
        autoAccept: params.autoAccept === true,
        waitingRoom: params.useWaitingRoom === true,
        startedAt: Date.now(),
      };
      this.conf = conf;
      this.notify('conferenceCreated', this.conferenceCreatedFields(conf));
      this.setAppState(5);
      for (const id of invitees) this.invite(id);
    });
  }

  inviteToConference(peerId: string): Reply {
    if (!this.conf) return fail('not in a conference');
    if (this.findParticipant(peerId)) return fail(`${peerId} is already in the conference`);
    return ok(undefined, () => this.invite(peerId));
  }

  kickPeer(peerId: string): Reply {
    const c = this.conf;
    if (!c) return fail('not in a conference');
    const p = this.findParticipant(peerId);
    if (!p) return fail(`no participant ${peerId}`);
    if (p.self) return fail('cannot kick the Room itself');
    return ok(undefined, () => this.removeParticipant(p.peerId));
  }

  acceptPeer(peerId: string): Reply {
    const request = this.findJoinRequest(peerId);
    if (!request) return fail(`no join request from ${peerId}`);
    return ok(undefined, () => {
      this.joinRequests.delete(request.peerId);
      if (this.conf) this.addParticipant(request.peerId, request.peerDn);
    });
  }

  rejectPeer(peerId: string): Reply {
    const request = this.findJoinRequest(peerId);
    if (!request) return fail(`no join request from ${peerId}`);
    return ok(undefined, () => {
      this.joinRequests.delete(request.peerId);
    });
  }

  /** Test hook: someone joins the current conference. */
  participantJoins(options: { peerId: string; peerDn?: string }): void {
    if (!this.conf) throw new Error('participantJoins: the Room is not in a conference');
    if (this.findParticipant(options.peerId)) return;
    this.addParticipant(this.resolve(options.peerId), options.peerDn ?? this.displayName(options.peerId));
  }

  /** Test hook: someone leaves. A p2p call ends when the other side leaves [INF]. false when not present. */
  participantLeaves(peerId: string): boolean {
    const p = this.findParticipant(peerId);
    if (!p || p.self) return false;
    this.removeParticipant(p.peerId);
    return true;
  }

  /** Test hook: someone asks to join the Room's conference (requestInviteReceived; acceptPeer/rejectPeer). */
  requestToJoin(options: { peerId: string; peerDn?: string }): void {
    const c = this.conf;
    if (!c || c.owner !== this.roomId) throw new Error('requestToJoin: the Room does not own a conference');
    const peerId = this.resolve(options.peerId);
    const peerDn = options.peerDn ?? this.displayName(options.peerId);
    if (c.autoAccept) {
      this.addParticipant(peerId, peerDn);
      return;
    }
    this.joinRequests.set(peerId, { peerId, peerDn });
    this.notify('requestInviteReceived', { peerId, peerDn, confId: c.confId });
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
    this.pending = undefined;
    this.conf = undefined;
    this.joinRequests.clear();
    this.appState = this.account ? 3 : this.server ? 2 : 0;
  }

  cancelTimers(): void {
    this.callTimers.clear();
    this.confTimers.clear();
    this.otherTimers.clear();
  }

  // ---- internals ------------------------------------------------------------------------------------

  private setAppState(state: number): void {
    if (state === this.appState) return;
    this.appState = state;
    this.notify('appStateChanged', this.appStateFields());
    this.onAppState(state);
  }

  private idleRefusal(): Reply | undefined {
    if (this.appState < 3) return fail('not logged in');
    if (this.appState > 3) return fail('busy: a call or conference is in progress');
    return undefined;
  }

  private newConfId(): string {
    this.confCounter += 1;
    return `${String(this.confCounter).padStart(8, '0')}@${this.domain}#vcs`;
  }

  private joinUrl(confId: string): string {
    return `https://${this.domain}/c/${confId.split('@')[0]}`;
  }

  /** Ends a ringing call (outgoing or incoming) and returns to idle after `report` sent its event. */
  private finishRinging(report: () => void): void {
    this.callTimers.clear();
    if (this.pending) this.recordCall(this.pending, false);
    this.pending = undefined;
    report();
    this.setAppState(3);
  }

  private recordCall(p: PendingCall, answered: boolean): void {
    this.opts.onCallRecord?.({ peerId: p.peerId, peerDn: p.peerDn, direction: p.direction, answered });
  }

  private startFromPending(pending: PendingCall): void {
    this.callTimers.clear();
    this.recordCall(pending, true);
    this.pending = undefined;
    const peer: EmulatedParticipant = {
      peerId: pending.peerId,
      peerDn: pending.peerDn,
      role: 1,
      mic: 2,
      video: 2,
      self: false,
    };
    const p2p = pending.type === 0;
    const conf: Conference = {
      confId: pending.confId,
      confType: pending.type,
      title: pending.confTitle ?? pending.peerDn,
      owner: pending.direction === 'outgoing' && p2p ? this.roomId : pending.peerId,
      participants: [this.selfParticipant(1), peer],
      p2p,
      direction: pending.direction,
      autoAccept: false,
      waitingRoom: false,
      startedAt: Date.now(),
    };
    if (!p2p) peer.role = 2;
    this.conf = conf;
    this.notify('conferenceCreated', { ...this.conferenceCreatedFields(conf), peerId: pending.peerId });
    this.setAppState(5);
    this.notify('newParticipantInConference', this.participantFields(peer, conf.confId));
  }

  private endAnyCall(): void {
    const pending = this.pending;
    if (pending) {
      if (pending.direction === 'outgoing')
        this.finishRinging(() => this.notify('stopCalling', { peerId: pending.peerId, side: 0 }));
      else {
        this.finishRinging(() =>
          this.notify('rejectSent', {
            peerId: pending.peerId,
            peerDn: pending.peerDn,
            cause: 0,
            confId: pending.confId,
          }),
        );
      }
      return;
    }
    const c = this.conf;
    if (!c) return;
    this.confTimers.clear();
    this.setAppState(6);
    for (const p of c.participants) if (!p.self) this.notify('participantLeftConference', { peerId: p.peerId });
    this.conf = undefined;
    this.joinRequests.clear();
    this.notify('conferenceDeleted', { confId: c.confId });
    this.setAppState(3);
  }

  /** Rings one invitee of the Room's conference; the far end follows its PeerScript. */
  private invite(id: string): void {
    const c = this.conf;
    if (!c) return;
    const peerId = this.resolve(id);
    const peerDn = this.displayName(id);
    const script = scriptFor(id, this.opts.peers);
    const still = () => this.conf === c && !this.findParticipant(peerId);
    if ('ignore' in script) {
      this.confTimers.after(this.opts.ringTimeoutMs, () => {
        if (still()) this.notify('rejectReceived', { peerId, peerDn, cause: NO_ANSWER_CAUSE });
      });
      return;
    }
    this.confTimers.after(script.delayMs ?? this.opts.answerDelayMs, () => {
      if (!still()) return;
      if ('answer' in script) this.addParticipant(peerId, peerDn);
      else if ('reject' in script) this.notify('rejectReceived', { peerId, peerDn, cause: script.reject });
      else this.notify('stopCalling', { peerId, side: 1 });
    });
  }

  private addParticipant(peerId: string, peerDn: string): void {
    const c = this.conf;
    if (!c) return;
    const p: EmulatedParticipant = { peerId, peerDn, role: 1, mic: 2, video: 2, self: false };
    c.participants.push(p);
    this.notify('newParticipantInConference', this.participantFields(p, c.confId));
  }

  private removeParticipant(peerId: string): void {
    const c = this.conf;
    if (!c) return;
    c.participants = c.participants.filter((p) => p.peerId !== peerId);
    this.notify('participantLeftConference', { peerId });
    if (c.p2p && !c.participants.some((p) => !p.self)) this.endAnyCall();
  }

  private findParticipant(id: string): EmulatedParticipant | undefined {
    return this.conf?.participants.find((p) => sameUser(p.peerId, id, this.domain));
  }

  private findJoinRequest(id: string): { peerId: string; peerDn: string } | undefined {
    for (const r of this.joinRequests.values()) if (sameUser(r.peerId, id, this.domain)) return r;
    return undefined;
  }

  private selfParticipant(role: number): EmulatedParticipant {
    return {
      peerId: this.roomId,
      peerDn: this.roomDn,
      role,
      mic: this.mute.mic ? 1 : 2,
      video: this.mute.video ? 1 : 2,
      self: true,
    };
  }

  private conferenceCreatedFields(c: Conference): Record<string, unknown> {
    return {
      confId: c.confId,
      confTitle: c.title,
      confType: c.confType,
      isSmartMeeting: false,
      conferenceOwner: c.owner,
      joinUrl: this.joinUrl(c.confId),
      realTimeConferenceManagmentUrl: `${this.joinUrl(c.confId)}/manage`,
      isWaitingRoomSwitchingSupported: !c.p2p,
      isWaitingRoomEnabled: c.waitingRoom,
      isInWaitingRoom: false,
      maxParticipants: c.p2p ? 2 : MAX_PARTICIPANTS,
      maxParticipantsOnPodium: c.p2p ? 2 : MAX_PARTICIPANTS,
      pinned: false,
    };
  }

  private participantFields(p: EmulatedParticipant, confId: string): Record<string, unknown> {
    return {
      peerId: p.peerId,
      peerDn: p.peerDn,
      mic: p.mic,
      video: p.video,
      role: p.role,
      broadcast: false,
      slideShow: false,
      recordingMe: false,
      recordingByMe: false,
      audioReceiving: true,
      videoReceiving: true,
      extraVideo: 0,
      leaderType: 0,
      confId,
      pinned: false,
      isInWaitingRoom: false,
    };
  }
}

function displayNameOf(login: string): string {
  return login.length === 0 ? login : login[0].toUpperCase() + login.slice(1);
}

/** Same user? Ignores an InstanceId suffix (/xxxx) and resolves short ids against the domain. */
function sameUser(a: string, b: string, domain: string): boolean {
  const norm = (id: string) => {
    const base = id.split('/')[0];
    return (base.includes('@') ? base : `${base}@${domain}`).toLowerCase();
  };
  return norm(a) === norm(b);
}
