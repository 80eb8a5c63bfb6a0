import * as assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import * as path from 'node:path';
import { RoomEmulator } from '../../src/emulator';
import { withDeadline } from '../support/wait';
import { closeAll, httpGet, httpPost, RawClient } from './raw-client';

describe('emulator: status page', () => {
  let room: RoomEmulator;
  const clients: RawClient[] = [];

  beforeEach(async () => {
    room = new RoomEmulator({ auth: { admin: { type: 'pin', secret: '4321' } } });
    await room.start();
  });

  afterEach(async () => {
    closeAll(clients.splice(0));
    await room.stop();
  });

  it('GET / is a self-contained page that polls /status.json', async () => {
    const res = await httpGet(room.webUrl);
    assert.equal(res.status, 200);
    assert.match(res.type, /text\/html/);
    assert.match(res.body, /status\.json/);
    assert.doesNotMatch(res.body, /<script[^>]+src=|<link[^>]+href=/, 'no external assets');
  });

  it('status.json shows app state, conference, participants, controllers and the frame log without secrets', async () => {
    const c = await RawClient.authorized(room.url, { type: 'secured', credentials: '4321' });
    clients.push(c);
    await c.request('call', { peerId: 'alice' });
    await c.event('newParticipantInConference');
    const status = JSON.parse((await httpGet(`${room.webUrl}status.json`)).body);
    assert.equal(status.appState, 5);
    assert.equal(status.appStateName, 'conference');
    assert.equal(status.conference.participants.length, 2);
    assert.deepEqual([status.sleepMode, status.poweredOff, status.product], [false, false, 'room']);
    assert.deepEqual(
      status.clients.map((k: { role: string }) => k.role),
      ['admin'],
    );
    const text = JSON.stringify(status.log);
    assert.match(text, /"dir":"in".*call/);
    assert.match(text, /conferenceCreated/);
    assert.doesNotMatch(text, /4321/, 'the PIN never appears');
    const token = (c.frames.find((f) => f.method === 'auth') as { token: string }).token;
    assert.doesNotMatch(text, new RegExp(token), 'nor the token');
    const last = status.log[status.log.length - 1].seq;
    const later = JSON.parse((await httpGet(`${room.webUrl}status.json?since=${last}`)).body);
    assert.deepEqual(later.log, []);
  });

  it('far-end buttons: incoming call, joins and leaves', async () => {
    const c = await RawClient.authorized(room.url, { type: 'secured', credentials: '4321' });
    clients.push(c);
    assert.equal((await httpPost(`${room.webUrl}actions/incoming-call?peerId=kim`)).status, 200);
    assert.equal((await c.event('inviteReceived')).peerId, 'kim@emulator.local');
    const busy = await httpPost(`${room.webUrl}actions/incoming-call?peerId=lee`);
    assert.equal(busy.status, 409);
    assert.match(JSON.parse(busy.body).error, /not idle/);
    await c.request('accept');
    await c.event('conferenceCreated');
    await httpPost(`${room.webUrl}actions/participant-joins?peerId=lee`);
    assert.match(
      String((await c.event('newParticipantInConference', (f) => String(f.peerId).startsWith('lee@'))).peerId),
      /^lee@emulator\.local\//,
    );
    await httpPost(`${room.webUrl}actions/participant-leaves?peerId=lee`);
    await c.event('participantLeftConference');
  });

  it('the live log sink gets every frame with secrets masked', async () => {
    const lines: string[] = [];
    const logged = new RoomEmulator({
      auth: { admin: { type: 'password', secret: 'hunter2' } },
      log: (l) => lines.push(l),
    });
    await logged.start();
    try {
      const c = await RawClient.authorized(logged.url, { type: 'secured', credentials: 'hunter2' });
      clients.push(c);
      await c.request('getAppState');
      assert.ok(lines.some((l) => l.startsWith('→') && l.includes('getAppState')));
      assert.ok(lines.some((l) => l.startsWith('←') && l.includes('"appState":3')));
      assert.ok(lines.every((l) => !l.includes('hunter2')));
    } finally {
      await logged.stop();
    }
  });
});

