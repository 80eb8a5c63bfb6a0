import type { Conferences, Participant } from './conference';
import { ROLE, ROLE_BASED, sameUser } from './wire-shapes';
import { scriptFor } from './peers';
import { fail, ok, type Reply } from './reply';
import { Timers } from './timers';
import type { WorldLink } from './world-link';

/**
 * The podium of a role-based conference and the smart meeting (docs/protocol.md §10.6): in a smart
 * meeting speakers take the podium by voice activity up to the number of slots, the one silent longest
 * leaves first, podium commands are inactive and pinUser keeps a speaker there. On the wire a participant on
 * the podium has `broadcast: true`; changes are reported by roleEventOccured.
 */

/** roleEventOccured.type and .result (docs/protocol.md §10.6). */
const ROLE_EVENT = { request: 0, response: 1, notification: 3 } as const;
const ROLE_RESULT = { positive: 0, declined: 3 } as const;
/** userPinEventOccurred.eventCode (docs/protocol.md §10.6). */
const PIN_EVENT = { pinned: 0, unpinned: 1, limitReached: 2, notInConference: 3 } as const;

export class Podium {
  private readonly requests = new Set<Participant>();
  private roomInvited = false;
  private speakCounter = 0;
  private readonly timers: Timers;

  constructor(
    private readonly w: WorldLink,
    private readonly confs: Conferences,
  ) {
    this.timers = new Timers((err) => w.onError(err));
  }

  /** The `requests` of getAppState while a podium request or invitation is pending (docs/protocol.md §9.1). */
  appStateRequests(): Record<string, unknown> | undefined {
    const incomingRequest = this.requests.size > 0;
    if (!incomingRequest && !this.roomInvited) return undefined;
    return {
      requests: {
        incomingPodiumRequest: incomingRequest,
        outgoingPodiumRequest: false,
        incomingPodiumInvitation: this.roomInvited,
        outgoingPodiumInvitation: false,
      },
    };
  }

  clear(): void {
    this.timers.clear();
    this.requests.clear();
    this.roomInvited = false;
  }

  /** A participant left. */
  forget(p: Participant): void {
    this.requests.delete(p);
  }

