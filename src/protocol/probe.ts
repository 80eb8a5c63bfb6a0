import WebSocket from 'ws';
import { appStateName } from './catalogue';
import { RoomClient } from './client';
import { discoverWsPort } from './discovery';
import { resolveEndpoint, roomKey, wsUrl } from './endpoint';
import type { ConnectionState, EndpointOptions, Logger, Role, StateChange } from './types';

export interface ProbeResult {
  ok: boolean;
  message: string;
  appState?: number;
  role?: string;
  /** A role was configured, but the Room has no access levels (TrueConf VideoSDK): it does not apply. */
  roleNotApplicable?: boolean;
  wsPort?: number;
  /** Only reachability was checked: authenticating would have displaced a live connection. */
  untested?: boolean;
}

/** A deployed connection the probe must not disturb. */
export interface LiveConnection {
  endpoint?: EndpointOptions;
  client?: Pick<RoomClient, 'state' | 'role'>;
}

/** Two sessions collide when they would hold the same control mode; an automatic role may be either. */
export function modesMayCollide(requested: Role | undefined, live: Role | undefined): boolean {
  return requested === undefined || live === undefined || requested === live;
}

/**
 * Test connection beside live connections. When one of them holds this Room in the mode the test would
 * take, authenticating would make the Room displace it (and repeated tests would exhaust its
 * re-authentication attempts): then only reachability is checked and the result is `untested`.
 */
export async function testConnectionBeside(
  endpoint: EndpointOptions,
  live: Iterable<LiveConnection>,
  options: { timeoutMs?: number; logger?: Logger } = {},
): Promise<ProbeResult> {
  const room = roomKey(endpoint);
  for (const c of live) {
    if (
      c.endpoint &&
      c.client?.state === 'ready' &&
      roomKey(c.endpoint) === room &&
      modesMayCollide(endpoint.role, c.client.role)
    ) {
      return { ...(await testReachability(endpoint, options)), untested: true };
    }
  }
  return testConnection(endpoint, options);
}

const FINAL_STATES: ReadonlySet<ConnectionState> = new Set(['ready', 'backoff', 'auth-failed', 'displaced', 'closed']);

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/**
 * One-shot "Test connection" for the editor: discover, connect and authenticate with a throwaway client
 * (no retries), report in one readable sentence, and always close. Note: with a role that a running flow
 * also uses, the probe briefly takes that control mode (the Room allows one connection per mode).
 */
export async function testConnection(
  endpoint: EndpointOptions,
  options: { timeoutMs?: number; logger?: Logger } = {},
): Promise<ProbeResult> {
  const timeoutMs = options.timeoutMs ?? 10_000;
  let client: RoomClient;
  try {
    client = new RoomClient(
      endpoint,
      { connectTimeoutMs: timeoutMs, requestTimeoutMs: timeoutMs, heartbeatIntervalMs: 0 },
      options.logger,
    );
  } catch (err) {
    return { ok: false, message: `Invalid configuration: ${err instanceof Error ? err.message : String(err)}` };
  }
  const startedAt = Date.now();
  try {
    const first = await new Promise<StateChange>((resolve) => {
      const onState = (change: StateChange) => {
        if (!FINAL_STATES.has(change.state)) return;
        client.off('state', onState);
        resolve(change);
      };
      client.on('state', onState);
      client.start();
    });
    if (first.state !== 'ready') {
      const reason = first.reason ?? first.state;
      return { ok: false, message: capitalize(reason), wsPort: client.wsPort };
    }
    const appState = await waitForAppState(client, Math.max(1, timeoutMs - (Date.now() - startedAt)));
    const parts = [
      appState !== undefined ? `app state ${appStateName(appState)}` : undefined,
      client.roleNotApplicable
        ? `role ${endpoint.role}: not applicable (this Room has no access levels)`
        : client.role
          ? `role ${client.role}`
          : undefined,
    ];
    const detail = parts.filter(Boolean).join(', ');
    return {
      ok: true,
      message: `Connected${detail ? `: ${detail}` : ''}`,
      appState,
      role: client.role,
      ...(client.roleNotApplicable ? { roleNotApplicable: true } : {}),
      wsPort: client.wsPort,
    };
  } finally {
    await client.close();
  }
}

function waitForAppState(client: RoomClient, timeoutMs: number): Promise<number | undefined> {
  if (client.appState !== undefined) return Promise.resolve(client.appState);
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      client.off('appState', done);
      resolve(client.appState);
    };
    const timer = setTimeout(done, timeoutMs);
    client.on('appState', done);
  });
}

/**
 * "Test connection" without authenticating: discovery and the WebSocket handshake only. Used when a
 * deployed connection already holds the control mode the test would take: authenticating would make the
 * Room displace that live connection (one connection per mode), so the credentials are left untested.
 */
export async function testReachability(
  endpoint: EndpointOptions,
  options: { timeoutMs?: number } = {},
): Promise<ProbeResult> {
  const timeoutMs = options.timeoutMs ?? 10_000;
  const startedAt = Date.now();
  const left = () => Math.max(1, timeoutMs - (Date.now() - startedAt));
  try {
    const e = resolveEndpoint(endpoint);
    const wsPort = e.wsPort ?? (await discoverWsPort(e, left()));
    await new Promise<void>((resolve, reject) => {
      const ws = new WebSocket(wsUrl(e, wsPort), {
        handshakeTimeout: left(),
        rejectUnauthorized: e.rejectUnauthorized,
        ca: e.ca,
        perMessageDeflate: false,
      });
      ws.once('open', () => {
        ws.close(1000);
        resolve();
      });
      // on, not once: an error after 'open' (while closing) must find a listener too; rejecting then is a no-op.
      ws.on('error', reject);
    });
    return { ok: true, message: `Reachable (WebSocket port ${wsPort})`, wsPort };
  } catch (err) {
    return { ok: false, message: `Room unreachable: ${err instanceof Error ? err.message : String(err)}` };
  }
}
