import { EventEmitter } from 'node:events';
import http from 'node:http';
import { listen, openSockets } from '../../demo/listen';
import { waitUntil } from './wait';

/**
 * Lets a test see what a flow in a separate Node-RED process outputs: the flow ends in a function node
 * that serialises the message and an `http request` node that POSTs it to a tiny HTTP server here.
 * Only core nodes, so it works in any plain Node-RED.
 *
 *   const sink = await startFlowSink();
 *   const flows = [..., { ...myNode, wires: [['out-fn']] }, ...sink.nodes({ id: 'out', channel: 'responses', z: 'tab' })];
 *   const msg = await sink.waitFor('responses', (m) => m.payload !== undefined);
 *   await sink.close();
 */

export interface SunkMessage {
  channel: string;
  /** The message as the flow had it, minus req/res and anything that does not survive JSON. */
  msg: Record<string, unknown>;
}

export interface FlowSink {
  url: string;
  received: SunkMessage[];
  events: EventEmitter;
  /**
   * The two nodes to add to a flow: wire outputs to `<id>-fn`. Messages arrive on `channel`.
   * `z` is the flow (tab) id.
   */
  nodes(options: { id: string; channel: string; z: string; x?: number; y?: number }): Record<string, unknown>[];
  /** Messages received on a channel so far. */
  messages(channel: string): Record<string, unknown>[];
  /** Resolves with the first message on `channel` (already received or still to come) matching `match`. */
  waitFor(
    channel: string,
    match?: (msg: Record<string, unknown>) => boolean,
    timeoutMs?: number,
  ): Promise<Record<string, unknown>>;
  close(): Promise<void>;
}

// Runs inside Node-RED's function node. Circular references (e.g. an error's source) become "[Circular]".
const serialiseSource = `
const seen = new WeakSet();
const copy = {};
for (const key of Object.keys(msg)) {
  if (key !== 'req' && key !== 'res') copy[key] = msg[key];
}
const body = JSON.stringify(copy, (k, v) => {
  if (typeof v === 'object' && v !== null) {
    if (seen.has(v)) return '[Circular]';
    seen.add(v);
  }
  return v;
});
return { payload: body, headers: { 'content-type': 'application/json' } };
`;

export async function startFlowSink(): Promise<FlowSink> {
  const received: SunkMessage[] = [];
  const events = new EventEmitter();
  events.setMaxListeners(100);
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const channel = decodeURIComponent((req.url || '/').slice(1));
      let msg: Record<string, unknown>;
      try {
        msg = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      } catch {
        msg = { unparsable: Buffer.concat(chunks).toString('utf8') };
      }
      received.push({ channel, msg });
      res.writeHead(204, { Connection: 'close' });
      res.end();
      events.emit('message', { channel, msg });
    });
  });
  const sockets = openSockets(server);
  const url = `http://127.0.0.1:${await listen(server, 0, '127.0.0.1')}`;

  const messages = (channel: string) => received.filter((r) => r.channel === channel).map((r) => r.msg);

  return {
    url,
    received,
    events,
    messages,
    nodes({ id, channel, z, x = 700, y = 100 }) {
      return [
        {
          id: `${id}-fn`,
          type: 'function',
          z,
          name: `to test sink: ${channel}`,
          func: serialiseSource,
          outputs: 1,
          timeout: 0,
          noerr: 0,
          initialize: '',
          finalize: '',
          libs: [],
          x,
          y,
          wires: [[`${id}-http`]],
        },
        {
          id: `${id}-http`,
          type: 'http request',
          z,
          name: `POST ${channel}`,
          method: 'POST',
          ret: 'txt',
          paytoqs: 'ignore',
          url: `${url}/${encodeURIComponent(channel)}`,
          tls: '',
          persist: false,
          proxy: '',
          insecureHTTPParser: false,
          authType: '',
          senderr: false,
          headers: [],
          x: x + 200,
          y,
          wires: [[]],
        },
      ];
    },
    async waitFor(channel, match = () => true, timeoutMs = 15000) {
      let found: Record<string, unknown> | undefined;
      const check = () => {
        found = messages(channel).find(match);
        return found !== undefined;
      };
      const seen = () =>
        messages(channel)
          .map((m) => JSON.stringify(m).slice(0, 300))
          .join('\n  ');
      await waitUntil(events, ['message'], check, timeoutMs, `a message on sink channel '${channel}'`).catch(
        (err: Error) => {
          throw new Error(`${err.message}; received on it so far:\n  ${seen() || '(nothing)'}`);
        },
      );
      return found!;
    },
    close() {
      return new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const socket of sockets) socket.destroy();
      });
    },
  };
}
