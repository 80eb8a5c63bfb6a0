import { methodNames, methodSpec } from '../protocol/catalogue';
import { ADDRESS_BOOK_HANDLERS } from './address-book';
import { CAMERA_CONTROL_HANDLERS } from './camera-control';
import { DEVICE_HANDLERS } from './devices';
import { MESSAGING_HANDLERS } from './messaging';
import type { Notify } from './notify';
import { fail, ok, type Reply } from './reply';
import type { RoomState } from './room-state';
import { SYSTEM_HANDLERS } from './room-system';
import type { RoomWorld } from './room-world';
import { sampleFields, type SampleContext } from './sample-fields';
import type { Session, Sessions } from './sessions';
import { SLIDE_HANDLERS } from './slides';
import { VIDEO_MATRIX_HANDLERS } from './video-matrix';

/**
 * Which code answers which command. Commands with state (calls, conferences, mute, settings, auth) have a
 * handler here; every other catalogue command gets `result:true` with plausible fields (sample-fields.ts).
 * By the time a handler runs, the frame has passed the auth gate, the admin-only check and the catalogue
 * parameter check.
 */

export interface HandlerContext {
  frame: Record<string, unknown>;
  session: Session;
  world: RoomWorld;
  /** Everything outside calls and conferences, by method family. */
  state: RoomState;
  sessions: Sessions;
  /** Broadcast to every authorized controller. */
  notify: Notify;
  /** A short id resolves against the Room's current server (user1 -> user1@server). */
  resolve: (id: string) => string;
  displayName: (id: string) => string;
  /** shutdown / shutdownSystem / rebootSystem: every connection closes, the Room comes back later. */
  powerCycle: (method: string) => void;
  samples: SampleContext;
  /** Invalidate every token (clearTokens). */
  clearTokens: () => void;
  /** Log a remark for commands the emulator accepts but does not act on. */
  remark: (text: string) => void;
}

export type Handler = (ctx: HandlerContext) => Reply;

const str = (ctx: HandlerContext, name: string): string => String(ctx.frame[name]);

