import http from 'node:http';
import type { FlowNode } from './node-red-user-dir';

export type DeploymentType = 'full' | 'nodes' | 'flows' | 'reload';

export interface HttpResult {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
  /** `body` parsed as JSON, or undefined when it is not JSON. */
  json: unknown;
}

export function httpRequest(
  method: string,
  url: string,
  body?: unknown,
  headers: Record<string, string> = {},
  timeoutMs = 30000,
): Promise<HttpResult> {
  return new Promise((resolve, reject) => {
    const payload = body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body);
    const allHeaders: Record<string, string> = { Accept: 'application/json', ...headers };
    if (payload !== undefined) {
      if (!Object.keys(allHeaders).some((h) => h.toLowerCase() === 'content-type')) {
        allHeaders['Content-Type'] = 'application/json';
      }
      allHeaders['Content-Length'] = String(Buffer.byteLength(payload));
    }
    // agent:false: no keep-alive socket outlives the test.
    const req = http.request(url, { method, headers: allHeaders, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let json: unknown;
        try {
          json = text ? JSON.parse(text) : undefined;
        } catch {
          json = undefined;
        }
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text, json });
      });
      res.on('error', reject);
    });
    req.setTimeout(timeoutMs, () => req.destroy(new Error(`${method} ${url} got no answer within ${timeoutMs} ms`)));
    req.on('error', reject);
    if (payload !== undefined) req.write(payload);
    req.end();
  });
}

/** What the admin calls read from the Node-RED log: deploys are done when the runtime says so. */
export interface RuntimeLog {
  lines: string[];
  waitForLog(pattern: RegExp, timeoutMs?: number, afterLine?: number): Promise<string>;
  logTail(n?: number): string;
}

export interface AdminApi {
  /**
   * Deploys via POST /flows and resolves once the runtime has started them again (its "Started ..." line).
   * Fails when node types are missing. Returns the revision.
   */
  deploy(flows: object[], type?: DeploymentType): Promise<string>;
  getFlows(): Promise<FlowNode[]>;
  /** Presses the button of an inject node (POST /inject/<id>). */
  inject(nodeId: string): Promise<void>;
  /** Any admin API call; a JSON body is sent for objects. Does not throw on HTTP errors. */
  request(method: string, urlPath: string, body?: unknown, headers?: Record<string, string>): Promise<HttpResult>;
}

/** The admin HTTP API of the Node-RED at `url` (no trailing slash). */
export function adminApi(url: string, log: RuntimeLog): AdminApi {
  const request = (method: string, urlPath: string, body?: unknown, headers?: Record<string, string>) =>
    httpRequest(method, url + urlPath, body, headers);

  const expectOk = (res: HttpResult, what: string) => {
    if (res.status < 200 || res.status >= 300) {
      throw new Error(`${what} failed: HTTP ${res.status} ${res.body}\nNode-RED output:\n${log.logTail(20)}`);
    }
  };

  return {
    request,
    async deploy(flows: object[], type: DeploymentType = 'full'): Promise<string> {
      const mark = log.lines.length;
      const res = await request(
        'POST',
        '/flows',
        { flows },
        {
          'Node-RED-API-Version': 'v2',
          'Node-RED-Deployment-Type': type,
        },
      );
      expectOk(res, `deploy (${type})`);
      // The API answers once the flows are saved and stopped, before they start again: wait for the start.
      const line = await log.waitForLog(
        /\b(Started (flows|modified nodes|modified flows)|Waiting for missing types)\b/,
        30000,
        mark,
      );
      if (/Waiting for missing types/.test(line)) {
        await log.waitForLog(/./, 2000).catch(() => undefined);
        throw new Error(`deploy (${type}): Node-RED is missing node types:\n${log.lines.slice(mark).join('\n')}`);
      }
      return (res.json as { rev?: string } | undefined)?.rev ?? '';
    },
    async getFlows(): Promise<FlowNode[]> {
      const res = await request('GET', '/flows', undefined, { 'Node-RED-API-Version': 'v2' });
      expectOk(res, 'GET /flows');
      return ((res.json as { flows?: FlowNode[] }).flows ?? []) as FlowNode[];
    },
    async inject(nodeId: string): Promise<void> {
      const res = await request('POST', `/inject/${encodeURIComponent(nodeId)}`);
      expectOk(res, `inject ${nodeId}`);
    },
  };
}
