import type { Conferences, Participant } from './conference';
import { sameUser } from './wire-shapes';
import { fail, ok, type Reply } from './reply';
import type { WorldLink } from './world-link';

/**
 * What the Room as conference owner does to participants (docs/protocol.md §10.6, §10.7): moderators, their
 * microphones and cameras, what the Room receives from them, record requests, and the waiting room.
 */
export class Moderation {
  private readonly recordRequests = new Set<Participant>();

  constructor(
    private readonly w: WorldLink,
    private readonly confs: Conferences,
  ) {}

  clear(): void {
    this.recordRequests.clear();
  }

  /** A participant left. */
  forget(p: Participant): void {
    this.recordRequests.delete(p);
  }

  /** setModeratorRole: shows as the participant's leaderType; the reference names no notification [INF: none]. */
  setModerator(peerId: string, moderator: boolean): Reply {
    const found = this.confs.ownerTarget(peerId);
    if ('error' in found) return fail(found.error);
    found.p.moderator = moderator;
    return ok();
  }

  /** turnRemoteMic / turnRemoteCamera: the participant's mic/video, reported by deviceStatusReceived [INF]. */
  turnRemote(kind: 'mic' | 'video', peerId: string, on: boolean): Reply {
    const found = this.confs.ownerTarget(peerId);
    if ('error' in found) return fail(found.error);
    const p = found.p;
    if (p[kind] === 0) return fail(`${p.peerId} has no ${kind === 'mic' ? 'microphone' : 'camera'}`);
    return ok(undefined, () => {
      p[kind] = on ? 2 : 1;
      this.w.notify('deviceStatusReceived', {
        peerId: p.peerId,
        mic: p.mic,
        video: p.video,
        confId: this.confs.current?.confId,
      });
    });
  }

  /** turnRemoteSpeaker: accepted for a participant in the Room's conference; no getter shows a far speaker [INF]. */
  turnRemoteSpeaker(peerId: string): Reply {
    const found = this.confs.ownerTarget(peerId);
    return 'error' in found ? fail(found.error) : ok();
  }

  enableReceiving(kind: 'audio' | 'video', peerId: string, enable: boolean): Reply {
    const found = this.confs.found(peerId);
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
    const found = this.confs.found(peerId);
    if ('error' in found) throw new Error(`recordRequest: ${found.error}`);
    this.recordRequests.add(found.p);
    this.w.notify('recordRequest', {
      peerId: found.p.peerId,
      peerDn: found.p.peerDn,
      confId: this.confs.current?.confId,
    });
  }

  answerRecord(peerId: string, allow: boolean): Reply {
    const p = [...this.recordRequests].find((r) => sameUser(r.peerId, peerId, this.w.domain));
    if (!p) return fail(`no record request from ${peerId}`);
    return ok(undefined, () => {
      this.recordRequests.delete(p);
      if (!allow) return;
      p.recordingMe = true;
      // The participant now records the Room [INF: event and status value].
      this.w.notify('userRecordingMeStatusChanged', {
        peerId: p.peerId,
        status: 1,
        confId: this.confs.current?.confId,
      });
    });
  }

  setWaitingRoom(enable: boolean, usersMustBeInvited: boolean): Reply {
    const c = this.confs.current;
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
    const found = this.confs.ownerTarget(callId);
    if ('error' in found) return fail(found.error);
    if (!this.confs.current?.waitingRoom) return fail('the waiting room is off');
    const p = found.p;
    return ok(undefined, () => {
      p.inWaitingRoom = inWaitingRoom;
      this.w.notify('participantPresenceInWaitingRoomChanged', {
        peerId: p.peerId,
        inWaitingRoom,
        confId: this.confs.current?.confId,
      });
    });
  }
}
