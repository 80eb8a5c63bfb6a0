/**
 * Child process running its own embedded Node-RED, for measurements that need a fresh runtime: memory per
 * endpoint (a process per size, started with --expose-gc) and reconnect with operator settings (settings.js
 * keys are read once at start). Settings come in BENCH_RED_SETTINGS (JSON). Driven by RedWorker (red-handle.ts).
 */
import { EmbeddedRed, FlowNode } from './embedded-red';
import { announce, serveIpc } from './ipc-child';

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
  serveIpc(async (cmd, req) => {
    switch (cmd) {
      case 'deploy':
        await red.deploy(req.flows as FlowNode[]);
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
