import * as fs from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import * as path from 'node:path';

/**
 * The web port: discovery (`/public/<instance>/config.json`), the status page a user watches while a
 * flow drives the "room" (`/`, `/status.json`), and three buttons' worth of far-end actions for the demo.
 */

export interface WebView {
  instance: string;
  configJson(): Record<string, unknown>;
  /** refuseConnections fault: discovery answers 503. */
  refusing(): boolean;
  status(sinceSeq: number): Record<string, unknown>;
  /** Far-end actions from the status page; throws with a readable message when not possible now. */
  action(name: string, params: URLSearchParams): void;
}

const ACTIONS = new Set(['incoming-call', 'participant-joins', 'participant-leaves']);
let pageCache: string | undefined;

function statusPage(): string {
  pageCache ??= fs.readFileSync(path.join(__dirname, 'status-page.html'), 'utf8');
  return pageCache;
}

function send(res: ServerResponse, status: number, type: string, body: string): void {
  res.writeHead(status, {
    'content-type': type,
    'cache-control': 'no-store',
    'content-length': Buffer.byteLength(body),
  });
  res.end(body);
}

const json = (res: ServerResponse, status: number, body: unknown) =>
  send(res, status, 'application/json; charset=utf-8', JSON.stringify(body));

export function handleWebRequest(req: IncomingMessage, res: ServerResponse, view: WebView): void {
  const url = new URL(req.url ?? '/', 'http://emulator.invalid');
  const route = url.pathname;
  const configMatch = /^\/public\/([^/]+)\/config\.json$/.exec(route);
  if (req.method === 'GET' && configMatch) {
    if (view.refusing()) return json(res, 503, { error: 'room unavailable' });
    if (decodeURIComponent(configMatch[1]) !== view.instance) return json(res, 404, { error: 'no such instance' });
    return json(res, 200, view.configJson());
  }
  if (req.method === 'GET' && (route === '/' || route === '/index.html'))
    return send(res, 200, 'text/html; charset=utf-8', statusPage());
  if (route === '/favicon.ico') {
    res.writeHead(204);
    res.end();
    return;
  }
  if (req.method === 'GET' && route === '/status.json') {
    const since = Number(url.searchParams.get('since') ?? 0);
    return json(res, 200, view.status(Number.isFinite(since) ? since : 0));
  }
  if (req.method === 'POST' && route.startsWith('/actions/') && ACTIONS.has(route.slice('/actions/'.length))) {
    try {
      view.action(route.slice('/actions/'.length), url.searchParams);
      return json(res, 200, { ok: true });
    } catch (err) {
      return json(res, 409, { ok: false, error: err instanceof Error ? err.message : String(err) });
    }
  }
  return json(res, 404, { error: 'not found' });
}