describe('emulator: CLI', () => {
  let child: ChildProcess | undefined;
  const cli = path.join(__dirname, '..', '..', 'src', 'emulator', 'cli.js');

  afterEach(async () => {
    if (child && child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((resolve) => child!.once('exit', resolve));
      child.kill('SIGKILL');
      await exited;
    }
    child = undefined;
  });

  /** Spawns the CLI; `waitFor` re-checks everything printed so far whenever more arrives. */
  async function start(
    args: string[],
  ): Promise<{ out: () => string; waitFor: (re: RegExp, what: string) => Promise<RegExpExecArray> }> {
    const proc = spawn(process.execPath, [cli, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    child = proc;
    let out = '';
    const waitFor = (re: RegExp, what: string) =>
      withDeadline(
        new Promise<RegExpExecArray>((resolve, reject) => {
          const check = () => {
            const m = re.exec(out);
            if (m) {
              proc.stdout!.off('data', check);
              resolve(m);
            }
          };
          proc.stdout!.on('data', check);
          proc.once('exit', (code) => reject(new Error(`CLI exited with ${code}: ${out}`)));
          check();
        }),
        10_000,
        what,
      );
    proc.stdout!.on('data', (d) => (out += d));
    proc.stderr!.on('data', (d) => (out += d));
    return { out: () => out, waitFor };
  }

  it('starts, prints where it listens, answers config.json and the API, and stops cleanly on SIGINT', async () => {
    const run = await start(['--web-port', '0', '--ws-port', '0', '--instance', 'hall', '--admin-pin', '2468']);
    const configUrl = (await run.waitFor(/config\.json\s+(http:\/\/\S+)/, 'config.json line'))[1];
    const wsUrl = (await run.waitFor(/WebSocket\s+(ws:\/\/\S+)/, 'WebSocket line'))[1];
    await run.waitFor(/status page\s+http:\/\/127\.0\.0\.1:\d+\//, 'status page line');
    assert.doesNotMatch(run.out(), /2468/, 'the PIN is not printed');
    assert.equal(configUrl.includes('/public/hall/config.json'), true);
    const config = JSON.parse((await httpGet(configUrl)).body);
    assert.equal(`ws://127.0.0.1:${config.config.websocket.port}`, wsUrl);
    const c = await RawClient.authorized(wsUrl, { type: 'secured', credentials: '2468' });
    assert.equal((await c.request('getAppState')).appState, 3);
    await run.waitFor(/← #\d+ \{"method":"getAppState"/, 'the frame log on stdout');
    assert.doesNotMatch(run.out(), /2468/, 'nor in the frame log');
    c.close();
    const exited = new Promise<number | null>((resolve) => child!.once('exit', (code) => resolve(code)));
    child!.kill('SIGINT');
    assert.equal(await withDeadline(exited, 5000, 'CLI exit'), 0);
  });

  it('--product videosdk: one control mode, auth answers without previleges, a role is ignored', async () => {
    const run = await start(['--web-port', '0', '--ws-port', '0', '--product', 'videosdk', '--quiet']);
    const wsUrl = (await run.waitFor(/WebSocket\s+(ws:\/\/\S+)/, 'WebSocket line'))[1];
    assert.match(run.out(), /TrueConf VideoSDK emulator running/);
    assert.match(run.out(), /no access levels/);
    const c = await RawClient.open(wsUrl);
    const auth = await c.request('auth', { type: 'unsecured', role: 'user' });
    assert.equal(auth.result, true);
    assert.equal('previleges' in auth, false);
    assert.equal((await c.request('getLogo')).result, true, 'no admin-only methods');
    c.close();
  });

  it('--help prints usage; a bad flag exits 2 with a message', async () => {
    const help = spawn(process.execPath, [cli, '--help']);
    let text = '';
    help.stdout.on('data', (d) => (text += d));
    const code = await withDeadline(new Promise((resolve) => help.once('exit', resolve)), 5000, 'help exit');
    assert.equal(code, 0);
    assert.match(text, /--ws-port/);
    const bad = spawn(process.execPath, [cli, '--ws-port', 'abc']);
    let err = '';
    bad.stderr.on('data', (d) => (err += d));
    assert.equal(await withDeadline(new Promise((resolve) => bad.once('exit', resolve)), 5000, 'bad exit'), 2);
    assert.match(err, /--ws-port must be a port number/);
  });
});
