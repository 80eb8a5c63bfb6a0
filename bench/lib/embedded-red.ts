import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { EventEmitter } from 'node:events';
import { wallMs } from './stats';

type AnyNode = any;
export type FlowNode = Record<string, unknown> & { id: string; type: string };

export interface NodeStatus {
  fill?: string;
  shape?: string;
  text?: string;
}

/** Repository root, from dist/bench/lib/ or bench/lib/. */
export function repoRoot(): string {
  let dir = __dirname;
  while (!fs.existsSync(path.join(dir, 'package.json')) || path.basename(dir) === 'lib') dir = path.dirname(dir);
  return dir;
}

/**
 * A real Node-RED runtime inside this process (no editor, no HTTP), with this package installed the way a
 * user installs it: a symlink in <userDir>/node_modules, found by Node-RED's own module scan.
 */
export class EmbeddedRed extends EventEmitter {
  /** Latest status per node id, and when it was set (wall ms). */
  readonly statuses = new Map<string, { status: NodeStatus; at: number }>();

  private constructor(
    readonly RED: AnyNode,
    readonly userDir: string,
  ) {
    super();
    this.setMaxListeners(0);
    RED.events.on('node-status', (e: { id: string; status?: NodeStatus }) => {
      const at = wallMs();
      // A node stopping may report no status at all; keep it as "none" rather than undefined.
      const status = e.status ?? {};
      this.statuses.set(e.id, { status, at });
      this.emit('status', e.id, status, at);
    });
  }

  static async start(settings: Record<string, unknown> = {}): Promise<EmbeddedRed> {
    const userDir = fs.mkdtempSync(path.join(os.tmpdir(), 'trueconf-bench-red-'));
    fs.mkdirSync(path.join(userDir, 'node_modules'));
    fs.symlinkSync(repoRoot(), path.join(userDir, 'node_modules', 'node-red-contrib-trueconf-room'), 'dir');
    const RED = require('node-red');
    RED.init({
      userDir,
      flowFile: 'flows.json',
      httpAdminRoot: false,
      httpNodeRoot: false,
      disableEditor: true,
      credentialSecret: false,
      telemetry: { enabled: false, updateNotification: false },
      logging: { console: { level: process.env.BENCH_NR_LOG || 'error', metrics: false, audit: false } },
      ...settings,
    });
    await RED.start();
    const red = new EmbeddedRed(RED, userDir);
    const types = ['room-config', 'room-command', 'room-event'];
    for (const t of types) {
      if (!RED.nodes.getType(t)) throw new Error(`node type ${t} did not load into Node-RED (is the package built?)`);
    }
    return red;
  }

  /** Version of the embedded Node-RED package. */
  get version(): string {
    return require('node-red/package.json').version as string;
  }

  /** Full deploy, as the editor's Deploy button does in its default mode. */
  async deploy(flows: FlowNode[], deploymentType: 'full' | 'nodes' | 'flows' = 'full'): Promise<void> {
    await this.RED.runtime.flows.setFlows({ flows: { flows }, deploymentType });
  }

  getNode(id: string): AnyNode {
    const node = this.RED.nodes.getNode(id);
    if (!node) throw new Error(`node ${id} is not running`);
    return node;
  }

  /** Calls `fn` for every message that reaches node `id` (added beside the node's own input handler). */
  onInput(id: string, fn: (msg: Record<string, unknown>) => void): void {
    this.getNode(id).on('input', (msg: Record<string, unknown>, _send: unknown, done: () => void) => {
      fn(msg);
      if (typeof done === 'function') done();
    });
  }

  isGreen(id: string): boolean {
    return this.statuses.get(id)?.status.fill === 'green';
  }

  /** Resolves with the wall time when every id shows a green status (checked on each status event). */
  waitAllGreen(ids: string[], timeoutMs: number, since = 0): Promise<number> {
    return this.waitStatuses(ids, timeoutMs, since, (s) => s.fill === 'green', 'green');
  }

  /** Resolves when at least one id shows a status other than green (the connection loss was noticed). */
  waitAnyNotGreen(ids: string[], timeoutMs: number): Promise<number> {
    return new Promise((resolve, reject) => {
      const check = (): boolean => ids.some((id) => !this.isGreen(id));
      if (check()) return resolve(wallMs());
      const timer = setTimeout(() => {
        this.off('status', onStatus);
        reject(new Error(`no node left the green status within ${timeoutMs} ms`));
      }, timeoutMs);
      const onStatus = () => {
        if (check()) {
          clearTimeout(timer);
          this.off('status', onStatus);
          resolve(wallMs());
        }
      };
      this.on('status', onStatus);
    });
  }

  private waitStatuses(
    ids: string[],
    timeoutMs: number,
    since: number,
    ok: (s: NodeStatus) => boolean,
    what: string,
  ): Promise<number> {
    const watched = new Set(ids);
    const pending = new Set(ids);
    const settled = (id: string): boolean => {
      const s = this.statuses.get(id);
      return !!s && s.at >= since && ok(s.status);
    };
    for (const id of ids) if (settled(id)) pending.delete(id);
    if (pending.size === 0) return Promise.resolve(wallMs());
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.off('status', onStatus);
        const sample = [...pending].slice(0, 3).map((id) => `${id}=${JSON.stringify(this.statuses.get(id)?.status)}`);
        reject(
          new Error(`${pending.size}/${ids.length} nodes not ${what} after ${timeoutMs} ms (${sample.join(', ')})`),
        );
      }, timeoutMs);
      const onStatus = (id: string, status: NodeStatus, at: number) => {
        if (!pending.has(id)) {
          // A node that was green may turn non-green again before the others are done.
          if (watched.has(id) && !ok(status)) pending.add(id);
          return;
        }
        if (at >= since && ok(status)) pending.delete(id);
        if (pending.size === 0) {
          clearTimeout(timer);
          this.off('status', onStatus);
          resolve(at);
        }
      };
      this.on('status', onStatus);
    });
  }

  async stop(): Promise<void> {
    await this.deploy([]);
    await this.RED.stop();
    fs.rmSync(this.userDir, { recursive: true, force: true });
  }
}
