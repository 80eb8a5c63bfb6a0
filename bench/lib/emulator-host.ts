/**
 * Child process that hosts Room emulators for the benchmark, so the Room side's CPU and memory never count
 * in the measured process (a real Room is another machine). Driven by EmulatorFarm (emulator-farm.ts).
 */
import { RoomEmulator } from '../../src/emulator';
import { announce, serveIpc } from './ipc-child';
import { wallMs } from './stats';

const rooms: RoomEmulator[] = [];

function room(index: unknown): RoomEmulator {
  const r = rooms[Number(index)];
  if (!r) throw new Error(`no emulator #${String(index)}`);
  return r;
}

function indices(list: unknown): RoomEmulator[] {
  return Array.isArray(list) ? list.map(room) : rooms;
}

serveIpc(async (cmd, req) => {
  switch (cmd) {
    case 'start': {
      const count = Number(req.count);
      const started: { index: number; webPort: number; wsPort: number }[] = [];
      // Sequential on purpose: parallel listens gain nothing on 2 cores and make failures harder to read.
      for (let i = 0; i < count; i++) {
        const emulator = new RoomEmulator({ webPort: 0, wsPort: 0 });
        await emulator.start();
        const index = rooms.push(emulator) - 1;
        emulator.on('connection', () => announce('connection', { index, at: wallMs() }));
        emulator.on('authenticated', () => announce('authenticated', { index, at: wallMs() }));
        started.push({ index, webPort: emulator.webPort, wsPort: emulator.wsPort });
      }
      return started;
    }
    case 'emit': {
      const emulator = room(req.index);
      const count = Number(req.count);
      const fields = (req.fields ?? {}) as Record<string, unknown>;
      const startedAt = wallMs();
      for (let i = 0; i < count; i++) emulator.emitEvent(String(req.event), fields);
      return { startedAt, doneAt: wallMs() };
    }
    case 'restart': {
      const emulator = room(req.index);
      const downMs = Number(req.downMs ?? 0);
      const downAt = wallMs();
      if (downMs === 0) {
        // The Room application restarts: every socket closes and the WebSocket listens again (same port).
        await emulator.restart({ wsPort: emulator.wsPort });
      } else {
        // An outage: connections drop and new ones are refused for downMs, then the Room is back.
        emulator.faults.refuseConnections(true);
        emulator.faults.dropConnections();
        await new Promise((r) => setTimeout(r, downMs));
        emulator.faults.refuseConnections(false);
      }
      return { downAt, backAt: wallMs() };
    }
    case 'dropAll': {
      // Every Room's sockets terminate in the same tick. downMs 0: a network blink, the Rooms stay reachable;
      // otherwise an outage: new connections (and config.json) are refused for downMs.
      const list = indices(req.indices);
      const downMs = Number(req.downMs ?? 0);
      const at = wallMs();
      for (const r of list) {
        if (downMs > 0) r.faults.refuseConnections(true);
        r.faults.dropConnections();
      }
      if (downMs > 0) {
        await new Promise((resolve) => setTimeout(resolve, downMs));
        for (const r of list) r.faults.refuseConnections(false);
      }
      return { at, backAt: downMs > 0 ? wallMs() : at };
    }
    case 'countRequests': {
      // Per Room: requests of `method` received at or after `since` (wall ms), and requestIds seen twice.
      const since = Number(req.since);
      return indices(req.indices).map((r) => {
        const ids = r.requests
          .filter((q) => q.at >= since && q.frame.method === req.method)
          .map((q) => String(q.frame.requestId));
        return { received: ids.length, repeatedIds: ids.length - new Set(ids).size };
      });
    }
    case 'connectionCount':
      return room(req.index).connectionCount;
    case 'cpu':
      return process.cpuUsage();
    case 'stopAll':
      await Promise.all(rooms.map((r) => r.stop()));
      rooms.length = 0;
      return true;
    default:
      throw new Error(`unknown command ${cmd}`);
  }
});
process.on('disconnect', () => {
  Promise.all(rooms.map((r) => r.stop())).finally(() => process.exit(0));
});
announce('ready');
