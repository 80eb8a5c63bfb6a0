import { AppState } from './app-state';
import type { PendingCall } from './calls';
import type { ConferenceView } from './conference-view';
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
  callIdOf,
  ROLE,
  ROLE_BASED,
  sameUser,
} from './wire-shapes';
import { Moderation } from './moderation';
import { Podium } from './podium';
import type { WorldLink } from './world-link';

/**
 * The current conference (appState 5): who is in it, in InstanceId form (`user@server/INSTANCE`, two
 * instances of one user are two participants), invitations and join requests (docs/protocol.md §6.6, §10.5).
 * The podium and smart meeting (podium.ts) and moderation and the waiting room (moderation.ts) act on its
 * participants.
 */

export interface Participant extends EmulatedParticipant {
  /** When this participant last spoke (VAD order); 0 = never. */
  lastSpokeAt: number;
}

export interface Conference extends ConferenceShape {
  participants: Participant[];
  direction?: 'outgoing' | 'incoming';
  autoAccept: boolean;
  usersMustBeInvited: boolean;
  startedAt: number;
}

const CONF_TYPES: Record<string, number> = { symmetric: 1, asymmetric: 2, role: 3 };
/** Podium slots of a role-based conference when createConference gives no castersCount [INF]. */
const DEFAULT_PODIUM_SLOTS = 4;
/** The Room's own instance suffix [INF]. */
export const ROOM_INSTANCE = 'room';

export class Conferences {
  private conf?: Conference;
  private readonly joinRequests = new Map<string, { peerId: string; peerDn: string }>();
  private instanceCounter = 0;
  private readonly timers: Timers;
  readonly podium: Podium;
  readonly moderation: Moderation;

  constructor(
    private readonly w: WorldLink,
    /** The conference ended (other modules drop what belonged to it). */
    private readonly ended: () => void,
    private readonly left: (peerId: string) => void,
  ) {
    this.timers = new Timers((err) => w.onError(err));
    this.podium = new Podium(w, this);
    this.moderation = new Moderation(w, this);
  }

  /** The current conference, for the podium and moderation modules. */
  get current(): Conference | undefined {
    return this.conf;
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
        const { lastSpokeAt: _spoke, ...view } = this.withMute(p);
        return view;
      }),
    };
  }

  /** What the modules outside the conference may read of it (layout, camera control, chat, files). */
  view(): ConferenceView {
    return {
      confId: () => this.conf?.confId,
      participants: () =>
        (this.conf?.participants ?? []).filter((p) => !p.self).map((p) => ({ peerId: p.peerId, peerDn: p.peerDn })),
      find: (id) => {
        const found = this.found(id);
        if ('error' in found) return found;
        return found.p.self
          ? { error: 'not allowed on the Room itself' }
          : { peerId: found.p.peerId, peerDn: found.p.peerDn };
      },
      roomDn: () => this.w.roomDn,
    };
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
      ...participantFields(this.withMute(p), c.confId),
      ...(apiVersion >= 2 ? { reaction: 0 } : {}),
    }));
  }

  /** The `requests` of getAppState while a podium request or invitation is pending (docs/protocol.md §9.1). */
  appStateRequests(): Record<string, unknown> | undefined {
    return this.podium.appStateRequests();
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
    this.podium.clear();
    this.moderation.clear();
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

  // ---- internals ------------------------------------------------------------------------------------

  /** The Room's own mic and camera follow its mute state. */
  private withMute(p: Participant): Participant {
    if (!p.self) return { ...p };
    return { ...p, mic: this.w.mute.mic ? 1 : 2, video: this.w.mute.video ? 1 : 2 };
  }

  ownerTarget(id: string): { p: Participant } | { error: string } {
    if (this.conf && this.conf.owner !== this.w.roomId) return { error: 'only the conference owner can do that' };
    const found = this.found(id);
    if ('p' in found && found.p.self) return { error: 'not allowed on the Room itself' };
    return found;
  }

  found(id: string): { p: Participant } | { error: string } {
    if (!this.conf) return { error: 'not in a conference' };
    const { p, ambiguous } = this.lookup(id);
    if (p) return { p };
    if (ambiguous)
      return { error: `${id} is in the conference ${ambiguous} times: give the InstanceId (user@server/instance)` };
    return { error: `no participant ${id}` };
  }

  /** An InstanceId names one participant; a CallId or short id a user, unambiguous with one instance only [INF]. */
  lookup(id: string): { p?: Participant; ambiguous?: number } {
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
    this.podium.forget(p);
    this.moderation.forget(p);
    this.w.notify('participantLeftConference', { peerId: p.peerId });
    this.left(p.peerId);
    if (c.p2p && !c.participants.some((x) => !x.self)) this.end();
  }

  /** A participant with an InstanceId: the one given, or a new instance of that user. */
  private newParticipant(c: Conference, id: string, peerDn: string): Participant {
    const peerId = id.includes('/') ? id : `${this.w.resolve(id)}/${this.nextInstance()}`;
    return participant({ peerId, peerDn, role: ROLE.general, self: false, broadcast: c.p2p });
  }

  /** Instance suffixes as a Room shows them: short hex strings [INF]. */
  private nextInstance(): string {
    this.instanceCounter += 1;
    return (0x1a2b00 + this.instanceCounter).toString(16);
  }

  private self(c: Conference, role: number): Participant {
    return participant({
      peerId: `${this.w.roomId}/${ROOM_INSTANCE}`,
      peerDn: this.w.roomDn,
      role,
      self: true,
      broadcast: c.p2p || c.confType === 1 || role === ROLE.owner,
    });
  }
}

/** A participant as they join: microphone and camera on, nothing pinned, recorded or waiting. */
function participant(p: Pick<Participant, 'peerId' | 'peerDn' | 'role' | 'self' | 'broadcast'>): Participant {
  return {
    ...p,
    mic: 2,
    video: 2,
    pinned: false,
    moderator: false,
    inWaitingRoom: false,
    audioReceiving: true,
    videoReceiving: true,
    recordingMe: false,
    lastSpokeAt: 0,
  };
}
