import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { RoomEmulator } from '../../src/emulator';
import { FlowSink, startFlowSink } from '../support/flow-sink';
import { NodeRedFlavour, NodeRedProcess, node22Binary, startNodeRed } from '../support/node-red-process';
import { packageName, repoRoot } from '../support/repo';

/**
 * What a user does: `npm pack`-ed package, `npm install <tarball>` in a plain Node-RED user directory,
 * start Node-RED, find the nodes, deploy a flow against a Room (the emulator) and see it work.
 * Runs on Node-RED 4.1 (Node 20) and Node-RED 5 (Node 22) over the same installed user directory.
 */

const NODE_TYPES = ['room-config', 'room-command', 'room-event'];

function run(command: string, args: string[], cwd: string, timeoutMs = 120000): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(command, args, { cwd, timeout: timeoutMs, maxBuffer: 32 * 1024 * 1024 }, (err, stdout, stderr) => {
      if (err) reject(new Error(`${command} ${args.join(' ')} failed: ${err.message}\n${stdout}\n${stderr}`));
      else resolve(stdout);
    });
  });
}

interface PackResult {
  filename: string;
  files: { path: string }[];
}

function commandFlow(emulator: RoomEmulator, sink: FlowSink): object[] {
  const z = 'install-tab';
  return [
    { id: z, type: 'tab', label: 'Installed TrueConf nodes' },
    {
      id: 'install-room',
      type: 'room-config',
      name: 'Emulated Room',
      host: '127.0.0.1',
      port: emulator.webPort,
      wsPort: '',
      instance: 'default',
      apiVersion: '2',
      authType: 'unsecured',
      role: '',
      tls: false,
    },
    {
      id: 'install-inject',
      type: 'inject',
      z,
      name: 'ask the app state',
      props: [{ p: 'payload' }],
      payload: '{}',
      payloadType: 'json',
      repeat: '',
      once: false,
      wires: [['install-command']],
    },
    {
      id: 'install-command',
      type: 'room-command',
      z,
      name: '',
      room: 'install-room',
      method: 'getAppState',
      params: {},
      timeout: '',
      waitForOutcome: false,
      strict: true,
      wires: [['responses-fn']],
    },
    {
      id: 'install-event',
      type: 'room-event',
      z,
      name: '',
      room: 'install-room',
      events: ['inviteReceived'],
      topicPrefix: 'room/',
      connectionEvents: false,
      wires: [['events-fn']],
    },
    // What the user sees under the nodes: their status.
    {
      id: 'install-status',
      type: 'status',
      z,
      name: '',
      scope: ['install-command', 'install-event'],
      wires: [['status-fn']],
    },
    { id: 'install-catch', type: 'catch', z, name: '', scope: null, uncaught: false, wires: [['errors-fn']] },
    ...sink.nodes({ id: 'responses', channel: 'responses', z, y: 100 }),
    ...sink.nodes({ id: 'events', channel: 'events', z, y: 200 }),
    ...sink.nodes({ id: 'status', channel: 'status', z, y: 300 }),
    ...sink.nodes({ id: 'errors', channel: 'errors', z, y: 400 }),
  ];
}

