import { EventEmitter } from 'node:events';
import * as http from 'node:http';
import WebSocket from 'ws';
import { RoomEmulator, type RoomEmulatorOptions } from '../../src/emulator';
import { withDeadline } from '../support/wait';

/**
 * A bare `ws` client that speaks the Room's JSON by hand: the emulator tests must not use the protocol
 * client (the two sides have to be checked independently).
 */

export type Frame = Record<string, unknown>;

export class RawClient extends EventEmitter {
  readonly frames: Frame[] = [];
  private readonly matched = new Set<Frame>();
  private nextId = 1;
  closed = false;

  private constructor(readonly ws: WebSocket) {
    super();
    ws.on('message', (data) => {
      let frame: Frame;
      try {
        frame = JSON.parse(data.toString());
      } catch {
        this.emit('garbage', data.toString());
        return;
      }
      this.frames.push(frame);
      this.emit('frame', frame);
    });
    ws.on('close', () => {
      this.closed = true;
      this.emit('close');
    });
    ws.on('error', () => undefined);
  }

  static open(url: string, options: WebSocket.ClientOptions = {}): Promise<RawClient> {
    const ws = new WebSocket(url, options);
    return withDeadline(
      new Promise<RawClient>((resolve, reject) => {
        ws.once('open', () => resolve(new RawClient(ws)));
        ws.once('error', reject);
        ws.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
      }),
      5000,
      `open ${url}`,
    );
  }

  /** Opens, and authorizes unsecured (or as given); fails the test when auth fails. */
  static async authorized(url: string, auth: Frame = { type: 'unsecured' }): Promise<RawClient> {
    const client = await RawClient.open(url);
    const res = await client.request('auth', auth);
    if (res.result !== true) throw new Error(`auth failed: ${JSON.stringify(res)}`);
    return client;
  }

  send(frame: Frame | string): void {
    this.ws.send(typeof frame === 'string' ? frame : JSON.stringify(frame));
  }

  /** Sends {method, requestId, ...params} and resolves with the response carrying that requestId. */
  request(method: string, params: Frame = {}, timeoutMs = 5000): Promise<Frame> {
    const requestId = `r${this.nextId++}`;
    const wait = this.waitFrame(
      (f) => f.method !== 'event' && f.requestId === requestId,
      timeoutMs,
      `response to ${method}`,
    );
    this.send({ method, requestId, ...params });
    return wait;
  }

  /** The first notification `name` (matching filter) not yet claimed by an earlier wait, including ones already received. */
  event(name: string, filter: (f: Frame) => boolean = () => true, timeoutMs = 5000): Promise<Frame> {
    return this.waitFrame((f) => f.method === 'event' && f.event === name && filter(f), timeoutMs, `event ${name}`);
  }

  /** The notifications received so far, by name. */
  events(name?: string): Frame[] {
    return this.frames.filter((f) => f.method === 'event' && (name === undefined || f.event === name));
  }

  waitFrame(match: (f: Frame) => boolean, timeoutMs: number, what: string): Promise<Frame> {
    const found = this.frames.find((f) => !this.matched.has(f) && match(f));
    if (found) {
      this.matched.add(found);
      return Promise.resolve(found);
    }
    let listener: ((f: Frame) => void) | undefined;
    const hit = new Promise<Frame>((resolve) => {
      listener = (f: Frame) => {
        if (!this.matched.has(f) && match(f)) {
          // detach at once: frames of the same TCP chunk arrive before the promise settles
          this.off('frame', listener!);
          this.matched.add(f);
          resolve(f);
        }
      };
      this.on('frame', listener);
    });
    return withDeadline(hit, timeoutMs, what).finally(() => this.off('frame', listener!));
  }

  waitClose(timeoutMs = 5000): Promise<void> {
    if (this.closed) return Promise.resolve();
    return withDeadline(new Promise<void>((resolve) => this.once('close', () => resolve())), timeoutMs, 'socket close');
  }

  close(): void {
    if (!this.closed) this.ws.terminate();
  }
}

/** Closes every client given (test cleanup). */
export function closeAll(clients: Array<RawClient | undefined>): void {
  for (const c of clients) c?.close();
}

export function httpGet(url: string): Promise<{ status: number; body: string; type: string }> {
  return withDeadline(
    new Promise((resolve, reject) => {
      const req = http.get(url, { agent: false }, (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk) => (body += chunk));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, body, type: String(res.headers['content-type'] ?? '') }),
        );
      });
      req.on('error', reject);
    }),
    5000,
    `GET ${url}`,
  );
}

export function httpPost(url: string): Promise<{ status: number; body: string }> {
  return withDeadline(
    new Promise((resolve, reject) => {
      const req = http.request(url, { method: 'POST', agent: false }, (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk) => (body += chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      });
      req.on('error', reject);
      req.end();
    }),
    5000,
    `POST ${url}`,
  );
}

/** A started Room with two authorized controllers: one holds the admin mode, the other the user mode. */
export async function roomWithControllers(
  options: RoomEmulatorOptions,
): Promise<{ room: RoomEmulator; admin: RawClient; user: RawClient; stop: () => Promise<void> }> {
  const room = new RoomEmulator(options);
  await room.start();
  const admin = await RawClient.authorized(room.url, { type: 'unsecured', role: 'admin' });
  const user = await RawClient.authorized(room.url, { type: 'unsecured', role: 'user' });
  return {
    room,
    admin,
    user,
    stop: async () => {
      closeAll([admin, user]);
      await room.stop();
    },
  };
}
