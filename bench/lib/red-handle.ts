import path from 'node:path';
import type { EmbeddedRed, FlowNode } from './embedded-red';
import { IpcChild } from './ipc-child';

/** What the redeploy and reconnect measurements need from a Node-RED, in this process or a worker. */
export interface RedHandle {
  deploy(flows: FlowNode[]): Promise<void>;
  /** Wall time when all `ids` showed green (statuses set at or after `since`). */
  waitAllGreen(ids: string[], timeoutMs: number, since?: number): Promise<number>;
  /** Wall time when at least one of `ids` left green. */
  waitAnyNotGreen(ids: string[], timeoutMs: number): Promise<number>;
}

export function inProcess(red: EmbeddedRed): RedHandle {
  return {
    deploy: (flows) => red.deploy(flows),
    waitAllGreen: (ids, timeoutMs, since = 0) => red.waitAllGreen(ids, timeoutMs, since),
    waitAnyNotGreen: (ids, timeoutMs) => red.waitAnyNotGreen(ids, timeoutMs),
  };
}

/** A Node-RED in its own process (red-worker.ts). */
export class RedWorker implements RedHandle {
  private constructor(private readonly ipc: IpcChild) {}

  static async spawn(settings: Record<string, unknown> = {}, label = 'Node-RED worker'): Promise<RedWorker> {
    const ipc = await IpcChild.spawn(path.join(__dirname, 'red-worker.js'), label, {
      execArgv: ['--expose-gc'],
      env: { BENCH_RED_SETTINGS: JSON.stringify(settings) },
      readyTimeoutMs: 90_000,
    });
    return new RedWorker(ipc);
  }

  async deploy(flows: FlowNode[]): Promise<void> {
    await this.ipc.call('deploy', { flows });
  }

  waitAllGreen(ids: string[], timeoutMs: number, since = 0): Promise<number> {
    return this.ipc.call('waitAllGreen', { ids, timeoutMs, since }, timeoutMs + 10_000);
  }

  waitAnyNotGreen(ids: string[], timeoutMs: number): Promise<number> {
    return this.ipc.call('waitAnyNotGreen', { ids, timeoutMs }, timeoutMs + 10_000);
  }

  /** Sends a command to the worker (see red-worker.ts for the commands and their arguments). */
  call<T>(cmd: string, args: Record<string, unknown> = {}, timeoutMs = 120_000): Promise<T> {
    return this.ipc.call<T>(cmd, args, timeoutMs);
  }

  /** process.memoryUsage() of the worker after forced garbage collection. */
  memory(): Promise<NodeJS.MemoryUsage> {
    return this.ipc.call('memory');
  }

  end(): Promise<void> {
    return this.ipc.end();
  }
}
