import { EventEmitter } from 'node:events';
import * as fs from 'node:fs';
import * as http from 'node:http';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import { bindWithFallback, listen, openSockets, type PortChoice } from './listen';
import { localOnlySettings } from './local-settings';
import type { FlowNode } from './example-flows';

/**
 * Node-RED embedded in the demo process (the documented `require('node-red')` embedding): one process
 * tree, and the runtime's own node-status events tell us when every room node is green.
 * This package is loaded from the repository through `nodesDir` (a folder with a Node-RED package.json
 * is loaded as that module, examples included).
 */

export interface NodeStatus {
  fill?: string;
  shape?: string;
  text?: string;
}

export interface EmbeddedNodeRed {
  url: string;
  port: number;
  /** 'status' (id, status) for every node status change. */
  events: EventEmitter;
  /** Last status per node id. */
  statuses: Map<string, NodeStatus>;
  stop(): Promise<void>;
}

export interface EmbeddedNodeRedOptions {
  port: PortChoice;
  host?: string;
  userDir: string;
  flows: FlowNode[];
  /** The package folder to load (holds package.json with a `node-red` section). */
  packageDir: string;
  logLevel?: string;
  /** Called when an edited flows file had to make way for the examples (it is kept under this name). */
  onFlowsBackedUp?: (file: string) => void;
}

// node-red ships no type definitions: the slice of its embedding API used here.
interface NodeRedApi {
  init(server: http.Server, settings: Record<string, unknown>): void;
  start(): Promise<void>;
  stop(): Promise<void>;
  httpAdmin: http.RequestListener;
  httpNode: http.RequestListener;
  events: EventEmitter;
}

/** Settings for a local-only demo: this package from the repository, the editor at the root. */
export function demoSettings(userDir: string, packageDir: string, logLevel: string): Record<string, unknown> {
  const base = localOnlySettings(userDir, logLevel);
  return {
    ...base,
    nodesDir: [packageDir],
    httpAdminRoot: '/',
    httpNodeRoot: '/',
    editorTheme: {
      ...base.editorTheme,
      page: { title: 'Node-RED · TrueConf Room demo' },
      header: { title: 'Node-RED · TrueConf Room demo' },
    },
  };
}

/** The demo always starts from the examples; flows a user deployed last time are kept beside them. */
function writeFlows(options: EmbeddedNodeRedOptions): void {
  const file = path.join(options.userDir, 'flows.json');
  const text = JSON.stringify(options.flows, null, 2);
  if (fs.existsSync(file)) {
    const previous = fs.readFileSync(file, 'utf8');
    if (previous !== text) {
      const backup = path.join(options.userDir, 'flows.previous.json');
      fs.writeFileSync(backup, previous);
      options.onFlowsBackedUp?.(backup);
    }
  }
  fs.writeFileSync(file, text);
}

export async function startEmbeddedNodeRed(options: EmbeddedNodeRedOptions): Promise<EmbeddedNodeRed> {
  const host = options.host ?? '127.0.0.1';
  fs.mkdirSync(options.userDir, { recursive: true });
  writeFlows(options);

  const RED = require('node-red') as NodeRedApi;
  // express is a dependency of node-red: take the copy it uses.
  const nodeRedDir = path.dirname(require.resolve('node-red/package.json'));
  const express = createRequire(path.join(nodeRedDir, 'package.json'))('express') as () => http.RequestListener & {
    use(route: string, handler: http.RequestListener): void;
  };

  const app = express();
  const server = http.createServer(app);
  const sockets = openSockets(server);
  // Bind first: a busy port should fail before Node-RED has started anything.
  const port = await bindWithFallback(options.port, (p) => listen(server, p, host));

  const settings = demoSettings(options.userDir, options.packageDir, options.logLevel ?? 'info');
  RED.init(server, settings);
  app.use('/', RED.httpAdmin);
  app.use('/', RED.httpNode);

  const events = new EventEmitter();
  const statuses = new Map<string, NodeStatus>();
  const onStatus = (ev: { id: string; status?: NodeStatus }) => {
    const status = ev.status ?? {};
    statuses.set(ev.id, status);
    events.emit('status', ev.id, status);
  };
  RED.events.on('node-status', onStatus);

  try {
    await RED.start();
  } catch (err) {
    RED.events.off('node-status', onStatus);
    await new Promise<void>((resolve) => server.close(() => resolve()));
    throw err;
  }

  let stopped: Promise<void> | undefined;
  return {
    url: `http://${host}:${port}`,
    port,
    events,
    statuses,
    stop() {
      stopped ??= (async () => {
        try {
          await RED.stop();
        } finally {
          RED.events.off('node-status', onStatus);
          const closed = new Promise<void>((resolve) => server.close(() => resolve()));
          // The editor's comms WebSocket and keep-alive connections would hold the server open.
          for (const socket of sockets) socket.destroy();
          await closed;
        }
      })();
      return stopped;
    },
  };
}
