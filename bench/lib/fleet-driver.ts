import type { EmbeddedRed } from './embedded-red';
import { RawRoomClient } from './raw-client';
import { nsToMs } from './stats';

export interface Outcomes {
  sent: number;
  ok: number;
  errors: number;
  /** Messages that ended more than once (an output and an error, or two of either). */
  endedTwice: number;
  /** Error codes seen, with counts. */
  codes: Record<string, number>;
  /** Per node id: answered, and failed with a code that allows the request to have reached the Room. */
  byNode: Record<string, { ok: number; maybeSent: number }>;
}

/** Codes after which the request may have reached the Room; any other error means it was never sent. */
const MAYBE_SENT = new Set(['TIMEOUT', 'CONNECTION_LOST', 'ROOM_ERROR']);

export interface RateFigures {
  /** Requests answered per second. */
  rate: number;
  /** CPU time of the process per request, µs. */
  cpuUs: number;
  errors: number;
}

/**
 * Drives messages into many room-command nodes of a running flow and tracks how each one ends: every
 * room-command is wired to one `exit` junction and one Catch node feeds the `err` junction. Messages are
 * told apart by a counter property, so any number may be in flight.
 */
export class FleetDriver {
  private seq = 0;
  private readonly ends = new Map<number, number>();
  private readonly nodeOf = new Map<number, string>();
  private outcomes: Outcomes = FleetDriver.empty();
  private waiter: (() => void) | undefined;
  private readonly waiting = new Map<number, () => void>();
  private raw: RawRoomClient[] = [];

  constructor(
    private readonly red: EmbeddedRed,
    exit: string,
    err: string,
  ) {
    red.onInput(exit, (msg) => this.ended(msg, undefined));
    red.onInput(err, (msg) => this.ended(msg, (msg.error as { code?: string } | undefined)?.code ?? 'unknown'));
  }

  private static empty(): Outcomes {
    return { sent: 0, ok: 0, errors: 0, endedTwice: 0, codes: {}, byNode: {} };
  }

  private ended(msg: Record<string, unknown>, code: string | undefined): void {
    const k = msg._bench as number;
    if (typeof k !== 'number') return;
    const n = (this.ends.get(k) ?? 0) + 1;
    this.ends.set(k, n);
    if (n > 1) this.outcomes.endedTwice++;
    const id = this.nodeOf.get(k);
    const tally = id === undefined ? undefined : (this.outcomes.byNode[id] ??= { ok: 0, maybeSent: 0 });
    if (code === undefined) {
      this.outcomes.ok++;
      if (tally) tally.ok++;
    } else {
      this.outcomes.errors++;
      this.outcomes.codes[code] = (this.outcomes.codes[code] ?? 0) + 1;
      if (tally && MAYBE_SENT.has(code)) tally.maybeSent++;
    }
    this.waiting.get(k)?.();
    this.waiting.delete(k);
    if (this.waiter && this.outcomes.ok + this.outcomes.errors >= this.outcomes.sent) this.waiter();
  }

  private send(id: string, onEnd?: () => void): void {
    const k = ++this.seq;
    if (onEnd) this.waiting.set(k, onEnd);
    else this.nodeOf.set(k, id);
    this.outcomes.sent++;
    this.red.getNode(id).receive({ payload: {}, _bench: k });
  }

  /** One message into each node, without waiting; outcomes() reports how they ended. */
  burst(ids: string[]): number {
    for (const id of ids) this.send(id);
    return ids.length;
  }

  /** Resolves when every message sent since the last reset ended (or the deadline passed), and resets. */
  async settle(timeoutMs: number): Promise<Outcomes & { settled: boolean }> {
    const done = () => this.outcomes.ok + this.outcomes.errors >= this.outcomes.sent;
    let settled = done();
    if (!settled) {
      settled = await new Promise<boolean>((resolve) => {
        const timer = setTimeout(() => resolve(false), timeoutMs);
        this.waiter = () => {
          clearTimeout(timer);
          resolve(true);
        };
      });
      this.waiter = undefined;
    }
    const out = { ...this.outcomes, settled };
    this.outcomes = FleetDriver.empty();
    this.ends.clear();
    this.nodeOf.clear();
    return out;
  }

  /** `total` messages to random nodes of `ids`, at most `window` in flight. */
  commands(ids: string[], total: number, window: number): Promise<RateFigures> {
    return pipelinedRandom(total, window, ids.length, (i, next) => this.send(ids[i], next)).then(async (r) => {
      const o = await this.settle(1000);
      return { ...r, errors: o.errors };
    });
  }

  /** Opens one hand-written `ws` client per port (kept for later rounds). */
  async connectRaw(ports: number[]): Promise<void> {
    if (this.raw.length) return;
    // A few at a time: opening 1,000 sockets at once only measures the listen backlog.
    for (let i = 0; i < ports.length; i += 50) {
      this.raw.push(...(await Promise.all(ports.slice(i, i + 50).map((p) => RawRoomClient.connect(p)))));
    }
  }

  /** The same traffic as commands() through the raw clients: random client, same window. */
  rawCommands(method: string, total: number, window: number): Promise<RateFigures> {
    const clients = this.raw;
    let errors = 0;
    return pipelinedRandom(total, window, clients.length, (i, next) => {
      clients[i].request(method).then((r) => {
        if (r.result !== true) errors++;
        next();
      });
    }).then((r) => ({ ...r, errors }));
  }

  async closeRaw(): Promise<void> {
    await Promise.all(this.raw.map((c) => c.close()));
    this.raw = [];
  }
}

/**
 * Runs `total` operations with `window` in flight, each on a random one of `targets`; `start(i, next)` starts
 * one on target i and calls next() when it ended. Reports the rate and this process's CPU per operation.
 */
function pipelinedRandom(
  total: number,
  window: number,
  targets: number,
  start: (target: number, next: () => void) => void,
): Promise<{ rate: number; cpuUs: number }> {
  return new Promise((resolve) => {
    let started = 0;
    let finished = 0;
    const t0 = process.hrtime.bigint();
    const cpu0 = process.cpuUsage();
    const next = (): void => {
      finished++;
      if (finished === total) {
        const ms = nsToMs(process.hrtime.bigint() - t0);
        const cpu = process.cpuUsage(cpu0);
        resolve({ rate: total / (ms / 1000), cpuUs: (cpu.user + cpu.system) / total });
      } else launch();
    };
    const launch = (): void => {
      if (started >= total) return;
      started++;
      start(Math.floor(Math.random() * targets), next);
    };
    for (let i = 0; i < Math.min(window, total); i++) launch();
  });
}
