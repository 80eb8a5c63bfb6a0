/**
 * Set-up shared by the reliability tests: the nodes in a real Node-RED runtime (node-red-node-test-helper,
 * the generic pieces come from the node tests' harness), the Room emulator on ephemeral ports, a capture
 * of everything Node-RED logs, flow builders, and the one-line figures the README quotes.
 */
import v8 from 'node:v8';
import vm from 'node:vm';
import type { RoomClient } from '../../src/protocol';
import type { RoomEmulator } from '../../src/emulator';
import {
  cleanUp as unloadAndStopRooms,
  configNode as nodeTestConfigNode,
  helper,
  Inbox,
  isReady,
  isReadyIdle,
  lastStatus,
  node,
  NODES,
  placed,
  quietWindow,
  startRoom,
  statusHistory,
  waitForStatus,
  withNodeRed,
} from '../nodes/harness';
import type { AnyNode, Msg } from '../nodes/harness';
import type { NodeStatus } from '../../nodes/lib/node-red';
import { LogCapture } from '../support/reliability-log';
import { waitForEvent, withDeadline } from '../support/wait';

export {
  helper,
  Inbox,
  isReady,
  isReadyIdle,
  lastStatus,
  node,
  placed,
  quietWindow,
  startRoom,
  statusHistory,
  waitForStatus,
};
export type { AnyNode, Msg };

/**
 * Small reconnect delays and deadlines so faults and recoveries happen within a test; set through the
 * settings.js keys an operator would use.
 */
export const BASE_SETTINGS = {
  roomConfigReconnectMaxMs: 300,
  roomConfigConnectTimeoutMs: 4000,
  roomConfigRequestTimeoutMs: 5000,
  roomConfigHeartbeatIntervalMs: 2000,
  roomConfigHeartbeatTimeoutMs: 2000,
};

/** Generous: other helpers' suites may be loading the machine. */
export const WAIT_MS = 10000;

/** Everything the runtime logs, every level, while a reliability file runs. */
export const logs = new LogCapture();

interface NodeRedModule {
  log: { addHandler(h: unknown): void; removeHandler(h: unknown): void };
}

/** Settings for the next load(): the base tuning plus overrides. */
export function useSettings(extra: Record<string, unknown> = {}): void {
  helper.settings({ ...BASE_SETTINGS, ...extra });
}

export async function startRuntime(): Promise<void> {
  useSettings();
  await helper.startServer();
  // RED.init resets the log handlers: attach after it.
  logs.attach((helper as unknown as { _RED: NodeRedModule })._RED.log as never);
}

export async function stopRuntime(): Promise<void> {
  logs.detach();
  await helper.stopServer();
}

/** After each test: flows stopped, every pooled socket closed now, Rooms stopped, default settings back. */
export async function cleanUp(...rooms: (RoomEmulator | undefined)[]): Promise<void> {
  await unloadAndStopRooms(...rooms);
  useSettings();
}

/** The hooks of a describe block whose tests each load their own flow: see withNodeRed. */
export function withRuntime(): void {
  withNodeRed({ start: startRuntime, stop: stopRuntime, cleanUp });
}

export function load(flow: object[], credentials: Record<string, unknown> = {}): Promise<void> {
  return helper.load(NODES, flow, credentials);
}

// ---- flow builders ----------------------------------------------------------------------------------

export const TAB = { id: 'tab', type: 'tab', label: 'reliability' };

/** The node tests' config node, with the empty WebSocket port the editor saves (discovery through config.json). */
export function configNode(room: RoomEmulator, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return nodeTestConfigNode(room, { wsPort: '', ...extra });
}

export function commandNode(id: string, extra: Record<string, unknown> = {}, to = 'out'): Record<string, unknown> {
  return placed({
    id,
    type: 'room-command',
    z: 'tab',
    name: id,
    room: 'cfg',
    method: '',
    params: {},
    timeout: '',
    wires: [[to]],
    ...extra,
  });
}

export function eventNode(id: string, extra: Record<string, unknown> = {}, to = 'events'): Record<string, unknown> {
  return placed({
    id,
    type: 'room-event',
    z: 'tab',
    name: id,
    room: 'cfg',
    events: [],
    topicPrefix: '',
    wires: [[to]],
    ...extra,
  });
}

/** An inject node (payload {}) on the tab, for flows run in a Node-RED process and pressed over HTTP. */
export function injectNode(id: string, targets: string[]): Record<string, unknown> {
  return placed({
    id,
    type: 'inject',
    z: 'tab',
    name: id,
    props: [{ p: 'payload' }],
    repeat: '',
    once: false,
    topic: '',
    payload: '{}',
    payloadType: 'json',
    wires: [targets],
  });
}

export function helperNode(id: string): Record<string, unknown> {
  return placed({ id, type: 'helper', z: 'tab' });
}

/** A Catch node for the whole tab, wired to a helper node `to`. */
export function catchNode(id = 'catcher', to = 'caught'): Record<string, unknown>[] {
  return [placed({ id, type: 'catch', z: 'tab', scope: null, uncaught: false, wires: [[to]] }), helperNode(to)];
}

