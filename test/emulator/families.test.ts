import * as assert from 'node:assert/strict';
import { RoomEmulator } from '../../src/emulator';
import { waitForEvent } from '../support/wait';
import { closeAll, httpGet, RawClient, roomWithControllers, type Frame } from './raw-client';

/**
 * One test per method family: a setter on one controller changes what the getter returns, and the
 * notification the reference names reaches the other authorized controller too.
 */

interface FamilyCase {
  /** Commands that prepare the state first (on the admin connection). */
  before?: Array<[string, Frame]>;
  set: [string, Frame];
  get: [string, Frame?];
  /** Checks the getter's response after the setter. */
  expect: (got: Frame) => void;
  /** The notification, and a check of its fields; null: the reference names none, and none is sent. */
  event: [string, (f: Frame) => boolean] | null;
  /** Who reads the getter back (default both; an admin-only getter: admin). */
  readers?: RawClient[];
}

describe('emulator: method families keep state', () => {
  let room: RoomEmulator;
  let admin: RawClient;
  let user: RawClient;
  const clients: RawClient[] = [];

  let stop: () => Promise<void>;

  beforeEach(async () => {
    ({ room, admin, user, stop } = await roomWithControllers({ answerDelayMs: 10, powerCycleMs: 1500 }));
  });

  afterEach(async () => {
    closeAll(clients.splice(0));
    await stop();
  });

  /** Runs one case: the setter on `by`, the getter and the notification on both connections. */
  async function check(name: string, c: FamilyCase, by: RawClient = admin): Promise<void> {
    for (const [method, params] of c.before ?? []) {
      const r = await by.request(method, params);
      assert.equal(r.result, true, `${name}: ${method} ${String(r.error ?? '')}`);
    }
    const mark = new Map([admin, user].map((x) => [x, x.frames.length]));
    const r = await by.request(c.set[0], c.set[1]);
    assert.equal(r.result, true, `${name}: ${c.set[0]} ${String(r.error ?? '')}`);
    for (const conn of [admin, user]) {
      if (c.event) {
        const [event, match] = c.event;
        const seen = await conn.waitFrame(
          (f) => f.method === 'event' && f.event === event && match(f) && conn.frames.indexOf(f) >= mark.get(conn)!,
          5000,
          `${name}: ${event} on the ${conn === admin ? 'admin' : 'user'} connection`,
        );
        assert.ok(seen);
      }
      if (c.readers && !c.readers.includes(conn)) continue;
      const got = await conn.request(c.get[0], c.get[1] ?? {});
      assert.equal(got.result, true, `${name}: ${c.get[0]}`);
      c.expect(got);
    }
    if (!c.event) {
      // Nothing arrives for a change the reference names no notification for.
      await admin.request('getAppState');
      const events = admin.frames.slice(mark.get(admin)).filter((f) => f.method === 'event');
      assert.deepEqual(events, [], `${name}: no notification`);
    }
  }

  it('devices: selected microphone, speaker, camera and application sound device', async () => {
    await check('microphone', {
      set: ['setAudioCapturer', { name: 'Ceiling Microphone', description: 'usb' }],
      get: ['getHardware'],
      expect: (g) => assert.equal(g.currentAudioCapturerName, 'Ceiling Microphone'),
      event: ['hardwareChanged', (f) => f.currentAudioCapturerName === 'Ceiling Microphone'],
    });
    await check('speaker', {
      set: ['setAudioRenderer', { name: 'HDMI Speakers', description: 'hdmi' }],
      get: ['getHardware'],
      expect: (g) => assert.equal(g.currentAudioRendererName, 'HDMI Speakers'),
      event: ['hardwareChanged', (f) => f.currentAudioRendererName === 'HDMI Speakers'],
    });
    await check('camera', {
      set: ['setVideoCapturer', { name: 'PTZ Camera', description: 'usb' }],
      get: ['getHardware'],
      expect: (g) => assert.equal(g.currentVideoCapturerName, 'PTZ Camera'),
      event: ['hardwareChanged', (f) => f.currentVideoCapturerName === 'PTZ Camera'],
    });
    await check('application sound device', {
      set: ['setAppSndDev', { name: 'HDMI Speakers', description: 'hdmi' }],
      get: ['getAppSndDev'],
      expect: (g) => assert.equal(g.name, 'HDMI Speakers'),
      event: ['appSndDevChanged', (f) => f.name === 'HDMI Speakers'],
    });
    assert.equal(room.devices.videoCapturer, 'PTZ Camera');
    const unknown = await admin.request('setAudioCapturer', { name: 'Nope', description: 'x' });
    assert.equal(unknown.result, false);
    assert.match(String(unknown.error), /no such device "Nope"/);
  });

  it('mute: microphone, camera and speaker mute', async () => {
    for (const [set, get, event] of [
      ['setMicMute', 'getMicMute', 'audioCapturerMute'],
      ['setVideoMute', 'getVideoMute', 'videoCapturerMute'],
      ['setAudioMute', 'getAudioMute', 'audioRendererMute'],
    ]) {
      await check(set, {
        set: [set, { mute: true }],
        get: [get],
        expect: (g) => assert.equal(g.mute, true),
        event: [event, (f) => f.mute === true],
      });
    }
    assert.deepEqual(room.mute, { mic: true, video: true, audio: true });
  });

  it('volume: the speaker and microphone levels are settings; a participant level has no notification', async () => {
    await check('volume', {
      set: ['setSettings', { settings: { audioPlayLevel: 35 } }],
      get: ['getSettings'],
      expect: (g) => assert.equal((g.settings as Frame).audioPlayLevel, 35),
      event: ['settingsChanged', (f) => f.name === 'audioPlayLevel' && f.value === 35],
    });
    await check('participant level', {
      set: ['setAudioReceivingLevel', { peerId: 'alice', level: 40 }],
      get: ['getAudioReceivingLevel', { peerId: 'alice@emulator.local' }],
      expect: (g) => assert.equal(g.level, 40),
      event: null,
    });
  });

  it('monitors, self-view rotation, crop, noise suppression and camera modes', async () => {
    await check('monitor', {
      set: ['changeCurrentMonitor', { monitorIndex: 1 }],
      get: ['getMonitorsInfo'],
      expect: (g) => assert.equal(g.currentMonitor, 1),
      event: ['monitorsInfoUpdated', (f) => f.currentMonitor === 1],
    });
    await check('rotation', {
      set: ['setOutputSelfVideoRotateAngle', { rotateAngle: 180 }],
      get: ['getOutputSelfVideoRotateAngle'],
      expect: (g) => assert.equal(g.outputSelfVideoRotateAngle, 180),
      event: ['outputSelfVideoRotateAngleChanged', (f) => f.rotateAngle === 180],
    });
    await check('crop', {
      set: ['setCrop', { enable: true }],
      get: ['getCrop'],
      expect: (g) => assert.equal(g.enabled, true),
      event: ['cropChanged', (f) => f.cropImageStatus === true],
    });
    await check('noise suppression', {
      set: ['setNoiseSuppression', { enabled: false }],
      get: ['getNoiseSuppression'],
      expect: (g) => assert.equal(g.enabled, false),
      event: ['noiseSuppressionChanged', (f) => f.enabled === false],
    });
    await check('camera mode', {
      set: ['setModes', { mode: '1280x720@30', pin: '' }],
      get: ['getModes'],
      expect: (g) => assert.equal(g.activeMode, '1280x720@30'),
      event: ['deviceModesDone', (f) => f.activeMode === '1280x720@30'],
    });
  });

  it('PTZ: steps, positions, defaults and presets', async () => {
    await check('pan step', {
      set: ['ptzRight', {}],
      get: ['getPtzControls'],
      expect: (g) => assert.equal((g.pan as Frame).value, 10),
      event: ['ptzControlsChanged', (f) => (f.pan as Frame).value === 10],
    });
    await check('zoom position', {
      set: ['setZoomPos', { pos: 50 }],
      get: ['getPtzControls'],
      expect: (g) => assert.equal((g.zoom as Frame).value, 50),
      event: ['ptzControlsChanged', (f) => (f.zoom as Frame).value === 50],
    });
    const added = await admin.request('addPresetFromCurrentVideoCapturer');
    assert.equal(added.result, true);
    await check('defaults', {
      set: ['setPtzDefaults', {}],
      get: ['getPtzControls'],
      expect: (g) => assert.equal((g.zoom as Frame).value, 0),
      event: ['ptzControlsChanged', (f) => (f.zoom as Frame).value === 0],
    });
    await check('preset', {
      set: ['applyVideoCapturerPreset', { presetId: String(added.presetId) }],
      get: ['getPtzControls'],
      expect: (g) => assert.deepEqual([(g.pan as Frame).value, (g.zoom as Frame).value], [10, 50]),
      event: ['videoCapturerPresetApplied', (f) => f.presetId === added.presetId],
    });
    const presets = await user.request('getAllVideoCapturerPresets');
    assert.equal((presets.presets as Frame[]).length, 1);
  });

  it('sleep mode', async () => {
    await check('sleep', {
      set: ['setSleepMode', { enabled: true }],
      get: ['getSleepMode'],
      expect: (g) => assert.equal(g.enabled, true),
      event: ['sleepModeChanged', (f) => f.enabled === true],
    });
    assert.equal(room.sleepMode, true);
    await check('wake', {
      set: ['setSleepMode', { enabled: false }],
      get: ['getSleepMode'],
      expect: (g) => assert.equal(g.enabled, false),
      event: ['sleepModeChanged', (f) => f.enabled === false],
    });
    assert.equal(room.sleepMode, false);
  });

  it('address book: add, rename, remove; a short id resolves against the server', async () => {
    const ids = (g: Frame) => (g.abook as Frame[]).map((c) => c.peerId);
    await check('add', {
      set: ['addToAbook', { peerId: 'zed', peerDn: 'Zed' }],
      get: ['getAbook'],
      expect: (g) => assert.ok(ids(g).includes('zed@emulator.local')),
      event: ['contactsAdded', (f) => (f.contacts as Frame[])[0].peerId === 'zed@emulator.local'],
    });
    await check('rename', {
      set: ['renameInAbook', { peerId: 'zed@emulator.local', peerDn: 'Zed Z.' }],
      get: ['getDisplayNameById', { peerId: 'zed' }],
      expect: (g) => assert.equal(g.peerDn, 'Zed Z.'),
      event: ['contactsRenamed', (f) => (f.contacts as Frame[])[0].peerDn === 'Zed Z.'],
    });
    await check('remove', {
      set: ['removeFromAbook', { peerId: 'zed' }],
      get: ['getAbook'],
      expect: (g) => assert.ok(!ids(g).includes('zed@emulator.local')),
      event: ['contactsDeleted', (f) => (f.contacts as Frame[])[0].peerId === 'zed@emulator.local'],
    });
    assert.ok(!room.abook.some((c) => c.peerId === 'zed@emulator.local'));
    const again = await admin.request('removeFromAbook', { peerId: 'zed' });
    assert.equal(again.result, false);
    assert.match(String(again.error), /not in the address book/);
  });

  it('address book: groups and their members; the block list', async () => {
    const created = await admin.request('createGroup', { name: 'Board' });
    assert.equal(created.result, true);
    const groupId = Number(created.groupId);
    const group = (g: Frame) => (g.groups as Frame[]).find((x) => x.groupId === groupId);
    await check('rename group', {
      set: ['renameGroup', { groupId, newName: 'Directors' }],
      get: ['getGroups'],
      expect: (g) => assert.equal(group(g)?.name, 'Directors'),
      event: ['groupsRenamed', (f) => (f.groups as Frame[])[0].name === 'Directors'],
    });
    await check('add to group', {
      set: ['addToGroup', { groupId, peerId: 'busy-bob' }],
      get: ['getGroups'],
      expect: (g) => assert.deepEqual(group(g)?.peers, ['busy-bob@emulator.local']),
      event: ['usersAddedToGroups', (f) => (f.addedUsers as Frame[])[0].peerId === 'busy-bob@emulator.local'],
    });
    await check('remove from group', {
      set: ['removeFromGroup', { groupId, peerId: 'busy-bob@emulator.local' }],
      get: ['getGroups'],
      expect: (g) => assert.deepEqual(group(g)?.peers, []),
      event: ['usersRemovedFromGroups', (f) => (f.removedUsers as Frame[])[0].groupId === groupId],
    });
    await check('remove group', {
      set: ['removeGroup', { groupId }],
      get: ['getGroups'],
      expect: (g) => assert.equal(group(g), undefined),
      event: ['groupsRemoved', (f) => (f.groups as Frame[])[0].groupId === groupId],
    });
    await check('block', {
      set: ['block', { peerId: 'mallory' }],
      get: ['getBanList'],
      expect: (g) =>
        assert.deepEqual(
          (g.banList as Frame[]).map((b) => b.peerId),
          ['mallory@emulator.local'],
        ),
      event: ['contactBlocked', (f) => f.peerId === 'mallory@emulator.local'],
    });
    await check('unblock', {
      set: ['unblock', { peerId: 'mallory' }],
      get: ['getBanList'],
      expect: (g) => assert.deepEqual(g.banList, []),
      event: ['contactUnblocked', (f) => f.peerId === 'mallory@emulator.local'],
    });
  });

  it('settings: setSettings, and the named setters of the appliance', async () => {
    await check('settings', {
      set: ['setSettings', { settings: { autoAccept: true, language: 'ru' } }],
      get: ['getSettings'],
      expect: (g) => assert.deepEqual([(g.settings as Frame).autoAccept, (g.settings as Frame).language], [true, 'ru']),
      event: ['settingsChanged', (f) => f.name === 'language' && f.value === 'ru'],
    });
    await check('status line', {
      set: ['setExtStatus', { extStatus: 5, additionalStatus: 'lunch' }],
      get: ['getAppState'],
      expect: (g) => assert.deepEqual([g.extStatus, g.additionalStatus], [5, 'lunch']),
      event: ['appStateChanged', (f) => f.additionalStatus === 'lunch'],
    });
    await check('COM port', {
      set: ['setComPort', { port: 'COM3' }],
      get: ['getComPort'],
      expect: (g) => assert.equal(g.port, 'COM3'),
      event: ['comPortChanged', (f) => f.port === 'COM3'],
    });
    await check('data container', {
      set: ['saveData', { containerName: 'panel', data: '{"a":1}', flags: '' }],
      get: ['loadData', { containerName: 'panel' }],
      expect: (g) => assert.equal(g.data, '{"a":1}'),
      event: ['dataSaved', (f) => f.containerName === 'panel'],
    });
  });

  it('logo and branding: admin only; a user connection is refused', async () => {
    for (const [method, params] of [
      ['setLogo', { fileId: 1, mode: 1 }],
      ['setDefaultLogo', {}],
      ['getLogo', {}],
      ['getInfoWidgetsState', {}],
      ['activateLicense', { key: 'K' }],
    ] as Array<[string, Frame]>) {
      const r = await user.request(method, params);
      assert.equal(r.result, false, method);
      assert.match(String(r.error), /requires administrator mode/);
    }
    const logo = room.addFile('brand.png');
    await check('logo', {
      set: ['setLogo', { fileId: logo, mode: 2 }],
      get: ['getLogo'],
      expect: (g) => assert.deepEqual([g.isCustomImage, g.fileId, g.mode], [true, logo, 2]),
      event: ['logoImageChanged', (f) => f.fileId === logo],
      readers: [admin],
    });
    await check('default logo', {
      set: ['setDefaultLogo', {}],
      get: ['getLogo'],
      expect: (g) => assert.equal(g.isCustomImage, false),
      event: ['logoImageChanged', (f) => f.isCustomImage === false],
      readers: [admin],
    });
    await check('licence', {
      set: ['activateLicense', { key: 'EMU-1' }],
      get: ['getLicenseType'],
      expect: (g) => assert.equal(g.value, 'pro'),
      event: ['licenseActivation', (f) => f.tariff === 'pro'],
    });
  });

  it('background and blur', async () => {
    await check('background', {
      set: ['setBackground', { fileId: 2 }],
      get: ['getBackground'],
      expect: (g) => assert.deepEqual([g.isCustomImage, g.fileId], [true, 2]),
      event: ['backgroundImageChanged', (f) => f.fileId === 2],
    });
    await check('blur', {
      set: ['setBlur', { enabled: true }],
      get: ['getBlur'],
      expect: (g) => assert.equal(g.enabled, true),
      event: ['blurChanged', (f) => f.enabled === true],
    });
    await check('replaced background', {
      set: ['setReplaceBackground', { fileId: 2, enabled: true }],
      get: ['getReplaceBackground'],
      expect: (g) => assert.equal(g.enabled, true),
      event: ['replaceBackgroundChanged', (f) => f.enabled === true],
    });
    const missing = await admin.request('setBackground', { fileId: 999 });
    assert.match(String(missing.error), /no file 999/);
  });

  it('NDI and the HTTP server', async () => {
    await check('NDI', {
      set: ['setNDIState', { enabled: true }],
      get: ['getNDIState'],
      expect: (g) => assert.equal(g.enabled, true),
      event: ['NDIStateChanged', (f) => f.enabled === true],
    });
    await check('NDI device', {
      set: ['createNDIDevice', { deviceId: 'main' }],
      get: ['getCreatedNDIDevices'],
      expect: (g) =>
        assert.deepEqual(
          (g.createdNDIDevices as Frame[]).map((d) => d.deviceId),
          ['main'],
        ),
      event: ['NDIDeviceCreated', (f) => f.deviceId === 'main'],
    });
    await check('HTTP server', {
      set: ['stopHttpServer', {}],
      get: ['getHttpServerState'],
      expect: (g) => assert.equal(g.state, 0),
      event: ['httpServerStateChanged', (f) => f.state === 0],
    });
    await check('HTTP server settings', {
      set: ['setHttpServerSettings', { settings: { allowRemoteAccess: true } }],
      get: ['getHttpServerSettings'],
      expect: (g) => assert.equal((g.settings as Frame).allowRemoteAccess, true),
      event: ['httpServerSettingChanged', (f) => f.name === 'allowRemoteAccess' && f.value === true],
    });
  });

  it('auth params: setAuthParams shows in getAuthInfo; the others hear authorizationParametersChanged', async () => {
    await check('user PIN', {
      set: ['setAuthParams', { userType: 'admin', authType: 'password', password: 'pw' }],
      get: ['getAuthInfo'],
      expect: (g) => assert.equal((g.adminAuth as Frame).security, 'password'),
      event: ['authorizationParametersChanged', (f) => f.userType === 'admin'],
    });
  });

  it('desktop capture, broadcast picture, microphone test and call history', async () => {
    await check('desktop capture', {
      set: ['startCapture', { captureId: 2 }],
      get: ['getAppState'],
      expect: (g) => assert.equal((g.desktopSharing as Frame).running, true),
      event: ['dsStarted', (f) => f.captureId === 2],
    });
    await check('broadcast picture', {
      set: ['startBroadcastPicture', { fileId: 1 }],
      get: ['getBroadcastPicture'],
      expect: (g) => assert.equal(g.fileId, 1),
      event: ['broadcastPictureStateChanged', (f) => f.running === true],
    });
    await check('microphone test', {
      set: ['testAudioCapturerStart', {}],
      get: ['getAppState'],
      expect: (g) => assert.equal(g.audioCaptureTest, true),
      event: ['testAudioCapturerStateChanged', (f) => f.started === true],
    });
    assert.equal((await admin.request('call', { peerId: 'busy-bob' })).result, true);
    await admin.event('rejectReceived');
    await check('call history', {
      set: ['setLastCallsViewed', {}],
      get: ['getCallHistory', { count: 10 }],
      expect: (g) => assert.equal((g.calls as Frame[])[0].peerId, 'busy-bob@emulator.local'),
      event: ['lastCallsViewed', () => true],
    });
  });

  it('power: rebootSystem closes every connection; the Room comes back on another port, tokens forgotten', async () => {
    const oldPort = room.wsPort;
    await admin.request('setSleepMode', { enabled: true });
    const back = waitForEvent<{ wsPort: number }>(room, 'restarted', { timeoutMs: 5000 });
    const reply = await user.request('getAppState');
    assert.equal(reply.result, true);
    const r = await admin.request('rebootSystem');
    assert.equal(r.result, true, 'the response comes before the connections close');
    await Promise.all([admin.waitClose(5000), user.waitClose(5000)]);
    assert.equal(room.isPoweredOff, true);
    assert.equal((await httpGet(room.configUrl)).status, 503, 'discovery is down while the Room is off');
    const { wsPort } = await back;
    assert.notEqual(wsPort, oldPort);
    const config = JSON.parse((await httpGet(room.configUrl)).body) as { config: { websocket: { port: number } } };
    assert.equal(config.config.websocket.port, wsPort, 'config.json names the new port');
    const stale = await RawClient.open(room.url);
    clients.push(stale);
    const token = String(admin.frames.find((f) => f.method === 'auth')?.token);
    assert.equal((await stale.request('auth', { type: 'secured', credentials: token })).result, false, 'old token');
    const again = await RawClient.authorized(room.url);
    clients.push(again);
    assert.equal((await again.request('getSleepMode')).enabled, false, 'a restarted Room is awake');
  });

  it('power: shutdown and shutdownSystem are admin-only and also cycle the Room', async () => {
    for (const method of ['shutdown', 'shutdownSystem', 'rebootSystem']) {
      const refused = await user.request(method, method === 'shutdownSystem' ? { forAll: false } : {});
      assert.equal(refused.result, false);
      assert.match(String(refused.error), /administrator/);
    }
    const back = waitForEvent(room, 'restarted', { timeoutMs: 5000 });
    assert.equal((await admin.request('shutdown')).result, true);
    await admin.waitClose(5000);
    await back;
    const again = await RawClient.authorized(room.url);
    clients.push(again);
    assert.equal((await again.request('getAppState')).appState, 3);
  });
});
