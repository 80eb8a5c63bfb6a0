import { createHash } from 'node:crypto';
import type { ApiVersion, AuthType, EndpointOptions, Role } from './types';

/** An endpoint with defaults applied and every field checked. */
export interface ResolvedEndpoint {
  host: string;
  port: number;
  wsPort?: number;
  instance: string;
  apiVersion: ApiVersion;
  authType: AuthType;
  secret?: string;
  role?: Role;
  tls: boolean;
  rejectUnauthorized: boolean;
  ca?: string;
}

function checkPort(value: unknown, what: string): number {
  const n = typeof value === 'string' && /^\d+$/.test(value.trim()) ? Number(value) : value;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 1 || n > 65535) {
    throw new TypeError(`${what} must be a port number 1-65535, got ${JSON.stringify(value)}`);
  }
  return n;
}

/**
 * Applies defaults and rejects nonsense with a readable TypeError. Numbers given as strings (as they come
 * from an editor form) are accepted.
 */
export function resolveEndpoint(e: EndpointOptions): ResolvedEndpoint {
  if (!e || typeof e !== 'object') throw new TypeError('endpoint options must be an object');
  if (typeof e.host !== 'string' || e.host.trim() === '') throw new TypeError('host must be a non-empty string');
  const host = e.host.trim();
  if (/[\s/?#@]/.test(host))
    throw new TypeError(`host ${JSON.stringify(host)} must be a host name or IP address, not a URL`);
  const tls = e.tls === true;
  const port = e.port === undefined || (e.port as unknown) === '' ? (tls ? 443 : 80) : checkPort(e.port, 'port');
  const wsPort =
    e.wsPort === undefined || (e.wsPort as unknown) === '' || (e.wsPort as unknown) === null
      ? undefined
      : checkPort(e.wsPort, 'wsPort');
  const instance = e.instance === undefined || e.instance === '' ? 'default' : e.instance;
  if (typeof instance !== 'string' || !/^[A-Za-z0-9._-]+$/.test(instance)) {
    throw new TypeError(`instance ${JSON.stringify(instance)} may contain only letters, digits, ".", "_" and "-"`);
  }
  const apiVersion = e.apiVersion === undefined ? '2' : (String(e.apiVersion) as ApiVersion);
  if (apiVersion !== '1' && apiVersion !== '2')
    throw new TypeError(`apiVersion must be "1" or "2", got ${JSON.stringify(e.apiVersion)}`);
  const authType = e.authType ?? 'unsecured';
  if (authType !== 'unsecured' && authType !== 'secured') {
    throw new TypeError(`authType must be "unsecured" or "secured", got ${JSON.stringify(authType)}`);
  }
  if (e.secret !== undefined && typeof e.secret !== 'string') throw new TypeError('secret must be a string');
  const role = e.role === undefined || (e.role as unknown) === '' ? undefined : e.role;
  if (role !== undefined && role !== 'admin' && role !== 'user') {
    throw new TypeError(`role must be "admin", "user" or empty, got ${JSON.stringify(role)}`);
  }
  if (e.ca !== undefined && typeof e.ca !== 'string') throw new TypeError('ca must be a PEM string');
  return {
    host,
    port,
    wsPort,
    instance,
    apiVersion,
    authType,
    secret: e.secret === '' ? undefined : e.secret,
    role,
    tls,
    rejectUnauthorized: e.rejectUnauthorized !== false,
    ca: e.ca || undefined,
  };
}

function hostForUrl(host: string): string {
  return host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
}

/** The WebSocket URL: the path picks the API version (docs/protocol.md §4.2). */
export function wsUrl(e: ResolvedEndpoint, wsPort: number): string {
  return `${e.tls ? 'wss' : 'ws'}://${hostForUrl(e.host)}:${wsPort}/v${e.apiVersion}`;
}

/**
 * Identity of an endpoint for sharing one connection: everything that changes where or how we connect.
 * The secret enters only as a hash, so the key can sit in memory and logs without revealing it.
 */
export function endpointKey(e: EndpointOptions): string {
  const r = resolveEndpoint(e);
  const secretHash = r.secret === undefined ? '' : createHash('sha256').update(r.secret, 'utf8').digest('hex');
  const caHash = r.ca === undefined ? '' : createHash('sha256').update(r.ca, 'utf8').digest('hex');
  return JSON.stringify([
    r.host.toLowerCase(),
    r.port,
    r.wsPort ?? null,
    r.instance,
    r.apiVersion,
    r.authType,
    r.role ?? null,
    r.tls,
    r.rejectUnauthorized,
    caHash,
    secretHash,
  ]);
}

/**
 * The Room an endpoint points at, whatever the credentials, role or API version: two sockets to one Room
 * in the same control mode displace each other (docs/protocol.md §5.7).
 */
export function roomKey(e: EndpointOptions): string {
  const r = resolveEndpoint(e);
  return JSON.stringify([r.host.toLowerCase(), r.port, r.wsPort ?? null, r.instance, r.tls]);
}

/** For logs: where we connect, never how we authenticate. */
export function describeEndpoint(e: ResolvedEndpoint): string {
  const where = e.wsPort !== undefined ? `ws port ${e.wsPort}` : `web port ${e.port}, instance ${e.instance}`;
  return `${e.host} (${where}, API v${e.apiVersion}${e.tls ? ', TLS' : ''})`;
}
