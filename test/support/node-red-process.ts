import { ChildProcess, spawn } from 'node:child_process';
import { EventEmitter } from 'node:events';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { localOnlySettings } from '../../demo/local-settings';
import { withDeadline } from './wait';

/**
 * A real Node-RED running as a child process, the way a user runs it: its own user directory with a
 * settings.js, a flows file and this package in <userDir>/node_modules. End-to-end tests drive it over
 * the admin HTTP API on 127.0.0.1.
 *
 *   const nr = await startNodeRed({ nodeRed: 'node-red-5', flows });
 *   const mark = nr.mark();
 *   await nr.deploy(newFlows);
 *   await nr.inject('inject-id');
 *   await nr.waitForLog(/something/, 10000, mark);
 *   await nr.stop();
 *
 * Set TRUECONF_TEST_ECHO_NODE_RED=1 to echo every Node-RED log line to stderr while debugging.
 */

export type NodeRedFlavour = 'node-red' | 'node-red-5';
export type DeploymentType = 'full' | 'nodes' | 'flows' | 'reload';
export type FlowNode = { id: string; type: string; [key: string]: unknown };

export interface StartNodeRedOptions {
  /** `node-red` = 4.1.x on this Node (20); `node-red-5` = 5.x on Node 22 from test/tooling/node22. */
  nodeRed?: NodeRedFlavour;
  /** Written as the flows file before start. A node's `credentials` go to flows_cred.json. */
  flows?: FlowNode[] | object[];
  /** Merged (deeply; arrays replace) over the test defaults. Functions are allowed. */
  settings?: Record<string, unknown>;
  /** Extra environment for the Node-RED process (merged over this process's environment). */
  env?: Record<string, string | undefined>;
  /** Use this user directory instead of a fresh temp one (it is then not deleted on stop). */
  userDir?: string;
  /**
   * Put this repository into <userDir>/node_modules as a symlink plus a dependency in
   * <userDir>/package.json, as `npm install <repo path>` would. Default true; false when the caller
   * installed the package itself (test/install).
   */
  linkPackage?: boolean;
  /** Console log level; `info` or chattier, because readiness is read from the log. */
  logLevel?: 'info' | 'debug' | 'trace';
  /** How long start-up may take (Node-RED 5 on a loaded machine needs a while). Default 60 s. */
  readyTimeoutMs?: number;
}

export interface HttpResult {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
  /** `body` parsed as JSON, or undefined when it is not JSON. */
  json: unknown;
}

export interface NodeRedProcess {
  nodeRed: NodeRedFlavour;
  /** http://127.0.0.1:<port> (no trailing slash). */
  url: string;
  port: number;
  userDir: string;
  /** Every stdout/stderr line so far; 'line' fires for each new one. */
  lines: string[];
  events: EventEmitter;
  /** The number of lines so far: pass it to waitForLog to only look at what comes after it. */
  mark(): number;
  /** Resolves with the first matching line after `afterLine` (default: only lines still to come). */
  waitForLog(pattern: RegExp, timeoutMs?: number, afterLine?: number): Promise<string>;
  /** The last `n` lines, for failure messages. */
  logTail(n?: number): string;
  /**
   * Deploys via POST /flows and resolves once the runtime has started them again (its "Started ..." line).
   * Fails when node types are missing. Returns the revision.
   */
  deploy(flows: object[], type?: DeploymentType): Promise<string>;
  getFlows(): Promise<FlowNode[]>;
  /** Presses the button of an inject node (POST /inject/<id>). */
  inject(nodeId: string): Promise<void>;
  /** Any admin API call; a JSON body is sent for objects. Does not throw on HTTP errors. */
  request(method: string, urlPath: string, body?: unknown, headers?: Record<string, string>): Promise<HttpResult>;
  /** True until the process has exited. */
  isRunning(): boolean;
  /** SIGINT, wait for the exit (SIGKILL after 20 s); removes the temp user directory. */
  stop(): Promise<void>;
  /** SIGKILL, as a crash: no goodbye to an MQTT broker, which then publishes the last will. Keeps the user directory. */
  crash(): Promise<void>;
}

export const repoRoot = path.resolve(__dirname, '..', '..', '..');
export const packageName = 'node-red-contrib-trueconf-room';
export const node22Binary = path.join(repoRoot, 'test', 'tooling', 'node22', 'node_modules', 'node', 'bin', 'node');
/** Fixed so tests can read flows_cred.json; never a real secret. */
export const testCredentialSecret = 'trueconf-room-test-credential-secret';

const STOP_GRACE_MS = 20000;
const live = new Set<ChildProcess>();
// A crashed or --exit-ed mocha must not leave Node-RED processes holding ports behind.
process.on('exit', () => {
  for (const child of live) child.kill('SIGKILL');
});

