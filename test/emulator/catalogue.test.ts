import * as assert from 'node:assert/strict';
import { methodNames, methodSpec, type ParamSpec } from '../../src/protocol/catalogue';
import { RoomEmulator } from '../../src/emulator';
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

/**
 * Commands that, sent once each in alphabetical order on an idle Room with minimal params, are refused for
 * a reason a real Room would also have. Every other command must succeed.
 */
const EXPECTED_REFUSALS: Record<string, RegExp> = {
  accept: /no incoming call/,
  reject: /no incoming call/,
  acceptPeer: /no join request/,
  rejectPeer: /no join request/,
  auth: /missing parameter "type"/,
  connectToServer: /busy/, // sent after `call` and before `hangUp`: while calling
  createConference: /busy/,
  inviteToConference: /not in a conference/,
  kickPeer: /not in a conference|no participant/,
  // setAuthParams {userType:'admin', authType:'password'} without a password
  setAuthParams: /password/,
  // The state the earlier commands left: alice is in the demo book and group 1 until removeFromAbook and
  // removeGroup (alphabetically before renameGroup/renameInAbook) take them out.
  addToAbook: /alice@emulator.local is already in the address book/,
  addToGroup: /already in group 1/,
  removeFromGroup: /not in group 1/,
  renameGroup: /no group 1/,
  renameInAbook: /alice@emulator.local is not in the address book/,
  // Nothing by that name exists: no device "x", preset "x", container "x", NDI device "x", server "x".
  addVideoCapturerPreset: /no such camera "x"/,
  applyVideoCapturerPreset: /no preset "x"/,
  removeVideoCapturerPreset: /no preset "x"/,
  updatePresetFromCurrentVideoCapturer: /no preset "x"/,
  updateVideoCapturerPreset: /no preset/,
  setAppSndDev: /no such device "x"/,
  setAudioCapturer: /no such device "x"/,
  setAudioRenderer: /no such device "x"/,
  setVideoCapturer: /no such device "x"/,
  setModes: /no camera mode "x"/,
  createNDIDevice: /NDI is off/,
  deleteNDIDevice: /no NDI device x/,
  loadData: /no container "x"/,
  deleteData: /no container "x"/,
  removeFromServersList: /x is not in the list/,
  // The Room is calling (not in a conference): conference, podium and moderation commands have nothing to act on.
  ...Object.fromEntries(
    [
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
    ].map((m) => [m, /not in a conference/]),
  ),
  setWaitingRoomState: /not in a group conference/,
  changeConferenceMode: /not in a role-based conference/,
  expandCallToMulti: /not in a point-to-point call/,
  pinUser: /only in a smart meeting/,
  acceptInvitationToPodium: /no invitation to the podium/,
  rejectInvitationToPodium: /no invitation to the podium/,
  allowRecord: /no record request/,
  denyRecord: /no record request/,
  connectToService: /busy/, // sent while calling, like connectToServer
  // Values out of range, or a parameter both spellings of which are optional in the catalogue.
  setCrop: /missing parameter "enabled"/,
  setOutputSelfVideoRotateAngle: /rotateAngle must be 0, 90, 180 or 270/,
};

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
