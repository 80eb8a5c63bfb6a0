import { AppState } from './app-state';
import type { PendingCall } from './calls';
import { NO_ANSWER_CAUSE, scriptFor } from './peers';
import { fail, ok, type Reply } from './reply';
import { Timers } from './timers';
import type { EmulatedConference, EmulatedParticipant } from './types';
import {
  conferenceCreatedFields,
  groupConferenceFields,
  MAX_PARTICIPANTS,
  participantFields,
  type ConferenceShape,
} from './wire-shapes';
import type { WorldLink } from './world-link';

/**
 * The current conference (appState 5): who is in it, in InstanceId form (`user@server/INSTANCE`, two
 * instances of one user are two participants), who is on the podium, moderators, the waiting room,
 * and the smart-meeting (VAD) mode in which speakers take the podium by themselves (reference §0, §4.6 E-H).
 */

export interface Participant extends EmulatedParticipant {
  /** When this participant last spoke (VAD order); 0 = never. */
  lastSpokeAt: number;
}

interface Conference extends ConferenceShape {
  participants: Participant[];
  direction?: 'outgoing' | 'incoming';
  autoAccept: boolean;
  usersMustBeInvited: boolean;
  startedAt: number;
}

const CONF_TYPES: Record<string, number> = { symmetric: 1, asymmetric: 2, role: 3 };
const ROLE_BASED = 3;
/** Podium slots of a role-based conference when createConference gives no castersCount [INF]. */
const DEFAULT_PODIUM_SLOTS = 4;
/** The Room's own instance suffix [INF]. */
export const ROOM_INSTANCE = 'room';
/** roleEventOccured.type and .result (reference §4.5). */
const ROLE_EVENT = { request: 0, response: 1, notification: 3 } as const;
const ROLE_RESULT = { positive: 0, declined: 3 } as const;
/** participant role (reference §4.5). */
const ROLE = { general: 1, owner: 2, requestedPodium: 3, invitedToPodium: 4 } as const;
/** userPinEventOccurred.eventCode (reference §4.5). */
const PIN_EVENT = { pinned: 0, unpinned: 1, limitReached: 2, notInConference: 3 } as const;

export class Conferences {
  private conf?: Conference;
  private readonly joinRequests = new Map<string, { peerId: string; peerDn: string }>();
  private readonly podiumRequests = new Set<Participant>();
  private readonly recordRequests = new Set<Participant>();
  private roomInvitedToPodium = false;
  private instanceCounter = 0;
  private speakCounter = 0;
  private readonly timers: Timers;

  constructor(
    private readonly w: WorldLink,
    /** The conference ended (other modules drop what belonged to it). */
    private readonly ended: () => void,
  ) {
    this.timers = new Timers((err) => w.onError(err));
  }

  get active(): boolean {
    return this.conf !== undefined;
  }

  get confId(): string | undefined {
    return this.conf?.confId;
  }

  get ownedByRoom(): boolean {
    return this.conf?.owner === this.w.roomId;
  }

  // ---- inspection -----------------------------------------------------------------------------------

  get snapshot(): EmulatedConference | undefined {
    const c = this.conf;
    if (!c) return undefined;
    return {
      confId: c.confId,
      confType: c.confType,
      title: c.title,
      owner: c.owner,
      smartMeeting: c.smartMeeting,
      participants: c.participants.map((p) => {
        const { lastSpokeAt: _spoke, ...view } = this.view(p);
        return view;
      }),
    };
  }

  /** Other participants (not the Room), for modules that address them (video matrix, camera control). */
  others(): ReadonlyArray<Readonly<Participant>> {
    return this.conf?.participants.filter((p) => !p.self) ?? [];
  }

