import * as assert from 'node:assert/strict';
import { RoomEmulator } from '../../src/emulator';
import { waitForEvent } from '../support/wait';
import { closeAll, RawClient, type Frame } from './raw-client';

/** The names of the notifications a client saw, in order, without authorizationNeeded noise. */
const names = (c: RawClient) =>
  c.events().map((f) => (f.event === 'appStateChanged' ? `appState ${f.appState}` : String(f.event)));

describe('emulator: calls, conferences and media', () => {
  let room: RoomEmulator;
  let c: RawClient;

  beforeEach(async () => {
    room = new RoomEmulator({
      ringTimeoutMs: 300,
      answerDelayMs: 20,
      peers: { carol: { reject: 5 }, 'slow-sam': { answer: true, delayMs: 60 } },
    });
    await room.start();
    c = await RawClient.authorized(room.url);
  });

  afterEach(async () => {
    closeAll([c]);
    await room.stop();
  });

  describe('outgoing calls', () => {
    it('answered: inviteSent, appState 4, conferenceCreated, appState 5, the peer joins', async () => {
      const res = await c.request('call', { peerId: 'alice' });
      assert.equal(res.result, true);
      const created = await c.event('conferenceCreated');
      await c.event('newParticipantInConference');
      assert.deepEqual(names(c), [
        'inviteSent',
        'appState 4',
        'conferenceCreated',
        'appState 5',
        'newParticipantInConference',
      ]);
      const invite = c.events('inviteSent')[0];
      assert.equal(invite.peerId, 'alice@emulator.local', 'a short id resolves against the Room server');
      assert.equal(invite.confType, 0);
      assert.match(String(invite.confId), /^\d{8}@emulator\.local#vcs$/);
      assert.equal(created.confId, invite.confId);
      assert.equal(created.confType, 0);
      assert.equal(created.peerId, 'alice@emulator.local');
      assert.equal(room.appState, 5);
      // Participants carry InstanceIds (user@server/INSTANCE); call events carry CallIds.
      const ids = room.conference!.participants.map((p) => p.peerId);
      assert.equal(ids[0], 'room@emulator.local/room');
      assert.match(ids[1], /^alice@emulator\.local\/[0-9a-f]+$/);
      const parts = (await c.request('getConferenceParticipants')).participants as Frame[];
      assert.deepEqual(
        parts.map((p) => p.peerId),
        ids,
      );
      const confs = (await c.request('getConferences')).conferences as Frame[];
      assert.deepEqual(
        [confs[0].type, confs[0].direction, confs[0].peerId],
        ['p2p', 'outgoing', 'alice@emulator.local'],
      );
    });

    it('a listed peer answers after its own delay', async () => {
      await c.request('call', { peerId: 'slow-sam' });
      assert.equal((await c.event('conferenceCreated')).peerId, 'slow-sam@emulator.local');
    });

    for (const [peer, cause] of [
      ['busy-bob', 2],
      ['decline-dave', 0],
      ['offline-olga', 3],
      ['carol', 5],
    ] as const) {
      it(`${peer}: rejectReceived cause ${cause}, back to appState 3`, async () => {
        await c.request('call', { peerId: peer });
        const rejected = await c.event('rejectReceived');
        await c.event('appStateChanged', (f) => f.appState === 3);
        assert.equal(rejected.cause, cause);
        assert.equal(rejected.peerId, `${peer}@emulator.local`);
        assert.equal(typeof rejected.peerDn, 'string');
        assert.deepEqual(names(c), ['inviteSent', 'appState 4', 'rejectReceived', 'appState 3']);
        assert.equal(c.events('conferenceCreated').length, 0);
      });
    }

    it('a callee that stops the call: stopCalling side 1', async () => {
      await c.request('call', { peerId: 'stop-steve@other.server' });
      const stopped = await c.event('stopCalling');
      assert.deepEqual([stopped.peerId, stopped.side], ['stop-steve@other.server', 1]);
      await c.event('appStateChanged', (f) => f.appState === 3);
    });

    it('nobody answers: rejectReceived cause 16 after the ring timeout', async () => {
      const started = Date.now();
      await c.request('call', { peerId: 'nobody' });
      const rejected = await c.event('rejectReceived', undefined, 5000);
      assert.equal(rejected.cause, 16);
      assert.ok(Date.now() - started >= 250, 'not before the ring timeout');
      assert.equal(room.appState, 3);
    });

    it('hangUp while calling: stopCalling side 0; no late outcome', async () => {
      await c.request('call', { peerId: 'nobody' });
      await c.event('appStateChanged', (f) => f.appState === 4);
      assert.equal((await c.request('hangUp')).result, true);
      const stopped = await c.event('stopCalling');
      assert.equal(stopped.side, 0);
      await c.event('appStateChanged', (f) => f.appState === 3);
    });

    it('refuses a second call while busy and a call when not logged in', async () => {
      await c.request('call', { peerId: 'nobody' });
      const busy = await c.request('call', { peerId: 'alice' });
      assert.equal(busy.result, false);
      assert.match(String(busy.error), /busy/);
      await c.request('hangUp');
      await c.event('appStateChanged', (f) => f.appState === 3);
      await c.request('logout');
      await c.event('appStateChanged', (f) => f.appState === 2);
      assert.equal((await c.request('call', { peerId: 'alice' })).error, 'not logged in');
    });
  });

  describe('hang up', () => {
    it('in a conference: appState 6, participantLeftConference, conferenceDeleted, appState 3', async () => {
      await c.request('call', { peerId: 'alice' });
      const created = await c.event('conferenceCreated');
      await c.event('newParticipantInConference');
      const before = c.events().length;
      assert.equal((await c.request('hangUp', { forAll: true })).result, true);
      await c.event('appStateChanged', (f) => f.appState === 3);
      assert.deepEqual(names(c).slice(before), [
        'appState 6',
        'participantLeftConference',
        'conferenceDeleted',
        'appState 3',
      ]);
      assert.equal(c.events('conferenceDeleted')[0].confId, created.confId);
      assert.equal(room.conference, undefined);
    });

    it('with no call: result false "no active call"', async () => {
      const res = await c.request('hangUp');
      assert.deepEqual([res.result, res.error], [false, 'no active call']);
    });

    it('the far end leaving a p2p call ends it', async () => {
      await c.request('call', { peerId: 'alice' });
      await c.event('newParticipantInConference');
      assert.equal(room.participantLeaves('alice'), true);
      await c.event('conferenceDeleted');
      assert.equal(room.appState, 3);
    });
  });

  describe('incoming calls', () => {
    it('accept: inviteReceived, appState 4, then conferenceCreated and appState 5', async () => {
      const confId = room.incomingCall({ peerId: 'erin', peerDn: 'Erin' });
      const invite = await c.event('inviteReceived');
      assert.deepEqual(
        [invite.peerId, invite.peerDn, invite.type, invite.confId],
        ['erin@emulator.local', 'Erin', 0, confId],
      );
      await c.event('appStateChanged', (f) => f.appState === 4);
      assert.equal((await c.request('accept')).result, true);
      const created = await c.event('conferenceCreated');
      await c.event('appStateChanged', (f) => f.appState === 5);
      assert.equal(created.confId, confId);
      const confs = (await c.request('getConferences')).conferences as Frame[];
      assert.equal(confs[0].direction, 'incoming');
    });

    it('reject: rejectSent cause 0 and back to appState 3', async () => {
      const confId = room.incomingCall({ peerId: 'erin' });
      await c.event('inviteReceived');
      assert.equal((await c.request('reject')).result, true);
      const sent = await c.event('rejectSent');
      assert.deepEqual([sent.peerId, sent.cause, sent.confId], ['erin@emulator.local', 0, confId]);
      await c.event('appStateChanged', (f) => f.appState === 3);
    });

    it('unanswered: the caller gives up after the ring timeout (stopCalling side 1)', async () => {
      room.incomingCall({ peerId: 'erin' });
      const stopped = await c.event('stopCalling', undefined, 5000);
      assert.equal(stopped.side, 1);
      await c.event('appStateChanged', (f) => f.appState === 3);
      assert.equal((await c.request('accept')).error, 'no incoming call');
    });

    it('an invitation to a group conference (type 1) carries its title', async () => {
      room.incomingCall({ peerId: 'erin', type: 1, confTitle: 'Board' });
      const invite = await c.event('inviteReceived');
      assert.deepEqual([invite.type, invite.confTitle], [1, 'Board']);
      await c.request('accept');
      const created = await c.event('conferenceCreated');
      assert.deepEqual(
        [created.confType, created.confTitle, created.conferenceOwner],
        [1, 'Board', 'erin@emulator.local'],
      );
    });

    it('autoAccept in the settings answers by itself', async () => {
      await c.request('setSettings', { settings: { autoAccept: true } });
      assert.deepEqual((await c.event('settingsChanged')).value, true);
      room.incomingCall({ peerId: 'erin' });
      await c.event('conferenceCreated');
    });

    it('throws when the Room is not idle', async () => {
      room.incomingCall({ peerId: 'erin' });
      assert.throws(() => room.incomingCall({ peerId: 'frank' }), /not idle/);
    });
  });

  describe('group conferences', () => {
    it('createConference: conferenceCreated (confType from the string), appState 5, invitees per their script', async () => {
      const res = await c.request('createConference', {
        title: 'Weekly',
        confType: 'asymmetric',
        autoAccept: false,
        inviteList: ['alice', 'busy-bob', 'gina@other.server'],
      });
      assert.equal(res.result, true);
      const created = await c.event('conferenceCreated');
      assert.deepEqual(
        [created.confTitle, created.confType, created.conferenceOwner],
        ['Weekly', 2, 'room@emulator.local'],
      );
      await c.event('appStateChanged', (f) => f.appState === 5);
      const joined = [await c.event('newParticipantInConference'), await c.event('newParticipantInConference')]
        .map((f) => String(f.peerId).split('/')[0])
        .sort();
      assert.deepEqual(joined, ['alice@emulator.local', 'gina@other.server']);
      assert.equal((await c.event('rejectReceived')).cause, 2);
      const parts = (await c.request('getConferenceParticipants')).participants as Frame[];
      assert.equal(parts.length, 3);
      assert.equal(parts[0].role, 2, 'the Room owns its conference');
      const confs = (await c.request('getConferences')).conferences as Frame[];
      assert.deepEqual([confs[0].confType, confs[0].confTitle], [2, 'Weekly']);
    });

    it('inviteToConference, kickPeer, participantJoins/Leaves and join requests', async () => {
      await c.request('createConference', { title: 'T', confType: 'symmetric', autoAccept: false });
      await c.event('conferenceCreated');
      assert.equal((await c.request('inviteToConference', { peerId: 'hank' })).result, true);
      const hank = String((await c.event('newParticipantInConference')).peerId);
      assert.match(hank, /^hank@emulator\.local\//);
      assert.equal(
        (await c.request('kickPeer', { peerId: 'hank@emulator.local/ABCD' })).result,
        false,
        'no such instance',
      );
      assert.equal((await c.request('kickPeer', { peerId: hank })).result, true);
      assert.equal((await c.event('participantLeftConference')).peerId, hank);
      assert.equal((await c.request('kickPeer', { peerId: 'hank' })).result, false);
      const ivy = room.participantJoins({ peerId: 'ivy', peerDn: 'Ivy' });
      assert.equal((await c.event('newParticipantInConference')).peerDn, 'Ivy');
      room.participantLeaves('ivy');
      assert.equal((await c.event('participantLeftConference')).peerId, ivy);
      room.requestToJoin({ peerId: 'jack' });
      assert.equal((await c.event('requestInviteReceived')).peerId, 'jack@emulator.local');
      assert.equal((await c.request('acceptPeer', { peerId: 'jack' })).result, true);
      assert.match(String((await c.event('newParticipantInConference')).peerId), /^jack@emulator\.local\//);
      assert.equal(room.conference?.participants.length, 2);
    });

    it('refuses the Room itself in inviteList and createConference while in a call', async () => {
      const self = await c.request('createConference', {
        title: 'T',
        confType: 'role',
        autoAccept: true,
        inviteList: ['room'],
      });
      assert.equal(self.result, false);
      await c.request('call', { peerId: 'alice' });
      await c.event('conferenceCreated');
      assert.equal(
        (await c.request('createConference', { title: 'T', confType: 'role', autoAccept: true })).result,
        false,
      );
    });
  });

  describe('mute and app state', () => {
    it('setMicMute/setVideoMute/setAudioMute notify and the getters reflect them', async () => {
      const pairs = [
        ['setMicMute', 'getMicMute', 'audioCapturerMute'],
        ['setVideoMute', 'getVideoMute', 'videoCapturerMute'],
        ['setAudioMute', 'getAudioMute', 'audioRendererMute'],
      ];
      for (const [set, get, event] of pairs) {
        assert.equal((await c.request(get)).mute, false);
        assert.equal((await c.request(set, { mute: true })).result, true);
        assert.equal((await c.event(event)).mute, true);
        assert.equal((await c.request(get)).mute, true);
      }
      assert.deepEqual(room.mute, { mic: true, video: true, audio: true });
    });

    it('getAppState reports the state with the appStateChanged payload', async () => {
      const res = await c.request('getAppState');
      assert.equal(res.appState, 3);
      assert.equal(res.embeddedHttpPort, room.webPort);
      assert.equal(typeof res.desktopSharing, 'object');
    });

    it('emits the emulator events tests wait on', async () => {
      const seen = waitForEvent<number>(room, 'appState', { filter: (n) => n === 5 });
      const note = waitForEvent<string>(room, 'notification', { filter: (n) => n === 'conferenceCreated' });
      await c.request('call', { peerId: 'alice' });
      await Promise.all([seen, note]);
      room.emitEvent('incomingChatMessage', { peerId: 'alice@emulator.local', message: 'hi' });
      assert.equal((await c.event('incomingChatMessage')).message, 'hi');
    });
  });

  describe('server and login flows', () => {
    let fresh: RoomEmulator;
    let admin: RawClient;

    beforeEach(async () => {
      fresh = new RoomEmulator({ appState: 0, server: 'tcs.example.com', login: { login: 'room7', password: 'pw' } });
      await fresh.start();
      admin = await RawClient.authorized(fresh.url);
    });

    afterEach(async () => {
      closeAll([admin]);
      await fresh.stop();
    });

    it('connectToServer then login: serverConnected, appState 1, 2; login result 0, appState 3', async () => {
      assert.equal((await admin.request('getAppState')).appState, 0);
      assert.equal((await admin.request('connectToServer', { server: 'tcs.example.com' })).result, true);
      const connected = await admin.event('serverConnected');
      assert.deepEqual(
        [connected.server, connected.domain, connected.port],
        ['tcs.example.com', 'tcs.example.com', 4307],
      );
      await admin.event('appStateChanged', (f) => f.appState === 2);
      assert.deepEqual(names(admin), ['appState 1', 'serverConnected', 'appState 2']);
      await admin.request('login', { login: 'room7', password: 'wrong' });
      assert.equal((await admin.event('login')).result, 3);
      assert.equal(fresh.appState, 2);
      await admin.request('login', { login: 'room7', password: 'pw' });
      const ok = await admin.event('login');
      assert.deepEqual([ok.result, ok.peerId], [0, 'room7@tcs.example.com']);
      await admin.event('appStateChanged', (f) => f.appState === 3);
      assert.deepEqual(await admin.request('getLogin').then((r) => [r.isLoggedIn, r.peerId]), [
        true,
        'room7@tcs.example.com',
      ]);
      await admin.request('logout');
      await admin.event('logout');
      await admin.event('appStateChanged', (f) => f.appState === 2);
    });

    it('an unknown server: serverDisconnected and appState 0', async () => {
      await admin.request('connectToServer', { server: 'nowhere.example' });
      await admin.event('serverDisconnected');
      await admin.event('appStateChanged', (f) => f.appState === 0);
    });

    it('login before connecting to a server fails', async () => {
      const res = await admin.request('login', { login: 'room7', password: 'pw' });
      assert.deepEqual([res.result, res.error], [false, 'not connected to a server']);
    });
  });
});
