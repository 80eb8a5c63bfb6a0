import { endpointKey as coreEndpointKey, hostProblem, instanceProblem } from '../../src/protocol/endpoint';
import type { EndpointOptions } from '../../src/protocol/types';
import type { Translate } from './i18n';

/** The room-config node's properties as stored in the flow (flow contract: names must not change). */
export interface RoomConfigProperties {
  name?: string;
  host?: unknown;
  port?: unknown;
  wsPort?: unknown;
  instance?: unknown;
  apiVersion?: unknown;
  authType?: unknown;
  role?: unknown;
  tls?: unknown;
  /** Extension: accept a self-signed certificate with tls. */
  tlsInsecure?: unknown;
}

export interface RoomConfigCredentials {
  secret?: unknown;
}

export type EndpointResult = { ok: true; endpoint: EndpointOptions } | { ok: false; reason: string };

const isBlank = (v: unknown): boolean => v === undefined || v === null || (typeof v === 'string' && v.trim() === '');

/** Flow JSON and the editor store numbers as numbers or strings; booleans as booleans or "true". */
function toPort(v: unknown): number | undefined | null {
  if (isBlank(v)) return undefined;
  const n = typeof v === 'number' ? v : typeof v === 'string' && /^\s*\d+\s*$/.test(v) ? Number(v) : NaN;
  return Number.isInteger(n) && n >= 1 && n <= 65535 ? n : null;
}

export function toBool(v: unknown): boolean {
  return v === true || v === 'true' || v === 1 || v === '1' || v === 'on';
}

/**
 * Turns the config node's properties and credentials into EndpointOptions, or a short readable reason
 * (translated) why not. The secret never appears in a reason.
 */
export function parseEndpoint(
  props: RoomConfigProperties,
  creds: RoomConfigCredentials | undefined,
  t: Translate,
): EndpointResult {
  const fail = (key: string): EndpointResult => ({ ok: false, reason: t(`errors.${key}`) });

  if (isBlank(props.host)) return fail('hostMissing');
  if (typeof props.host !== 'string') return fail('hostInvalid');
  let host = props.host.trim();
  // The core's rules (RFC 1123 names, IPv4, IPv6 with or without brackets), so nothing it would refuse gets this far.
  if (hostProblem(host) !== undefined) return fail('hostInvalid');
  if (host.startsWith('[')) host = host.slice(1, -1);

  const port = toPort(props.port);
  if (port === null) return fail('portInvalid');
  const wsPort = toPort(props.wsPort);
  if (wsPort === null) return fail('wsPortInvalid');
  if (port === undefined && wsPort === undefined) return fail('portMissing');

  const instance = isBlank(props.instance) ? 'default' : String(props.instance).trim();
  if (instanceProblem(instance) !== undefined) return fail('instanceInvalid');

  const apiVersion = isBlank(props.apiVersion) ? '2' : String(props.apiVersion).trim();
  if (apiVersion !== '1' && apiVersion !== '2') return fail('apiVersionInvalid');

  const authType = isBlank(props.authType) ? 'unsecured' : props.authType;
  if (authType !== 'unsecured' && authType !== 'secured') return fail('authTypeInvalid');

  const role = isBlank(props.role) ? undefined : props.role;
  if (role !== undefined && role !== 'user' && role !== 'admin') return fail('roleInvalid');

  const endpoint: EndpointOptions = { host, instance, apiVersion, authType };
  if (port !== undefined) endpoint.port = port;
  if (wsPort !== undefined) endpoint.wsPort = wsPort;
  if (role) endpoint.role = role;
  if (authType === 'secured') {
    const secret = creds?.secret;
    if (typeof secret !== 'string' || secret === '') return fail('secretMissing');
    endpoint.secret = secret;
  }
  if (toBool(props.tls)) {
    endpoint.tls = true;
    endpoint.rejectUnauthorized = !toBool(props.tlsInsecure);
  }
  return { ok: true, endpoint };
}

/**
 * The pool's identity of an endpoint (the core's endpointKey: the secret only as a hash), so "same
 * endpoint" here means exactly "same pooled socket". '' for an endpoint the core would refuse.
 */
export function endpointKey(endpoint: EndpointOptions): string {
  try {
    return coreEndpointKey(endpoint);
  } catch {
    return '';
  }
}

/** Where the endpoint is, for logs and warnings: no secret. */
export function describeEndpoint(endpoint: EndpointOptions): string {
  const scheme = endpoint.tls ? 'wss' : 'ws';
  const where =
    endpoint.wsPort !== undefined
      ? `${endpoint.host}:${endpoint.wsPort}`
      : `${endpoint.host} (web port ${endpoint.port}, instance ${endpoint.instance ?? 'default'})`;
  return `${scheme}://${where} api v${endpoint.apiVersion ?? '2'} ${endpoint.authType ?? 'unsecured'}${endpoint.role ? ` as ${endpoint.role}` : ''}`;
}
