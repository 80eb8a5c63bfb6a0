import { EventEmitter } from 'node:events';
import WebSocket from 'ws';
import type { NodeRedProcess } from './node-red-process';
import { socketOpen } from './socket-open';
import { waitUntil } from './wait';

/**
 * A spawned Node-RED with its editor/admin API locked (adminAuth), as an operator runs it in production,
 * and a client for it: an access token, and the editor's comms socket with everything it carries (status
 * under each node, debug sidebar messages) kept as raw text for grepping.
 */

export const ADMIN_USER = 'admin';
/** A user of the editor who may look but not change anything (permissions "read"). */
export const VIEWER_USER = 'viewer';
/** Test-only password of both users; the hash below is bcrypt('reliability-admin-pw', 8 rounds). */
export const ADMIN_PASSWORD = 'reliability-admin-pw';
const ADMIN_PASSWORD_HASH = '$2b$08$.V.VP18zePMVV13ndo8eduLxVTEyMVix3R6ouEi8Qq.zoZseFQoIi';

/** settings.js fragment: editor and admin API need a login. */
export function adminAuthSettings(): Record<string, unknown> {
  return {
    adminAuth: {
      type: 'credentials',
      users: [
        { username: ADMIN_USER, password: ADMIN_PASSWORD_HASH, permissions: '*' },
        { username: VIEWER_USER, password: ADMIN_PASSWORD_HASH, permissions: 'read' },
      ],
    },
  };
}

/** Logs in like the editor does; returns the bearer token. */
export async function adminToken(nr: NodeRedProcess, username = ADMIN_USER, scope = '*'): Promise<string> {
  const res = await nr.request('POST', '/auth/token', {
    client_id: 'node-red-admin',
    grant_type: 'password',
    scope,
    username,
    password: ADMIN_PASSWORD,
  });
  const token = (res.json as { access_token?: unknown } | undefined)?.access_token;
  if (res.status !== 200 || typeof token !== 'string') throw new Error(`login failed: HTTP ${res.status} ${res.body}`);
  return token;
}

export function bearer(token: string): Record<string, string> {
  return { Authorization: `Bearer ${token}` };
}

export interface CommsCapture {
  /** Every frame received, as the raw text the editor would get. */
  frames: string[];
  /** Latest status per node id. */
  statuses: Map<string, { fill?: string; shape?: string; text?: string }>;
  events: EventEmitter;
  waitFor(match: (frame: string) => boolean, what: string, timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

/** Opens the editor's comms socket with a token and subscribes to node status and the debug sidebar. */
export async function captureComms(nr: NodeRedProcess, token: string, timeoutMs = 15000): Promise<CommsCapture> {
  const ws = new WebSocket(`${nr.url.replace(/^http/, 'ws')}/comms`);
  ws.on('error', () => undefined);
  const frames: string[] = [];
  const statuses = new Map<string, { fill?: string; shape?: string; text?: string }>();
  const events = new EventEmitter();
  events.setMaxListeners(0);
  ws.on('message', (data) => {
    const text = data.toString();
    frames.push(text);
    try {
      const parsed: unknown = JSON.parse(text);
      for (const item of Array.isArray(parsed) ? parsed : [parsed]) {
        const { topic, data: body } = (item ?? {}) as { topic?: string; data?: Record<string, unknown> };
        if (typeof topic === 'string' && topic.startsWith('status/') && body)
          statuses.set(topic.slice('status/'.length), body);
      }
    } catch {
      // not JSON: kept as text all the same
    }
    events.emit('frame', text);
  });
  await socketOpen(ws, timeoutMs, 'the comms socket to open');
  ws.send(JSON.stringify({ auth: token }));
  await waitUntil(events, ['frame'], () => frames.some((f) => /"auth"\s*:\s*"ok"/.test(f)), timeoutMs, 'comms auth ok');
  ws.send(JSON.stringify({ subscribe: 'status/#' }));
  ws.send(JSON.stringify({ subscribe: 'debug' }));
  return {
    frames,
    statuses,
    events,
    waitFor: (match, what, waitMs = 15000) => waitUntil(events, ['frame'], () => frames.some(match), waitMs, what),
    close: () =>
      new Promise<void>((resolve) => {
        if (ws.readyState === WebSocket.CLOSED) return resolve();
        ws.once('close', () => resolve());
        ws.terminate();
      }),
  };
}
