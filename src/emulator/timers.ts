/** A group of timers that can be cancelled together (a call's, a conference's, the emulator's). */
export class Timers {
  private readonly pending = new Set<NodeJS.Timeout>();

  /** onError: a scripted step that throws must not take the emulator down. */
  constructor(private readonly onError: (err: unknown) => void = () => undefined) {}

  after(ms: number, fn: () => void): void {
    const timer = setTimeout(
      () => {
        this.pending.delete(timer);
        try {
          fn();
        } catch (err) {
          this.onError(err);
        }
      },
      Math.max(0, ms),
    );
    this.pending.add(timer);
  }

  clear(): void {
    for (const timer of this.pending) clearTimeout(timer);
    this.pending.clear();
  }

  get size(): number {
    return this.pending.size;
  }
}
