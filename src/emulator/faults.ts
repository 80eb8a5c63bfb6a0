/**
 * Fault hooks: what real rooms and networks do to a controller, switched on by tests.
 * FaultState holds the switches the emulator consults; FaultHooks is the public surface (`room.faults`).
 */

export interface FaultHooks {
  /** Terminates every WebSocket at once (TCP closed, no close frame): a Wi-Fi drop or a crash. */
  dropConnections(): void;
  /** While on, new TCP connections to the WebSocket port are destroyed at once and config.json answers 503. */
  refuseConnections(on: boolean): void;
  /** Delays every response (and the notifications it causes) by ms; 0 = off. */
  delayResponses(ms: number): void;
  /** Requests for these methods (true = all; null or [] = off) are recorded but neither executed nor answered. */
  neverAnswer(methods: string[] | true | null): void;
  /** Sends a raw text frame to every open socket (binary with {binary:true}): malformed or oversize frames. */
  sendRaw(data: string | Buffer, options?: { binary?: boolean }): void;
  /** While on, WebSocket pings are not answered: a half-open link. */
  stopPongs(on: boolean): void;
  /** Everything back to normal. */
  reset(): void;
}

export class FaultState {
  refusing = false;
  delayMs = 0;
  private silent: true | Set<string> | null = null;
  pongsStopped = false;

  setSilent(methods: string[] | true | null): void {
    if (methods === true) this.silent = true;
    else if (!methods || methods.length === 0) this.silent = null;
    else this.silent = new Set(methods);
  }

  isSilent(method: unknown): boolean {
    if (this.silent === null) return false;
    return this.silent === true || (typeof method === 'string' && this.silent.has(method));
  }

  reset(): void {
    this.refusing = false;
    this.delayMs = 0;
    this.silent = null;
    this.pongsStopped = false;
  }
}