describe('install: npm install <package> into a plain Node-RED user directory', function () {
  this.timeout(180000);

  let work: string;
  let userDir: string;
  let packed: PackResult;

  before(async function () {
    work = fs.mkdtempSync(path.join(os.tmpdir(), 'trueconf-install-'));
    const packJson = await run('npm', ['pack', '--json', '--pack-destination', work], repoRoot);
    packed = (JSON.parse(packJson) as PackResult[])[0];
    // The user directory as Node-RED creates it on first start.
    userDir = path.join(work, 'node-red-user');
    fs.mkdirSync(userDir);
    fs.writeFileSync(
      path.join(userDir, 'package.json'),
      JSON.stringify({ name: 'node-red-project', description: 'A Node-RED Project', version: '0.0.1', private: true }),
    );
    // ws and ajv come from the npm cache when they are there, else from the registry.
    await run(
      'npm',
      ['install', '--no-audit', '--no-fund', '--prefer-offline', path.join(work, packed.filename)],
      userDir,
    );
  });

  after(function () {
    if (work) fs.rmSync(work, { recursive: true, force: true });
  });

  it('puts the package in the user directory as npm would, with only its runtime dependencies', function () {
    const installed = JSON.parse(
      fs.readFileSync(path.join(userDir, 'node_modules', packageName, 'package.json'), 'utf8'),
    );
    assert.equal(installed.name, packageName);
    const userPkg = JSON.parse(fs.readFileSync(path.join(userDir, 'package.json'), 'utf8'));
    assert.ok(userPkg.dependencies[packageName], 'the user package.json lists the module');
    for (const dep of ['ws', 'ajv']) {
      assert.ok(fs.existsSync(path.join(userDir, 'node_modules', dep, 'package.json')), `${dep} was not installed`);
    }
    assert.ok(
      !fs.existsSync(path.join(userDir, 'node_modules', 'node-red')),
      'a dev dependency (node-red) was installed',
    );
    assert.ok(!fs.existsSync(path.join(userDir, 'node_modules', 'mocha')), 'a dev dependency (mocha) was installed');
  });

  const flavours: { nodeRed: NodeRedFlavour; label: string }[] = [
    { nodeRed: 'node-red', label: 'Node-RED 4.1 on Node 20' },
    { nodeRed: 'node-red-5', label: 'Node-RED 5 on Node 22' },
  ];
  for (const { nodeRed, label } of flavours) {
    describe(label, function () {
      let emulator: RoomEmulator;
      let sink: FlowSink;
      let nr: NodeRedProcess | undefined;

      before(async function () {
        if (nodeRed === 'node-red-5' && !fs.existsSync(node22Binary)) {
          if (process.env.CI === 'true') throw new Error('Node 22 is missing: npm ci --prefix test/tooling/node22');
          this.skip();
        }
        emulator = new RoomEmulator({ webPort: 0, wsPort: 0 });
        await emulator.start();
        sink = await startFlowSink();
        // The flows of the previous Node-RED run are dropped: each version starts from an empty workspace.
        nr = await startNodeRed({ nodeRed, userDir, linkPackage: false, flows: [] });
      });

      after(async function () {
        await nr?.stop();
        await sink?.close();
        await emulator?.stop();
      });

      it('loads the three nodes from the installed module without errors', async function () {
        const res = await nr!.request('GET', '/nodes', undefined, { Accept: 'application/json' });
        assert.equal(res.status, 200);
        const sets = (
          res.json as { module: string; types: string[]; enabled: boolean; err?: string; id: string }[]
        ).filter((s) => s.module === packageName);
        const types = sets.flatMap((s) => s.types).sort();
        assert.deepEqual(types, [...NODE_TYPES].sort(), `node types from ${packageName}`);
        for (const set of sets) {
          assert.equal(set.err, undefined, `${set.id} failed to load: ${set.err}`);
          assert.equal(set.enabled, true, `${set.id} is disabled`);
        }
        const loadWarnings = nr!.lines.filter((l) => l.includes(packageName) && /\[(warn|error)\]/.test(l));
        assert.deepEqual(loadWarnings, [], 'Node-RED logged problems loading the module');
      });

      it('shows room-command and room-event in the TrueConf palette category, with our icons', async function () {
        for (const type of ['room-command', 'room-event']) {
          const res = await nr!.request('GET', `/nodes/${packageName}/${type}`, undefined, { Accept: 'text/html' });
          assert.equal(res.status, 200, `editor html of ${type}`);
          const definition = new RegExp(
            `registerType\\(\\s*['"]${type}['"]\\s*,\\s*\\{[\\s\\S]*?category:\\s*['"]TrueConf['"]`,
          );
          assert.match(res.body, definition, `${type} is not registered in the TrueConf category`);
          const icon = /icon:\s*['"]([^'"]+\.svg)['"]/.exec(res.body.slice(res.body.indexOf(`registerType('${type}'`)));
          assert.ok(icon, `${type} names no svg icon`);
          const iconRes = await nr!.request('GET', `/icons/${packageName}/${icon[1]}`);
          assert.equal(iconRes.status, 200, `icon ${icon[1]} of ${type} is not served`);
          assert.match(iconRes.body, /<svg/);
        }
      });

      it('offers every example under Import > Examples, each made only of installed node types', async function () {
        const modules = await nr!.request('GET', '/library/examples/flows/');
        assert.equal(modules.status, 200);
        const moduleNames = ((modules.json as { d?: Record<string, unknown> } | string[]) ?? {}) as unknown;
        const listed = Array.isArray(moduleNames) ? moduleNames : Object.keys((moduleNames as { d?: object }).d ?? {});
        assert.ok(listed.includes(packageName), `${packageName} is not in the examples menu: ${modules.body}`);

        const ours = await nr!.request('GET', `/library/examples/flows/${packageName}/`);
        assert.equal(ours.status, 200);
        const names = ((ours.json as { fn?: string }[]) ?? [])
          .map((e) => e.fn)
          .filter((n): n is string => !!n)
          .sort();
        const expected = fs
          .readdirSync(path.join(repoRoot, 'examples'))
          .filter((f) => f.endsWith('.json'))
          .map((f) => f.replace(/\.json$/, ''))
          .sort();
        assert.deepEqual(names, expected, 'the examples menu lists the example files');

        const nodes = await nr!.request('GET', '/nodes', undefined, { Accept: 'application/json' });
        const known = new Set((nodes.json as { types: string[] }[]).flatMap((s) => s.types));
        for (const name of names) {
          const res = await nr!.request('GET', `/library/examples/flows/${packageName}/${encodeURIComponent(name)}`);
          assert.equal(res.status, 200, `example ${name}`);
          const flow = JSON.parse(res.body) as { type: string }[];
          assert.ok(Array.isArray(flow) && flow.length > 0, `example ${name} is not a flow`);
          const unknown = flow
            .map((n) => n.type)
            .filter(
              (t) => !known.has(t) && !['tab', 'group', 'subflow', 'junction'].includes(t) && !t.startsWith('subflow:'),
            );
          assert.deepEqual(unknown, [], `example ${name} uses node types this Node-RED does not have`);
        }
      });

      it('a deployed room-command answers with the Room response and a room-event delivers its notification', async function () {
        await nr!.deploy(commandFlow(emulator, sink));

        // The user sees the nodes turn green once the Room is connected.
        await sink.waitFor('status', (m) => (m.status as { fill?: string } | undefined)?.fill === 'green', 30000);

        await nr!.inject('install-inject');
        const response = await sink.waitFor('responses', () => true, 30000);
        const payload = response.payload as Record<string, unknown>;
        assert.equal(payload.method, 'getAppState');
        assert.equal(payload.result, true);
        assert.equal(payload.appState, emulator.appState, 'the response carries the Room app state');

        // Someone calls the Room: the flow gets the invitation as room/inviteReceived.
        emulator.incomingCall({ peerId: 'alice@emulator.local', peerDn: 'Alice' });
        const event = await sink.waitFor('events', (m) => m.topic === 'room/inviteReceived', 30000);
        assert.equal((event.payload as Record<string, unknown>).peerId, 'alice@emulator.local');

        assert.deepEqual(sink.messages('errors'), [], 'the flow raised errors');
      });
    });
  }
});
