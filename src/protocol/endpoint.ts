import { createHmac, randomBytes } from 'node:crypto';
import { isIP } from 'node:net';
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

/** A port given as a number or a string of digits (as an editor form sends it), or NaN. */
function portNumber(value: unknown): number {
  return typeof value === 'number'
    ? value
    : typeof value === 'string' && /^\s*\d+\s*$/.test(value)
      ? Number(value)
      : NaN;
}

function portProblem(value: unknown, what: string): string | undefined {
  const n = portNumber(value);
  return Number.isInteger(n) && n >= 1 && n <= 65535
    ? undefined
    : `${what} must be a port number 1-65535, got ${JSON.stringify(value)}`;
}

/** A port field left empty: the default applies (wsPort may also be null: "not known"). */
const unsetPort = (value: unknown): boolean => value === undefined || value === '';
const unsetWsPort = (value: unknown): boolean => unsetPort(value) || value === null;

/** Longest instance name we accept: it is one path segment of the discovery URL. */
const MAX_INSTANCE_LENGTH = 100;
const HOST_LABEL = /^[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/;

/**
 * Why `host` is not a host we can connect to, or undefined when it is one: an IPv4 address, an IPv6
 * address (bare or in brackets), or a DNS host name (RFC 1123: dot-separated labels of letters, digits and
 * hyphens, at most 253 characters, the last label not all digits, which would make it a broken IPv4
 * address). Everything else would make Node's URL parser throw later, far from the configuration.
 */
export function hostProblem(host: string): string | undefined {
  const shown = host.length > 60 ? `${JSON.stringify(host.slice(0, 60))}...` : JSON.stringify(host);
  if (/[\s/?#@]/.test(host) || /^[a-z][a-z0-9+.-]*:\/\//i.test(host))
    return `host ${shown} must be a host name or IP address, not a URL (no scheme, path or spaces)`;
  const bracketed = host.startsWith('[') && host.endsWith(']');
  const bare = bracketed ? host.slice(1, -1) : host;
  if (!bracketed && /^[^:]+:\d*$/.test(bare)) return `host ${shown} must not include a port: use the port field`;
  if (bracketed || bare.includes(':')) {
    if (isIP(bare) === 6 && !bare.includes('%')) return undefined;
    return `host ${shown} is not a valid IPv6 address`;
  }
  if (isIP(bare) === 4) return undefined;
  const name = bare.endsWith('.') ? bare.slice(0, -1) : bare;
  const labels = name.split('.');
  if (name.length > 253 || !labels.every((l) => HOST_LABEL.test(l)))
    return `host ${shown} is not a valid host name (letters, digits, "-" and "." only) or IP address`;
  if (/^\d+$/.test(labels[labels.length - 1])) return `host ${shown} is not a valid IPv4 address`;
  return undefined;
}

/** Why `instance` cannot be the instance name of the discovery path, or undefined. */
export function instanceProblem(instance: unknown): string | undefined {
  if (
    typeof instance !== 'string' ||
    instance.length > MAX_INSTANCE_LENGTH ||
    !/^[A-Za-z0-9._-]+$/.test(instance) ||
    /^\.+$/.test(instance)
  ) {
    const shown = typeof instance === 'string' && instance.length > 60 ? `${instance.slice(0, 60)}...` : instance;
    return `instance ${JSON.stringify(shown)} may contain only letters, digits, ".", "_" and "-" (at most ${MAX_INSTANCE_LENGTH}, not only dots)`;
  }
  return undefined;
}

/** An endpoint field resolveEndpoint refuses, and why (a readable English sentence). */
export interface EndpointProblem {
  field: 'options' | 'host' | 'port' | 'wsPort' | 'instance' | 'apiVersion' | 'authType' | 'secret' | 'role' | 'ca';
  message: string;
}

/**
 * The first field of `e` resolveEndpoint would refuse, or undefined: the one set of endpoint rules, shared by
 * the core (which throws) and the config node (which shows a translated reason per field).
 */
export function endpointProblem(e: EndpointOptions): EndpointProblem | undefined {
  const problem = (field: EndpointProblem['field'], message: string | undefined) =>
    message === undefined ? undefined : { field, message };
  if (!e || typeof e !== 'object') return problem('options', 'endpoint options must be an object');
  if (typeof e.host !== 'string' || e.host.trim() === '') return problem('host', 'host must be a non-empty string');
  return (
    problem('host', hostProblem(e.host.trim())) ??
    (unsetPort(e.port) ? undefined : problem('port', portProblem(e.port, 'port'))) ??
    (unsetWsPort(e.wsPort) ? undefined : problem('wsPort', portProblem(e.wsPort, 'wsPort'))) ??
    problem('instance', e.instance === undefined || e.instance === '' ? undefined : instanceProblem(e.instance)) ??
    problem(
      'apiVersion',
      e.apiVersion === undefined || String(e.apiVersion) === '1' || String(e.apiVersion) === '2'
        ? undefined
        : `apiVersion must be "1" or "2", got ${JSON.stringify(e.apiVersion)}`,
    ) ??
    problem(
      'authType',
      e.authType === undefined || e.authType === 'unsecured' || e.authType === 'secured'
        ? undefined
        : `authType must be "unsecured" or "secured", got ${JSON.stringify(e.authType)}`,
    ) ??
    problem('secret', e.secret === undefined || typeof e.secret === 'string' ? undefined : 'secret must be a string') ??
    problem(
      'role',
      e.role === undefined || (e.role as unknown) === '' || e.role === 'admin' || e.role === 'user'
        ? undefined
        : `role must be "admin", "user" or empty, got ${JSON.stringify(e.role)}`,
    ) ??
    problem('ca', e.ca === undefined || typeof e.ca === 'string' ? undefined : 'ca must be a PEM string')
  );
}

/**
 * Applies defaults and rejects nonsense with a readable TypeError. Numbers given as strings (as they come
 * from an editor form) are accepted.
 */
export function resolveEndpoint(e: EndpointOptions): ResolvedEndpoint {
  const problem = endpointProblem(e);
  if (problem) throw new TypeError(problem.message);
  const host = e.host.trim();
  const tls = e.tls === true;
  return {
    host: host.startsWith('[') ? host.slice(1, -1) : host,
    port: unsetPort(e.port) ? (tls ? 443 : 80) : portNumber(e.port),
    wsPort: unsetWsPort(e.wsPort) ? undefined : portNumber(e.wsPort),
    instance: e.instance === undefined || e.instance === '' ? 'default' : e.instance,
    apiVersion: e.apiVersion === undefined ? '2' : (String(e.apiVersion) as ApiVersion),
    authType: e.authType ?? 'unsecured',
    secret: e.secret === '' ? undefined : e.secret,
    role: e.role === undefined || (e.role as unknown) === '' ? undefined : e.role,
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

/** Keys the secret's fingerprint: it never leaves this process, so a key says nothing about the secret. */
const FINGERPRINT_KEY = randomBytes(32);

function fingerprint(text: string | undefined): string {
  return text === undefined ? '' : createHmac('sha256', FINGERPRINT_KEY).update(text, 'utf8').digest('hex');
}

/**
 * Identity of an endpoint for sharing one connection: everything that changes where or how we connect.
 * The secret enters only as a keyed hash. A plain SHA-256 of a 4-digit PIN is reversed by trying all
 * 10,000, so even this key is never logged.
 */
export function endpointKey(e: EndpointOptions): string {
  const r = resolveEndpoint(e);
  const secretHash = fingerprint(r.secret);
  const caHash = fingerprint(r.ca);
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
