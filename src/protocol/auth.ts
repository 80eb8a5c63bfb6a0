import type { ResolvedEndpoint } from './endpoint';
import type { JsonObject, Role } from './types';

/** The `auth` request forms (docs/protocol.md §5.2). */
export function secretAuthParams(e: ResolvedEndpoint): JsonObject {
  const params: JsonObject =
    e.authType === 'secured' ? { type: 'secured', credentials: e.secret ?? '' } : { type: 'unsecured' };
  if (e.role) params.role = e.role;
  return params;
}

/** Re-authorisation with the token from an earlier `auth` response (docs/protocol.md §5.5). */
export function tokenAuthParams(e: ResolvedEndpoint, token: string): JsonObject {
  const params: JsonObject = { type: 'secured', credentials: token };
  if (e.role) params.role = e.role;
  return params;
}

/**
 * GUESS: the meaning of `previleges` (sic) in the auth response is undocumented (docs/protocol.md §5.4);
 * 2 was seen after admin PIN auth, so we read 2 as admin and 1 as user. Change it here when a real Room
 * says otherwise.
 */
export function roleFromPrivileges(previleges: unknown): Role | undefined {
  if (previleges === 2) return 'admin';
  if (previleges === 1) return 'user';
  return undefined;
}

/**
 * GUESS: TrueConf VideoSDK speaks the same API with no access levels (no administrator/user split), so its
 * `auth` answer is taken to carry no `previleges` (a Room's always does: docs/protocol.md §5.10). Then a configured
 * role does not apply: it is reported as such, and admin-only methods are not refused locally.
 */
export function hasAccessLevels(response: JsonObject): boolean {
  return Object.prototype.hasOwnProperty.call(response, 'previleges');
}

/** Readable reason of a rejected `auth`, from the response's `error` (never from what we sent). */
export function authFailureText(response: JsonObject): string {
  if (typeof response.error === 'string' && response.error.trim() !== '') return response.error.trim();
  if (response.resultCode !== undefined) return `resultCode ${String(response.resultCode)}`;
  return 'result:false';
}

/**
 * What to check, given what we sent: the Room's own words ("wrong credentials") do not say that an
 * unsecured login met a protected mode, or that a PIN was sent to a mode that has none.
 */
export function authFailureHint(e: ResolvedEndpoint): string {
  const mode = e.role ? `the ${e.role} control mode` : 'the control mode the Room assigns';
  return e.authType === 'secured'
    ? `check the PIN/password for ${mode} (or choose "unsecured" if that mode has no protection)`
    : `${mode} is protected: choose "PIN or password" and enter it`;
}

/**
 * Belt and braces: texts from the Room never carry our secret or token into logs and reasons. Even a
 * 1-character PIN is masked: a garbled log line is better than a leaked secret.
 */
export function redact(text: string, secrets: readonly (string | undefined)[]): string {
  let out = text;
  for (const s of secrets) if (s) out = out.split(s).join('***');
  return out;
}
