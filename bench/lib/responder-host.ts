/**
 * Child process with near-zero-cost Rooms for throughput runs: a `ws` server per Room that answers the
 * handshake (setUsedApiVersion, auth, getAppState) and every later request with a pre-serialised reply,
 * only the requestId spliced in. No JSON.parse, no validation, no state: the emulator costs far more per
 * request and would cap the baselines. The replies are captured once from a real RoomEmulator at start, so
 * they stay whatever the emulator says a Room answers. Same IPC commands as emulator-host ('start', 'cpu').
 */
import WebSocket, { WebSocketServer } from 'ws';
import { RoomEmulator } from '../../src/emulator';
import { announce, serveIpc } from './ipc-child';
import { wallMs } from './stats';

const MARK = 'RID-MARK';
const HANDSHAKE = ['setUsedApiVersion', 'auth', 'getAppState'] as const;
type Parts = [string, string];

/** Reply text split around the requestId, per method; `fallback` (the getAppState reply) answers the rest. */
const templates = new Map<string, Parts>();
let fallback: Parts = ['', ''];
const servers: WebSocketServer[] = [];

async function captureTemplates(): Promise<void> {
  const emulator = new RoomEmulator({ webPort: 0, wsPort: 0 });
  await emulator.start();
  const ws = new WebSocket(`ws://127.0.0.1:${emulator.wsPort}/`, { perMessageDeflate: false });
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  const params: Record<string, Record<string, unknown>> = {
    setUsedApiVersion: { version: '2' },
    auth: { type: 'unsecured' },
    getAppState: {},
  };
  for (const method of HANDSHAKE) {
    const reply = await new Promise<string>((resolve) => {
      ws.once('message', (data: Buffer) => resolve(data.toString()));
      ws.send(JSON.stringify({ method, requestId: MARK, ...params[method] }));
    });
    const at = reply.indexOf(MARK);
    if (at < 0) throw new Error(`responder: ${method} reply has no requestId: ${reply}`);
    templates.set(method, [reply.slice(0, at), reply.slice(at + MARK.length)]);
  }
  fallback = templates.get('getAppState')!;
  ws.close();
  await emulator.stop();
}

/** The value of a string field `"key":"..."` without parsing the frame (requestIds have no escapes here). */
function field(text: string, key: string): string {
  const at = text.indexOf(`"${key}":"`);
  if (at < 0) return '';
  const start = at + key.length + 4;
  return text.slice(start, text.indexOf('"', start));
}

function listen(index: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const wss = new WebSocketServer({ host: '127.0.0.1', port: 0, perMessageDeflate: false, clientTracking: true });
    wss.once('error', reject);
    wss.once('listening', () => resolve((wss.address() as { port: number }).port));
    wss.on('connection', (ws) => {
      announce('connection', { index, at: wallMs() });
      ws.on('message', (data: Buffer) => {
        const text = data.toString();
        const t = templates.get(field(text, 'method')) ?? fallback;
        ws.send(t[0] + field(text, 'requestId') + t[1]);
      });
      ws.on('error', () => undefined);
    });
    servers.push(wss);
  });
}

serveIpc(async (cmd, req) => {
  switch (cmd) {
    case 'start': {
      const out: { index: number; webPort: number; wsPort: number }[] = [];
      for (let i = 0; i < Number(req.count); i++) {
        const index = servers.length;
        // No web port: responders are only used with an explicit WebSocket port (no discovery).
        out.push({ index, webPort: 0, wsPort: await listen(index) });
      }
      return out;
    }
    case 'cpu':
      return process.cpuUsage();
    default:
      throw new Error(`unknown command ${cmd}`);
  }
});
process.on('disconnect', () => {
  for (const s of servers) {
    for (const c of s.clients) c.terminate();
    s.close();
  }
  process.exit(0);
});
captureTemplates().then(
  () => announce('ready'),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
