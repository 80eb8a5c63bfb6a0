import type { Server, Socket } from 'node:net';

/**
 * Port choice for the demo: the well-known port when it is free; when it is taken, either the next free
 * ones (`fallback: 'next'`), the OS's choice (`'any'`), or a clear error (`'fail'`, used when the user
 * asked for that port explicitly).
 */

export type PortFallback = 'next' | 'any' | 'fail';

export interface PortChoice {
  port: number;
  fallback: PortFallback;
  /** For the error message: which setting picked the port. */
  what: string;
}

export class PortBusyError extends Error {}

/** Calls `bind(port)` until one binds; returns the port bound. `bind` rejects with EADDRINUSE when taken. */
export async function bindWithFallback(choice: PortChoice, bind: (port: number) => Promise<number>): Promise<number> {
  const candidates =
    choice.port === 0
      ? [0]
      : choice.fallback === 'fail'
        ? [choice.port]
        : choice.fallback === 'next'
          ? [...Array.from({ length: 10 }, (_, i) => choice.port + i).filter((p) => p <= 65535), 0]
          : [choice.port, 0];
  for (const port of candidates) {
    try {
      return await bind(port);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw err;
    }
  }
  throw new PortBusyError(`${choice.what}: port ${choice.port} on 127.0.0.1 is already in use`);
}

// Binding itself is the emulator's helper: one implementation of "listen and report the bound port".
export { listen } from '../src/emulator/listen';

/** The server's open sockets, kept so that a stop can end keep-alive and long-lived connections at once. */
export function openSockets(server: Server): Set<Socket> {
  const sockets = new Set<Socket>();
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  return sockets;
}