/** tab + config + one command node wired to `out` + catch -> `caught`. */
export function commandFlow(
  room: RoomEmulator,
  cmd: Record<string, unknown> = {},
  cfg: Record<string, unknown> = {},
): Record<string, unknown>[] {
  return [TAB, configNode(room, cfg), commandNode('cmd', cmd), helperNode('out'), ...catchNode()];
}

// ---- observations -----------------------------------------------------------------------------------

/** The pooled client behind a config node. */
export function clientOf(configId = 'cfg'): RoomClient {
  const client = (node(configId) as unknown as { client?: RoomClient }).client;
  if (!client) throw new Error(`config node ${configId} holds no client`);
  return client;
}

/** Request frames the Room received for a method (all methods when omitted), from index `from`. */
export function framesOf(room: RoomEmulator, method?: string, from = 0): Record<string, unknown>[] {
  return room.requests
    .slice(from)
    .map((r) => r.frame)
    .filter((f) => method === undefined || f.method === method);
}

/** Tokens the Room hands out in its auth responses (token and tokenForHttpServer), as they go out. */
export function tokensIssued(room: RoomEmulator): string[] {
  const tokens: string[] = [];
  room.on('response', (frame: Record<string, unknown>) => {
    if (frame.method !== 'auth') return;
    for (const key of ['token', 'tokenForHttpServer'])
      if (typeof frame[key] === 'string' && frame[key] !== '') tokens.push(frame[key] as string);
  });
  return tokens;
}

export const caughtCode = (code: string) => (m: Msg) => m.error?.code === code;

/** How many statuses a node has set so far: pass it to waitForStatusSince. */
export function statusMark(target: AnyNode): number {
  return statusHistory(target).length;
}

/** Resolves with the first status set after `mark` that satisfies `match` (already set or still to come). */
export function waitForStatusSince(
  target: AnyNode,
  mark: number,
  match: (s: NodeStatus) => boolean,
  what = 'status',
  timeoutMs = WAIT_MS,
): Promise<NodeStatus> {
  const find = () => statusHistory(target).slice(mark).find(match);
  const now = find();
  if (now) return Promise.resolve(now);
  let listener: (() => void) | undefined;
  const hit = new Promise<NodeStatus>((resolve) => {
    listener = () => {
      const s = find();
      if (s) resolve(s);
    };
    target.on('call:status', listener);
  });
  return withDeadline(
    hit,
    timeoutMs,
    `${target.id} ${what} (statuses since: ${JSON.stringify(statusHistory(target).slice(mark))})`,
  ).finally(() => {
    if (listener) target.off('call:status', listener);
  });
}

export const isGreen = (s: NodeStatus): boolean => s.fill === 'green';

/** Prints one figure line for the README's "Reliability" section, and returns it. */
export function figure(line: string): string {
  console.log(`      FIGURE ${line}`);
  return line;
}

export function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}

interface HelperInternals {
  _events: import('node:events').EventEmitter;
  _redNodes: { setFlows(flows: object[], credentials: object, type: string): Promise<unknown> };
}

/**
 * A deploy as the editor makes it (full / modified nodes / modified flows), resolved once the runtime has
 * started the flows again. Like helper.setFlows, but with a deadline that suits a loaded machine.
 */
export async function deploy(flow: object[], type: 'full' | 'nodes' | 'flows', timeoutMs = WAIT_MS): Promise<void> {
  const internals = helper as unknown as HelperInternals;
  const started = waitForEvent(internals._events, 'flows:started', { timeoutMs });
  try {
    await internals._redNodes.setFlows(flow, {}, type);
  } catch (err) {
    started.catch(() => undefined);
    throw err;
  }
  await started;
}

/**
 * The garbage collector, for heap measurements: global.gc under --expose-gc, else switched on at run time
 * through V8's flags (undefined if that is not possible, then figures include garbage).
 */
export function garbageCollector(): (() => void) | undefined {
  const existing = (globalThis as { gc?: () => void }).gc;
  if (typeof existing === 'function') return existing;
  try {
    v8.setFlagsFromString('--expose-gc');
    const gc = vm.runInNewContext('gc') as unknown;
    return typeof gc === 'function' ? (gc as () => void) : undefined;
  } catch {
    return undefined;
  }
}

const SPIED_NODE_METHODS = ['log', 'status', 'warn', 'error', 'debug', 'trace', 'send'];

/**
 * The test helper's spies record every status/send/log call with its node, which keeps every node of
 * every deploy reachable. Forgetting that history is needed before measuring the heap, or the helper's
 * own records would count as a leak in the nodes.
 */
export function forgetHelperSpyHistory(): void {
  const internals = helper as unknown as {
    _NodePrototype: Record<string, { resetHistory?: () => void }>;
    log(): { resetHistory?: () => void } | undefined;
  };
  for (const method of SPIED_NODE_METHODS) internals._NodePrototype[method]?.resetHistory?.();
  internals.log()?.resetHistory?.();
}
