import type { EmulatedParticipant } from './types';

/**
 * How the Room writes a participant and a conference on the wire (newParticipantInConference,
 * getConferenceParticipants, conferenceCreated, getConferences). Field lists come from the catalogue;
 * values the emulator does not model are fixed [INF].
 */

export interface ConferenceShape {
  confId: string;
  confType: number;
  title: string;
  owner: string;
  p2p: boolean;
  waitingRoom: boolean;
  smartMeeting: boolean;
  podiumSlots: number;
}

/** Conference type of a role-based conference (docs/protocol.md §13). */
export const ROLE_BASED = 3;
/** participant role (the catalogue's participantRoles, docs/protocol.md §13). */
export const ROLE = { general: 1, owner: 2, requestedPodium: 3, invitedToPodium: 4 } as const;

/** Participants of a group conference the emulator allows (getConferences.maxParticipants) [INF]. */
export const MAX_PARTICIPANTS = 36;

export function joinUrl(domain: string, confId: string): string {
  return `https://${domain}/c/${confId.split('@')[0]}`;
}

export function participantFields(p: EmulatedParticipant, confId: string): Record<string, unknown> {
  return {
    peerId: p.peerId,
    peerDn: p.peerDn,
    mic: p.mic,
    video: p.video,
    role: p.role,
    broadcast: p.broadcast,
    slideShow: false,
    recordingMe: p.recordingMe,
    recordingByMe: false,
    audioReceiving: p.audioReceiving,
    videoReceiving: p.videoReceiving,
    extraVideo: 0,
    leaderType: p.moderator ? 1 : 0,
    confId,
    pinned: p.pinned,
    isInWaitingRoom: p.inWaitingRoom,
  };
}

export function conferenceCreatedFields(c: ConferenceShape, domain: string): Record<string, unknown> {
  return {
    confId: c.confId,
    confTitle: c.title,
    confType: c.confType,
    isSmartMeeting: c.smartMeeting,
    conferenceOwner: c.owner,
    joinUrl: joinUrl(domain, c.confId),
    realTimeConferenceManagmentUrl: `${joinUrl(domain, c.confId)}/manage`,
    isWaitingRoomSwitchingSupported: !c.p2p,
    isWaitingRoomEnabled: c.waitingRoom,
    isInWaitingRoom: false,
    maxParticipants: c.p2p ? 2 : MAX_PARTICIPANTS,
    maxParticipantsOnPodium: c.p2p ? 2 : c.podiumSlots,
    pinned: false,
  };
}

/** The group form of a getConferences element. */
export function groupConferenceFields(c: ConferenceShape, domain: string): Record<string, unknown> {
  return {
    conferenceOwner: c.owner,
    isSmartMeeting: c.smartMeeting,
    slideShowPresent: false,
    joinUrl: joinUrl(domain, c.confId),
    realTimeConferenceManagmentUrl: `${joinUrl(domain, c.confId)}/manage`,
    autoJoin: false,
    confState: 'running',
    isWaitingRoomSwitchingSupported: true,
    isWaitingRoomEnabled: c.waitingRoom,
    maxParticipants: MAX_PARTICIPANTS,
    maxParticipantsOnPodium: c.podiumSlots,
  };
}

/** user@server/INSTANCE -> user@server. */
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