  /** gotoPodium: the owner takes it at once; otherwise the Room asks, and the owner (scripted) allows [INF]. */
  gotoPodium(): Reply {
    const refusal = this.podiumRefusal(false);
    if (refusal) return fail(refusal);
    const me = this.me()!;
    if (me.broadcast) return fail('the Room is already on the podium');
    if (this.onPodium().length >= this.confs.current!.podiumSlots) return fail('the podium is full');
    return ok(undefined, () => {
      if (this.confs.ownedByRoom) return this.setBroadcast(me, true, ROLE_EVENT.notification);
      me.role = ROLE.requestedPodium;
      this.roleEvent(me, ROLE_EVENT.request, ROLE_RESULT.positive);
      const conf = this.confs.current;
      this.timers.after(this.w.answerDelayMs, () => {
        if (this.confs.current !== conf || me.role !== ROLE.requestedPodium) return;
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
    const found = this.confs.found(peerId);
    if ('error' in found) return fail(found.error);
    const p = found.p;
    if (p.broadcast) return fail(`${p.peerId} is already on the podium`);
    if (this.onPodium().length >= this.confs.current!.podiumSlots) return fail('the podium is full');
    return ok(undefined, () => {
      p.role = ROLE.invitedToPodium;
      this.roleEvent(p, ROLE_EVENT.request, ROLE_RESULT.positive);
      const conf = this.confs.current;
      const script = scriptFor(p.peerId, this.w.peers);
      this.timers.after(
        'delayMs' in script && script.delayMs !== undefined ? script.delayMs : this.w.answerDelayMs,
        () => {
          if (this.confs.current !== conf || p.role !== ROLE.invitedToPodium) return;
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
    const found = this.confs.found(peerId);
    if ('error' in found) return fail(found.error);
    if (!found.p.broadcast) return fail(`${found.p.peerId} is not on the podium`);
    return ok(undefined, () => this.setBroadcast(found.p, false, ROLE_EVENT.notification));
  }

  /** Test hook: a participant asks for the podium (roleEventOccured request); accept/rejectRequestToPodium answer. */
  requestPodium(peerId: string): void {
    const found = this.confs.found(peerId);
    if ('error' in found) throw new Error(`requestPodium: ${found.error}`);
    const refusal = this.podiumRefusal(true);
    if (refusal) throw new Error(`requestPodium: ${refusal}`);
    found.p.role = ROLE.requestedPodium;
    this.requests.add(found.p);
    this.roleEvent(found.p, ROLE_EVENT.request, ROLE_RESULT.positive);
  }

  answerPodiumRequest(peerId: string, allow: boolean): Reply {
    const refusal = this.podiumRefusal(true);
    if (refusal) return fail(refusal);
    const p = [...this.requests].find((r) => r.peerId === peerId || sameUser(r.peerId, peerId, this.w.domain));
    if (!p) return fail(`no podium request from ${peerId}`);
    if (allow && this.onPodium().length >= this.confs.current!.podiumSlots) return fail('the podium is full');
    return ok(undefined, () => {
      this.requests.delete(p);
      p.role = ROLE.general;
      if (allow) p.broadcast = true;
      this.w.notify('incomingRequestToPodiumAnswered', { peerId: p.peerId, allow, confId: this.confs.current?.confId });
    });
  }

  /** Test hook: the far owner invites the Room to the podium; accept/rejectInvitationToPodium answer. */
  inviteRoomToPodium(): void {
    const refusal = this.podiumRefusal(false);
    if (refusal) throw new Error(`inviteRoomToPodium: ${refusal}`);
    if (this.confs.ownedByRoom) throw new Error('inviteRoomToPodium: the Room owns the conference');
    const me = this.me()!;
    me.role = ROLE.invitedToPodium;
    this.roomInvited = true;
    this.roleEvent(me, ROLE_EVENT.request, ROLE_RESULT.positive);
  }

  answerPodiumInvitation(accept: boolean): Reply {
    if (!this.roomInvited) return fail('no invitation to the podium');
    const me = this.me()!;
    return ok(undefined, () => {
      this.roomInvited = false;
      me.role = ROLE.general;
      if (accept) me.broadcast = true;
      this.w.notify('incomingPodiumInvitationRemoved', { confId: this.confs.current?.confId, reason: accept ? 0 : 1 });
    });
  }

  // ---- smart meeting (VAD auto-podium) --------------------------------------------------------------

  changeMode(isSmartMeeting: boolean): Reply {
    const c = this.confs.current;
    if (!c || c.confType !== ROLE_BASED) return fail('not in a role-based conference');
    if (c.owner !== this.w.roomId) return fail('only the conference owner can change its mode');
    return ok(undefined, () => {
      c.smartMeeting = isSmartMeeting;
      if (!isSmartMeeting) for (const p of c.participants) p.pinned = false;
      // The catalogue names smartMeetingModeChanged without fields [INF].
      this.w.notify('smartMeetingModeChanged', { confId: c.confId, isSmartMeeting });
    });
  }

  /** pinUser: a pinned speaker keeps a podium slot; pins can never fill every slot (docs/protocol.md §10.6). */
  pinUser(peerId: string, pin: boolean): Reply {
    const c = this.confs.current;
    if (!c || !c.smartMeeting)
      return fail('pinUser works only in a smart meeting (VAD auto-podium); the conference is not in that mode');
    const p = this.confs.lookup(peerId).p;
    const event = (peer: string, eventCode: number) =>
      this.w.notify('userPinEventOccurred', { peerId: peer, eventCode, confId: c.confId });
    // The outcome is the notification, also for a participant who is not there (docs/protocol.md §10.6).
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

  /** Test hook: a participant speaks. In a smart meeting they take a slot; the unpinned one silent longest leaves. */
  speak(peerId: string): void {
    const c = this.confs.current;
    if (!c) throw new Error('participantSpeaks: the Room is not in a conference');
    const p = this.confs.lookup(peerId).p;
    if (!p) throw new Error(`participantSpeaks: no participant ${peerId}`);
    this.speakCounter += 1;
    p.lastSpokeAt = this.speakCounter;
    if (c.smartMeeting && !p.broadcast) this.takePodiumSlot(p);
  }

  private takePodiumSlot(p: Participant): void {
    const c = this.confs.current!;
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
      confId: this.confs.current?.confId,
    });
  }

  private onPodium(): Participant[] {
    return this.confs.current?.participants.filter((p) => p.broadcast) ?? [];
  }

  private me(): Participant | undefined {
    return this.confs.current?.participants.find((p) => p.self);
  }

  /** Why a podium command cannot run now (docs/protocol.md §10.6: podium commands are inactive under VAD). */
  private podiumRefusal(ownerOnly: boolean): string | undefined {
    const c = this.confs.current;
    if (!c) return 'not in a conference';
    if (c.confType !== ROLE_BASED) return 'podium commands need a role-based conference';
    if (c.smartMeeting)
      return (
        'podium commands are inactive: the conference is in smart meeting (VAD) mode, ' +
        'where speakers take the podium by voice; use pinUser'
      );
    if (ownerOnly && c.owner !== this.w.roomId) return 'only the conference owner can manage the podium';
    return undefined;
  }

  /** A participant the Room may act on as owner. */
}
