import assert from 'node:assert/strict';
import type { RoomEmulator } from '../../src/emulator';
import { collect } from '../support/wait';
import {
  catchNode,
  clientOf,
  commandNode,
  configNode,
  deploy,
  eventNode,
  figure,
  forgetHelperSpyHistory,
  garbageCollector,
  helperNode,
  Inbox,
  isReadyIdle,
  load,
  logs,
  node,
  quietWindow,
  seconds,
  startRoom,
  TAB,
  waitForStatus,
  withRuntime,
} from './harness';

const DEPLOYS = 200;
const WARM_UP = 20;
/** Heap growth allowed over the 200 deploys, after a forced collection. */
const HEAP_BOUND_MB = 20;

type DeployType = 'full' | 'nodes' | 'flows';
const TYPES: DeployType[] = ['full', 'nodes', 'flows'];

/**
 * Two command nodes, a room-event node (with connection events) and a Catch node on one Room config.
 * `round` changes names so "modified nodes" / "modified flows" deploys have something to restart; every
 * other nodes-deploy also renames the config node, which restarts it and all its users.
 */
function appFlow(room: RoomEmulator, round: number, type: DeployType): object[] {
  const tag = type === 'full' ? '' : ` r${round}`;
  const renameConfig = type === 'nodes' && round % 2 === 0;
  return [
    TAB,
    configNode(room, { name: renameConfig ? `hall${tag}` : 'hall' }),
    commandNode('cmd1', { method: 'getMicMute', name: type === 'nodes' ? `cmd1${tag}` : 'cmd1' }, 'out1'),
    commandNode('cmd2', { method: 'getVideoMute' }, 'out2'),
    helperNode('out1'),
    helperNode('out2'),
    eventNode(
      'ev',
      { events: ['myEvent'], connectionEvents: true, name: type === 'flows' ? `ev${tag}` : 'ev' },
      'events',
    ),
    helperNode('events'),
    ...catchNode(),
  ];
}

function mb(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

describe('reliability: redeploys', function () {
  this.timeout(240000);
  withRuntime();

  it(`${DEPLOYS} alternating full / modified-nodes / modified-flows deploys: one socket, the same listeners, bounded heap`, async () => {
    const room = await startRoom();
    await load(appFlow(room, 0, 'full'));
    await waitForStatus(node('ev'), isReadyIdle, 'ready');
    const client = clientOf();
    const gc = garbageCollector();
    const heap = () => {
      forgetHelperSpyHistory();
      logs.entries.length = 0;
      gc?.();
      return process.memoryUsage().heapUsed;
    };

    let round = 0;
    // Every deploy below restarts cmd1 (full: everything; nodes: it is renamed; flows: its tab changed).
    const cmd1Instances = new Set<unknown>();
    const run = async (n: number) => {
      for (let i = 0; i < n; i++, round++) {
        await deploy(appFlow(room, round, TYPES[round % TYPES.length]), TYPES[round % TYPES.length]);
        cmd1Instances.add(node('cmd1'));
      }
    };
    // Warm-up: first-time allocations (caches, compiled code) are not growth.
    await run(WARM_UP);
    await waitForStatus(node('ev'), isReadyIdle, 'ready after the warm-up');
    const listenersBefore = client.listenerCount();
    const heapBefore = heap();

    cmd1Instances.clear();
    const connections = collect(room, 'connection');
    const disconnects = collect(room, 'disconnect');
    const started = Date.now();
    await run(DEPLOYS);
    const tookMs = Date.now() - started;
    // The same tuple of deploy types as the warm-up ended with, so the same nodes exist.
    await waitForStatus(node('ev'), isReadyIdle, 'ready after the deploys');
    await waitForStatus(node('cmd1'), isReadyIdle, 'ready after the deploys');
    const restarted = cmd1Instances.size;
    cmd1Instances.clear(); // it holds the old nodes: let them go before measuring
    const heapAfter = heap();
    const listenersAfter = client.listenerCount();
    connections.stop();
    disconnects.stop();

    assert.equal(restarted, DEPLOYS, 'every deploy restarted the nodes');
    assert.equal(clientOf(), client, 'the same pooled client throughout');
    assert.equal(connections.values.length, 0, 'no new socket');
    assert.equal(disconnects.values.length, 0, 'the socket never closed');
    assert.equal(room.connectionCount, 1, 'one socket');
    assert.equal(listenersAfter, listenersBefore, 'as many listeners as before the deploys');

    // Still one message per notification, one answer per command.
    const events = new Inbox(node('events'));
    const out1 = new Inbox(node('out1'));
    const out2 = new Inbox(node('out2'));
    room.emitEvent('myEvent', { n: 1 });
    await events.next((m) => m.topic === 'myEvent');
    node('cmd1').receive({});
    node('cmd2').receive({});
    await out1.next();
    await out2.next();
    await quietWindow(300);
    assert.equal(events.count(), 0, 'no duplicate notification');
    assert.equal(out1.count() + out2.count(), 0, 'no duplicate answer');

    const growth = heapAfter - heapBefore;
    assert.ok(growth < HEAP_BOUND_MB * 1024 * 1024, `heap grew by ${mb(growth)}`);
    figure(
      `redeploys: ${DEPLOYS} deploys (full / modified nodes / modified flows) in ${seconds(tookMs)}: 1 socket, 0 reconnects, ` +
        `listeners ${listenersBefore} -> ${listenersAfter}, heap ${mb(heapBefore)} -> ${mb(heapAfter)} (${growth >= 0 ? '+' : ''}${mb(growth)}, ` +
        `bound ${HEAP_BOUND_MB} MB${gc ? ', after forced GC' : ', no forced GC'}), 1 message per notification`,
    );
  });
});
