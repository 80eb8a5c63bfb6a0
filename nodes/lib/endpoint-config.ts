import {
  endpointProblem,
  type ApiVersion,
  type AuthType,
  type EndpointOptions,
  type EndpointProblem,
  type Role,
} from '../../src/protocol';
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

export function toBool(v: unknown): boolean {
  return v === true || v === 'true' || v === 1 || v === '1' || v === 'on';
}

/** The errors.* reason for each field the core's endpoint rules refuse. */
const FIELD_REASONS: Record<EndpointProblem['field'], string> = {
  options: 'hostMissing',
  host: 'hostInvalid',
  port: 'portInvalid',
  wsPort: 'wsPortInvalid',
  instance: 'instanceInvalid',
  apiVersion: 'apiVersionInvalid',
  authType: 'authTypeInvalid',
  secret: 'secretMissing',
  role: 'roleInvalid',
  ca: 'hostInvalid',
};

/**
 * Turns the config node's properties and credentials into EndpointOptions, or a short readable reason
 * (translated) why not. The rules are the core's (endpointProblem), so nothing it would refuse gets this
 * far; this adds what a form needs: blanks, "true" for booleans, a port required, the secret from credentials.
 * The secret never appears in a reason.
 */
export function parseEndpoint(
  props: RoomConfigProperties,
  creds: RoomConfigCredentials | undefined,
  t: Translate,
): EndpointResult {
  const fail = (key: string): EndpointResult => ({ ok: false, reason: t(`errors.${key}`) });

  if (isBlank(props.host)) return fail('hostMissing');
  if (typeof props.host !== 'string') return fail('hostInvalid');
  const blankOr = <T>(v: unknown, fallback: T): T => (isBlank(v) ? fallback : (v as T));
  const text = (v: unknown, fallback: string): string => (isBlank(v) ? fallback : String(v).trim());
  // Flow JSON and the editor store numbers as numbers or strings; booleans as booleans or "true".
  const given = {
    host: props.host.trim(),
    port: blankOr<number | undefined>(props.port, undefined),
    wsPort: blankOr<number | undefined>(props.wsPort, undefined),
    instance: text(props.instance, 'default'),
    apiVersion: text(props.apiVersion, '2') as ApiVersion,
    authType: blankOr<AuthType>(props.authType, 'unsecured'),
    role: blankOr<Role | undefined>(props.role, undefined),
  };
  const problem = endpointProblem(given);
  if (problem && (problem.field === 'host' || problem.field === 'port' || problem.field === 'wsPort'))
    return fail(FIELD_REASONS[problem.field]);
  if (given.port === undefined && given.wsPort === undefined) return fail('portMissing');
  if (problem) return fail(FIELD_REASONS[problem.field]);

  const { host, instance, apiVersion, authType, role } = given;
  const endpoint: EndpointOptions = {
    host: host.startsWith('[') ? host.slice(1, -1) : host,
    instance,
    apiVersion,
    authType,
  };
  if (given.port !== undefined) endpoint.port = Number(given.port);
  if (given.wsPort !== undefined) endpoint.wsPort = Number(given.wsPort);
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
