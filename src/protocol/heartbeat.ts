import WebSocket from 'ws';
import type { Guard } from './guard';

/**
 * WebSocket pings on the current socket: a pong must come back within `timeoutMs` of each ping, else the
 * link is half-open and `onDead` is told (the client tears the socket down and reconnects).
 */
export class Heartbeat {
  private intervalTimer?: NodeJS.Timeout;
  private pongTimer?: NodeJS.Timeout;

  constructor(
    private readonly intervalMs: number,
    private readonly timeoutMs: number,
    private readonly socket: () => WebSocket | undefined,
    private readonly onDead: (ws: WebSocket, reason: string) => void,
    private readonly guard: Guard,
    private readonly debug: (message: string) => void,
  ) {}

  /** Starts pinging (again); an interval of 0 means no heartbeat. */
  start(): void {
    this.stop();
    if (!this.intervalMs) return;
    this.intervalTimer = setInterval(
      this.guard('heartbeat', () => this.ping()),
      this.intervalMs,
    );
  }

  stop(): void {
    clearInterval(this.intervalTimer);
    this.intervalTimer = undefined;
    this.pong();
  }

  /** A pong arrived on the current socket. */
  pong(): void {
    clearTimeout(this.pongTimer);
    this.pongTimer = undefined;
  }

  private ping(): void {
    const ws = this.socket();
    if (!ws || ws.readyState !== WebSocket.OPEN || this.pongTimer) return;
    const timeoutMs = this.timeoutMs;
    this.pongTimer = setTimeout(
      this.guard('heartbeat deadline', () => {
        this.pongTimer = undefined;
        if (ws === this.socket())
          this.onDead(ws, `connection lost (no answer to the heartbeat within ${timeoutMs} ms)`);
      }),
      timeoutMs,
    );
    try {
      ws.ping();
    } catch (err) {
      this.debug(`heartbeat ping failed: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
}
