import type { FlowNode } from '../lib/embedded-red';
import type { EmulatorFarm, EmulatorPorts } from '../lib/emulator-farm';
import { discoveringRoomConfig, junction, roomCommand, roomConfig, roomEvent, tab } from '../lib/flows';
import type { RedHandle } from '../lib/red-handle';
import { median, wallMs } from '../lib/stats';

export interface RedeployCase {
  /** Deploy start to every user node green, ms (median and each run). */
  readyMs: number;
  readyRuns: number[];
  /** New WebSocket connections the Room saw per deploy (each run). */
  newConnections: number[];
}

export interface RedeployResult {
  /** true: room-configs as saved by default (web port only, config.json fetched on connect). */
  discovery: boolean;
  repeats: number;
  /** Window after ready in which a late reconnect would still have been counted, ms. */
  quietWindowMs: number;
  unchanged: RedeployCase;
  changed: RedeployCase;
}

export interface RedeployOptions {
  repeats: number;
  quietWindowMs: number;
  discovery: boolean;
  log: (line: string) => void;
}

const USERS = ['rd-cmd', 'rd-ev1', 'rd-ev2'];

function flows(room: EmulatorPorts, discovery: boolean): FlowNode[] {
  return [
    tab('rd', 'redeploy'),
    discovery ? discoveringRoomConfig('rd-room', room) : roomConfig('rd-room', room),
    junction('rd-in', 'rd', ['rd-cmd']),
    roomCommand('rd-cmd', 'rd', 'rd-room', 'getAppState', []),
    roomEvent('rd-ev1', 'rd', 'rd-room', ['appStateChanged'], []),
    roomEvent('rd-ev2', 'rd', 'rd-room', [], []),
  ];
}

function pause(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/**
 * Full deploys (every node stopped and recreated, as the editor's default Deploy does). "Unchanged": the same
 * room-config again — the connection should survive. "Changed": the room-config points at the other Room.
 */
export async function runRedeploy(red: RedHandle, farm: EmulatorFarm, opts: RedeployOptions): Promise<RedeployResult> {
  // A fresh Room for every "changed" deploy: the pool keeps a released connection for a grace period, so
  // switching back to a Room used moments ago would measure a reused connection, not a new one.
  const rooms = await farm.start(1 + opts.repeats);
  await red.deploy(flows(rooms[0], opts.discovery));
  await red.waitAllGreen(USERS, 20_000);
  let current = rooms[0];

  const once = async (target: EmulatorPorts): Promise<{ ms: number; connections: number }> => {
    const t0 = wallMs();
    await red.deploy(flows(target, opts.discovery));
    let readyAt = await red.waitAllGreen(USERS, 20_000, t0);
    // For a new Room, "ready" also needs the Room's own word that this client authenticated.
    if (target !== current) readyAt = Math.max(readyAt, await farm.waitAuthenticated(target.index, t0, 20_000));
    // A reconnect can only be ruled out by watching for it a little while.
    await pause(opts.quietWindowMs);
    const connections = farm.connectionsSince(target.index, t0).length;
    current = target;
    return { ms: readyAt - t0, connections };
  };

  const unchanged: { ms: number; connections: number }[] = [];
  const changed: { ms: number; connections: number }[] = [];
  for (let rep = 0; rep < opts.repeats; rep++) {
    unchanged.push(await once(current));
    changed.push(await once(rooms[rep + 1]));
  }
  opts.log(
    `  ${opts.discovery ? 'discovery' : 'explicit port'}: unchanged: ${unchanged.map((r) => `${r.ms.toFixed(1)} ms/${r.connections} new conn`).join(', ')}; ` +
      `changed: ${changed.map((r) => `${r.ms.toFixed(1)} ms/${r.connections}`).join(', ')}`,
  );
  await red.deploy([]);
  const summarise = (runs: { ms: number; connections: number }[]): RedeployCase => ({
    readyMs: median(runs.map((r) => r.ms)),
    readyRuns: runs.map((r) => r.ms),
    newConnections: runs.map((r) => r.connections),
  });
  return {
    discovery: opts.discovery,
    repeats: opts.repeats,
    quietWindowMs: opts.quietWindowMs,
    unchanged: summarise(unchanged),
    changed: summarise(changed),
  };
}