const HANDLERS: Record<string, Handler> = {
  // session
  auth: (c) => c.sessions.auth(c.session, c.frame),
  setUsedApiVersion: (c) => {
    const version = Number(c.frame.version);
    if (version !== 1 && version !== 2)
      return fail(`unsupported API version "${str(c, 'version')}" (supported: "1", "2")`);
    c.session.apiVersion = version;
    return ok();
  },
  // Then authorizationParametersChanged to the controllers still authorized (fields [INF]: the catalogue names none).
  setAuthParams: (c) => {
    const reply = c.sessions.setAuthParams(c.session, c.frame);
    if (!reply.ok) return reply;
    return ok(reply.fields, () => {
      reply.then?.();
      c.notify('authorizationParametersChanged', { userType: c.frame.userType, authType: c.frame.authType });
    });
  },
  getAuthInfo: (c) => ok(c.sessions.authInfo(c.session)),
  getTokenForHttpServer: (c) => ok({ token: c.sessions.tokenForHttpServer() }),
  clearTokens: (c) => {
    c.clearTokens();
    return ok();
  },

  // app state, server, account
  getAppState: (c) => ok(c.world.appStateFields()),
  connectToServer: (c) => c.world.connectToServer(str(c, 'server'), c.frame.port as number | undefined),
  // TrueConf Online: a server chosen by domain (the emulator's own domain when none is given) [INF].
  connectToService: (c) =>
    c.world.connectToServer(typeof c.frame.domain === 'string' ? c.frame.domain : c.world.domain, undefined, true),
  login: (c) => c.world.login(str(c, 'login'), str(c, 'password')),
  logout: (c) => c.world.logout(),
  getLogin: (c) => ok(c.world.loginInfo()),
  getConnected: (c) => ok(c.world.connectedInfo()),
  getServerDomain: (c) => ok({ domain: c.world.domain }),
  getSystemInfo: (c) => {
    const fields = sampleFields(methodSpec('getSystemInfo')?.response ?? [], {}, c.samples);
    // authInfo only while logged in (catalogue note).
    if (!(c.world.loginInfo().isLoggedIn === true)) delete fields.authInfo;
    return ok(fields);
  },

  // calls
  call: (c) => c.world.call(str(c, 'peerId')),
  accept: (c) => c.world.accept(),
  reject: (c) => c.world.reject(),
  hangUp: (c) => c.world.hangUp(),

  // conferences
  createConference: (c) => c.world.createConference(c.frame),
  inviteToConference: (c) => c.world.inviteToConference(str(c, 'peerId')),
  kickPeer: (c) => c.world.kickPeer(str(c, 'peerId')),
  acceptPeer: (c) => c.world.acceptPeer(str(c, 'peerId')),
  rejectPeer: (c) => c.world.rejectPeer(str(c, 'peerId')),
  getConferences: (c) => ok({ conferences: c.world.conferences(c.session.apiVersion) }),
  getConferenceParticipants: (c) =>
    ok({ confId: c.world.conference?.confId ?? '', participants: c.world.participants(c.session.apiVersion) }),
  expandCallToMulti: (c) =>
    c.world.confs.expandCallToMulti(str(c, 'title'), (c.frame.inviteList as unknown[]).map(String)),
  prepareCallIdForCall: (c) => ok({ preparedCallId: c.resolve(str(c, 'callId')) }),

  // moderation, waiting room, podium, smart meeting
  setModeratorRole: (c) => c.world.confs.moderation.setModerator(str(c, 'peerId'), c.frame.moderator === true),
  turnRemoteMic: (c) => c.world.confs.moderation.turnRemote('mic', str(c, 'peerId'), c.frame.on === true),
  turnRemoteCamera: (c) => c.world.confs.moderation.turnRemote('video', str(c, 'peerId'), c.frame.on === true),
  turnRemoteSpeaker: (c) => c.world.confs.moderation.turnRemoteSpeaker(str(c, 'peerId')),
  enableAudioReceiving: (c) =>
    c.world.confs.moderation.enableReceiving('audio', str(c, 'peerId'), c.frame.enable === true),
  enableVideoReceiving: (c) =>
    c.world.confs.moderation.enableReceiving('video', str(c, 'peerId'), c.frame.enable === true),
  allowRecord: (c) => c.world.confs.moderation.answerRecord(str(c, 'peerId'), true),
  denyRecord: (c) => c.world.confs.moderation.answerRecord(str(c, 'peerId'), false),
  setWaitingRoomState: (c) =>
    c.world.confs.moderation.setWaitingRoom(c.frame.enable === true, c.frame.isUsersMustBeInvited === true),
  setParticipantPresenceInWaitingRoom: (c) =>
    c.world.confs.moderation.setPresenceInWaitingRoom(str(c, 'callId'), c.frame.inWaitingRoom === true),
  gotoPodium: (c) => c.world.confs.podium.gotoPodium(),
  leavePodium: (c) => c.world.confs.podium.leavePodium(),
  inviteToPodium: (c) => c.world.confs.podium.inviteToPodium(str(c, 'peerId')),
  kickFromPodium: (c) => c.world.confs.podium.kickFromPodium(str(c, 'peerId')),
  acceptRequestToPodium: (c) => c.world.confs.podium.answerPodiumRequest(str(c, 'peerId'), true),
  rejectRequestToPodium: (c) => c.world.confs.podium.answerPodiumRequest(str(c, 'peerId'), false),
  acceptInvitationToPodium: (c) => c.world.confs.podium.answerPodiumInvitation(true),
  rejectInvitationToPodium: (c) => c.world.confs.podium.answerPodiumInvitation(false),
  changeConferenceMode: (c) => c.world.confs.podium.changeMode(c.frame.isSmartMeeting === true),
  pinUser: (c) => c.world.confs.podium.pinUser(str(c, 'peerId'), c.frame.isPinNeeded === true),

  // media
  setMicMute: (c) => c.world.setMute('mic', c.frame.mute === true),
  setVideoMute: (c) => c.world.setMute('video', c.frame.mute === true),
  setAudioMute: (c) => c.world.setMute('audio', c.frame.mute === true),
  getMicMute: (c) => ok({ mute: c.world.mute.mic }),
  getVideoMute: (c) => ok({ mute: c.world.mute.video }),
  getAudioMute: (c) => ok({ mute: c.world.mute.audio }),

  // settings
  getSettings: (c) => ok({ settings: { ...c.world.settings } }),
  setSettings: (c) => c.world.setSettings(c.frame.settings as Record<string, unknown>),

  // power: the response goes out, then every connection closes and the Room comes back later
  shutdown: (c) => ok(undefined, () => c.powerCycle('shutdown')),
  shutdownSystem: (c) => ok(undefined, () => c.powerCycle('shutdownSystem')),
  rebootSystem: (c) => ok(undefined, () => c.powerCycle('rebootSystem')),

  ...DEVICE_HANDLERS,
  ...ADDRESS_BOOK_HANDLERS,
  ...SYSTEM_HANDLERS,
  ...VIDEO_MATRIX_HANDLERS,
  ...CAMERA_CONTROL_HANDLERS,
  ...MESSAGING_HANDLERS,
  ...SLIDE_HANDLERS,
};

/** Catalogue methods with no handler: they get `result:true` and plausible fields from sample-fields.ts. */
export function genericMethods(): string[] {
  return methodNames().filter((m) => !Object.prototype.hasOwnProperty.call(HANDLERS, m));
}

export function handle(method: string, ctx: HandlerContext): Reply {
  const handler = Object.prototype.hasOwnProperty.call(HANDLERS, method) ? HANDLERS[method] : undefined;
  if (handler) return handler(ctx);
  return ok(sampleFields(methodSpec(method)?.response ?? [], ctx.frame, ctx.samples));
}