  /** getConferences: the current session as a one-element list (empty when idle) [INF]. */
  list(apiVersion: number): Array<Record<string, unknown>> {
    const c = this.conf;
    if (!c) return [];
    const common: Record<string, unknown> = {
      confId: c.confId,
      confType: c.confType,
      confTitle: c.title,
      duration: Math.floor((Date.now() - c.startedAt) / 1000),
      pinned: false,
    };
    if (apiVersion >= 2) common.id = c.confId;
    if (!c.p2p) return [{ ...common, ...groupConferenceFields(c, this.w.domain) }];
    const peer = c.participants.find((p) => !p.self);
    return [
      {
        ...common,
        type: 'p2p',
        direction: c.direction,
        peerId: peer ? callIdOf(peer.peerId) : '',
        peerDn: peer?.peerDn ?? '',
        confState: 'running',
      },
    ];
  }

  participants(apiVersion: number): Array<Record<string, unknown>> {
    const c = this.conf;
    if (!c) return [];
    return c.participants.map((p) => ({
      ...participantFields(this.view(p), c.confId),
      ...(apiVersion >= 2 ? { reaction: 0 } : {}),
    }));
  }

  /** The `requests` of getAppState while a podium request or invitation is pending (reference §4.1). */
  appStateRequests(): Record<string, unknown> | undefined {
    const incomingRequest = this.podiumRequests.size > 0;
    if (!incomingRequest && !this.roomInvitedToPodium) return undefined;
    return {
      requests: {
        incomingPodiumRequest: incomingRequest,
        outgoingPodiumRequest: false,
        incomingPodiumInvitation: this.roomInvitedToPodium,
        outgoingPodiumInvitation: false,
      },
    };
  }

  // ---- start and end --------------------------------------------------------------------------------

  create(params: Record<string, unknown>): Reply {
    const w = this.w;
    const invitees = (params.inviteList as string[] | undefined) ?? [];
    if (invitees.some((id) => w.resolve(id.split('/')[0]) === w.roomId))
      return fail('inviteList must not contain the Room itself');
    const confType = CONF_TYPES[String(params.confType)] ?? 1;
    if (params.smartMeeting === true && confType !== ROLE_BASED)
      return fail('smartMeeting needs a role-based conference (confType "role")');
    const slots = typeof params.castersCount === 'number' ? params.castersCount : undefined;
    if (slots !== undefined && (slots < 1 || slots > MAX_PARTICIPANTS))
      return fail(`castersCount must be 1 to ${MAX_PARTICIPANTS}`);
    return ok(undefined, () => {
      const conf: Conference = {
        confId: w.newConfId(),
        confType,
        title: String(params.title),
        owner: w.roomId,
        participants: [],
        p2p: false,
        autoAccept: params.autoAccept === true,
        waitingRoom: params.useWaitingRoom === true,
        usersMustBeInvited: false,
        smartMeeting: params.smartMeeting === true,
        podiumSlots: confType === ROLE_BASED ? (slots ?? DEFAULT_PODIUM_SLOTS) : MAX_PARTICIPANTS,
        startedAt: Date.now(),
      };
      conf.participants.push(this.self(conf, ROLE.owner));
      this.conf = conf;
      w.notify('conferenceCreated', conferenceCreatedFields(conf, w.domain));
      w.setAppState(AppState.Conference);
      for (const id of invitees) this.invite(id);
    });
  }

  /** An answered call, or an accepted invitation, becomes the current conference. */
  startFromCall(pending: PendingCall): void {
    const w = this.w;
    const p2p = pending.type === 0;
    const conf: Conference = {
      confId: pending.confId,
      confType: pending.type,
      title: pending.confTitle ?? pending.peerDn,
      owner: pending.direction === 'outgoing' && p2p ? w.roomId : pending.peerId,
      participants: [],
      p2p,
      direction: pending.direction,
      autoAccept: false,
      waitingRoom: false,
      usersMustBeInvited: false,
      smartMeeting: false,
      podiumSlots: p2p ? 2 : pending.type === ROLE_BASED ? DEFAULT_PODIUM_SLOTS : MAX_PARTICIPANTS,
      startedAt: Date.now(),
    };
    const peer = this.newParticipant(conf, pending.peerId, pending.peerDn);
    if (!p2p) {
      peer.role = ROLE.owner;
      peer.broadcast = true;
    }
    conf.participants.push(this.self(conf, ROLE.general), peer);
    this.conf = conf;
    w.notify('conferenceCreated', { ...conferenceCreatedFields(conf, w.domain), peerId: pending.peerId });
    w.setAppState(AppState.Conference);
    w.notify('newParticipantInConference', participantFields(peer, conf.confId));
  }

