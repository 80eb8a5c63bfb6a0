import * as net from 'node:net';
import { bindWithFallback, listen, openSockets, type PortChoice } from './listen';

/** The demo's embedded MQTT broker (aedes) on 127.0.0.1. */

export interface DemoBroker {
  port: number;
  url: string;
  stop(): Promise<void>;
}

export async function startDemoBroker(choice: PortChoice, host = '127.0.0.1'): Promise<DemoBroker> {
  // aedes 1.x is an ES module: import() works on every Node this package supports.
  const { Aedes } = (await import('aedes')) as typeof import('aedes');
  const aedes = await Aedes.createBroker();
  let server: net.Server | undefined;
  const port = await bindWithFallback(choice, async (p) => {
    const candidate = net.createServer(aedes.handle);
    try {
      const bound = await listen(candidate, p, host);
      server = candidate;
      return bound;
    } catch (err) {
      candidate.close();
      throw err;
    }
  }).catch(async (err) => {
    await new Promise<void>((resolve) => aedes.close(() => resolve()));
    throw err;
  });
  const sockets = openSockets(server!);
  let stopped: Promise<void> | undefined;
  return {
    port,
    url: `mqtt://${host}:${port}`,
    stop() {
      stopped ??= (async () => {
        const closed = new Promise<void>((resolve) => server!.close(() => resolve()));
        for (const socket of sockets) socket.destroy();
        await new Promise<void>((resolve) => aedes.close(() => resolve()));
        await closed;
      })();
      return stopped;
    },
  };
}
