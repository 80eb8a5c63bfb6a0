import * as assert from 'node:assert/strict';
import { methodSchema, validateRequest } from '../../src/protocol/schemas';

describe('protocol: request validation (schemas)', () => {
  it('accepts a valid request and passes unknown extra params through', () => {
    assert.equal(validateRequest('call', { peerId: 'user1' }), undefined);
    assert.equal(validateRequest('call', { peerId: 'user1', futureField: 42 }), undefined);
    assert.equal(validateRequest('getAppState', {}), undefined);
  });

  it('names a missing required parameter', () => {
    const err = validateRequest('call', {});
    assert.equal(err?.code, 'INVALID_PARAMS');
    assert.equal(err?.message, 'call: missing required parameter "peerId"');
    assert.equal(err?.method, 'call');
  });

  it('names the expected JSON type', () => {
    assert.equal(
      validateRequest('setMicMute', { mute: 'yes' })?.message,
      'setMicMute: parameter "mute" must be boolean',
    );
    assert.equal(
      validateRequest('connectToServer', { server: 's', port: 4307.5 })?.message,
      'connectToServer: parameter "port" must be integer',
    );
    assert.equal(
      validateRequest('setSettings', { settings: [1] })?.message,
      'setSettings: parameter "settings" must be object',
    );
  });

  it('lists the allowed values of an enum', () => {
    const err = validateRequest('createConference', { title: 't', confType: 'big', autoAccept: true });
    assert.equal(
      err?.message,
      'createConference: parameter "confType" must be one of "symmetric", "asymmetric", "role"',
    );
  });

  it('checks array items and reports every problem at once', () => {
    const err = validateRequest('createConference', { confType: 'role', autoAccept: 'no', inviteList: ['a', 7] });
    assert.equal(err?.code, 'INVALID_PARAMS');
    assert.match(err!.message, /missing required parameter "title"/);
    assert.match(err!.message, /parameter "autoAccept" must be boolean/);
    assert.match(err!.message, /parameter "inviteList" item 1 must be string/);
  });

  it('rejects an unknown method unless strict is off, and says how to send it anyway', () => {
    const err = validateRequest('makeCoffee', {});
    assert.equal(err?.code, 'UNKNOWN_METHOD');
    assert.match(err!.message, /^Unknown method "makeCoffee"\./);
    assert.match(err!.message, /strict:false/);
    assert.equal(validateRequest('makeCoffee', { strength: 3 }, { strict: false }), undefined);
    assert.match(validateRequest('setmicmute', {})!.message, /Did you mean "setMicMute"\?/);
  });

  it('still checks known methods when strict is off', () => {
    assert.equal(validateRequest('call', {}, { strict: false })?.code, 'INVALID_PARAMS');
  });

  it('rejects params that are not a plain object', () => {
    for (const bad of [null, [], 'x', 5, new Date()]) {
      const err = validateRequest('getAppState', bad);
      assert.equal(err?.code, 'INVALID_PARAMS', String(bad));
      assert.match(err!.message, /params must be an object/);
    }
  });

  it('rejects reserved and prototype-polluting keys', () => {
    assert.match(
      validateRequest('call', { peerId: 'a', requestId: 'x' })!.message,
      /"requestId" cannot be a parameter/,
    );
    assert.match(validateRequest('call', { peerId: 'a', method: 'hangUp' })!.message, /"method" cannot be a parameter/);
    const polluted = JSON.parse('{"peerId":"a","__proto__":{"admin":true}}') as Record<string, unknown>;
    assert.match(validateRequest('call', polluted)!.message, /"__proto__" is not allowed/);
    assert.match(validateRequest('call', { peerId: 'a', constructor: 1 })!.message, /"constructor" is not allowed/);
    assert.equal(validateRequest('makeCoffee', { prototype: 1 }, { strict: false })?.code, 'INVALID_PARAMS');
  });

  it('rejects malformed method names even with strict off', () => {
    for (const bad of ['', '1call', 'call me', 'a.b', 'call\n', 42]) {
      const err = validateRequest(bad, {}, { strict: false });
      assert.equal(err?.code, 'INVALID_PARAMS', JSON.stringify(bad));
      assert.match(err!.message, /Invalid method name/);
    }
  });

  it('derives one schema per catalogue method', () => {
    const schema = methodSchema('createConference')!;
    assert.equal(schema.type, 'object');
    assert.equal(schema.additionalProperties, true);
    assert.deepEqual(schema.required, ['title', 'confType', 'autoAccept']);
    assert.deepEqual(schema.properties!.inviteList, { type: 'array', items: { type: 'string' } });
    assert.equal(methodSchema('nope'), undefined);
  });
});