/** Which Node-RED the current test run targets (scripts/run-tests.js sets it per suite). */
export function defaultFlavour(): NodeRedFlavour {
  return process.env.TRUECONF_TEST_NODE_RED === 'node-red-5' ? 'node-red-5' : 'node-red';
}

/** The executable and red.js for a flavour; throws with the fix when Node 22 is not installed. */
export function nodeRedCommand(flavour: NodeRedFlavour): { executable: string; redJs: string } {
  if (flavour === 'node-red-5') {
    if (!fs.existsSync(node22Binary)) {
      throw new Error(`Node 22 is missing at ${node22Binary}; run: npm ci --prefix test/tooling/node22`);
    }
    return { executable: node22Binary, redJs: path.join(repoRoot, 'node_modules', 'node-red-5', 'red.js') };
  }
  return { executable: process.execPath, redJs: path.join(repoRoot, 'node_modules', 'node-red', 'red.js') };
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function deepMerge(base: Record<string, unknown>, extra: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(extra)) {
    out[key] =
      isPlainObject(value) && isPlainObject(out[key]) ? deepMerge(out[key] as Record<string, unknown>, value) : value;
  }
  return out;
}

/** JavaScript source for a settings value: like JSON, but functions survive (settings.js is code). */
function toSource(value: unknown, indent = ''): string {
  if (typeof value === 'function') return value.toString();
  if (value === undefined) return 'undefined';
  if (Array.isArray(value)) {
    return `[${value.map((v) => toSource(v, indent)).join(', ')}]`;
  }
  if (isPlainObject(value)) {
    const inner = indent + '  ';
    const entries = Object.entries(value).map(([k, v]) => `${inner}${JSON.stringify(k)}: ${toSource(v, inner)}`);
    return entries.length ? `{\n${entries.join(',\n')}\n${indent}}` : '{}';
  }
  return JSON.stringify(value);
}

/** The settings every test Node-RED starts with: the demo's local-only ones, on 127.0.0.1, a fixed credential secret. */
export function baseSettings(userDir: string, logLevel: string): Record<string, unknown> {
  return {
    uiHost: '127.0.0.1',
    // Port 0: the OS picks a free port and Node-RED logs the bound one ("Server now running at ...").
    uiPort: 0,
    ...localOnlySettings(userDir, logLevel),
    credentialSecret: testCredentialSecret,
  };
}

/** Makes <userDir>/node_modules/<package> a symlink to this repository and lists it in package.json. */
export function linkPackageInto(userDir: string): void {
  const modules = path.join(userDir, 'node_modules');
  fs.mkdirSync(modules, { recursive: true });
  const link = path.join(modules, packageName);
  fs.rmSync(link, { recursive: true, force: true });
  fs.symlinkSync(repoRoot, link, 'dir');
  writeUserPackageJson(userDir, { [packageName]: `file:${repoRoot}` });
}

function writeUserPackageJson(userDir: string, dependencies: Record<string, string>): void {
  const file = path.join(userDir, 'package.json');
  const existing = fs.existsSync(file) ? JSON.parse(fs.readFileSync(file, 'utf8')) : {};
  const pkg = {
    name: 'node-red-project',
    description: 'A Node-RED user directory made by the TrueConf Room tests',
    version: '0.0.1',
    private: true,
    ...existing,
    dependencies: { ...(existing.dependencies || {}), ...dependencies },
  };
  fs.writeFileSync(file, JSON.stringify(pkg, null, 2));
}

/** Writes flows.json, moving each node's `credentials` into an unencrypted flows_cred.json (Node-RED accepts it). */
function writeFlows(userDir: string, flows: object[]): void {
  const credentials: Record<string, unknown> = {};
  const clean = flows.map((node) => {
    const { credentials: creds, ...rest } = node as FlowNode & { credentials?: unknown };
    if (creds && typeof rest.id === 'string') credentials[rest.id] = creds;
    return rest;
  });
  fs.writeFileSync(path.join(userDir, 'flows.json'), JSON.stringify(clean, null, 2));
  const credFile = path.join(userDir, 'flows_cred.json');
  if (Object.keys(credentials).length) fs.writeFileSync(credFile, JSON.stringify(credentials, null, 2));
  else fs.rmSync(credFile, { force: true });
}

