/**
 * Shared set-up for the node tests: Node-RED (4.1 or 5, see test/support/node-red.ts) through the test
 * helper, the three node modules, the Room emulator on ephemeral ports, and waits on node status and
 * messages that never sleep.
 */
import { EventEmitter } from 'node:events';
import { helper } from '../support/node-red';
import { withDeadline } from '../support/wait';
import { RoomEmulator, type RoomEmulatorOptions } from '../../src/emulator';
import { sharedPool } from '../../src/protocol';
import type { NodeStatus } from '../../nodes/lib/node-red';

import roomCommand from '../../nodes/room-command';
import roomConfig from '../../nodes/room-config';
import roomEvent from '../../nodes/room-event';

export { helper };
export const NODES = [roomConfig, roomCommand, roomEvent];

/** Small reconnect/timeouts so loss and recovery happen within a test; set through settings.js keys. */
export const TEST_SETTINGS = {
  roomConfigReconnectMaxMs: 300,
  roomConfigConnectTimeoutMs: 3000,
  roomConfigRequestTimeoutMs: 4000,
  roomConfigHeartbeatIntervalMs: 2000,
  roomConfigHeartbeatTimeoutMs: 2000,
};

/** Generous: other suites may be loading the machine. */
export const WAIT_MS = 8000;

export type AnyNode = EventEmitter & { id: string; type: string; [key: string]: any };
export type Msg = Record<string, any>;

export function startNodeRed(): Promise<void> {
  helper.settings(TEST_SETTINGS);
  return helper.startServer();
}

export function stopNodeRed(): Promise<void> {
  return helper.stopServer();
}

/** Rooms startRoom started and cleanUp has not stopped: withNodeRed stops them after each test. */
const runningRooms = new Set<RoomEmulator>();

export async function startRoom(options: RoomEmulatorOptions = {}): Promise<RoomEmulator> {
  const room = new RoomEmulator({ webPort: 0, wsPort: 0, ...options });
  await room.start();
  runningRooms.add(room);
  return room;
}

/** After each test: nodes closed, every pooled socket closed now (not after the grace period), Rooms stopped. */
export async function cleanUp(...rooms: (RoomEmulator | undefined)[]): Promise<void> {
  await helper.unload();
  await sharedPool.closeAll();
  for (const room of rooms) {
    if (!room) continue;
    runningRooms.delete(room);
    await room.stop();
  }
}

/** How a test file starts and stops its Node-RED, and what it tidies after each test. */
export interface TestRuntime {
  start(): Promise<void>;
  stop(): Promise<void>;
  cleanUp(...rooms: RoomEmulator[]): Promise<void>;
}

/**
 * The hooks of a describe block whose tests each load their own flow against Rooms from startRoom: Node-RED
 * starts once for the block; after each test the flows stop, pooled sockets close and those Rooms stop (so
 * a test keeps its Room in a local const). A Room a test stopped itself is stopped again, which is harmless.
 */
export function withNodeRed(runtime: TestRuntime = { start: startNodeRed, stop: stopNodeRed, cleanUp }): void {
  before(runtime.start);
  after(runtime.stop);
  afterEach(() => runtime.cleanUp(...runningRooms));
}

export function configNode(room: RoomEmulator, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    id: 'cfg',
    type: 'room-config',
    name: 'hall',
    host: '127.0.0.1',
    port: room.webPort,
    instance: 'default',
    apiVersion: '2',
    authType: 'unsecured',
    role: '',
    tls: false,
    ...extra,
  };
}

/** A flow node with a position: without x/y Node-RED treats a node as a config node. */
export function placed<T extends Record<string, unknown>>(n: T): T & { x: number; y: number } {
  return { x: 100, y: 100, ...n };
}

export function load(flow: object[], credentials: Record<string, unknown> = {}): Promise<void> {
  return helper.load(NODES, flow, credentials);
}

export function node(id: string): AnyNode {
  const n = helper.getNode(id) as AnyNode | null;
  if (!n) throw new Error(`node ${id} is not in the flow`);
  return n;
}

// ---- status ---------------------------------------------------------------------------------------------

interface SpyCall {
  thisValue: unknown;
  args: unknown[];
}

/** Every status a node has set, oldest first (the helper spies on Node.prototype.status). */
export function statusHistory(target: AnyNode): NodeStatus[] {
  const spy = (helper as unknown as { _NodePrototype: { status: { getCalls(): SpyCall[] } } })._NodePrototype.status;
  return spy
    .getCalls()
    .filter((c) => c.thisValue === target)
    .map((c) => c.args[0] as NodeStatus);
}

export function lastStatus(target: AnyNode): NodeStatus | undefined {
  const all = statusHistory(target);
  return all[all.length - 1];
}

/** Resolves with the node's status once it satisfies `match` (checked now and on every status call). */
export function waitForStatus(
  target: AnyNode,
  match: (s: NodeStatus) => boolean,
  what = 'status',
  timeoutMs = WAIT_MS,
): Promise<NodeStatus> {
  const now = lastStatus(target);
  if (now && match(now)) return Promise.resolve(now);
  let listener: (() => void) | undefined;
  const hit = new Promise<NodeStatus>((resolve) => {
    listener = () => {
      const s = lastStatus(target);
      if (s && match(s)) resolve(s);
    };
    target.on('call:status', listener);
  });
  return withDeadline(
    hit,
    timeoutMs,
    `${target.type} ${target.id} ${what} (last: ${JSON.stringify(lastStatus(target))})`,
  ).finally(() => {
    if (listener) target.off('call:status', listener);
  });
}

export const isReadyIdle = (s: NodeStatus): boolean => s.fill === 'green' && s.shape === 'dot' && s.text === 'idle';
export const isReady = (s: NodeStatus): boolean => s.fill === 'green' && s.shape === 'dot';

// ---- messages -------------------------------------------------------------------------------------------

/** Records what a helper node receives, from now on. */
export class Inbox {
  readonly messages: Msg[] = [];
  private readonly events = new EventEmitter();

  constructor(readonly target: AnyNode) {
    target.on('input', (msg: Msg) => {
      this.messages.push(msg);
      this.events.emit('message', msg);
    });
  }

  /** The next message (after those already taken with `next`) that satisfies `match`. */
  async next(match: (m: Msg) => boolean = () => true, what = 'a message', timeoutMs = WAIT_MS): Promise<Msg> {
    const found = this.messages.find(match);
    if (found) {
      this.messages.splice(this.messages.indexOf(found), 1);
      return found;
    }
    let listener: ((m: Msg) => void) | undefined;
    const hit = new Promise<Msg>((resolve) => {
      listener = (m: Msg) => {
        if (match(m)) {
          this.messages.splice(this.messages.indexOf(m), 1);
          resolve(m);
        }
      };
      this.events.on('message', listener);
    });
    return withDeadline(hit, timeoutMs, `${what} at ${this.target.id}`).finally(() => {
      if (listener) this.events.off('message', listener);
    });
  }

  count(match: (m: Msg) => boolean = () => true): number {
    return this.messages.filter(match).length;
  }
}

/**
 * Asserts quiet: waits a short window in which nothing may happen. The only fixed wait in these tests,
 * used where the behaviour under test is that something does NOT happen (duplicates).
 */
export function quietWindow(ms = 300): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Sends a message into a node and returns nothing; results arrive at helper/catch nodes. */
export function inject(target: AnyNode, msg: Msg): void {
  target.receive(msg);
}
