import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { httpRequest } from '../support/node-red-admin';
import { repoRoot } from '../support/repo';
import { freePort } from '../support/ports';
import { withDeadline } from '../support/wait';
import { connectEditorComms } from './support/editor-comms';
import { connectPanel } from './support/mqtt-panel';

/**
 * `npm start` on a fresh clone: dist/demo/start.js (what `npm start` runs after the build) comes up
 * with every room node green, the editor, the Room status page and the broker answer, and Ctrl-C ends it.
 */
describe('npm start (the demo)', function () {
  this.timeout(120000);
  let child: ChildProcess | undefined;
  let dir: string | undefined;
  let output = '';
  const lines: string[] = [];

  after(async () => {
    if (child && child.exitCode === null && child.signalCode === null) {
      child.kill('SIGKILL');
      await new Promise((resolve) => child!.once('exit', resolve));
    }
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  function waitForLine(pattern: RegExp, timeoutMs: number): Promise<string> {
    const found = lines.find((l) => pattern.test(l));
    if (found) return Promise.resolve(found);
    let onData: (() => void) | undefined;
    let onExit: (() => void) | undefined;
    const hit = new Promise<string>((resolve, reject) => {
      onData = () => {
        const line = lines.find((l) => pattern.test(l));
        if (line) resolve(line);
      };
      onExit = () => reject(new Error(`the demo exited while waiting for ${pattern}`));
      child!.stdout!.on('data', onData);
      child!.once('exit', onExit);
    });
    return withDeadline(hit, timeoutMs, `demo output ${pattern}`)
      .catch((err: Error) => {
        throw new Error(`${err.message}; output so far:\n${output.slice(-3000)}`);
      })
      .finally(() => {
        child!.stdout!.off('data', onData!);
        child!.off('exit', onExit!);
      });
  }

  it('comes up green, serves the editor, the Room status page and MQTT, and stops on Ctrl-C', async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'trueconf-demo-'));
    const [editorPort, webPort, wsPort, mqttPort] = [
      await freePort(),
      await freePort(),
      await freePort(),
      await freePort(),
    ];
    child = spawn(process.execPath, [path.join(repoRoot, 'dist', 'demo', 'start.js')], {
      cwd: repoRoot,
      env: {
        ...process.env,
        PORT: String(editorPort),
        TRUECONF_DEMO_WEB_PORT: String(webPort),
        TRUECONF_DEMO_WS_PORT: String(wsPort),
        TRUECONF_DEMO_MQTT_PORT: String(mqttPort),
        TRUECONF_DEMO_DIR: dir,
        LC_ALL: 'en_US.UTF-8',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let partial = '';
    const onChunk = (chunk: Buffer) => {
      output += chunk.toString();
      partial += chunk.toString();
      let nl: number;
      while ((nl = partial.indexOf('\n')) >= 0) {
        lines.push(partial.slice(0, nl));
        partial = partial.slice(nl + 1);
      }
    };
    child.stdout!.on('data', onChunk);
    child.stderr!.on('data', onChunk);

    const ready = await waitForLine(/demo ready: all (\d+) room nodes connected/, 60000);
    const total = Number(/all (\d+) room nodes/.exec(ready)![1]);
    assert.ok(total >= 5, `every example's room nodes count (${total})`);
    assert.ok(
      lines.some((l) => l.includes(`http://127.0.0.1:${editorPort}/`)),
      'prints the editor URL',
    );
    assert.ok(
      lines.some((l) => l.includes(`http://127.0.0.1:${webPort}/`)),
      'prints the Room status page URL',
    );
    assert.ok(
      lines.some((l) => l.includes(`mqtt://127.0.0.1:${mqttPort}`)),
      'prints the MQTT URL',
    );

    const panelUrl = `http://127.0.0.1:${editorPort}/dashboard/room`;
    assert.ok(
      lines.some((l) => /Touch panel/.test(l) && l.includes(panelUrl)),
      'prints the touch panel URL',
    );
    const panelPage = await httpRequest('GET', panelUrl, undefined, { Accept: 'text/html' });
    assert.equal(panelPage.status, 200, 'the dashboard serves the touch panel page');

    const editor = await httpRequest('GET', `http://127.0.0.1:${editorPort}/`, undefined, { Accept: 'text/html' });
    assert.equal(editor.status, 200);
    assert.match(editor.body, /Node-RED/);
    const flows = await httpRequest('GET', `http://127.0.0.1:${editorPort}/flows`);
    const tabs = (flows.json as Array<{ type: string; label?: string }>)
      .filter((n) => n.type === 'tab')
      .map((n) => n.label);
    assert.deepEqual(tabs, [
      'Call button',
      'MQTT wall panel',
      'Occupancy',
      'Auto-answer allowlist',
      'Connection watchdog',
      'Building over MQTT',
      'Touch panel',
    ]);
    const nodes = await httpRequest('GET', `http://127.0.0.1:${editorPort}/nodes`, undefined, {
      Accept: 'application/json',
    });
    assert.ok(JSON.stringify(nodes.json).includes('room-command'), 'the package is loaded');
    // Import > Examples lists this package's examples.
    const listed = await httpRequest(
      'GET',
      `http://127.0.0.1:${editorPort}/library/examples/flows/node-red-contrib-trueconf-room`,
    );
    const names = (listed.json as Array<{ fn?: string } | string>).map((e) => (typeof e === 'string' ? e : e.fn));
    for (const name of [
      '01 Call button',
      '02 MQTT wall panel',
      '03 Occupancy',
      '04 Auto-answer allowlist',
      '05 Connection watchdog',
      '06 Building over MQTT',
      '07 Touch panel',
    ]) {
      assert.ok(
        names.some((n) => n?.startsWith(name)),
        `Import > Examples offers "${name}" (got ${JSON.stringify(listed.json)})`,
      );
    }

    // What the user sees in the editor: every room node green.
    const comms = await connectEditorComms(`http://127.0.0.1:${editorPort}`);
    try {
      const ids = (flows.json as Array<{ id: string; type: string }>)
        .filter((n) => n.type === 'room-command' || n.type === 'room-event')
        .map((n) => n.id);
      assert.equal(ids.length, total);
      await comms.waitForFill(ids, 'green', 15000);
    } finally {
      await comms.close();
    }

    const status = await httpRequest('GET', `http://127.0.0.1:${webPort}/`, undefined, { Accept: 'text/html' });
    assert.equal(status.status, 200);
    assert.match(status.body, /TrueConf Room/);
    const config = await httpRequest('GET', `http://127.0.0.1:${webPort}/public/default/config.json`);
    assert.equal((config.json as { config: { websocket: { port: number } } }).config.websocket.port, wsPort);

    // The wall panel example answers over the demo's broker.
    const panel = await connectPanel(`mqtt://127.0.0.1:${mqttPort}`, 'demo-panel');
    try {
      await panel.subscribe('trueconf/room1/state');
      const state = await panel.waitFor('trueconf/room1/state');
      assert.equal(state.retain, true);
      assert.equal((state.payload as { connected: boolean }).connected, true);
      // The small building: three rooms of their own, each with its retained state, answering through one flow.
      assert.ok(
        lines.some((l) => /Building rooms\s+boardroom http:\/\/127\.0\.0\.1:\d+\/\s+huddle .+training/.test(l)),
        'prints the building rooms',
      );
      await panel.subscribe('trueconf/+/state');
      await panel.subscribe('trueconf/huddle/response/#');
      for (const room of ['boardroom', 'huddle', 'training']) {
        const roomState = await panel.waitFor(`trueconf/${room}/state`, (p) => (p as { connected: boolean }).connected);
        assert.equal(roomState.retain, true);
      }
      await panel.publish('trueconf/huddle/cmd/getAppState', '');
      const reply = await panel.waitFor('trueconf/huddle/response/getAppState');
      assert.equal((reply.payload as { appState?: number }).appState, 3);
    } finally {
      await panel.close();
    }

    const exited = new Promise<number | null>((resolve) => child!.once('exit', (code) => resolve(code)));
    child.kill('SIGINT');
    const code = await withDeadline(exited, 30000, 'the demo to exit after SIGINT');
    assert.equal(code, 0, `exit code; output:\n${output.slice(-2000)}`);
    assert.ok(lines.some((l) => /demo: stopped/.test(l)));
  });
});
