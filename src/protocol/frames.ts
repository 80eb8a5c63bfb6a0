import type { JsonObject, RoomNotification } from './types';

/**
 * Classifies one incoming WebSocket frame (docs/protocol.md §6): a notification ({method:"event", event}),
 * a response ({method, requestId, result}), or something we ignore with a reason for the log.
 */
export type IncomingFrame =
  | { kind: 'notification'; notification: RoomNotification }
  | { kind: 'response'; frame: JsonObject & { method: string }; requestId?: string }
  | { kind: 'ignored'; problem: 'binary' | 'json' | 'shape' | 'event' | 'bare'; description: string };

function snippet(text: string): string {
  const flat = text.replace(/\s+/g, ' ');
  return flat.length > 80 ? `${flat.slice(0, 80)}...` : flat;
}

/** The UTF-8 text of a frame as ws delivers it (a Buffer by default: decoded in place, without a copy). */
export function frameText(data: Buffer | ArrayBuffer | Buffer[]): string {
  if (Buffer.isBuffer(data)) return data.toString('utf8');
  return Array.isArray(data) ? Buffer.concat(data).toString('utf8') : Buffer.from(data).toString('utf8');
}

export function classifyFrame(data: Buffer | ArrayBuffer | Buffer[], isBinary: boolean): IncomingFrame {
  if (isBinary) return { kind: 'ignored', problem: 'binary', description: 'ignored a binary frame' };
  const text = frameText(data);
  let frame: unknown;
  try {
    frame = JSON.parse(text);
  } catch {
    return { kind: 'ignored', problem: 'json', description: `ignored a frame that is not JSON: ${snippet(text)}` };
  }
  if (typeof frame !== 'object' || frame === null || Array.isArray(frame)) {
    return {
      kind: 'ignored',
      problem: 'shape',
      description: `ignored a frame that is not a JSON object: ${snippet(text)}`,
    };
  }
  const obj = frame as JsonObject;
  if (obj.method === 'event') {
    if (typeof obj.event !== 'string' || obj.event === '') {
      return { kind: 'ignored', problem: 'event', description: 'ignored a notification without an event name' };
    }
    return { kind: 'notification', notification: obj as RoomNotification };
  }
  if (typeof obj.method !== 'string') {
    // TrueConf clients also see bare {error} messages (docs/protocol.md §6.3); with no method we cannot route it.
    const err = typeof obj.error === 'string' ? `: ${snippet(obj.error)}` : '';
    return { kind: 'ignored', problem: 'bare', description: `ignored a message without a method${err}` };
  }
  return {
    kind: 'response',
    frame: obj as JsonObject & { method: string },
    requestId: typeof obj.requestId === 'string' ? obj.requestId : undefined,
  };
}
