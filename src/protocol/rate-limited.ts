/**
 * Logs one message per kind at most once per window, so a Room that floods us with bad frames cannot
 * flood the Node-RED log; the next message says how many were suppressed.
 */
export class RateLimitedLog {
  private readonly last = new Map<string, { at: number; suppressed: number }>();

  constructor(
    private readonly write: (msg: string) => void,
    private readonly windowMs = 60_000,
    private readonly now: () => number = Date.now,
  ) {}

  log(kind: string, msg: string): void {
    const t = this.now();
    const entry = this.last.get(kind);
    if (entry && t - entry.at < this.windowMs) {
      entry.suppressed++;
      return;
    }
    const note = entry && entry.suppressed > 0 ? ` (${entry.suppressed} similar message(s) suppressed)` : '';
    this.last.set(kind, { at: t, suppressed: 0 });
    this.write(msg + note);
  }
}
