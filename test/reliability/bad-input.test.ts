import assert from 'node:assert/strict';
import type { RoomEmulator } from '../../src/emulator';
import {
  catchNode,
  cleanUp,
  commandNode,
  configNode,
  figure,
  helperNode,
  Inbox,
  isReadyIdle,
  load,
  node,
  quietWindow,
  startRoom,
  startRuntime,
  stopRuntime,
  TAB,
  waitForStatus,
  type Msg,
} from './harness';

/** One malformed input: which node gets it, the message, and what the Catch node must say. */
interface BadInput {
  label: string;
  /** free: no configured method; mute: setMicMute; call: call; conf: createConference. */
  node: 'free' | 'mute' | 'call' | 'conf';
  msg: () => Msg;
  code: string;
  says: RegExp;
}

const MAX_TIMEOUT = 600000;
const circular = (): Record<string, unknown> => {
  const o: Record<string, unknown> = { mute: true };
  o.self = o;
  return o;
};
const payloadNotObject = (type: string) =>
  new RegExp(`msg\\.payload must be an object of parameters \\(got ${type}\\)`);
const methodNotString = (type: string) => new RegExp(`msg\\.method must be a string \\(got ${type}\\)`);
const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const badName = (name: string) =>
  new RegExp(escape(`Invalid method name ${JSON.stringify(name)}: it must start with a letter`));
const badTimeout = (shown: string) =>
  new RegExp(`msg\\.timeout must be a number of milliseconds from 1 to ${MAX_TIMEOUT} \\(got ${shown}\\)`);
const noMethod = /no method: set it in the node, in msg\.method or as the last level of msg\.topic/;

