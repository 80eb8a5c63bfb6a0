import type { Server } from 'node:net';

/** Binding helpers: the Room takes the next free port when its WebSocket port is busy (docs/protocol.md §3.3). */

export function listen(server: Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const onError = (err: Error) => {
      server.off('listening', onListening);
      reject(err);
    };
    const onListening = () => {
      server.off('error', onError);
      const address = server.address();
      resolve(typeof address === 'object' && address ? address.port : port);
    };
    server.once('error', onError);
    server.once('listening', onListening);
    server.listen(port, host);
  });
}

/**
 * Listens on `first`, or the next free port above it (up to `tries` ports), creating a fresh server for
 * each attempt. `skip` is a port that must not be taken (the old port on a restart).
 */
export async function listenOnFreePort<S extends Server>(
  create: () => S,
  first: number,
  host: string,
  options: { tries?: number; skip?: number } = {},
): Promise<{ server: S; port: number }> {
  const tries = options.tries ?? 100;
  let lastError: unknown;
  for (let port = first, n = 0; n < tries && port <= 65535; port++) {
    if (port === options.skip) continue;
    n++;
    const server = create();
    try {
      return { server, port: await listen(server, port, host) };
    } catch (err) {
      lastError = err;
      if ((err as NodeJS.ErrnoException).code !== 'EADDRINUSE' && (err as NodeJS.ErrnoException).code !== 'EACCES')
        throw err;
    }
  }
  throw lastError ?? new Error(`no free port from ${first}`);
}