  /** hangUp in a conference: appState 6, everyone else leaves, conferenceDeleted, appState 3 (order [INF]). */
  end(): void {
    const c = this.conf;
    if (!c) return;
    const w = this.w;
    this.timers.clear();
    w.setAppState(AppState.Close);
    for (const p of c.participants) if (!p.self) w.notify('participantLeftConference', { peerId: p.peerId });
    this.clear();
    w.notify('conferenceDeleted', { confId: c.confId });
    this.ended();
    w.setAppState(AppState.Normal);
  }

  /** Forgets the conference without a word (the Room restarted). */
  clear(): void {
    this.timers.clear();
    this.conf = undefined;
    this.joinRequests.clear();
    this.podiumRequests.clear();
    this.recordRequests.clear();
    this.roomInvitedToPodium = false;
  }

  expandCallToMulti(title: string, inviteList: string[]): Reply {
    const c = this.conf;
    if (!c || !c.p2p) return fail('not in a point-to-point call');
    return ok(undefined, () => {
      Object.assign(c, { p2p: false, confType: 1, title, owner: this.w.roomId, podiumSlots: MAX_PARTICIPANTS });
      for (const p of c.participants) p.broadcast = true;
      // The call becomes a symmetric conference; the Room reports it as created anew [INF].
      this.w.notify('conferenceCreated', conferenceCreatedFields(c, this.w.domain));
      for (const id of inviteList) this.invite(String(id));
    });
  }

  // ---- participants ---------------------------------------------------------------------------------

  inviteToConference(peerId: string): Reply {
    if (!this.conf) return fail('not in a conference');
    if (this.lookup(peerId).p) return fail(`${peerId} is already in the conference`);
    return ok(undefined, () => this.invite(peerId));
  }

  kickPeer(peerId: string): Reply {
    const found = this.found(peerId);
    if ('error' in found) return fail(found.error);
    if (found.p.self) return fail('cannot kick the Room itself');
    return ok(undefined, () => this.remove(found.p));
  }

  acceptPeer(peerId: string): Reply {
    const request = this.findJoinRequest(peerId);
    if (!request) return fail(`no join request from ${peerId}`);
    return ok(undefined, () => {
      this.joinRequests.delete(request.peerId);
      if (this.conf) this.add(request.peerId, request.peerDn);
    });
  }

  rejectPeer(peerId: string): Reply {
    const request = this.findJoinRequest(peerId);
    if (!request) return fail(`no join request from ${peerId}`);
    return ok(undefined, () => {
      this.joinRequests.delete(request.peerId);
    });
  }

  /** Test hook: someone joins (a new instance unless `peerId` names one). Returns the participant's InstanceId. */
  participantJoins(options: { peerId: string; peerDn?: string }): string {
    if (!this.conf) throw new Error('participantJoins: the Room is not in a conference');
    const existing = options.peerId.includes('/') ? this.lookup(options.peerId).p : undefined;
    if (existing) return existing.peerId;
    const callId = this.w.resolve(options.peerId.split('/')[0]);
    return this.add(
      options.peerId.includes('/') ? options.peerId : callId,
      options.peerDn ?? this.w.displayName(callId),
    ).peerId;
  }

  /** Test hook: someone leaves. A p2p call ends when the other side leaves [INF]. false when not present. */
  participantLeaves(peerId: string): boolean {
    const p = this.lookup(peerId).p;
    if (!p || p.self) return false;
    this.remove(p);
    return true;
  }

