import { EventEmitter } from 'node:events';
import { waitUntil } from './wait';

/**
 * Everything Node-RED logs, at every level (trace included), captured from the runtime's own log: a
 * handler added with RED.log.addHandler sees every message before any level filter. Used to check that
 * a fault is logged once, that nothing is logged when nothing is wrong, and that secrets never appear.
 */

/** Node-RED's numeric log levels (@node-red/util log.js). */
export const LEVEL = { FATAL: 10, ERROR: 20, WARN: 30, INFO: 40, DEBUG: 50, TRACE: 60, AUDIT: 98, METRIC: 99 } as const;

export interface LogEntry {
  level: number;
  /** The node that logged, when a node did. */
  id?: string;
  type?: string;
  text: string;
}

interface NodeRedLog {
  addHandler(handler: EventEmitter): void;
  removeHandler(handler: EventEmitter): void;
}

function textOf(msg: unknown): string {
  if (msg instanceof Error) return `${msg.message}\n${msg.stack ?? ''}`;
  if (typeof msg === 'string') return msg;
  try {
    return JSON.stringify(msg) ?? String(msg);
  } catch {
    return String(msg);
  }
}

export class LogCapture {
  readonly entries: LogEntry[] = [];
  private readonly handler = new EventEmitter();
  private readonly events = new EventEmitter();
  private attached: NodeRedLog | undefined;

  constructor() {
    this.events.setMaxListeners(0);
    this.handler.on('log', (raw: { level?: number; id?: string; type?: string; msg?: unknown }) => {
      const entry: LogEntry = { level: Number(raw.level), text: textOf(raw.msg) };
      if (raw.id !== undefined) entry.id = raw.id;
      if (raw.type !== undefined) entry.type = raw.type;
      this.entries.push(entry);
      this.events.emit('entry', entry);
    });
  }

  /** Starts capturing from this Node-RED log (call after the runtime was initialised: init drops handlers). */
  attach(log: NodeRedLog): void {
    this.detach();
    log.addHandler(this.handler);
    this.attached = log;
  }

  detach(): void {
    this.attached?.removeHandler(this.handler);
    this.attached = undefined;
  }

  /** Where the log stands now: pass it to since()/count() to look only at what comes later. */
  mark(): number {
    return this.entries.length;
  }

  since(mark = 0): LogEntry[] {
    return this.entries.slice(mark);
  }

  count(pattern: RegExp, mark = 0, maxLevel: number = LEVEL.TRACE): number {
    return this.since(mark).filter((e) => e.level <= maxLevel && pattern.test(e.text)).length;
  }

  /** Entries at WARN or worse (ERROR, FATAL) since a mark. */
  problems(mark = 0): LogEntry[] {
    return this.since(mark).filter((e) => e.level <= LEVEL.WARN);
  }

  /** Resolves once an entry after `mark` matches. */
  async waitFor(pattern: RegExp, mark = 0, timeoutMs = 8000): Promise<LogEntry> {
    let found: LogEntry | undefined;
    await waitUntil(
      this.events,
      ['entry'],
      () => (found = this.since(mark).find((e) => pattern.test(e.text))) !== undefined,
      timeoutMs,
      `a log line ${pattern}`,
    );
    return found!;
  }

  /** Every captured text, one per line: for grepping. */
  allText(mark = 0): string {
    return this.since(mark)
      .map((e) => `[${e.level}] ${e.type ?? ''}:${e.id ?? ''} ${e.text}`)
      .join('\n');
  }
}
