/**
 * The slice of the Node-RED runtime API these nodes use, typed by hand (Node-RED ships no types, and
 * @types/node-red would be one more dependency that lags behind 4.x/5.x). Only what we call is declared.
 */

export interface NodeStatus {
  fill?: 'red' | 'green' | 'yellow' | 'blue' | 'grey';
  shape?: 'ring' | 'dot';
  text?: string;
}

/** A message travelling through a flow. */
export interface NodeMessage {
  [key: string]: unknown;
  _msgid?: string;
  payload?: unknown;
  topic?: unknown;
}

export type SendFunction = (msg: NodeMessage | NodeMessage[] | null) => void;
export type DoneFunction = (err?: Error) => void;

/** The properties every node definition carries (the rest are the node type's own). */
export interface NodeDef {
  id: string;
  type: string;
  name?: string;
  z?: string;
}

/** A runtime node instance (after RED.nodes.createNode). */
export interface RuntimeNode {
  readonly id: string;
  readonly type: string;
  name?: string;
  z?: string;
  credentials?: Record<string, unknown>;
  on(event: 'input', listener: (msg: NodeMessage, send: SendFunction, done: DoneFunction) => void): void;
  on(event: 'close', listener: (removed: boolean, done: () => void) => void): void;
  status(status: NodeStatus): void;
  send(msg: NodeMessage | NodeMessage[] | null): void;
  error(err: unknown, msg?: NodeMessage): void;
  warn(msg: unknown): void;
  log(msg: unknown): void;
  debug(msg: unknown): void;
  trace(msg: unknown): void;
}

/** Minimal Express shapes for the admin routes. */
export interface HttpRequest {
  params: Record<string, string>;
  body?: unknown;
}
export interface HttpResponse {
  status(code: number): HttpResponse;
  json(body: unknown): void;
}
export type HttpHandler = (req: HttpRequest, res: HttpResponse, next: (err?: unknown) => void) => void;
export interface HttpApp {
  get(path: string, ...handlers: HttpHandler[]): void;
  post(path: string, ...handlers: HttpHandler[]): void;
}

export interface SettingDeclaration {
  value: unknown;
  exportable?: boolean;
}

export interface RegisterTypeOptions {
  credentials?: Record<string, { type: 'text' | 'password' }>;
  settings?: Record<string, SettingDeclaration>;
}

export interface NodeRedApi {
  nodes: {
    createNode(node: object, def: NodeDef): void;
    registerType(type: string, constructor: (this: never, def: never) => void, options?: RegisterTypeOptions): void;
    getNode(id: string): unknown;
    getCredentials(id: string): Record<string, unknown> | undefined;
  };
  settings: Record<string, unknown>;
  httpAdmin: HttpApp;
  auth: { needsPermission(permission: string): HttpHandler };
  log: {
    info(msg: unknown): void;
    warn(msg: unknown): void;
    error(msg: unknown): void;
    debug(msg: unknown): void;
  };
  _(key: string, substitutions?: Record<string, unknown>): string;
  /** Runtime events; `flows:started` comes once a deploy has started every node. */
  events: {
    on(event: 'flows:started', listener: () => void): unknown;
    removeListener(event: 'flows:started', listener: () => void): unknown;
  };
}
