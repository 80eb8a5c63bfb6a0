import { EventEmitter } from 'node:events';
import WebSocket from 'ws';
import { socketOpen } from '../../support/socket-open';
import { waitUntil } from '../../support/wait';

/**
 * What a user sees in the Node-RED editor, read from the editor's own comms WebSocket: the debug sidebar
 * (topic `debug`) and the status under each node (`status/<id>`). Works without adminAuth (the test
 * Node-RED and the demo have none).
 */

export interface DebugMessage {
  /** The debug node's id and name. */
  id: string;
  name: string;
  /** What the sidebar shows, parsed back from its JSON form when it is an object. */
  value: unknown;
  raw: Record<string, unknown>;
}

export interface NodeStatus {
  fill?: string;
  shape?: string;
  text?: string;
}

export interface EditorComms {
  debug: DebugMessage[];
  statuses: Map<string, NodeStatus>;
  events: EventEmitter;
  /** The first debug message (already seen or still to come) from the debug node named `name` matching `match`. */
  waitForDebug(name: string, match?: (value: unknown) => boolean, timeoutMs?: number): Promise<DebugMessage>;
  /** Resolves once every listed node shows a status with this fill colour. */
  waitForFill(ids: string[], fill: string, timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

function parseDebugValue(data: Record<string, unknown>): unknown {
  const text = data.msg;
  const format = typeof data.format === 'string' ? data.format : '';
  if (typeof text !== 'string') return text;
  if (
    format === 'Object' ||
    format.startsWith('array') ||
    format === 'number' ||
    format === 'boolean' ||
    format === 'null'
  ) {
    try {
      return JSON.parse(text);
    } catch {
      return text;
    }
  }
  return text;
}

export async function connectEditorComms(editorUrl: string, timeoutMs = 15000): Promise<EditorComms> {
  const ws = new WebSocket(`${editorUrl.replace(/^http/, 'ws').replace(/\/$/, '')}/comms`);
  await socketOpen(ws, timeoutMs, 'the editor comms socket to open');
  ws.on('error', () => undefined);
  const debug: DebugMessage[] = [];
  const statuses = new Map<string, NodeStatus>();
  const events = new EventEmitter();
  events.setMaxListeners(100);
  ws.on('message', (data) => {
    let batch: unknown;
    try {
      batch = JSON.parse(data.toString());
    } catch {
      return;
    }
    for (const item of Array.isArray(batch) ? batch : [batch]) {
      const { topic, data: body } = (item ?? {}) as { topic?: string; data?: Record<string, unknown> };
      if (!topic || !body) continue;
      if (topic === 'debug') {
        const message: DebugMessage = {
          id: String(body.id ?? ''),
          name: String(body.name ?? ''),
          value: parseDebugValue(body),
          raw: body,
        };
        debug.push(message);
        events.emit('debug', message);
      } else if (topic.startsWith('status/')) {
        statuses.set(topic.slice('status/'.length), body as NodeStatus);
        events.emit('status');
      }
    }
  });
  ws.send(JSON.stringify({ subscribe: 'debug' }));
  ws.send(JSON.stringify({ subscribe: 'status/#' }));

  return {
    debug,
    statuses,
    events,
    async waitForDebug(name, match = () => true, waitMs = 15000) {
      let found: DebugMessage | undefined;
      const check = () => {
        found = debug.find((m) => m.name === name && match(m.value));
        return found !== undefined;
      };
      await waitUntil(events, ['debug'], check, waitMs, `debug output from "${name}"`).catch((err: Error) => {
        const seen = debug.map((m) => `${m.name}: ${JSON.stringify(m.value)}`.slice(0, 300)).join('\n  ');
        throw new Error(`${err.message}; debug sidebar so far:\n  ${seen || '(empty)'}`);
      });
      return found!;
    },
    async waitForFill(ids, fill, waitMs = 30000) {
      const pending = () => ids.filter((id) => statuses.get(id)?.fill !== fill);
      await waitUntil(
        events,
        ['status'],
        () => pending().length === 0,
        waitMs,
        `${fill} status on ${ids.length} nodes`,
      ).catch((err: Error) => {
        const now = pending()
          .map((id) => `${id}: ${JSON.stringify(statuses.get(id) ?? null)}`)
          .join(', ');
        throw new Error(`${err.message}; still not ${fill}: ${now}`);
      });
    },
    close() {
      return new Promise<void>((resolve) => {
        if (ws.readyState === WebSocket.CLOSED) return resolve();
        ws.once('close', () => resolve());
        ws.terminate();
      });
    },
  };
}