  /** Test hook: someone asks to join the Room's conference (requestInviteReceived; acceptPeer/rejectPeer). */
  requestToJoin(options: { peerId: string; peerDn?: string }): void {
    const c = this.conf;
    if (!c || c.owner !== this.w.roomId) throw new Error('requestToJoin: the Room does not own a conference');
    const peerId = this.w.resolve(options.peerId.split('/')[0]);
    const peerDn = options.peerDn ?? this.w.displayName(options.peerId);
    if (c.autoAccept) {
      this.add(peerId, peerDn);
      return;
    }
    this.joinRequests.set(peerId, { peerId, peerDn });
    this.w.notify('requestInviteReceived', { peerId, peerDn, confId: c.confId });
  }

  // ---- moderation -----------------------------------------------------------------------------------

  /** setModeratorRole: shows as the participant's leaderType; the reference names no notification [INF: none]. */
  setModerator(peerId: string, moderator: boolean): Reply {
    const found = this.ownerTarget(peerId);
    if ('error' in found) return fail(found.error);
    found.p.moderator = moderator;
    return ok();
  }

  /** turnRemoteMic / turnRemoteCamera: the participant's mic/video, reported by deviceStatusReceived [INF]. */
  turnRemote(kind: 'mic' | 'video', peerId: string, on: boolean): Reply {
    const found = this.ownerTarget(peerId);
    if ('error' in found) return fail(found.error);
    const p = found.p;
    if (p[kind] === 0) return fail(`${p.peerId} has no ${kind === 'mic' ? 'microphone' : 'camera'}`);
    return ok(undefined, () => {
      p[kind] = on ? 2 : 1;
      this.w.notify('deviceStatusReceived', {
        peerId: p.peerId,
        mic: p.mic,
        video: p.video,
        confId: this.conf?.confId,
      });
    });
  }

  /** turnRemoteSpeaker: accepted for a participant in the Room's conference; no getter shows a far speaker [INF]. */
  turnRemoteSpeaker(peerId: string): Reply {
    const found = this.ownerTarget(peerId);
    return 'error' in found ? fail(found.error) : ok();
  }

  enableReceiving(kind: 'audio' | 'video', peerId: string, enable: boolean): Reply {
    const found = this.found(peerId);
    if ('error' in found) return fail(found.error);
    const p = found.p;
    if (p.self) return fail('the Room does not receive its own media');
    return ok(undefined, () => {
      if (kind === 'audio') p.audioReceiving = enable;
      else p.videoReceiving = enable;
      this.w.notify(kind === 'audio' ? 'enableAudioReceivingChanged' : 'enableVideoReceivingChanged', {
        peerId: p.peerId,
        enable,
      });
    });
  }

  /** Test hook: a participant asks to record the Room (recordRequest); allowRecord / denyRecord answer it. */
  recordRequest(peerId: string): void {
    const found = this.found(peerId);
    if ('error' in found) throw new Error(`recordRequest: ${found.error}`);
    this.recordRequests.add(found.p);
    this.w.notify('recordRequest', { peerId: found.p.peerId, peerDn: found.p.peerDn, confId: this.conf?.confId });
  }

  answerRecord(peerId: string, allow: boolean): Reply {
    const p = [...this.recordRequests].find((r) => sameUser(r.peerId, peerId, this.w.domain));
    if (!p) return fail(`no record request from ${peerId}`);
    return ok(undefined, () => {
      this.recordRequests.delete(p);
      if (!allow) return;
      p.recordingMe = true;
      // The participant now records the Room [INF: event and status value].
      this.w.notify('userRecordingMeStatusChanged', { peerId: p.peerId, status: 1, confId: this.conf?.confId });
    });
  }

  // ---- waiting room ---------------------------------------------------------------------------------

  setWaitingRoom(enable: boolean, usersMustBeInvited: boolean): Reply {
    const c = this.conf;
    if (!c || c.p2p) return fail('not in a group conference');
    if (c.owner !== this.w.roomId) return fail('only the conference owner can change the waiting room');
    return ok(undefined, () => {
      c.waitingRoom = enable;
      c.usersMustBeInvited = usersMustBeInvited;
      // The catalogue names the event but not its fields [INF].
      this.w.notify('waitingRoomStateChanged', {
        confId: c.confId,
        enabled: enable,
        isUsersMustBeInvited: usersMustBeInvited,
      });
    });
  }

