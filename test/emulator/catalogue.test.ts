import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { methodNames, methodSpec, type ParamSpec } from '../../src/protocol/catalogue';
import { RoomEmulator } from '../../src/emulator';
import { genericMethods } from '../../src/emulator/method-handlers';
import { closeAll, RawClient, type Frame } from './raw-client';

/** A minimal valid value for a catalogue parameter. */
function sample(name: string, spec: ParamSpec): unknown {
  if (spec.enum && spec.enum.length > 0) return spec.enum[0];
  if (name === 'version') return '1';
  switch (spec.type) {
    case 'string':
      return name.toLowerCase().includes('peer') || name.toLowerCase().includes('callid') ? 'alice' : 'x';
    case 'integer':
    case 'number':
      return 1;
    case 'boolean':
      return false;
    case 'object':
      return {};
    case 'array':
      return spec.items === 'string' ? ['alice'] : [];
    default:
      return 'x';
  }
}

function minimalParams(method: string): Frame {
  const params: Frame = {};
  for (const [name, spec] of Object.entries(methodSpec(method)!.params))
    if (spec.required) params[name] = sample(name, spec);
  return params;
}

/** Every method in `methods` refused with `error`. */
const refused = (error: RegExp, methods: string[]): Record<string, RegExp> =>
  Object.fromEntries(methods.map((m) => [m, error]));

/**
 * Commands that, sent once each in alphabetical order on an idle Room with minimal params, are refused for
 * a reason a real Room would also have. Every other command must succeed. (`call` is sent early and rings
 * until `hangUp`: the Room is calling, not in a conference, for most of the run.)
 */
const EXPECTED_REFUSALS: Record<string, RegExp> = {
  accept: /no incoming call/,
  reject: /no incoming call/,
  acceptPeer: /no join request/,
  rejectPeer: /no join request/,
  auth: /missing parameter "type"/,
  connectToServer: /busy/, // sent after `call` and before `hangUp`: while calling
  connectToService: /busy/,
  createConference: /busy/,
  inviteToConference: /not in a conference/,
  kickPeer: /not in a conference|no participant/,
  // setAuthParams {userType:'admin', authType:'password'} without a password
  setAuthParams: /password/,
  // The state the earlier commands left: alice is in the demo book and group 1 until removeFromAbook and
  // removeGroup (alphabetically before renameGroup/renameInAbook) take them out; addSlide's slide is gone
  // by removeAllSlides.
  addToAbook: /alice@emulator.local is already in the address book/,
  addToGroup: /already in group 1/,
  removeFromGroup: /not in group 1/,
  renameGroup: /no group 1/,
  renameInAbook: /alice@emulator.local is not in the address book/,
  ...refused(/no slide 1/, ['removeSlide', 'setSlidePosition']),
  startSlideShow: /no slides/,
  ...refused(/no slide show is running/, [
    'stopSlideShow',
    'showSlide',
    'showFirstSlide',
    'showLastSlide',
    'showNextSlide',
    'showPrevSlide',
  ]),
  // Nothing by that name exists: device, camera mode, preset, container, NDI device, server, chat, file offer.
  ...refused(/no such device "x"/, ['setAppSndDev', 'setAudioCapturer', 'setAudioRenderer', 'setVideoCapturer']),
  addVideoCapturerPreset: /no such camera "x"/,
  ...refused(/no preset/, [
    'applyVideoCapturerPreset',
    'removeVideoCapturerPreset',
    'updatePresetFromCurrentVideoCapturer',
    'updateVideoCapturerPreset',
  ]),
  setModes: /no camera mode "x"/,
  createNDIDevice: /NDI is off/,
  deleteNDIDevice: /no NDI device x/,
  ...refused(/no container "x"/, ['loadData', 'deleteData']),
  removeFromServersList: /x is not in the list/,
  chatClear: /no chat x/,
  ...refused(/no file offer/, ['acceptFile', 'rejectFile', 'acceptIncomingFileRequest', 'rejectIncomingFileRequest']),
  ...refused(/no (transferred file|file transfer|file request)/, [
    'deleteFileTransferFile',
    'getFileInfo',
    'getFileRequestInfo',
  ]),
  // The Room is calling, not in a conference: conference, podium, layout slots, camera control and
  // conference chat or files have nothing to act on.
  ...refused(/not in a (conference|call)/, [
    'acceptRequestToPodium',
    'rejectRequestToPodium',
    'enableAudioReceiving',
    'enableVideoReceiving',
    'gotoPodium',
    'leavePodium',
    'inviteToPodium',
    'kickFromPodium',
    'setModeratorRole',
    'setParticipantPresenceInWaitingRoom',
    'turnRemoteCamera',
    'turnRemoteMic',
    'turnRemoteSpeaker',
    'requestParticipantCameraControl',
    'sendCommand',
    'sendConferenceFile',
    'sendFileToConference',
    'sendGroupMessage',
    'toneDial',
  ]),
  setWaitingRoomState: /not in a group conference/,
  changeConferenceMode: /not in a role-based conference/,
  expandCallToMulti: /not in a point-to-point call/,
  pinUser: /only in a smart meeting/,
  ...refused(/no invitation to the podium/, ['acceptInvitationToPodium', 'rejectInvitationToPodium']),
  ...refused(/no record request/, ['allowRecord', 'denyRecord']),
  ...refused(/no camera control request/, ['acceptRequestCameraControl', 'rejectRequestCameraControl']),
  ...refused(
    /does not control the camera/,
    ['Down', 'Left', 'Right', 'Up', 'ZoomDec', 'ZoomInc'].map((d) => `remotelyControlledCameraPtz${d}`),
  ),
  ...refused(/no video slot/, [
    'hideVideoSlot',
    'showVideoSlot',
    'moveVideoSlotToMonitor',
    'removeVideoSlotFromMonitor',
    'swapVideoSlots',
  ]),
  // Values out of range, or a parameter both spellings of which are optional in the catalogue.
  setCrop: /missing parameter "enabled"/,
  setOutputSelfVideoRotateAngle: /rotateAngle must be 0, 90, 180 or 270/,
  setCurrentPtzPropertyInverted: /property must be/,
};

