import * as assert from 'node:assert/strict';
import { RoomEmulator } from '../../src/emulator';
import { closeAll, RawClient } from './raw-client';

describe('emulator: auth and control modes', () => {
  let room: RoomEmulator;
  const clients: RawClient[] = [];
  const open = async (path = '') => {
    const c = await RawClient.open(room.url + path);
    clients.push(c);
    return c;
  };

  afterEach(async () => {
    closeAll(clients.splice(0));
    await room?.stop();
  });

  describe('both modes unsecured (default)', () => {
    beforeEach(async () => {
      room = new RoomEmulator();
      await room.start();
    });

    it('unsecured auth without role gives admin, with the documented response fields', async () => {
      const c = await open();
      const res = await c.request('auth', { type: 'unsecured' });
      assert.equal(res.method, 'auth');
      assert.equal(res.result, true);
      assert.equal(res.resultCode, 0);
      assert.equal(res.previleges, 2);
      assert.equal(typeof res.token, 'string');
      assert.equal(typeof res.tokenForHttpServer, 'string');
      assert.deepEqual(
        room.clients().map((k) => k.role),
        ['admin'],
      );
    });

    it('refuses commands before auth with "not authorized"', async () => {
      const c = await open();
      const res = await c.request('getAppState');
      assert.equal(res.result, false);
      assert.equal(res.error, 'not authorized');
    });

    it('role:user gives user mode (previleges 1) and refuses admin-only commands', async () => {
      const c = await open();
      const res = await c.request('auth', { type: 'unsecured', role: 'user' });
      assert.equal(res.previleges, 1);
      for (const method of ['logout', 'shutdown', 'clearTokens']) {
        const r = await c.request(method);
        assert.equal(r.result, false, method);
        assert.equal(r.error, 'access denied: requires administrator mode');
      }
      assert.equal((await c.request('getAppState')).result, true);
    });

    it('downgrades an admin connection to user with {role:"user"} and no type', async () => {
      const c = await open();
      await c.request('auth', { type: 'unsecured' });
      const res = await c.request('auth', { role: 'user' });
      assert.equal(res.result, true);
      assert.equal(res.previleges, 1);
      assert.equal(room.clients()[0].role, 'user');
      const again = await (await open()).request('auth', { role: 'user' });
      assert.equal(again.result, false, 'a connection that is not admin cannot downgrade');
    });

    it('one connection per mode: the earlier one gets authorizationNeeded cause 1 and loses its rights', async () => {
      const first = await RawClient.authorized(room.url);
      clients.push(first);
      const second = await RawClient.authorized(room.url);
      clients.push(second);
      const displaced = await first.event('authorizationNeeded');
      assert.equal(displaced.cause, 1);
      assert.equal(first.closed, false, 'the socket stays open');
      assert.equal((await first.request('getAppState')).error, 'not authorized');
      assert.equal(second.events('authorizationNeeded').length, 0);
      // notifications go to authorized connections only
      await second.request('setMicMute', { mute: true });
      await second.event('audioCapturerMute');
      assert.equal(first.events('audioCapturerMute').length, 0);
    });

    it('admin and user connections coexist and both receive notifications', async () => {
      const admin = await RawClient.authorized(room.url, { type: 'unsecured', role: 'admin' });
      const user = await RawClient.authorized(room.url, { type: 'unsecured', role: 'user' });
      clients.push(admin, user);
      await admin.request('setVideoMute', { mute: true });
      assert.equal((await admin.event('videoCapturerMute')).mute, true);
      assert.equal((await user.event('videoCapturerMute')).mute, true);
    });

    it('a failed auth leaves an authorized connection as it was', async () => {
      const c = await RawClient.authorized(room.url);
      clients.push(c);
      const res = await c.request('auth', { type: 'secured', credentials: 'nope' });
      assert.deepEqual([res.result, res.resultCode, res.error], [false, 3, 'wrong credentials']);
      assert.equal((await c.request('getAppState')).result, true);
    });
  });

  describe('PIN and password protection', () => {
    beforeEach(async () => {
      room = new RoomEmulator({
        auth: { admin: { type: 'password', secret: 'S3cret!' }, user: { type: 'pin', secret: 'AbC123' } },
      });
      await room.start();
    });

    it('the admin password gives admin, the user PIN (any case) gives user', async () => {
      const a = await open();
      assert.equal((await a.request('auth', { type: 'secured', credentials: 'S3cret!' })).previleges, 2);
      const u = await open();
      assert.equal((await u.request('auth', { type: 'secured', credentials: 'abc123' })).previleges, 1);
    });

    it('wrong credentials: result false, resultCode 3, "wrong credentials"', async () => {
      const c = await open();
      const res = await c.request('auth', { type: 'secured', credentials: 's3cret!' });
      assert.deepEqual(
        { result: res.result, resultCode: res.resultCode, error: res.error },
        { result: false, resultCode: 3, error: 'wrong credentials' },
      );
      const unsecured = await c.request('auth', { type: 'unsecured' });
      assert.equal(unsecured.result, false, 'unsecured auth fails when both modes are protected');
    });

    it('with a role only that mode is checked', async () => {
      const c = await open();
      const res = await c.request('auth', { type: 'secured', credentials: 'S3cret!', role: 'user' });
      assert.equal(res.result, false);
      assert.equal((await c.request('auth', { type: 'secured', credentials: 'abc123', role: 'user' })).result, true);
    });

    it('a token from an earlier auth re-authorizes in the same mode on a new socket', async () => {
      const first = await open();
      const token = (await first.request('auth', { type: 'secured', credentials: 'S3cret!' })).token as string;
      first.close();
      await first.waitClose();
      const second = await open();
      const res = await second.request('auth', { type: 'secured', credentials: token });
      assert.equal(res.result, true);
      assert.equal(res.previleges, 2);
      const wrongRole = await (await open()).request('auth', { type: 'secured', credentials: token, role: 'user' });
      assert.equal(wrongRole.result, false);
    });

    it('clearTokens invalidates the tokens; a restart keeps them unless forgetTokens', async () => {
      const c = await open();
      const token = (await c.request('auth', { type: 'secured', credentials: 'S3cret!' })).token as string;
      await room.restart();
      const after = await open();
      assert.equal((await after.request('auth', { type: 'secured', credentials: token })).result, true);
      assert.equal((await after.request('clearTokens')).result, true);
      const late = await open();
      assert.equal((await late.request('auth', { type: 'secured', credentials: token })).result, false);
      const token2 = (await late.request('auth', { type: 'secured', credentials: 'S3cret!' })).token as string;
      await room.restart({ forgetTokens: true });
      const fresh = await open();
      assert.equal((await fresh.request('auth', { type: 'secured', credentials: token2 })).result, false);
    });

    it('setAuth: the holder of a changed mode gets authorizationNeeded cause 3 (admin) or 4 (user)', async () => {
      const admin = await RawClient.authorized(room.url, { type: 'secured', credentials: 'S3cret!' });
      const user = await RawClient.authorized(room.url, { type: 'secured', credentials: 'abc123' });
      clients.push(admin, user);
      const userToken = (user.frames.find((f) => f.method === 'auth') as Record<string, unknown>).token;
      room.setAuth({ user: { type: 'pin', secret: '999999' } });
      assert.equal((await user.event('authorizationNeeded')).cause, 4);
      assert.equal(admin.events('authorizationNeeded').length, 0);
      const retry = await user.request('auth', { type: 'secured', credentials: userToken });
      assert.equal(retry.result, false, 'tokens of a changed mode die with its old credentials');
      assert.equal((await user.request('auth', { type: 'secured', credentials: '999999' })).result, true);
      room.setAuth({ admin: { type: 'password', secret: 'other' } });
      assert.equal((await admin.event('authorizationNeeded')).cause, 3);
    });

    it('setAuthParams changes protection, returns newPin, and re-issues the caller a token', async () => {
      const admin = await RawClient.authorized(room.url, { type: 'secured', credentials: 'S3cret!' });
      const user = await RawClient.authorized(room.url, { type: 'secured', credentials: 'abc123' });
      clients.push(admin, user);
      const res = await admin.request('setAuthParams', { userType: 'user', authType: 'pin' });
      assert.equal(res.result, true);
      assert.match(String(res.newPin), /^\d{6}$/);
      assert.equal((await user.event('authorizationNeeded')).cause, 4);
      assert.equal((await user.request('auth', { type: 'secured', credentials: res.newPin })).result, true);
      const info = await admin.request('getAuthInfo');
      assert.deepEqual(info.adminAuth, { security: 'password' });
      assert.deepEqual(info.userAuth, { security: 'pin', pin: res.newPin });
      const own = await admin.request('setAuthParams', { userType: 'admin', authType: 'password', password: 'n3w' });
      assert.equal(typeof own.token, 'string');
      assert.equal((await admin.request('getAppState')).result, true, 'the caller keeps its mode');
      const denied = await user.request('setAuthParams', { userType: 'admin', authType: 'unsecured' });
      assert.equal(denied.result, false);
    });
  });

  describe('TrueConf VideoSDK (product videosdk): no access levels', () => {
    beforeEach(async () => {
      room = new RoomEmulator({ product: 'videosdk', auth: { admin: { type: 'pin', secret: '1357' } } });
      await room.start();
    });

    it('one protected mode: a role is ignored, every command is allowed, auth has no previleges', async () => {
      const c = await open();
      assert.equal((await c.request('auth', { type: 'unsecured' })).result, false, 'the one mode is protected');
      const res = await c.request('auth', { type: 'secured', credentials: '1357', role: 'user' });
      assert.equal(res.result, true);
      assert.equal('previleges' in res, false);
      assert.equal(typeof res.token, 'string');
      for (const method of ['getLogo', 'getHardwareKey', 'clearTokens'])
        assert.equal((await c.request(method)).result, true, method);
      assert.deepEqual((await c.request('getAuthInfo')).userAuth, undefined, 'no user mode');
      const down = await c.request('auth', { role: 'user' });
      assert.equal(down.result, false);
      assert.match(String(down.error), /no access levels/);
      const info = await c.request('getSystemInfo');
      assert.match(String((info.productInfo as Record<string, unknown>).name), /VideoSDK/);
    });
  });
});