  setPresenceInWaitingRoom(callId: string, inWaitingRoom: boolean): Reply {
    const found = this.ownerTarget(callId);
    if ('error' in found) return fail(found.error);
    if (!this.conf?.waitingRoom) return fail('the waiting room is off');
    const p = found.p;
    return ok(undefined, () => {
      p.inWaitingRoom = inWaitingRoom;
      this.w.notify('participantPresenceInWaitingRoomChanged', {
        peerId: p.peerId,
        inWaitingRoom,
        confId: this.conf?.confId,
      });
    });
  }

  // ---- podium ---------------------------------------------------------------------------------------

  /** gotoPodium: the owner takes it at once; otherwise the Room asks, and the owner (scripted) allows [INF]. */
  gotoPodium(): Reply {
    const refusal = this.podiumRefusal(false);
    if (refusal) return fail(refusal);
    const me = this.me()!;
    if (me.broadcast) return fail('the Room is already on the podium');
    if (this.onPodium().length >= this.conf!.podiumSlots) return fail('the podium is full');
    return ok(undefined, () => {
      if (this.ownedByRoom) return this.setBroadcast(me, true, ROLE_EVENT.notification);
      me.role = ROLE.requestedPodium;
      this.roleEvent(me, ROLE_EVENT.request, ROLE_RESULT.positive);
      const conf = this.conf;
      this.timers.after(this.w.answerDelayMs, () => {
        if (this.conf !== conf || me.role !== ROLE.requestedPodium) return;
        me.role = ROLE.general;
        this.setBroadcast(me, true, ROLE_EVENT.response);
      });
    });
  }

  leavePodium(): Reply {
    const refusal = this.podiumRefusal(false);
    if (refusal) return fail(refusal);
    const me = this.me()!;
    if (!me.broadcast) return fail('the Room is not on the podium');
    return ok(undefined, () => this.setBroadcast(me, false, ROLE_EVENT.notification));
  }

  inviteToPodium(peerId: string): Reply {
    const refusal = this.podiumRefusal(true);
    if (refusal) return fail(refusal);
    const found = this.found(peerId);
    if ('error' in found) return fail(found.error);
    const p = found.p;
    if (p.broadcast) return fail(`${p.peerId} is already on the podium`);
    if (this.onPodium().length >= this.conf!.podiumSlots) return fail('the podium is full');
    return ok(undefined, () => {
      p.role = ROLE.invitedToPodium;
      this.roleEvent(p, ROLE_EVENT.request, ROLE_RESULT.positive);
      const conf = this.conf;
      const script = scriptFor(p.peerId, this.w.peers);
      this.timers.after(
        'delayMs' in script && script.delayMs !== undefined ? script.delayMs : this.w.answerDelayMs,
        () => {
          if (this.conf !== conf || p.role !== ROLE.invitedToPodium) return;
          p.role = ROLE.general;
          if ('answer' in script) this.setBroadcast(p, true, ROLE_EVENT.response);
          else this.roleEvent(p, ROLE_EVENT.response, ROLE_RESULT.declined);
        },
      );
    });
  }

  kickFromPodium(peerId: string): Reply {
    const refusal = this.podiumRefusal(true);
    if (refusal) return fail(refusal);
    const found = this.found(peerId);
    if ('error' in found) return fail(found.error);
    if (!found.p.broadcast) return fail(`${found.p.peerId} is not on the podium`);
    return ok(undefined, () => this.setBroadcast(found.p, false, ROLE_EVENT.notification));
  }

  /** Test hook: a participant asks for the podium (roleEventOccured request); accept/rejectRequestToPodium answer. */
  requestPodium(peerId: string): void {
    const found = this.found(peerId);
    if ('error' in found) throw new Error(`requestPodium: ${found.error}`);
    const refusal = this.podiumRefusal(true);
    if (refusal) throw new Error(`requestPodium: ${refusal}`);
    found.p.role = ROLE.requestedPodium;
    this.podiumRequests.add(found.p);
    this.roleEvent(found.p, ROLE_EVENT.request, ROLE_RESULT.positive);
  }

