import type { FlowNode } from '../lib/embedded-red';
import type { EmulatorFarm, EmulatorPorts } from '../lib/emulator-farm';
import { discoveringRoomConfig, roomCommand, roomConfig, roomEvent, tab } from '../lib/flows';
import type { RedHandle } from '../lib/red-handle';
import { median } from '../lib/stats';

export interface ReconnectRun {
  /** Room back (listening again) to every user node green, ms. */
  readyMs: number;
  /** Room back to the first new connection reaching it: the rest of the backoff delay, ms. */
  waitMs: number;
  /** First connection to ready: socket open + setUsedApiVersion + auth (+ status update), ms. */
  handshakeMs: number;
}

export interface ReconnectScenario {
  profile: string;
  /** settings.js keys used for this profile ({} = defaults). */
  settings: Record<string, number>;
  /** true: room-config as saved by default (web port only: config.json is fetched on every reconnect). */
  discovery: boolean;
  /** 0 = the Room application restarts (socket closes, listens again at once); >0 = refused for that long. */
  downMs: number;
  runs: ReconnectRun[];
  readyMs: number;
  waitMs: number;
  handshakeMs: number;
}

export interface ReconnectOptions {
  repeats: number;
  outages: number[];
  discovery: boolean;
  log: (line: string) => void;
}

const USERS = ['rc-cmd', 'rc-ev'];

function flows(room: EmulatorPorts, discovery: boolean): FlowNode[] {
  return [
    tab('rc', 'reconnect'),
    discovery ? discoveringRoomConfig('rc-room', room) : roomConfig('rc-room', room),
    roomCommand('rc-cmd', 'rc', 'rc-room', 'getAppState', []),
    roomEvent('rc-ev', 'rc', 'rc-room', [], []),
  ];
}

/** One settings profile on one Node-RED: every outage length, `repeats` times each. */
export async function runReconnect(
  red: RedHandle,
  farm: EmulatorFarm,
  profile: string,
  settings: Record<string, number>,
  opts: ReconnectOptions,
): Promise<ReconnectScenario[]> {
  const [room] = await farm.start(1);
  await red.deploy(flows(room, opts.discovery));
  await red.waitAllGreen(USERS, 20_000);
  const out: ReconnectScenario[] = [];
  for (const downMs of opts.outages) {
    const runs: ReconnectRun[] = [];
    for (let rep = 0; rep < opts.repeats; rep++) {
      // Ask for the "left green" wait first so the drop cannot slip past it.
      const noticed = red.waitAnyNotGreen(USERS, 20_000 + downMs);
      const { backAt } = await farm.restart(room.index, downMs);
      await noticed;
      const readyAt = await red.waitAllGreen(USERS, 60_000, backAt);
      const firstConnection = farm.connectionsSince(room.index, backAt)[0] ?? readyAt;
      runs.push({
        readyMs: readyAt - backAt,
        waitMs: firstConnection - backAt,
        handshakeMs: readyAt - firstConnection,
      });
    }
    const scenario: ReconnectScenario = {
      profile,
      settings,
      discovery: opts.discovery,
      downMs,
      runs,
      readyMs: median(runs.map((r) => r.readyMs)),
      waitMs: median(runs.map((r) => r.waitMs)),
      handshakeMs: median(runs.map((r) => r.handshakeMs)),
    };
    opts.log(
      `  ${profile}, ${downMs ? `${downMs} ms outage` : 'Room restart'}: back→ready ${runs.map((r) => r.readyMs.toFixed(0)).join('/')} ms ` +
        `(backoff wait ${scenario.waitMs.toFixed(0)} ms + handshake ${scenario.handshakeMs.toFixed(1)} ms, medians)`,
    );
    out.push(scenario);
  }
  await red.deploy([]);
  return out;
}
