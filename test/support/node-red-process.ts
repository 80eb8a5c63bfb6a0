import { ChildProcess, spawn } from 'node:child_process';
import { EventEmitter } from 'node:events';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { adminApi, type AdminApi } from './node-red-admin';
import { settingsFileSource } from './node-red-settings';
import { ensureFlowsFile, linkPackageInto, writeFlows, type FlowNode } from './node-red-user-dir';
import { repoRoot } from './repo';
import { withDeadline } from './wait';

/**
 * A real Node-RED running as a child process, the way a user runs it: its own user directory with a
 * settings.js (node-red-settings.ts), a flows file and this package in <userDir>/node_modules
 * (node-red-user-dir.ts). End-to-end tests drive it over the admin HTTP API on 127.0.0.1 (node-red-admin.ts).
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
export type { DeploymentType, HttpResult } from './node-red-admin';
export type { FlowNode } from './node-red-user-dir';

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

export interface NodeRedProcess extends AdminApi {
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
  /** True until the process has exited. */
  isRunning(): boolean;
  /** SIGINT, wait for the exit (SIGKILL after 20 s); removes the temp user directory. */
  stop(): Promise<void>;
  /** SIGKILL, as a crash: no goodbye to an MQTT broker, which then publishes the last will. Keeps the user directory. */
  crash(): Promise<void>;
}

export const node22Binary = path.join(repoRoot, 'test', 'tooling', 'node22', 'node_modules', 'node', 'bin', 'node');

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

export async function startNodeRed(options: StartNodeRedOptions = {}): Promise<NodeRedProcess> {
  const flavour = options.nodeRed ?? defaultFlavour();
  const { executable, redJs } = nodeRedCommand(flavour);
  const ownsUserDir = !options.userDir;
  const userDir = options.userDir ?? fs.mkdtempSync(path.join(os.tmpdir(), `trueconf-nr-${flavour}-`));
  try {
    const settingsFile = path.join(userDir, 'settings.js');
    fs.writeFileSync(settingsFile, settingsFileSource(userDir, options.logLevel ?? 'info', options.settings));
    if (options.linkPackage !== false) linkPackageInto(userDir);
    if (options.flows) writeFlows(userDir, options.flows);
    else ensureFlowsFile(userDir);
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
    ...adminApi(url, { lines, waitForLog, logTail }),
    isRunning: () => !exited,
    stop,
    async crash() {
      if (!exited) child.kill('SIGKILL');
      await exitPromise;
    },
  };
}
