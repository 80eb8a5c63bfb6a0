import * as assert from 'node:assert/strict';
import { RoomEmulator } from '../../src/emulator';
import { RawClient, roomWithControllers, type Frame } from './raw-client';

/**
 * The conference-side families: participants by InstanceId, podium, smart meeting (VAD), moderation, the
 * waiting room, layout, camera control, chat, files and slides. Each change is read back with its getter and
 * its notification is seen by the second controller too.
 */
/** How long the far end 'slow-sam' takes to answer a camera control request. */
const SLOW_MS = 200;

describe('emulator: conference families keep state', () => {
  let room: RoomEmulator;
  let admin: RawClient;
  let user: RawClient;
  let stop: () => Promise<void>;

  beforeEach(async () => {
    ({ room, admin, user, stop } = await roomWithControllers({
      answerDelayMs: 10,
      peers: { 'decline-dora': { reject: 0 }, 'slow-sam': { answer: true, delayMs: SLOW_MS } },
    }));
  });

  afterEach(() => stop());

  const ok = async (c: RawClient, method: string, params: Frame = {}) => {
    const r = await c.request(method, params);
    assert.equal(r.result, true, `${method}: ${String(r.error ?? '')}`);
    return r;
  };
  const refused = async (c: RawClient, method: string, params: Frame, error: RegExp) => {
    const r = await c.request(method, params);
    assert.equal(r.result, false, `${method} must be refused`);
    assert.match(String(r.error), error);
  };
  /** The notification, on both controllers. */
  const both = async (event: string, match: (f: Frame) => boolean = () => true) => {
    const [a] = await Promise.all([admin.event(event, match), user.event(event, match)]);
    return a;
  };
  const participants = async (c: RawClient = user) =>
    (await ok(c, 'getConferenceParticipants')).participants as Frame[];
  const byId = (list: Frame[], id: string) => list.find((p) => p.peerId === id);

  async function conference(params: Frame = {}): Promise<Frame> {
    await ok(admin, 'createConference', { title: 'T', confType: 'symmetric', autoAccept: true, ...params });
    return both('conferenceCreated');
  }

  it('terminology: short ids resolve against the server; two instances of one user are two participants', async () => {
    await conference();
    const laptop = room.participantJoins({ peerId: 'user1' });
    const phone = room.participantJoins({ peerId: 'user1@emulator.local/phone' });
    assert.match(laptop, /^user1@emulator\.local\/[0-9a-f]+$/);
    assert.equal(phone, 'user1@emulator.local/phone');
    const list = await participants();
    assert.deepEqual(
      list.map((p) => p.peerId),
      ['room@emulator.local/room', laptop, phone],
    );
    const joined = [await both('newParticipantInConference'), await both('newParticipantInConference')];
    assert.deepEqual(
      joined.map((f) => f.peerId),
      [laptop, phone],
    );
    await refused(admin, 'kickPeer', { peerId: 'user1' }, /2 times: give the InstanceId/);
    await ok(admin, 'kickPeer', { peerId: phone });
    assert.equal((await both('participantLeftConference')).peerId, phone);
    assert.deepEqual(
      (await participants()).map((p) => p.peerId),
      ['room@emulator.local/room', laptop],
    );
    // With one instance left, the CallId names it.
    await ok(admin, 'turnRemoteMic', { peerId: 'user1@emulator.local', on: false });
    assert.equal(byId(await participants(), laptop)?.mic, 1);
    const prepared = await ok(user, 'prepareCallIdForCall', { callId: 'user2' });
    assert.equal(prepared.preparedCallId, 'user2@emulator.local');
    // Against another server, the same short id resolves there.
    await ok(admin, 'hangUp');
    await ok(admin, 'connectToServer', { server: 'tc.example.org' });
    await both('serverConnected');
    assert.equal((await ok(user, 'prepareCallIdForCall', { callId: 'user2' })).preparedCallId, 'user2@tc.example.org');
  });

  it('moderation: remote mic and camera, moderators, what the Room receives', async () => {
    await conference();
    const bob = room.participantJoins({ peerId: 'bob' });
    await ok(admin, 'turnRemoteCamera', { peerId: bob, on: false });
    const status = await both('deviceStatusReceived', (f) => f.peerId === bob);
    assert.deepEqual([status.mic, status.video], [2, 1]);
    assert.equal(byId(await participants(), bob)?.video, 1);
    await ok(admin, 'setModeratorRole', { peerId: bob, moderator: true });
    assert.equal(byId(await participants(), bob)?.leaderType, 1, 'no notification is named; the getter shows it');
    await ok(user, 'enableVideoReceiving', { peerId: bob, enable: false });
    assert.equal((await both('enableVideoReceivingChanged')).enable, false);
    assert.equal(byId(await participants(), bob)?.videoReceiving, false);
    room.recordRequest(bob);
    await both('recordRequest');
    await ok(admin, 'allowRecord', { peerId: bob });
    assert.equal((await both('userRecordingMeStatusChanged')).peerId, bob);
    assert.equal(byId(await participants(), bob)?.recordingMe, true);
  });

  it('waiting room: switched on, a participant waits and is let in', async () => {
    await conference({ confType: 'role' });
    await ok(admin, 'setWaitingRoomState', { enable: true, isUsersMustBeInvited: false });
    assert.equal((await both('waitingRoomStateChanged')).enabled, true);
    assert.equal(((await ok(user, 'getConferences')).conferences as Frame[])[0].isWaitingRoomEnabled, true);
    const carol = room.participantJoins({ peerId: 'carol' });
    assert.equal(byId(await participants(), carol)?.isInWaitingRoom, true);
    await ok(admin, 'setParticipantPresenceInWaitingRoom', { callId: carol, inWaitingRoom: false });
    assert.equal((await both('participantPresenceInWaitingRoomChanged')).inWaitingRoom, false);
    assert.equal(byId(await participants(), carol)?.isInWaitingRoom, false);
  });

  it('podium: the owner invites, kicks, answers requests; the Room goes and leaves', async () => {
    await conference({ confType: 'role', castersCount: 2 });
    const me = 'room@emulator.local/room';
    assert.equal(byId(await participants(), me)?.broadcast, true, 'the owner starts on the podium');
    const ann = room.participantJoins({ peerId: 'ann' });
    const dora = room.participantJoins({ peerId: 'decline-dora' });
    await ok(admin, 'inviteToPodium', { peerId: dora });
    assert.equal((await both('roleEventOccured', (f) => f.peerId === dora && f.type === 1)).result, 3, 'declined');
    await ok(admin, 'inviteToPodium', { peerId: ann });
    await both('roleEventOccured', (f) => f.peerId === ann && f.type === 1 && f.broadcast === true);
    assert.equal(byId(await participants(), ann)?.broadcast, true);
    await refused(admin, 'inviteToPodium', { peerId: dora }, /podium is full/);
    await ok(admin, 'kickFromPodium', { peerId: ann });
    await both('roleEventOccured', (f) => f.peerId === ann && f.broadcast === false);
    assert.equal(byId(await participants(), ann)?.broadcast, false);
    room.requestPodium(ann);
    assert.deepEqual(((await ok(user, 'getAppState')).requests as Frame).incomingPodiumRequest, true);
    await ok(admin, 'acceptRequestToPodium', { peerId: ann });
    assert.equal((await both('incomingRequestToPodiumAnswered')).allow, true);
    assert.equal(byId(await participants(), ann)?.broadcast, true);
    await ok(user, 'leavePodium');
    await both('roleEventOccured', (f) => f.peerId === me && f.broadcast === false);
    await ok(user, 'gotoPodium');
    await both('roleEventOccured', (f) => f.peerId === me && f.broadcast === true);
    await refused(admin, 'pinUser', { peerId: ann, isPinNeeded: true }, /only in a smart meeting/);
  });

  it('the Room invited to the podium by a far owner accepts the invitation', async () => {
    room.incomingCall({ peerId: 'host', type: 3 });
    await ok(admin, 'accept');
    await both('conferenceCreated');
    room.inviteRoomToPodium();
    await both('roleEventOccured', (f) => f.peerId === 'room@emulator.local/room' && f.type === 0);
    await ok(user, 'acceptInvitationToPodium');
    assert.equal((await both('incomingPodiumInvitationRemoved')).reason, 0);
    assert.equal(byId(await participants(), 'room@emulator.local/room')?.broadcast, true);
  });

  it('smart meeting (VAD): speakers take the podium up to its slots; podium commands inactive; pinUser works', async () => {
    assert.equal((await conference({ confType: 'role', smartMeeting: true, castersCount: 3 })).isSmartMeeting, true);
    const [a, b, c] = ['ann', 'ben', 'cat'].map((p) => room.participantJoins({ peerId: p }));
    const onPodium = async () =>
      (await participants())
        .filter((p) => p.broadcast)
        .map((p) => p.peerId)
        .sort();
    const me = 'room@emulator.local/room';
    assert.deepEqual(await onPodium(), [me]);
    room.participantSpeaks(a);
    room.participantSpeaks(b);
    await both('roleEventOccured', (f) => f.peerId === b && f.broadcast === true);
    assert.deepEqual(await onPodium(), [a, b, me].sort());
    // The podium is full: the next speaker takes the place of the one silent longest (the Room, never spoke).
    room.participantSpeaks(c);
    await both('roleEventOccured', (f) => f.peerId === c && f.broadcast === true);
    assert.deepEqual(await onPodium(), [a, b, c].sort());
    await refused(admin, 'inviteToPodium', { peerId: a }, /inactive.*smart meeting \(VAD\)/);
    await refused(user, 'gotoPodium', {}, /inactive/);
    await refused(admin, 'kickFromPodium', { peerId: a }, /inactive/);
    // A pinned speaker stays; ann spoke first, but is pinned, so ben (next quietest) leaves for the Room.
    await ok(admin, 'pinUser', { peerId: a, isPinNeeded: true });
    assert.equal((await both('userPinEventOccurred', (f) => f.peerId === a)).eventCode, 0);
    room.participantSpeaks(me);
    await both('roleEventOccured', (f) => f.peerId === me && f.broadcast === true);
    assert.deepEqual(await onPodium(), [a, c, me].sort());
    assert.equal(byId(await participants(), a)?.pinned, true);
    await ok(admin, 'pinUser', { peerId: c, isPinNeeded: true });
    assert.equal((await both('userPinEventOccurred', (f) => f.peerId === c)).eventCode, 0);
    await ok(admin, 'pinUser', { peerId: b, isPinNeeded: true });
    assert.equal(
      (await both('userPinEventOccurred', (f) => f.peerId === b)).eventCode,
      2,
      'pins cannot fill every slot',
    );
    await ok(admin, 'pinUser', { peerId: 'nobody-here', isPinNeeded: true });
    assert.equal((await both('userPinEventOccurred', (f) => f.peerId === 'nobody-here')).eventCode, 3);
    await ok(admin, 'changeConferenceMode', { isSmartMeeting: false });
    assert.equal((await both('smartMeetingModeChanged')).isSmartMeeting, false);
    assert.equal(((await ok(user, 'getConferences')).conferences as Frame[])[0].isSmartMeeting, false);
    await ok(admin, 'kickFromPodium', { peerId: c });
  });

  it('layout: matrix type, hidden and swapped slots, a slot on the second monitor', async () => {
    await conference();
    const ann = room.participantJoins({ peerId: 'ann' });
    const ben = room.participantJoins({ peerId: 'ben' });
    const slots = (m: Frame) => (m.participants as Frame[]).map((p) => p.peerId);
    await ok(admin, 'changeVideoMatrixType', { matrixType: 2 });
    assert.equal((await both('videoMatrixChanged', (f) => f.matrixType === 2)).matrixType, 2);
    assert.equal((await ok(user, 'getVideoMatrix')).matrixType, 2);
    await ok(admin, 'swapVideoSlots', { callId1: ann, callId2: ben });
    await both('videoMatrixChanged', (f) => slots(f)[1] === ben);
    assert.deepEqual(slots(await ok(user, 'getVideoMatrix')), ['#self:0', ben, ann]);
    await ok(admin, 'hideVideoSlot', { callId: '#self:0' });
    await both('videoMatrixChanged', (f) => (f.hiddenVideoSlots as string[]).includes('#self:0'));
    assert.deepEqual(slots(await ok(user, 'getVideoMatrix')), [ben, ann]);
    await ok(admin, 'moveVideoSlotToMonitor', { callId: 'ann', monitorIndex: 1 });
    assert.equal((await both('videoSlotMovedToMonitor')).callId, ann);
    const matrix = await ok(user, 'getVideoMatrix');
    assert.deepEqual(slots(matrix), [ben]);
    assert.equal((matrix.externVideoSlots as Frame[])[0].callId, ann);
    await ok(admin, 'removeVideoSlotFromMonitor', { monitorIndex: 1 });
    assert.equal((await both('videoSlotRemovedFromMonitor')).callId, ann);
  });

  it('camera control: the far end grants its camera; the Room answers a request for its own', async () => {
    await conference();
    const ann = room.participantJoins({ peerId: 'ann' });
    const dora = room.participantJoins({ peerId: 'decline-dora' });
    await ok(admin, 'requestParticipantCameraControl', { callId: ann });
    assert.equal((await both('requestCameraControlSent')).callId, ann);
    await both('outgoingRequestCameraControlAccepted');
    assert.deepEqual((await ok(user, 'getRemotelyControlledCameras')).callIdList, [ann]);
    await ok(admin, 'remotelyControlledCameraPtzLeft', { cameraOwnerCallId: ann });
    await ok(admin, 'requestParticipantCameraControl', { callId: dora });
    assert.equal((await both('outgoingRequestCameraControlRejected')).callId, dora);
    await refused(admin, 'remotelyControlledCameraPtzLeft', { cameraOwnerCallId: dora }, /does not control/);
    room.cameraControlRequest(dora);
    assert.equal((await both('requestCameraControlReceived')).callId, dora);
    assert.deepEqual((await ok(user, 'getIncomingCameraControlRequests')).callIdList, [dora]);
    await ok(admin, 'acceptRequestCameraControl', { callId: dora });
    assert.equal((await both('incomingRequestCameraControlAccepted')).callId, dora);
    assert.deepEqual((await ok(user, 'getIncomingCameraControlRequests')).callIdList, []);
    room.participantLeaves(ann);
    assert.equal((await both('remotelyControlledCameraNotAvailableAnymore')).callId, ann);
    assert.deepEqual((await ok(user, 'getRemotelyControlledCameras')).callIdList, []);
  });

  it('stop() cancels a camera control request the far end has not answered yet', async () => {
    await conference();
    const sam = room.participantJoins({ peerId: 'slow-sam' });
    await ok(admin, 'requestParticipantCameraControl', { callId: sam });
    const late: string[] = [];
    await stop();
    room.on('notification', (name: string) => late.push(name));
    // the only fixed wait: a window in which nothing may happen
    await new Promise((resolve) => setTimeout(resolve, SLOW_MS * 2));
    assert.deepEqual(late, [], 'a stopped emulator sends nothing (and keeps no timer alive)');
  });

  it('chat: sent and received messages are kept per chat; chatClear empties one', async () => {
    await ok(admin, 'sendMessage', { peerId: 'alice', message: 'hello' });
    assert.equal((await both('chatMessageSent')).peerId, 'alice@emulator.local');
    room.incomingChatMessage({ peerId: 'alice', message: 'hi back' });
    assert.equal((await both('incomingChatMessage')).message, 'hi back');
    assert.deepEqual((await ok(user, 'getListOfChats')).list, ['alice@emulator.local']);
    const messages = (await ok(user, 'getChatLastMessages', { id: 'alice', beginNumber: 0, count: 10 }))
      .messages as Frame[];
    assert.deepEqual(
      messages.map((m) => [m.message, m.mine]),
      [
        ['hello', true],
        ['hi back', false],
      ],
    );
    const confId = (await conference()).confId;
    await ok(user, 'sendGroupMessage', { message: 'all' });
    assert.equal((await both('groupChatMessageSent')).message, 'all');
    await ok(admin, 'chatClear', { id: 'alice@emulator.local' });
    assert.equal((await both('cmdChatClear')).id, 'alice@emulator.local');
    assert.deepEqual((await ok(user, 'getListOfChats')).list, [confId]);
  });

  it('file transfer: files sent to a participant and the conference; an offered file accepted', async () => {
    await conference();
    const ann = room.participantJoins({ peerId: 'ann' });
    await ok(admin, 'sendFile', { fileId: 1, peerId: ann });
    assert.equal((await both('fileSent')).peerId, ann);
    await ok(admin, 'sendConferenceFile', { fileId: 2 });
    assert.equal((await both('fileConferenceSent')).fileId, 2);
    assert.deepEqual(
      ((await ok(user, 'getFileUploads')).files as Frame[]).map((f) => f.fileId),
      [1, 2],
    );
    const id = room.incomingFile({ peerId: ann, fileName: 'notes.txt' });
    assert.equal((await both('receivedFileRequest')).fileName, 'notes.txt');
    assert.deepEqual(
      ((await ok(user, 'getFileRequests')).files as Frame[]).map((f) => f.id),
      [id],
    );
    await ok(admin, 'acceptFile', { id });
    assert.equal((await both('fileAccepted')).id, id);
    assert.deepEqual((await ok(user, 'getFileRequests')).files, []);
    const list = (await ok(user, 'getFileList')).fileList as Frame[];
    assert.ok(
      list.some((f) => f.fileName === 'notes.txt'),
      'the accepted file is on the Room',
    );
    await ok(admin, 'clearFileTransfer');
    await both('fileTransferCleared');
    assert.deepEqual((await ok(user, 'getFileTransferInfo')).files, []);
  });

  it('slides: add, reorder, show, step, stop', async () => {
    const logo = room.addFile('z-last.png');
    for (const fileId of [3, 4, logo]) await ok(admin, 'addSlide', { fileId });
    assert.equal((await both('slideAdded', (f) => f.fileId === logo)).idx, 2);
    await ok(admin, 'setSlidePosition', { fromIdx: 2, toIdx: 0 });
    assert.equal((await both('slidePositionChanged')).newIdx, 0);
    await ok(admin, 'startSlideShow', { title: 'Q3' });
    assert.equal((await both('mySlideShowStarted')).title, 'Q3');
    await ok(user, 'showNextSlide');
    assert.equal((await both('currentSlideIndexChanged')).currentIdx, 1);
    const info = await ok(user, 'getSlideShowInfo');
    assert.deepEqual(
      [info.started, info.currentSlideIdx, (info.slides as Frame[]).map((s) => s.fileId)],
      [true, 1, [logo, 3, 4]],
    );
    await ok(admin, 'sortSlides');
    await both('slidesSorted');
    await ok(admin, 'stopSlideShow');
    await both('mySlideShowStopped');
    assert.equal((await ok(user, 'getSlideShowInfo')).started, false);
  });
});
