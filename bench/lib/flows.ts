import type { FlowNode } from './embedded-red';
import type { EmulatorPorts } from './emulator-farm';

/** Flow JSON builders for the benchmark, written the way the editor would save them. */

export function tab(id: string, label: string): FlowNode {
  return { id, type: 'tab', label, disabled: false, info: '' };
}

/** room-config with an explicit wsPort, so the measurement does not include HTTP discovery. */
export function roomConfig(id: string, ports: EmulatorPorts, extra: Record<string, unknown> = {}): FlowNode {
  return {
    id,
    type: 'room-config',
    name: `room ${ports.index}`,
    host: '127.0.0.1',
    port: ports.webPort || '',
    wsPort: ports.wsPort,
    instance: 'default',
    apiVersion: '2',
    authType: 'unsecured',
    role: '',
    tls: false,
    ...extra,
  };
}

/**
 * room-config as the editor saves it by default: the web port only, so every (re)connect first fetches
 * config.json to learn the WebSocket port (discovery).
 */
export function discoveringRoomConfig(id: string, ports: EmulatorPorts): FlowNode {
  return roomConfig(id, ports, { wsPort: '' });
}

/** A Catch node for every node of its tab. */
export function catchAll(id: string, z: string, wires: string[]): FlowNode {
  return { id, type: 'catch', z, name: '', scope: null, uncaught: false, wires: [wires] };
}

export function roomCommand(id: string, z: string, room: string, method: string, wires: string[]): FlowNode {
  return {
    id,
    type: 'room-command',
    z,
    name: '',
    room,
    method,
    params: {},
    timeout: '',
    waitForOutcome: false,
    strict: true,
    wires: [wires],
  };
}

export function roomEvent(id: string, z: string, room: string, events: string[], wires: string[]): FlowNode {
  return {
    id,
    type: 'room-event',
    z,
    name: '',
    room,
    events,
    topicPrefix: '',
    connectionEvents: false,
    wires: [wires],
  };
}

/** A junction: the lightest core node; used as entry (receive()) and exit (input hook) of measured paths. */
export function junction(id: string, z: string, wires: string[]): FlowNode {
  return { id, type: 'junction', z, x: 0, y: 0, wires: [wires] };
}

export function fn(id: string, z: string, name: string, func: string, wires: string[][]): FlowNode {
  return {
    id,
    type: 'function',
    z,
    name,
    func,
    outputs: wires.length,
    timeout: 0,
    noerr: 0,
    initialize: '',
    finalize: '',
    libs: [],
    wires,
  };
}

/**
 * The do-it-yourself flow a user builds from core nodes to talk to the Room: a websocket-client, a Status
 * node that sends the handshake when the socket connects, a function that numbers requests and remembers
 * the message, and a function that matches responses to it by requestId.
 *   entry -> [build request] -> websocket out
 *   websocket in -> json -> [match response] -> exit   (2nd output: auth replies)
 *   status(websocket in) -> [handshake on connect] -> websocket out
 */
export function diyFlow(
  z: string,
  ids: { entry: string; exit: string; authed: string },
  wsPort: number,
  method: string,
): FlowNode[] {
  const p = `${z}-`;
  const client = `${p}wsclient`;
  return [
    {
      id: client,
      type: 'websocket-client',
      path: `ws://127.0.0.1:${wsPort}/`,
      tls: '',
      wholemsg: 'false',
      hb: '0',
      subprotocol: '',
      headers: [],
    },
    junction(ids.entry, z, [`${p}build`]),
    fn(
      `${p}build`,
      z,
      'build request',
      [
        "const seq = (context.get('seq') || 0) + 1;",
        "context.set('seq', seq);",
        'const requestId = String(seq);',
        "const pending = flow.get('pending') || {};",
        'pending[requestId] = msg;',
        "flow.set('pending', pending);",
        `return { payload: { method: ${JSON.stringify(method)}, requestId } };`,
      ].join('\n'),
      [[`${p}wsout`]],
    ),
    { id: `${p}wsout`, type: 'websocket out', z, name: '', server: '', client, wires: [] },
    { id: `${p}wsin`, type: 'websocket in', z, name: '', server: '', client, wires: [[`${p}json`]] },
    {
      id: `${p}json`,
      type: 'json',
      z,
      name: '',
      property: 'payload',
      action: 'obj',
      pretty: false,
      wires: [[`${p}match`]],
    },
    fn(
      `${p}match`,
      z,
      'match response',
      [
        'const res = msg.payload;',
        "if (!res || typeof res !== 'object' || res.method === 'event') return null;",
        "if (res.method === 'auth') { flow.set('authed', res.result === true); return [null, { payload: res }]; }",
        "const pending = flow.get('pending') || {};",
        'const original = pending[res.requestId];',
        'if (!original) return null;',
        'delete pending[res.requestId];',
        'original.payload = res;',
        'return [original, null];',
      ].join('\n'),
      [[ids.exit], [ids.authed]],
    ),
    junction(ids.exit, z, []),
    junction(ids.authed, z, []),
    { id: `${p}status`, type: 'status', z, name: '', scope: [`${p}wsin`], wires: [[`${p}handshake`]] },
    fn(
      `${p}handshake`,
      z,
      'handshake on connect',
      [
        "if (msg.status.event !== 'connect') return null;",
        "return [[{ payload: { method: 'setUsedApiVersion', requestId: '', version: '2' } },",
        "         { payload: { method: 'auth', requestId: 'auth', type: 'unsecured' } }]];",
      ].join('\n'),
      [[`${p}wsout`]],
    ),
  ];
}
