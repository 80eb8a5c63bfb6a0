/**
 * Child process running its own embedded Node-RED, for measurements that need a fresh runtime: the scale
 * curve (a process per Room count, started with --expose-gc; deploy, memory, idle CPU, mass reconnect and
 * fleet commands measured in here) and reconnect with operator settings (settings.js keys are read once at
 * start). Settings come in BENCH_RED_SETTINGS (JSON). Driven by RedWorker (red-handle.ts).
 */
import { EmbeddedRed, FlowNode } from './embedded-red';
import { FleetDriver } from './fleet-driver';
import { announce, serveIpc } from './ipc-child';
import { nsToMs, wallMs } from './stats';

async function collectGarbage(): Promise<void> {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) throw new Error('run the worker with --expose-gc');
  // Several passes with turns of the event loop between them, so finalisers and weak refs settle too.
  for (let i = 0; i < 4; i++) {
    gc();
    await new Promise((r) => setImmediate(r));
  }
}

async function main(): Promise<void> {
  const settings = JSON.parse(process.env.BENCH_RED_SETTINGS || '{}') as Record<string, unknown>;
  const red = await EmbeddedRed.start(settings);
  let fleet: FleetDriver | undefined;
  const driver = (): FleetDriver => {
    if (!fleet) throw new Error('call track first');
    return fleet;
  };
  serveIpc(async (cmd, req) => {
    switch (cmd) {
      case 'deploy':
        await red.deploy(req.flows as FlowNode[]);
        return true;
      case 'deployTimed': {
        // Timed here, not across IPC: deploy call to every given node green (wall ms, and this process's CPU ms).
        const t0 = wallMs();
        const c0 = process.cpuUsage();
        await red.deploy(req.flows as FlowNode[]);
        const readyAt = await red.waitAllGreen(req.ids as string[], Number(req.timeoutMs), t0);
        const c = process.cpuUsage(c0);
        return { ms: readyAt - t0, cpuMs: (c.user + c.system) / 1000 };
      }
      case 'cpu':
        return process.cpuUsage();
      case 'idleCpu': {
        // Share of one core this process used over the window, nothing driven.
        const t0 = process.hrtime.bigint();
        const c0 = process.cpuUsage();
        await new Promise((r) => setTimeout(r, Number(req.ms)));
        const c = process.cpuUsage(c0);
        return (c.user + c.system) / 1000 / nsToMs(process.hrtime.bigint() - t0);
      }
      case 'track':
        fleet = new FleetDriver(red, String(req.exit), String(req.err));
        return true;
      case 'burst':
        return driver().burst(req.ids as string[]);
      case 'settle':
        return driver().settle(Number(req.timeoutMs));
      case 'commands':
        return driver().commands(req.ids as string[], Number(req.total), Number(req.window));
      case 'connectRaw':
        await driver().connectRaw(req.ports as number[]);
        return true;
      case 'rawCommands':
        return driver().rawCommands(String(req.method), Number(req.total), Number(req.window));
      case 'closeRaw':
        await driver().closeRaw();
        return true;
      case 'waitAllGreen':
        return red.waitAllGreen(req.ids as string[], Number(req.timeoutMs), Number(req.since ?? 0));
      case 'waitAnyNotGreen':
        return red.waitAnyNotGreen(req.ids as string[], Number(req.timeoutMs));
      case 'memory':
        await collectGarbage();
        return process.memoryUsage();
      default:
        throw new Error(`unknown command ${cmd}`);
    }
  });
  process.on('disconnect', () => {
    red.stop().finally(() => process.exit(0));
  });
  announce('ready');
}

main().catch((err) => {
  console.error('red worker failed:', err);
  process.exit(1);
});
