import * as assert from 'node:assert/strict';
import * as https from 'node:https';
import { RoomEmulator } from '../../src/emulator';
import { withDeadline } from '../support/wait';
import { closeAll, httpGet, RawClient } from './raw-client';
import { TEST_TLS } from './tls-fixture';

describe('emulator: discovery and API versions', () => {
  let room: RoomEmulator;
  const clients: RawClient[] = [];

  beforeEach(async () => {
    room = new RoomEmulator({ instance: 'lobby' });
    await room.start();
  });

  afterEach(async () => {
    closeAll(clients.splice(0));
    await room.stop();
  });

  it('serves config.json for its instance naming the WebSocket and web ports', async () => {
    const res = await httpGet(`http://127.0.0.1:${room.webPort}/public/lobby/config.json`);
    assert.equal(res.status, 200);
    assert.match(res.type, /application\/json/);
    assert.deepEqual(JSON.parse(res.body), {
      config: { websocket: { hostname: null, port: room.wsPort }, http: { hostname: null, port: room.webPort } },
    });
    assert.equal(room.configUrl, `http://127.0.0.1:${room.webPort}/public/lobby/config.json`);
  });

  it('answers 404 for another instance', async () => {
    const res = await httpGet(`http://127.0.0.1:${room.webPort}/public/default/config.json`);
    assert.equal(res.status, 404);
  });

  it('binds 127.0.0.1 by default', () => {
    assert.equal(room.host, '127.0.0.1');
    assert.equal(room.url, `ws://127.0.0.1:${room.wsPort}`);
  });

  it('no path and /v1 select API v1, /v2 selects v2 (getConferences carries id only in v2)', async () => {
    const v1root = await RawClient.authorized(room.url);
    clients.push(v1root);
    const v2 = await RawClient.open(`${room.url}/v2`);
    clients.push(v2);
    await v2.request('auth', { type: 'secured', credentials: 'x' }); // wrong: fails, admin is unsecured
    // admin is held by v1root; v2 takes the user mode explicitly
    assert.equal((await v2.request('auth', { type: 'unsecured', role: 'user' })).result, true);
    const byConn = new Map(room.clients().map((c) => [c.connId, c.apiVersion]));
    assert.deepEqual([...byConn.values()].sort(), [1, 2]);

    await v1root.request('call', { peerId: 'alice' });
    await v1root.event('conferenceCreated');
    const c1 = (await v1root.request('getConferences')).conferences as Array<Record<string, unknown>>;
    const c2 = (await v2.request('getConferences')).conferences as Array<Record<string, unknown>>;
    assert.equal(c1.length, 1);
    assert.equal('id' in c1[0], false);
    assert.equal(c2[0].id, c2[0].confId);
  });

  it('accepts setUsedApiVersion before auth, and it overrides the path', async () => {
    const client = await RawClient.open(`${room.url}/v1`);
    clients.push(client);
    const res = await client.request('setUsedApiVersion', { version: '2' });
    assert.deepEqual(res, { method: 'setUsedApiVersion', requestId: res.requestId, result: true });
    assert.equal(room.clients()[0].apiVersion, 2);
    const bad = await client.request('setUsedApiVersion', { version: '7' });
    assert.equal(bad.result, false);
    assert.match(String(bad.error), /unsupported API version/);
  });

  it('echoes an empty requestId when the request has none', async () => {
    const client = await RawClient.open(room.url);
    clients.push(client);
    client.send({ method: 'setUsedApiVersion', version: '1' });
    const res = await client.waitFrame((f) => f.method === 'setUsedApiVersion', 5000, 'response');
    assert.equal(res.requestId, '');
    assert.equal(res.result, true);
  });

  it('refuses the upgrade on other paths with HTTP 404', async () => {
    await assert.rejects(RawClient.open(`${room.url}/v3`), /404/);
  });

  it('serves wss:// and https:// with tls', async () => {
    const secure = new RoomEmulator({ tls: TEST_TLS });
    await secure.start();
    try {
      assert.match(secure.url, /^wss:\/\//);
      const client = await RawClient.authorized(secure.url, { type: 'unsecured' }).catch(() => undefined);
      assert.equal(client, undefined, 'an unknown self-signed certificate must be refused by default');
      const trusted = await RawClient.open(secure.url, { ca: TEST_TLS.cert });
      clients.push(trusted);
      assert.equal((await trusted.request('auth', { type: 'unsecured' })).result, true);
      const body = await withDeadline(
        new Promise<string>((resolve, reject) => {
          https
            .get(secure.configUrl, { ca: TEST_TLS.cert, agent: false }, (res) => {
              let text = '';
              res.on('data', (c) => (text += c));
              res.on('end', () => resolve(text));
            })
            .on('error', reject);
        }),
        5000,
        'https config.json',
      );
      assert.equal(JSON.parse(body).config.websocket.port, secure.wsPort);
    } finally {
      closeAll(clients.splice(0));
      await secure.stop();
    }
  });

  it('takes the next free WebSocket port when the requested one is busy, like the Room', async () => {
    const second = new RoomEmulator({ wsPort: room.wsPort });
    await second.start();
    try {
      assert.notEqual(second.wsPort, room.wsPort);
      assert.ok(second.wsPort > room.wsPort);
      const strict = new RoomEmulator({ wsPort: room.wsPort, strictWsPort: true });
      await assert.rejects(strict.start(), /EADDRINUSE/);
    } finally {
      await second.stop();
    }
  });
});
