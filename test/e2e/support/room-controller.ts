import WebSocket from 'ws';
import { socketOpen } from '../../support/socket-open';
import { withDeadline } from '../../support/wait';

/**
 * A second controller of the emulated Room, speaking the API over its own WebSocket the way the Room's
 * touch panel or another automation would. Used to put the Room into a state the example does not cause
 * itself (a call in progress) or to take a control mode away from Node-RED (displacement).
 */

export interface RoomController {
  request(method: string, params?: Record<string, unknown>): Promise<Record<string, unknown>>;
  close(): Promise<void>;
}

export async function connectController(
  wsUrl: string,
  role: 'user' | 'admin',
  timeoutMs = 10000,
): Promise<RoomController> {
  const ws = new WebSocket(`${wsUrl}/v2`);
  await socketOpen(ws, timeoutMs, 'the controller socket to open');
  ws.on('error', () => undefined);
  let next = 1;
  const waiting = new Map<string, (frame: Record<string, unknown>) => void>();
  ws.on('message', (data) => {
    let frame: Record<string, unknown>;
    try {
      frame = JSON.parse(data.toString());
    } catch {
      return;
    }
    const id = typeof frame.requestId === 'string' ? frame.requestId : '';
    const resolve = waiting.get(id);
    if (resolve) {
      waiting.delete(id);
      resolve(frame);
    }
  });
  const request = (method: string, params: Record<string, unknown> = {}) => {
    const requestId = `ctl-${next++}`;
    const answer = new Promise<Record<string, unknown>>((resolve) => waiting.set(requestId, resolve));
    ws.send(JSON.stringify({ method, requestId, ...params }));
    return withDeadline(answer, timeoutMs, `the Room's answer to ${method}`);
  };
  const auth = await request('auth', { type: 'unsecured', role });
  if (auth.result !== true) throw new Error(`controller auth as ${role} failed: ${JSON.stringify(auth)}`);
  return {
    request,
    close() {
      return new Promise<void>((resolve) => {
        if (ws.readyState === WebSocket.CLOSED) return resolve();
        ws.once('close', () => resolve());
        ws.terminate();
      });
    },
  };
}