export function httpRequest(
  method: string,
  url: string,
  body?: unknown,
  headers: Record<string, string> = {},
  timeoutMs = 30000,
): Promise<HttpResult> {
  return new Promise((resolve, reject) => {
    const payload = body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body);
    const allHeaders: Record<string, string> = { Accept: 'application/json', ...headers };
    if (payload !== undefined) {
      if (!Object.keys(allHeaders).some((h) => h.toLowerCase() === 'content-type')) {
        allHeaders['Content-Type'] = 'application/json';
      }
      allHeaders['Content-Length'] = String(Buffer.byteLength(payload));
    }
    // agent:false: no keep-alive socket outlives the test.
    const req = http.request(url, { method, headers: allHeaders, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let json: unknown;
        try {
          json = text ? JSON.parse(text) : undefined;
        } catch {
          json = undefined;
        }
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text, json });
      });
      res.on('error', reject);
    });
    req.setTimeout(timeoutMs, () => req.destroy(new Error(`${method} ${url} got no answer within ${timeoutMs} ms`)));
    req.on('error', reject);
    if (payload !== undefined) req.write(payload);
    req.end();
  });
}

export async function startNodeRed(options: StartNodeRedOptions = {}): Promise<NodeRedProcess> {
  const flavour = options.nodeRed ?? defaultFlavour();
  const { executable, redJs } = nodeRedCommand(flavour);
  const ownsUserDir = !options.userDir;
  const userDir = options.userDir ?? fs.mkdtempSync(path.join(os.tmpdir(), `trueconf-nr-${flavour}-`));
  try {
    const logLevel = options.logLevel ?? 'info';
    const settings = deepMerge(baseSettings(userDir, logLevel), options.settings ?? {});
    const settingsFile = path.join(userDir, 'settings.js');
    fs.writeFileSync(
      settingsFile,
      `// Written by test/support/node-red-process.ts\nmodule.exports = ${toSource(settings)};\n`,
    );
    if (options.linkPackage !== false) linkPackageInto(userDir);
    if (options.flows) writeFlows(userDir, options.flows);
    else if (!fs.existsSync(path.join(userDir, 'flows.json'))) fs.writeFileSync(path.join(userDir, 'flows.json'), '[]');
    return await launch(flavour, executable, redJs, userDir, settingsFile, ownsUserDir, options);
  } catch (err) {
    if (ownsUserDir) fs.rmSync(userDir, { recursive: true, force: true });
    throw err;
  }
}

