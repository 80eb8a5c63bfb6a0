import WebSocket from 'ws';

type Frame = Record<string, unknown>;

/**
 * The baseline: what a programmer would write by hand with `ws` — handshake, then requests matched to
 * responses by requestId in a Map. No validation, no reconnect, no timeouts: the cheapest correct client.
 */
export class RawRoomClient {
  private readonly pending = new Map<string, (frame: Frame) => void>();
  private seq = 0;
  /** Called for every notification frame (after JSON.parse). */
  onEvent: ((frame: Frame) => void) | undefined;

  private constructor(private readonly ws: WebSocket) {
    ws.on('message', (data: Buffer) => {
      const frame = JSON.parse(data.toString()) as Frame;
      if (frame.method === 'event') {
        this.onEvent?.(frame);
        return;
      }
      const id = frame.requestId as string;
      const resolve = this.pending.get(id);
      if (resolve) {
        this.pending.delete(id);
        resolve(frame);
      }
    });
  }

  /** Opens the socket and performs setUsedApiVersion + unsecured auth, like the Room's own example page. */
  static async connect(wsPort: number, apiVersion: '1' | '2' = '2'): Promise<RawRoomClient> {
    const ws = new WebSocket(`ws://127.0.0.1:${wsPort}/`, { perMessageDeflate: false });
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
    const client = new RawRoomClient(ws);
    const version = await client.request('setUsedApiVersion', { version: apiVersion });
    if (version.result === false) throw new Error('raw client: setUsedApiVersion rejected');
    const auth = await client.request('auth', { type: 'unsecured' });
    if (auth.result !== true) throw new Error('raw client: auth rejected');
    return client;
  }

  request(method: string, params: Frame = {}): Promise<Frame> {
    const requestId = `r${++this.seq}`;
    return new Promise<Frame>((resolve) => {
      this.pending.set(requestId, resolve);
      this.ws.send(JSON.stringify({ method, requestId, ...params }));
    });
  }

  close(): Promise<void> {
    if (this.ws.readyState === WebSocket.CLOSED) return Promise.resolve();
    return new Promise<void>((resolve) => {
      this.ws.once('close', () => resolve());
      this.ws.close();
    });
  }
}

/**
 * The fan-out baseline: a socket that only JSON.parses every frame and counts notifications of one event.
 * It does not even authenticate beyond what the Room needs to send notifications.
 */
export async function parseOnlyClient(wsPort: number): Promise<{ client: RawRoomClient; count: () => number }> {
  const client = await RawRoomClient.connect(wsPort);
  let n = 0;
  client.onEvent = () => {
    n++;
  };
  return { client, count: () => n };
}