  answerPodiumRequest(peerId: string, allow: boolean): Reply {
    const refusal = this.podiumRefusal(true);
    if (refusal) return fail(refusal);
    const p = [...this.podiumRequests].find((r) => r.peerId === peerId || sameUser(r.peerId, peerId, this.w.domain));
    if (!p) return fail(`no podium request from ${peerId}`);
    if (allow && this.onPodium().length >= this.conf!.podiumSlots) return fail('the podium is full');
    return ok(undefined, () => {
      this.podiumRequests.delete(p);
      p.role = ROLE.general;
      if (allow) p.broadcast = true;
      this.w.notify('incomingRequestToPodiumAnswered', { peerId: p.peerId, allow, confId: this.conf?.confId });
    });
  }

  /** Test hook: the far owner invites the Room to the podium; accept/rejectInvitationToPodium answer. */
  inviteRoomToPodium(): void {
    const refusal = this.podiumRefusal(false);
    if (refusal) throw new Error(`inviteRoomToPodium: ${refusal}`);
    if (this.ownedByRoom) throw new Error('inviteRoomToPodium: the Room owns the conference');
    const me = this.me()!;
    me.role = ROLE.invitedToPodium;
    this.roomInvitedToPodium = true;
    this.roleEvent(me, ROLE_EVENT.request, ROLE_RESULT.positive);
  }

  answerPodiumInvitation(accept: boolean): Reply {
    if (!this.roomInvitedToPodium) return fail('no invitation to the podium');
    const me = this.me()!;
    return ok(undefined, () => {
      this.roomInvitedToPodium = false;
      me.role = ROLE.general;
      if (accept) me.broadcast = true;
      this.w.notify('incomingPodiumInvitationRemoved', { confId: this.conf?.confId, reason: accept ? 0 : 1 });
    });
  }

  // ---- smart meeting (VAD auto-podium) --------------------------------------------------------------

  changeMode(isSmartMeeting: boolean): Reply {
    const c = this.conf;
    if (!c || c.confType !== ROLE_BASED) return fail('not in a role-based conference');
    if (c.owner !== this.w.roomId) return fail('only the conference owner can change its mode');
    return ok(undefined, () => {
      c.smartMeeting = isSmartMeeting;
      if (!isSmartMeeting) for (const p of c.participants) p.pinned = false;
      // The catalogue names smartMeetingModeChanged without fields [INF].
      this.w.notify('smartMeetingModeChanged', { confId: c.confId, isSmartMeeting });
    });
  }

  /** pinUser: a pinned speaker keeps a podium slot; pins can never fill every slot (reference §4.6 G). */
  pinUser(peerId: string, pin: boolean): Reply {
    const c = this.conf;
    if (!c || !c.smartMeeting)
      return fail('pinUser works only in a smart meeting (VAD auto-podium); the conference is not in that mode');
    const p = this.lookup(peerId).p;
    const event = (peer: string, eventCode: number) =>
      this.w.notify('userPinEventOccurred', { peerId: peer, eventCode, confId: c.confId });
    // The outcome is the notification, also for a participant who is not there (reference §4.6 G).
    if (!p) return ok(undefined, () => event(peerId, PIN_EVENT.notInConference));
    if (!pin) return ok(undefined, () => ((p.pinned = false), event(p.peerId, PIN_EVENT.unpinned)));
    const pins = c.participants.filter((x) => x.pinned && x !== p).length;
    if (pins >= c.podiumSlots - 1) return ok(undefined, () => event(p.peerId, PIN_EVENT.limitReached));
    return ok(undefined, () => {
      p.pinned = true;
      if (!p.broadcast) this.takePodiumSlot(p);
      event(p.peerId, PIN_EVENT.pinned);
    });
  }

