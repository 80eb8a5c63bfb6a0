import net from 'node:net';
import { withDeadline } from './wait';

/**
 * Ports for processes we cannot hand port 0 to (Node-RED logs its configured port, not the bound one;
 * mosquitto needs a number in its config). There is a small window between closing the probe and the
 * child binding it, so callers retry on "address in use".
 */
export function freePort(host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, host, () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => (port ? resolve(port) : reject(new Error('could not read the probe port'))));
    });
  });
}

/** One connection attempt: true when something accepts on host:port. */
export function portAccepts(port: number, host = '127.0.0.1'): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ port, host });
    const done = (ok: boolean) => {
      socket.removeAllListeners();
      socket.on('error', () => undefined);
      socket.destroy();
      resolve(ok);
    };
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

/**
 * Resolves once host:port accepts a TCP connection. Each refused attempt is itself the event we wait on;
 * the retry gap only keeps a not-yet-listening port from being hammered.
 */
export function waitForPort(
  port: number,
  options: { host?: string; timeoutMs?: number; isAlive?: () => boolean } = {},
): Promise<void> {
  const { host = '127.0.0.1', timeoutMs = 15000, isAlive = () => true } = options;
  let stopped = false;
  const attempt = async (): Promise<void> => {
    while (!stopped) {
      if (!isAlive()) throw new Error(`the process meant to listen on ${host}:${port} exited`);
      if (await portAccepts(port, host)) return;
      await new Promise<void>((r) => setTimeout(r, 50));
    }
  };
  return withDeadline(attempt(), timeoutMs, `${host}:${port} to accept connections`).finally(() => {
    stopped = true;
  });
}
