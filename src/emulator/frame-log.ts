import type { LogEntry } from './types';

/**
 * The live log of API frames (in, out, events) for the console and the status page. Keeps the last
 * `capacity` entries. Secrets and tokens are masked before anything is written, because the log is
 * shown on a web page and printed by the CLI.
 */

const SECRET_KEYS = new Set([
  'credentials',
  'password',
  'token',
  'tokenForHttpServer',
  'newPin',
  'pin',
  'activePin',
  'pinList',
]);
const MAX_LINE = 2000;

export function maskSecrets(value: unknown, depth = 0): unknown {
  if (depth > 8 || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((v) => maskSecrets(v, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value))
    out[k] = SECRET_KEYS.has(k) && v !== '' ? '***' : maskSecrets(v, depth + 1);
  return out;
}

export function describeFrame(frame: unknown): string {
  const text = JSON.stringify(maskSecrets(frame)) ?? String(frame);
  return text.length > MAX_LINE ? `${text.slice(0, MAX_LINE)}… (${text.length} chars)` : text;
}

export class FrameLog {
  private readonly entries: LogEntry[] = [];
  private seq = 0;

  constructor(
    private readonly sink: ((line: string) => void) | undefined,
    private readonly capacity = 300,
  ) {}

  add(dir: LogEntry['dir'], text: string, connId?: number): void {
    const entry: LogEntry = { seq: ++this.seq, at: Date.now(), dir, connId, text };
    this.entries.push(entry);
    if (this.entries.length > this.capacity) this.entries.shift();
    if (this.sink) {
      const who = connId === undefined ? '' : ` #${connId}`;
      const arrow = { in: '→', out: '←', event: '⇐', info: '·' }[dir];
      try {
        this.sink(`${arrow}${who} ${text}`);
      } catch {
        // a broken sink must not break the emulator
      }
    }
  }

  frame(dir: 'in' | 'out' | 'event', frame: unknown, connId?: number): void {
    this.add(dir, describeFrame(frame), connId);
  }

  since(seq: number): LogEntry[] {
    return this.entries.filter((e) => e.seq > seq);
  }
}