async function launch(
  flavour: NodeRedFlavour,
  executable: string,
  redJs: string,
  userDir: string,
  settingsFile: string,
  ownsUserDir: boolean,
  options: StartNodeRedOptions,
): Promise<NodeRedProcess> {
  const echo = process.env.TRUECONF_TEST_ECHO_NODE_RED === '1';
  const child = spawn(executable, [redJs, '--userDir', userDir, '--settings', settingsFile], {
    cwd: userDir,
    // English log lines (readiness is read from them) whatever the machine's locale.
    env: { ...process.env, LC_ALL: 'en_US.UTF-8', NODE_RED_HOME: undefined, ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  live.add(child);
  const events = new EventEmitter();
  events.setMaxListeners(100);
  const lines: string[] = [];
  let exited = false;
  const exitPromise = new Promise<void>((resolve) => {
    child.once('exit', (code, signal) => {
      exited = true;
      live.delete(child);
      events.emit('exit', code, signal);
      resolve();
    });
  });
  const onData = (stream: NodeJS.ReadableStream) => {
    let partial = '';
    stream.setEncoding('utf8');
    stream.on('data', (chunk: string) => {
      partial += chunk;
      let nl: number;
      while ((nl = partial.indexOf('\n')) >= 0) {
        const line = partial.slice(0, nl).replace(/\r$/, '');
        partial = partial.slice(nl + 1);
        lines.push(line);
        if (echo) process.stderr.write(`[${flavour}] ${line}\n`);
        events.emit('line', line);
      }
    });
  };
  onData(child.stdout!);
  onData(child.stderr!);

  const logTail = (n = 40) => lines.slice(-n).join('\n');

  const waitForLog = (pattern: RegExp, timeoutMs = 15000, afterLine = lines.length): Promise<string> => {
    const earlier = lines.slice(afterLine).find((l) => pattern.test(l));
    if (earlier !== undefined) return Promise.resolve(earlier);
    let onLine: ((line: string) => void) | undefined;
    let onExit: (() => void) | undefined;
    const hit = new Promise<string>((resolve, reject) => {
      onLine = (line: string) => {
        if (pattern.test(line)) resolve(line);
      };
      onExit = () => reject(new Error(`Node-RED exited while waiting for ${pattern}; last output:\n${logTail()}`));
      events.on('line', onLine);
      events.once('exit', onExit);
      if (exited) onExit();
    });
    return withDeadline(hit, timeoutMs, `Node-RED log ${pattern}`)
      .catch((err: Error) => {
        throw new Error(`${err.message}; last output:\n${logTail()}`);
      })
      .finally(() => {
        events.off('line', onLine!);
        events.off('exit', onExit!);
      });
  };

  const stop = async (): Promise<void> => {
    if (!exited) {
      child.kill('SIGINT');
      let timer: NodeJS.Timeout | undefined;
      const killed = new Promise<void>((resolve) => {
        timer = setTimeout(() => {
          child.kill('SIGKILL');
          resolve();
        }, STOP_GRACE_MS);
      });
      await Promise.race([exitPromise, killed]);
      clearTimeout(timer);
      await exitPromise;
    }
    if (ownsUserDir) fs.rmSync(userDir, { recursive: true, force: true });
  };

  // Ready = the HTTP server is listening (its line carries the port the OS picked) and the flows have started.
  // Missing node types never start: fail at once with their list instead of waiting for the deadline.
  let port: number;
  let onLine: ((line: string) => void) | undefined;
  let onExit: (() => void) | undefined;
  try {
    const ready = new Promise<number>((resolve, reject) => {
      let boundPort = 0;
      let started = false;
      let missing = false;
      let seen = 0;
      let missingFrom = 0;
      onLine = (line: string) => {
        seen++;
        const server = /Server now running at https?:\/\/[^\s/]+:(\d+)/.exec(line);
        if (server) boundPort = Number(server[1]);
        if (/\bStarted flows\b/.test(line)) started = true;
        if (/Waiting for missing types to be registered/.test(line)) {
          missing = true;
          missingFrom = seen - 1;
        }
        // The missing types follow as " - type" lines; the first other line ends the list.
        else if (missing && !line.replace(/^.*?\]\s*/, '').startsWith('- ')) {
          reject(new Error(`Node-RED cannot start the flows:\n${lines.slice(missingFrom, seen - 1).join('\n')}`));
        }
        if (boundPort && started) resolve(boundPort);
      };
      onExit = () => reject(new Error(`Node-RED exited during start-up; last output:\n${logTail()}`));
      events.on('line', onLine);
      events.once('exit', onExit);
      for (const line of lines) onLine(line);
    });
    port = await withDeadline(ready, options.readyTimeoutMs ?? 60000, `${flavour} to start`).catch((err: Error) => {
      throw new Error(`${err.message}; last output:\n${logTail()}`);
    });
  } catch (err) {
    await stop();
    throw err;
  } finally {
    events.off('line', onLine!);
    events.off('exit', onExit!);
  }

  const url = `http://127.0.0.1:${port}`;
  const request = (method: string, urlPath: string, body?: unknown, headers?: Record<string, string>) =>
    httpRequest(method, url + urlPath, body, headers);

  const expectOk = (res: HttpResult, what: string) => {
    if (res.status < 200 || res.status >= 300) {
      throw new Error(`${what} failed: HTTP ${res.status} ${res.body}\nNode-RED output:\n${logTail(20)}`);
    }
  };

  return {
    nodeRed: flavour,
    url,
    port,
    userDir,
    lines,
    events,
    mark: () => lines.length,
    waitForLog,
    logTail,
    async deploy(flows: object[], type: DeploymentType = 'full'): Promise<string> {
      const mark = lines.length;
      const res = await request(
        'POST',
        '/flows',
        { flows },
        {
          'Node-RED-API-Version': 'v2',
          'Node-RED-Deployment-Type': type,
        },
      );
      expectOk(res, `deploy (${type})`);
      // The API answers once the flows are saved and stopped, before they start again: wait for the start.
      const line = await waitForLog(
        /\b(Started (flows|modified nodes|modified flows)|Waiting for missing types)\b/,
        30000,
        mark,
      );
      if (/Waiting for missing types/.test(line)) {
        await waitForLog(/./, 2000).catch(() => undefined);
        throw new Error(`deploy (${type}): Node-RED is missing node types:\n${lines.slice(mark).join('\n')}`);
      }
      return (res.json as { rev?: string } | undefined)?.rev ?? '';
    },
    async getFlows(): Promise<FlowNode[]> {
      const res = await request('GET', '/flows', undefined, { 'Node-RED-API-Version': 'v2' });
      expectOk(res, 'GET /flows');
      return ((res.json as { flows?: FlowNode[] }).flows ?? []) as FlowNode[];
    },
    async inject(nodeId: string): Promise<void> {
      const res = await request('POST', `/inject/${encodeURIComponent(nodeId)}`);
      expectOk(res, `inject ${nodeId}`);
    },
    request,
    isRunning: () => !exited,
    stop,
    async crash() {
      if (!exited) child.kill('SIGKILL');
      await exitPromise;
    },
  };
}