const BAD_INPUTS: BadInput[] = [
  // msg.payload that is not a parameter object
  {
    label: 'payload a string',
    node: 'mute',
    msg: () => ({ payload: 'mute please' }),
    code: 'INVALID_PARAMS',
    says: payloadNotObject('string'),
  },
  {
    label: 'payload a number',
    node: 'mute',
    msg: () => ({ payload: 42 }),
    code: 'INVALID_PARAMS',
    says: payloadNotObject('number'),
  },
  {
    label: 'payload an array',
    node: 'mute',
    msg: () => ({ payload: [{ mute: true }] }),
    code: 'INVALID_PARAMS',
    says: payloadNotObject('array'),
  },
  {
    label: 'payload null',
    node: 'mute',
    msg: () => ({ payload: null }),
    code: 'INVALID_PARAMS',
    says: payloadNotObject('null'),
  },
  {
    label: 'payload a boolean',
    node: 'mute',
    msg: () => ({ payload: true }),
    code: 'INVALID_PARAMS',
    says: payloadNotObject('boolean'),
  },
  {
    label: 'payload a Buffer',
    node: 'mute',
    msg: () => ({ payload: Buffer.from('{"mute":true}') }),
    code: 'INVALID_PARAMS',
    says: payloadNotObject('Buffer'),
  },
  {
    label: 'payload a Date',
    node: 'mute',
    msg: () => ({ payload: new Date(0) }),
    code: 'INVALID_PARAMS',
    says: payloadNotObject('Date'),
  },
  {
    label: 'payload a Map',
    node: 'mute',
    msg: () => ({ payload: new Map([['mute', true]]) }),
    code: 'INVALID_PARAMS',
    says: payloadNotObject('Map'),
  },
  // the method
  {
    label: 'method with spaces',
    node: 'free',
    msg: () => ({ method: 'set Mic Mute' }),
    code: 'INVALID_PARAMS',
    says: badName('set Mic Mute'),
  },
  {
    label: 'method unknown',
    node: 'free',
    msg: () => ({ method: 'noSuchMethod' }),
    code: 'UNKNOWN_METHOD',
    says: /Unknown method "noSuchMethod"/,
  },
  {
    label: 'method in the wrong case',
    node: 'free',
    msg: () => ({ method: 'getmicmute' }),
    code: 'UNKNOWN_METHOD',
    says: /Did you mean "getMicMute"\?/,
  },
  { label: 'method empty, no topic', node: 'free', msg: () => ({ method: '' }), code: 'NO_METHOD', says: noMethod },
  { label: 'method only blanks', node: 'free', msg: () => ({ method: '   ' }), code: 'NO_METHOD', says: noMethod },
  {
    label: 'method __proto__',
    node: 'free',
    msg: () => ({ method: '__proto__' }),
    code: 'INVALID_PARAMS',
    says: badName('__proto__'),
  },
  {
    label: 'method constructor',
    node: 'free',
    msg: () => ({ method: 'constructor' }),
    code: 'UNKNOWN_METHOD',
    says: /Unknown method "constructor"/,
  },
  {
    label: 'method toString',
    node: 'free',
    msg: () => ({ method: 'toString' }),
    code: 'UNKNOWN_METHOD',
    says: /Unknown method "toString"/,
  },
  {
    label: 'method hasOwnProperty',
    node: 'free',
    msg: () => ({ method: 'hasOwnProperty' }),
    code: 'UNKNOWN_METHOD',
    says: /Unknown method "hasOwnProperty"/,
  },
  {
    label: 'method with a path',
    node: 'free',
    msg: () => ({ method: '../getMicMute' }),
    code: 'INVALID_PARAMS',
    says: badName('../getMicMute'),
  },
  {
    label: 'msg.method a number',
    node: 'free',
    msg: () => ({ method: 42 }),
    code: 'NO_METHOD',
    says: methodNotString('number'),
  },
  {
    label: 'msg.method an object',
    node: 'free',
    msg: () => ({ method: { name: 'getMicMute' } }),
    code: 'NO_METHOD',
    says: methodNotString('object'),
  },
  {
    label: 'msg.method an array',
    node: 'free',
    msg: () => ({ method: ['getMicMute'] }),
    code: 'NO_METHOD',
    says: methodNotString('array'),
  },
  {
    label: 'msg.method a boolean',
    node: 'free',
    msg: () => ({ method: true }),
    code: 'NO_METHOD',
    says: methodNotString('boolean'),
  },
  // the method from msg.topic
  {
    label: 'topic with shell characters',
    node: 'free',
    msg: () => ({ topic: 'rooms/hall/cmd/getMicMute;reboot' }),
    code: 'INVALID_PARAMS',
    says: badName('getMicMute;reboot'),
  },
  {
    label: 'topic ending in /',
    node: 'free',
    msg: () => ({ topic: 'rooms/hall/cmd/' }),
    code: 'NO_METHOD',
    says: noMethod,
  },
  {
    label: 'topic ending in ..',
    node: 'free',
    msg: () => ({ topic: 'rooms/hall/cmd/..' }),
    code: 'INVALID_PARAMS',
    says: badName('..'),
  },
  {
    label: 'topic with a space in the method',
    node: 'free',
    msg: () => ({ topic: 'rooms/hall/cmd/get Mic' }),
    code: 'INVALID_PARAMS',
    says: badName('get Mic'),
  },
  {
    label: 'topic with a control character',
    node: 'free',
    msg: () => ({ topic: 'rooms/hall/cmd/get\u0000MicMute' }),
    code: 'INVALID_PARAMS',
    says: badName('get\u0000MicMute'),
  },
  { label: 'topic not a string', node: 'free', msg: () => ({ topic: 42 }), code: 'NO_METHOD', says: noMethod },
  // parameters against the catalogue
  {
    label: 'param of the wrong type (string for boolean)',
    node: 'mute',
    msg: () => ({ payload: { mute: 'yes' } }),
    code: 'INVALID_PARAMS',
    says: /setMicMute: parameter "mute" must be boolean/,
  },
  {
    label: 'param of the wrong type (number for boolean)',
    node: 'mute',
    msg: () => ({ payload: { mute: 1 } }),
    code: 'INVALID_PARAMS',
    says: /parameter "mute" must be boolean/,
  },
  {
    label: 'param of the wrong type (number for string)',
    node: 'call',
    msg: () => ({ payload: { peerId: 42 } }),
    code: 'INVALID_PARAMS',
    says: /call: parameter "peerId" must be string/,
  },
  {
    label: 'required param missing',
    node: 'call',
    msg: () => ({ payload: { pin: '1' } }),
    code: 'INVALID_PARAMS',
    says: /call: missing required parameter "peerId"/,
  },
  {
    label: 'required param undefined',
    node: 'call',
    msg: () => ({ payload: { peerId: undefined } }),
    code: 'INVALID_PARAMS',
    says: /missing required parameter "peerId"/,
  },
  {
    label: 'several required params missing',
    node: 'conf',
    msg: () => ({ payload: {} }),
    code: 'INVALID_PARAMS',
    says: /missing required parameter "title".*missing required parameter "confType"/,
  },
  {
    label: 'enum violation',
    node: 'conf',
    msg: () => ({ payload: { title: 't', confType: 'pyramid', autoAccept: true } }),
    code: 'INVALID_PARAMS',
    says: /parameter "confType" must be one of "symmetric", "asymmetric", "role"/,
  },
  {
    label: 'array items of the wrong type',
    node: 'conf',
    msg: () => ({ payload: { title: 't', confType: 'role', autoAccept: true, inviteList: [1, {}] } }),
    code: 'INVALID_PARAMS',
    says: /parameter "inviteList" item 0 must be string/,
  },
  {
    label: 'nested junk where a string belongs',
    node: 'conf',
    msg: () => ({ payload: { title: { a: { b: [null, { c: () => 1 }] } }, confType: 'symmetric', autoAccept: true } }),
    code: 'INVALID_PARAMS',
    says: /parameter "title" must be string/,
  },
  {
    label: 'a string where an object belongs',
    node: 'free',
    msg: () => ({ method: 'setSettings', payload: { settings: 'loud' } }),
    code: 'INVALID_PARAMS',
    says: /parameter "settings" must be object/,
  },
  // keys that must never be forwarded
  {
    label: '__proto__ key',
    node: 'mute',
    msg: () => ({ payload: JSON.parse('{"__proto__":{"polluted":true},"mute":true}') }),
    code: 'INVALID_PARAMS',
    says: /parameter name "__proto__" is not allowed/,
  },
  {
    label: 'constructor key',
    node: 'mute',
    msg: () => ({ payload: { constructor: { prototype: { polluted: true } }, mute: true } }),
    code: 'INVALID_PARAMS',
    says: /parameter name "constructor" is not allowed/,
  },
  {
    label: 'prototype key',
    node: 'mute',
    msg: () => ({ payload: { prototype: {}, mute: true } }),
    code: 'INVALID_PARAMS',
    says: /parameter name "prototype" is not allowed/,
  },
  {
    label: 'requestId key',
    node: 'mute',
    msg: () => ({ payload: { requestId: 'forged', mute: true } }),
    code: 'INVALID_PARAMS',
    says: /"requestId" cannot be a parameter/,
  },
  {
    label: 'method key in the params',
    node: 'mute',
    msg: () => ({ payload: { method: 'logout', mute: true } }),
    code: 'INVALID_PARAMS',
    says: /"method" cannot be a parameter/,
  },
  // values that cannot be sent
  {
    label: 'a 10 MB payload',
    node: 'mute',
    msg: () => ({ payload: { mute: true, blob: 'x'.repeat(10 * 1024 * 1024) } }),
    code: 'INVALID_PARAMS',
    says: /too large \(\d+ bytes; the limit is 1048576 bytes\); nothing was sent/,
  },
  {
    label: 'a circular payload',
    node: 'mute',
    msg: () => ({ payload: circular() }),
    code: 'INVALID_PARAMS',
    says: /cannot be sent as JSON \(.*circular/i,
  },
  {
    label: 'a BigInt value',
    node: 'mute',
    msg: () => ({ payload: { mute: true, n: BigInt(10) } }),
    code: 'INVALID_PARAMS',
    says: /cannot be sent as JSON \(.*BigInt/,
  },
  {
    label: 'a function value',
    node: 'mute',
    msg: () => ({ payload: { mute: () => true } }),
    code: 'INVALID_PARAMS',
    says: /parameter "mute" must be boolean/,
  },
  {
    label: 'a Symbol value',
    node: 'call',
    msg: () => ({ payload: { peerId: Symbol('alice') } }),
    code: 'INVALID_PARAMS',
    says: /parameter "peerId" must be string/,
  },
  // msg.timeout
  {
    label: 'timeout negative',
    node: 'mute',
    msg: () => ({ payload: { mute: true }, timeout: -1 }),
    code: 'INVALID_TIMEOUT',
    says: badTimeout('-1'),
  },
  {
    label: 'timeout NaN',
    node: 'mute',
    msg: () => ({ payload: { mute: true }, timeout: Number.NaN }),
    code: 'INVALID_TIMEOUT',
    says: badTimeout('NaN'),
  },
  {
    label: 'timeout a word',
    node: 'mute',
    msg: () => ({ payload: { mute: true }, timeout: 'soon' }),
    code: 'INVALID_TIMEOUT',
    says: badTimeout('"soon"'),
  },
  {
    label: 'timeout a numeric string',
    node: 'mute',
    msg: () => ({ payload: { mute: true }, timeout: '500' }),
    code: 'INVALID_TIMEOUT',
    says: badTimeout('"500"'),
  },
  {
    label: 'timeout Infinity',
    node: 'mute',
    msg: () => ({ payload: { mute: true }, timeout: Number.POSITIVE_INFINITY }),
    code: 'INVALID_TIMEOUT',
    says: badTimeout('Infinity'),
  },
  {
    label: 'timeout 0',
    node: 'mute',
    msg: () => ({ payload: { mute: true }, timeout: 0 }),
    code: 'INVALID_TIMEOUT',
    says: badTimeout('0'),
  },
  {
    label: 'timeout over 10 minutes',
    node: 'mute',
    msg: () => ({ payload: { mute: true }, timeout: MAX_TIMEOUT + 1 }),
    code: 'INVALID_TIMEOUT',
    says: badTimeout(String(MAX_TIMEOUT + 1)),
  },
  {
    label: 'timeout null',
    node: 'mute',
    msg: () => ({ payload: { mute: true }, timeout: null }),
    code: 'INVALID_TIMEOUT',
    says: badTimeout('null'),
  },
  {
    label: 'timeout an object',
    node: 'mute',
    msg: () => ({ payload: { mute: true }, timeout: { ms: 500 } }),
    code: 'INVALID_TIMEOUT',
    says: badTimeout('object'),
  },
];

describe('reliability: bad input to room-command', function () {
  this.timeout(60000);
  let room: RoomEmulator | undefined;

  before(startRuntime);
  after(async () => {
    await cleanUp(room);
    room = undefined;
    await stopRuntime();
  });

  let out: Inbox;
  let caught: Inbox;
  let baseline = 0;

  before(async () => {
    room = await startRoom();
    await load([
      TAB,
      configNode(room),
      commandNode('free', {}),
      commandNode('mute', { method: 'setMicMute' }),
      commandNode('call', { method: 'call' }),
      commandNode('conf', { method: 'createConference' }),
      helperNode('out'),
      ...catchNode(),
    ]);
    out = new Inbox(node('out'));
    caught = new Inbox(node('caught'));
    for (const id of ['free', 'mute', 'call', 'conf']) await waitForStatus(node(id), isReadyIdle, 'ready');
    // Only the handshake so far (setUsedApiVersion, auth, getAppState); nothing below may add to it.
    baseline = room.requests.length;
  });

  for (const bad of BAD_INPUTS) {
    it(`${bad.label}: a catchable ${bad.code} that says what is wrong; nothing reaches the Room`, async () => {
      node(bad.node).receive(bad.msg());
      const err = await caught.next(() => true, `the error for "${bad.label}"`);
      assert.equal(err.error.code, bad.code, err.error.message);
      assert.match(err.error.message, bad.says);
      assert.equal(err.error.source.id, bad.node);
      assert.equal(
        room!.requests.length,
        baseline,
        `sent to the Room: ${JSON.stringify(room!.requests.slice(baseline).map((r) => r.frame)).slice(0, 300)}`,
      );
    });
  }

  it('after all of them: no output, nothing sent, no prototype polluted, and a good command still works', async () => {
    assert.ok(BAD_INPUTS.length >= 30, 'at least 30 malformed inputs tried');
    await quietWindow(200);
    assert.equal(out.count(), 0, 'no bad input produced an output');
    assert.equal(caught.count(), 0, 'one error per bad input');
    assert.equal(room!.requests.length, baseline);
    assert.equal(({} as Record<string, unknown>).polluted, undefined, 'Object.prototype untouched');
    node('mute').receive({ payload: { mute: true } });
    const ok = await out.next();
    assert.equal(ok.payload.result, true);
    assert.equal(room!.mute.mic, true);
    figure(
      `bad input: ${BAD_INPUTS.length} malformed inputs -> ${BAD_INPUTS.length} catchable errors with the reason, 0 frames sent to the Room, 0 outputs`,
    );
  });
});
