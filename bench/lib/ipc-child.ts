import { ChildProcess, fork } from 'node:child_process';
import { EventEmitter } from 'node:events';

type Reply = { id?: number; ok?: boolean; result?: unknown; error?: string; event?: string; [key: string]: unknown };

/**
 * A forked helper process driven by request/reply messages over the IPC channel. Unsolicited messages
 * `{event, ...}` are re-emitted as events with the whole message as argument.
 */
export class IpcChild extends EventEmitter {
  private seq = 0;
  private readonly pending = new Map<
    number,
    { resolve: (v: unknown) => void; reject: (e: Error) => void; timer: NodeJS.Timeout }
  >();
  private exited = false;

  private constructor(
    readonly child: ChildProcess,
    private readonly label: string,
  ) {
    super();
    this.setMaxListeners(0);
    child.on('message', (m: Reply) => {
      if (m.event) {
        this.emit(m.event, m);
        return;
      }
      const p = this.pending.get(m.id!);
      if (!p) return;
      this.pending.delete(m.id!);
      clearTimeout(p.timer);
      if (m.ok) p.resolve(m.result);
      else p.reject(new Error(`${label}: ${m.error}`));
    });
    child.on('exit', (code, signal) => {
      this.exited = true;
      for (const p of this.pending.values()) {
        clearTimeout(p.timer);
        p.reject(new Error(`${label} exited (${code ?? signal})`));
      }
      this.pending.clear();
      this.emit('exit', code);
    });
  }

  /** Forks `script` and resolves once it sent `{event:'ready'}`. */
  static async spawn(
    script: string,
    label: string,
    options: { execArgv?: string[]; env?: NodeJS.ProcessEnv; readyTimeoutMs?: number } = {},
  ): Promise<IpcChild> {
    const child = fork(script, [], {
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      execArgv: options.execArgv ?? [],
      env: { ...process.env, ...options.env },
    });
    const ipc = new IpcChild(child, label);
    const timeoutMs = options.readyTimeoutMs ?? 60_000;
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        child.kill();
        reject(new Error(`${label} did not get ready within ${timeoutMs} ms`));
      }, timeoutMs);
      ipc.once('ready', () => {
        clearTimeout(timer);
        resolve();
      });
      ipc.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`${label} exited during start (${code})`));
      });
    });
    return ipc;
  }

  call<T>(cmd: string, args: Record<string, unknown> = {}, timeoutMs = 120_000): Promise<T> {
    if (this.exited) return Promise.reject(new Error(`${this.label} has exited`));
    const id = ++this.seq;
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new Error(`${this.label}: ${cmd} took longer than ${timeoutMs} ms`));
      }, timeoutMs);
      this.pending.set(id, { resolve: (v) => resolve(v as T), reject, timer });
      this.child.send({ id, cmd, ...args });
    });
  }

  /** Ends the child: closes IPC (the child exits on 'disconnect') and waits for its exit. */
  async end(timeoutMs = 20_000): Promise<void> {
    if (this.exited) return;
    const exited = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
    this.child.disconnect();
    const timer = setTimeout(() => this.child.kill('SIGKILL'), timeoutMs);
    await exited;
    clearTimeout(timer);
  }
}

/** Child side: answers requests with `handler` and announces readiness. */
export function serveIpc(handler: (cmd: string, req: Record<string, unknown>) => Promise<unknown>): void {
  process.on('message', (req: { id: number; cmd: string } & Record<string, unknown>) => {
    handler(req.cmd, req).then(
      (result) => process.send?.({ id: req.id, ok: true, result }),
      (err: unknown) =>
        process.send?.({
          id: req.id,
          ok: false,
          error: err instanceof Error ? (err.stack ?? err.message) : String(err),
        }),
    );
  });
}

export function announce(event: string, fields: Record<string, unknown> = {}): void {
  process.send?.({ event, ...fields });
}