/**
 * The methods still answered generically (`result:true` and invented fields from sample-fields.ts), each
 * with no state a getter shows; src/emulator/README.md says why for each. This list may only shrink.
 */
const GENERIC = [
  'cancelUpdate',
  'getAvailableServersList',
  'getCurrentUserProfileUrl',
  'getHardwareKey',
  'getInfoWidgetsState',
  'getLastSelectedConference',
  'getLicenseServerStatus',
  'getMaxConfTitleLength',
  'getOutgoingBitrate',
  'getProperties',
  'getRenderInfo',
  'getSlideShowCache',
  'getTariffRestrictions',
  'getTrueConfRoomProKey',
  'getUpdateInfo',
  'getWebManagerUrl',
  'openURLProtocol',
  'productRegistrationOffline',
  'removeImageFromCachingQueue',
  'sendStopContentSharing',
  'setDefaultContentSource',
  'startRemark',
  'startUpdate',
  'switchVideoFlow',
  'testAudioRenderer',
];

const POWER = new Set(['shutdown', 'shutdownSystem', 'rebootSystem']);

describe('emulator: every catalogue method', () => {
  let room: RoomEmulator;
  const clients: RawClient[] = [];

  beforeEach(async () => {
    room = new RoomEmulator({ ringTimeoutMs: 60_000, answerDelayMs: 60_000 });
    await room.start();
  });

  afterEach(async () => {
    closeAll(clients.splice(0));
    await room.stop();
  });

  it(`answers all ${methodNames().length} methods with their method and requestId, result:true unless refused for a reason`, async () => {
    const c = await RawClient.authorized(room.url);
    clients.push(c);
    assert.equal(methodNames().length, 260);
    // The power commands take the Room down (families.test.ts covers them).
    const names = methodNames().filter((m) => !POWER.has(m));
    const pending = new Map<string, string>();
    const responses = new Map<string, Frame>();
    const done = new Promise<void>((resolve) => {
      c.on('frame', (f: Frame) => {
        if (f.method === 'event' || !pending.has(String(f.requestId))) return;
        responses.set(String(f.requestId), f);
        if (responses.size === names.length) resolve();
      });
    });
    names.forEach((method, i) => {
      const requestId = `id-${i}-${method}`;
      pending.set(requestId, method);
      c.send({ method, requestId, ...minimalParams(method) });
    });
    await Promise.race([done, c.waitClose(15_000).then(() => assert.fail('socket closed'))]);
    const unexpected: string[] = [];
    for (const [requestId, method] of pending) {
      const res = responses.get(requestId)!;
      assert.equal(res.method, method);
      assert.equal(typeof res.result, 'boolean', method);
      const refusal = EXPECTED_REFUSALS[method];
      if (res.result === true && refusal) unexpected.push(`${method}: expected a refusal`);
      if (res.result === false && !(refusal && refusal.test(String(res.error))))
        unexpected.push(`${method}: ${res.error}`);
      if (res.result === false) assert.equal(typeof res.error, 'string', method);
    }
    assert.deepEqual(unexpected, []);

    // The commands had their effect: each getter shows what the setters sent before it left.
    const get = async (method: string, params: Frame = {}) => {
      const r = await c.request(method, params);
      assert.equal(r.result, true, method);
      return r;
    };
    assert.ok(!((await get('getAbook')).abook as Frame[]).some((x) => x.peerId === 'alice@emulator.local'));
    assert.deepEqual(
      ((await get('getGroups')).groups as Frame[]).map((g) => g.groupId),
      [2],
      'group 1 removed, x created',
    );
    assert.deepEqual(await get('getBanList').then((r) => r.banList), [], 'blocked, then unblocked');
    assert.deepEqual(await get('getLogo').then((r) => r.isCustomImage), true, 'setLogo {fileId:1}');
    assert.deepEqual(await get('getBackground').then((r) => r.isCustomImage), false, 'setDefaultBackground last');
    assert.equal((await get('getComPort')).port, 'x');
    assert.equal((await get('getHttpServerState')).state, 0, 'started, then stopped');
    const ptz = await get('getPtzControls');
    assert.deepEqual(
      [(ptz.pan as Frame).value, (ptz.tilt as Frame).value, (ptz.zoom as Frame).value],
      [0, 1, 1],
      'setPanPos, setPtzDefaults, setTiltPos, setZoomPos in that order',
    );
    assert.equal((await get('getAppState')).additionalStatus, 'x', 'setExtStatus');
    assert.deepEqual((await get('getAllUserContainersNames')).containersNames, ['x'], 'saveData');
    const history = (await get('getCallHistory', { count: 5 })).calls as Frame[];
    assert.deepEqual(
      [history[0].peerId, history[0].answered],
      ['alice@emulator.local', false],
      'the unanswered call to alice',
    );
    assert.deepEqual((await get('getSlideShowInfo')).slides, [], 'removeAllSlides');
    assert.deepEqual((await get('getListOfChats')).list, ['alice@emulator.local'], 'sendMessage to alice');
    assert.equal((await get('getVideoMatrix')).matrixType, 1);
    assert.deepEqual(
      ((await get('getFileUploads')).files as Frame[]).map((f) => f.peerId),
      ['alice@emulator.local'],
      'sendFile',
    );
  });

  it('answers only a known, shrinking list of methods generically (no state a getter shows)', () => {
    const generic = genericMethods();
    assert.deepEqual(
      generic.filter((m) => !GENERIC.includes(m)),
      [],
      'a method answered generically that is not on the list: give it state, or list it with the reason in the README',
    );
    // The list shrinks when a method gets state; keep it exact so the README table stays true.
    assert.deepEqual(
      GENERIC.filter((m) => !generic.includes(m)),
      [],
      'listed as generic but now has a handler: remove it from GENERIC',
    );
  });

  it('the emulator README has a row for every method: the families table, or the generic list with its reason', () => {
    const readme = fs.readFileSync(path.join(__dirname, '..', '..', '..', 'src', 'emulator', 'README.md'), 'utf8');
    const section = (from: string, to: string) => readme.slice(readme.indexOf(from), readme.indexOf(to));
    const rows = (text: string) => [...text.matchAll(/^\| `(\w+)` \|/gm)].map((m) => m[1]);
    const families = rows(section('## Method families', '### Answered generically'));
    const generic = rows(section('### Answered generically', '### Smart meeting'));
    assert.deepEqual([...generic].sort(), [...genericMethods()].sort(), 'the generic list in the README');
    assert.deepEqual(
      [...families, ...generic].sort(),
      [...methodNames()].sort(),
      'every catalogue method exactly once in the README',
    );
  });

  it('fills the response fields the catalogue lists for plain getters', async () => {
    const c = await RawClient.authorized(room.url);
    clients.push(c);
    const abook = await c.request('getAbook');
    assert.ok(Array.isArray(abook.abook) && (abook.abook as Frame[]).length >= 3);
    const info = await c.request('getSystemInfo');
    for (const field of ['authInfo', 'productInfo', 'systemRating']) assert.ok(field in info, field);
    const settings = await c.request('getSettings');
    assert.equal(typeof settings.settings, 'object');
    const hw = await c.request('getHardware');
    assert.ok(Array.isArray(hw.videoCapturers));
    const echo = await c.request('addToAbook', { peerId: 'zed@emulator.local', peerDn: 'Zed' });
    assert.equal(echo.peerId, 'zed@emulator.local');
    const connected = await c.request('getConnected');
    assert.equal(connected.state, 2);
  });

  it('unknown method: result false with an error naming it', async () => {
    const c = await RawClient.authorized(room.url);
    clients.push(c);
    const res = await c.request('makeCoffee', { strength: 3 });
    assert.deepEqual(res, {
      method: 'makeCoffee',
      requestId: res.requestId,
      result: false,
      error: 'unknown method "makeCoffee"',
    });
  });

  it('missing or mistyped parameters: result false naming the parameter', async () => {
    const c = await RawClient.authorized(room.url);
    clients.push(c);
    const cases: Array<[string, Frame, RegExp]> = [
      ['call', {}, /missing required parameter "peerId"/],
      ['call', { peerId: 7 }, /invalid parameter "peerId": expected string, got number/],
      ['setMicMute', { mute: 'yes' }, /"mute": expected boolean/],
      ['createConference', { title: 'T', confType: 'huge', autoAccept: true }, /"confType": must be one of/],
      [
        'createConference',
        { title: 'T', confType: 'role', autoAccept: true, inviteList: [1] },
        /"inviteList": item 0 must be string/,
      ],
      ['getCallHistory', { count: 1.5 }, /"count": expected integer/],
      ['setSettings', { settings: [] }, /"settings": expected object, got array/],
    ];
    for (const [method, params, error] of cases) {
      const res = await c.request(method, params);
      assert.equal(res.result, false, method);
      assert.match(String(res.error), error);
    }
    assert.equal(room.appState, 3, 'nothing happened');
  });

  it('survives bad frames: invalid JSON, arrays, scalars, no method, binary; answers with method ""', async () => {
    const c = await RawClient.authorized(room.url);
    clients.push(c);
    const bad: Array<[string, RegExp]> = [
      ['{not json', /invalid JSON/],
      ['[1,2,3]', /must be a JSON object/],
      ['42', /must be a JSON object/],
      ['null', /must be a JSON object/],
      ['{"requestId":"q"}', /missing "method"/],
      ['{"method":5,"requestId":"q"}', /missing "method"/],
    ];
    for (const [text, error] of bad) {
      c.send(text);
      const res = await c.waitFrame((f) => f.method === '' && f.result === false, 5000, `error reply to ${text}`);
      assert.match(String(res.error), error);
    }
    c.ws.send(Buffer.from(JSON.stringify({ method: 'getMicMute', requestId: 'bin' })), { binary: true });
    assert.equal((await c.waitFrame((f) => f.requestId === 'bin', 5000, 'binary request')).result, true);
    c.send({ method: 'getAppState', requestId: 'x', __proto__: { polluted: true }, constructor: 1 });
    assert.equal((await c.waitFrame((f) => f.requestId === 'x', 5000, 'odd keys')).result, true);
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
    assert.equal(room.connectionCount, 1);
  });
});
