import type WebSocket from 'ws';
import { withDeadline } from './wait';

/** Resolves once a WebSocket client is open; rejects with its connection error, or at the deadline. */
export function socketOpen(ws: WebSocket, timeoutMs: number, what: string): Promise<void> {
  return withDeadline(
    new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    }),
    timeoutMs,
    what,
  );
}