  /** Test hook: a participant speaks. In a smart meeting the speaker takes a podium slot, the longest silent unpinned one leaves. */
  speak(peerId: string): void {
    const c = this.conf;
    if (!c) throw new Error('participantSpeaks: the Room is not in a conference');
    const p = this.lookup(peerId).p;
    if (!p) throw new Error(`participantSpeaks: no participant ${peerId}`);
    this.speakCounter += 1;
    p.lastSpokeAt = this.speakCounter;
    if (c.smartMeeting && !p.broadcast) this.takePodiumSlot(p);
  }

  // ---- internals ------------------------------------------------------------------------------------

  /** The Room's own mic and camera follow its mute state. */
  private view(p: Participant): Participant {
    if (!p.self) return { ...p };
    return { ...p, mic: this.w.mute.mic ? 1 : 2, video: this.w.mute.video ? 1 : 2 };
  }

  private takePodiumSlot(p: Participant): void {
    const c = this.conf!;
    const on = this.onPodium();
    if (on.length >= c.podiumSlots) {
      const candidates = on.filter((x) => !x.pinned && x !== p);
      if (candidates.length === 0) return;
      const quietest = candidates.reduce((a, b) => (b.lastSpokeAt < a.lastSpokeAt ? b : a));
      this.setBroadcast(quietest, false, ROLE_EVENT.notification);
    }
    this.setBroadcast(p, true, ROLE_EVENT.notification);
  }

  private setBroadcast(p: Participant, on: boolean, type: number): void {
    p.broadcast = on;
    this.roleEvent(p, type, ROLE_RESULT.positive);
  }

  private roleEvent(p: Participant, type: number, result: number): void {
    this.w.notify('roleEventOccured', {
      peerId: p.peerId,
      peerDn: p.peerDn,
      role: p.role,
      type,
      result,
      broadcast: p.broadcast,
      confId: this.conf?.confId,
    });
  }

  private onPodium(): Participant[] {
    return this.conf?.participants.filter((p) => p.broadcast) ?? [];
  }

  private me(): Participant | undefined {
    return this.conf?.participants.find((p) => p.self);
  }

  /** Why a podium command cannot run now (reference §4.6 F, G: podium commands are inactive under VAD). */
  private podiumRefusal(ownerOnly: boolean): string | undefined {
    const c = this.conf;
    if (!c) return 'not in a conference';
    if (c.confType !== ROLE_BASED) return 'podium commands need a role-based conference';
    if (c.smartMeeting)
      return 'podium commands are inactive: the conference is in smart meeting (VAD) mode, where speakers take the podium by voice; use pinUser';
    if (ownerOnly && c.owner !== this.w.roomId) return 'only the conference owner can manage the podium';
    return undefined;
  }

  /** A participant the Room may act on as owner. */
  private ownerTarget(id: string): { p: Participant } | { error: string } {
    if (this.conf && this.conf.owner !== this.w.roomId) return { error: 'only the conference owner can do that' };
    const found = this.found(id);
    if ('p' in found && found.p.self) return { error: 'not allowed on the Room itself' };
    return found;
  }

  private found(id: string): { p: Participant } | { error: string } {
    if (!this.conf) return { error: 'not in a conference' };
    const { p, ambiguous } = this.lookup(id);
    if (p) return { p };
    if (ambiguous)
      return { error: `${id} is in the conference ${ambiguous} times: give the InstanceId (user@server/instance)` };
    return { error: `no participant ${id}` };
  }

  /** An InstanceId names one participant; a CallId or short id names a user, unambiguous only with one instance [INF]. */
  private lookup(id: string): { p?: Participant; ambiguous?: number } {
    const list = this.conf?.participants ?? [];
    const exact = list.find((p) => p.peerId.toLowerCase() === id.toLowerCase());
    if (exact) return { p: exact };
    if (id.includes('/')) return {};
    const same = list.filter((p) => sameUser(p.peerId, id, this.w.domain));
    if (same.length === 1) return { p: same[0] };
    return same.length > 1 ? { ambiguous: same.length } : {};
  }

