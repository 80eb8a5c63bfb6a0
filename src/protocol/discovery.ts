import * as http from 'node:http';
import * as https from 'node:https';

/**
 * Port discovery: the Room publishes its WebSocket port in GET /public/<instance>/config.json on its web
 * port, and rewrites that file whenever the port changes, so we ask again before every (re)connect.
 */

export interface DiscoveryTarget {
  host: string;
  /** Web port. Default 80 (443 with tls). */
  port?: number;
  instance?: string;
  tls?: boolean;
  rejectUnauthorized?: boolean;
  ca?: string;
}

/** Every discovery failure is a DiscoveryError; its message is meant for a user. */
export class DiscoveryError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DiscoveryError';
  }
}

const MAX_BODY_BYTES = 64 * 1024;

export function configUrl(target: DiscoveryTarget): string {
  const scheme = target.tls ? 'https' : 'http';
  const port = target.port ?? (target.tls ? 443 : 80);
  const host = target.host.includes(':') && !target.host.startsWith('[') ? `[${target.host}]` : target.host;
  return `${scheme}://${host}:${port}/public/${encodeURIComponent(target.instance || 'default')}/config.json`;
}

/** `signal` lets the client abandon a discovery at once (close(), connect deadline): no timer survives it. */
export function discoverWsPort(target: DiscoveryTarget, timeoutMs: number, signal?: AbortSignal): Promise<number> {
  const url = configUrl(target);
  const get = target.tls ? https.get : http.get;
  // agent:false: a one-off request; no keep-alive socket lingers after it (discovery is rare).
  const options: https.RequestOptions = { timeout: timeoutMs, agent: false, headers: { accept: 'application/json' } };
  if (target.tls) {
    options.rejectUnauthorized = target.rejectUnauthorized !== false;
    if (target.ca) options.ca = target.ca;
  }
  return new Promise<number>((resolve, reject) => {
    let settled = false;
    if (signal?.aborted) {
      reject(new DiscoveryError('discovery aborted'));
      return;
    }
    let req: http.ClientRequest | undefined;
    let timer: NodeJS.Timeout | undefined;
    const onAbort = () => fail('discovery aborted');
    const finish = () => {
      settled = true;
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
    };
    const fail = (message: string) => {
      if (settled) return;
      finish();
      req?.destroy();
      reject(new DiscoveryError(message));
    };
    const done = (port: number) => {
      if (settled) return;
      finish();
      resolve(port);
    };
    try {
      req = get(url, options, (res) => {
        if (res.statusCode !== 200) {
          res.resume();
          const hint = res.statusCode === 404 ? ' (is the instance name right?)' : '';
          fail(`${url} answered HTTP ${res.statusCode}${hint}`);
          return;
        }
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size > MAX_BODY_BYTES) fail(`${url} is larger than ${MAX_BODY_BYTES} bytes; not a Room config.json`);
          else chunks.push(chunk);
        });
        res.on('error', (err) => fail(`reading ${url} failed: ${err.message}`));
        res.on('end', () => {
          let body: unknown;
          try {
            body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
          } catch {
            fail(`${url} is not valid JSON`);
            return;
          }
          const port = (body as { config?: { websocket?: { port?: unknown } } } | null)?.config?.websocket?.port;
          // Some writers may store the port as a string; accept a numeric string too.
          const n = typeof port === 'string' && /^\d+$/.test(port) ? Number(port) : port;
          if (typeof n !== 'number' || !Number.isInteger(n) || n < 1 || n > 65535) {
            fail(`${url} has no valid config.websocket.port`);
            return;
          }
          done(n);
        });
      });
    } catch (err) {
      // http.get throws at once on a URL it cannot parse: fail before any timer exists.
      fail(`cannot reach ${url}: ${err instanceof Error ? err.message : String(err)}`);
      return;
    }
    // `timeout` on the request only covers socket idleness; this covers the whole exchange.
    timer = setTimeout(() => fail(`no answer from ${url} within ${timeoutMs} ms`), timeoutMs);
    signal?.addEventListener('abort', onAbort, { once: true });
    req.on('timeout', () => fail(`no answer from ${url} within ${timeoutMs} ms`));
    req.on('error', (err) => fail(`cannot reach ${url}: ${err.message}`));
  });
}