  private findJoinRequest(id: string): { peerId: string; peerDn: string } | undefined {
    for (const r of this.joinRequests.values()) if (sameUser(r.peerId, id, this.w.domain)) return r;
    return undefined;
  }

  /** Rings one invitee of the Room's conference; the far end follows its PeerScript. */
  private invite(id: string): void {
    const c = this.conf;
    if (!c) return;
    const w = this.w;
    const peerId = w.resolve(id.split('/')[0]);
    const peerDn = w.displayName(id);
    const script = scriptFor(id, w.peers);
    const still = () => this.conf === c && !this.lookup(peerId).p;
    if ('ignore' in script) {
      this.timers.after(w.ringTimeoutMs, () => {
        if (still()) w.notify('rejectReceived', { peerId, peerDn, cause: NO_ANSWER_CAUSE });
      });
      return;
    }
    this.timers.after(script.delayMs ?? w.answerDelayMs, () => {
      if (!still()) return;
      if ('answer' in script) this.add(id.includes('/') ? id : peerId, peerDn);
      else if ('reject' in script) w.notify('rejectReceived', { peerId, peerDn, cause: script.reject });
      else w.notify('stopCalling', { peerId, side: 1 });
    });
  }

  private add(id: string, peerDn: string): Participant {
    const c = this.conf!;
    const p = this.newParticipant(c, id, peerDn);
    // Everyone is on screen in a symmetric conference; elsewhere the podium decides [INF].
    p.broadcast = c.confType === 1 || c.p2p;
    p.inWaitingRoom = c.waitingRoom;
    c.participants.push(p);
    this.w.notify('newParticipantInConference', participantFields(p, c.confId));
    return p;
  }

  private remove(p: Participant): void {
    const c = this.conf;
    if (!c) return;
    c.participants = c.participants.filter((x) => x !== p);
    this.podiumRequests.delete(p);
    this.recordRequests.delete(p);
    this.w.notify('participantLeftConference', { peerId: p.peerId });
    if (c.p2p && !c.participants.some((x) => !x.self)) this.end();
  }

  /** A participant with an InstanceId: the one given, or a new instance of that user. */
  private newParticipant(c: Conference, id: string, peerDn: string): Participant {
    const peerId = id.includes('/') ? id : `${this.w.resolve(id)}/${this.nextInstance()}`;
    return {
      peerId,
      peerDn,
      role: ROLE.general,
      mic: 2,
      video: 2,
      self: false,
      broadcast: c.p2p,
      pinned: false,
      moderator: false,
      inWaitingRoom: false,
      audioReceiving: true,
      videoReceiving: true,
      recordingMe: false,
      lastSpokeAt: 0,
    };
  }

  /** Instance suffixes as a Room shows them: short hex strings [INF]. */
  private nextInstance(): string {
    this.instanceCounter += 1;
    return (0x1a2b00 + this.instanceCounter).toString(16);
  }

  private self(c: Conference, role: number): Participant {
    return {
      peerId: `${this.w.roomId}/${ROOM_INSTANCE}`,
      peerDn: this.w.roomDn,
      role,
      mic: this.w.mute.mic ? 1 : 2,
      video: this.w.mute.video ? 1 : 2,
      self: true,
      broadcast: c.p2p || c.confType === 1 || role === ROLE.owner,
      pinned: false,
      moderator: false,
      inWaitingRoom: false,
      audioReceiving: true,
      videoReceiving: true,
      recordingMe: false,
      lastSpokeAt: 0,
    };
  }
}

export function callIdOf(id: string): string {
  return id.split('/')[0];
}

/** Same user? Ignores an InstanceId suffix (/xxxx) and resolves short ids against the domain. */
export function sameUser(a: string, b: string, domain: string): boolean {
  const norm = (id: string) => {
    const base = callIdOf(id);
    return (base.includes('@') ? base : `${base}@${domain}`).toLowerCase();
  };
  return norm(a) === norm(b);
}
