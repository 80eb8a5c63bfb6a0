import { randomBytes, randomInt } from 'node:crypto';
import type { ControlMode, ModeAuth } from './types';

/**
 * The Room's protection settings and the tokens it has issued. Decides which control mode an `auth`
 * request gets (docs/protocol.md §5.2); knows nothing of sockets.
 */

export interface AuthRequest {
  type?: unknown;
  credentials?: unknown;
  role?: unknown;
}

export type AuthDecision = { ok: true; role: ControlMode } | { ok: false; resultCode: number; error: string };

const WRONG: AuthDecision = { ok: false, resultCode: 3, error: 'wrong credentials' };
const MODES: ControlMode[] = ['admin', 'user'];

export class AuthBook {
  private modes: Record<ControlMode, ModeAuth>;
  /** token -> the mode it was issued for. */
  private readonly tokens = new Map<string, ControlMode>();

  constructor(initial: { admin?: ModeAuth; user?: ModeAuth } = {}) {
    this.modes = { admin: { type: 'unsecured' }, user: { type: 'unsecured' } };
    for (const mode of MODES) {
      const given = initial[mode];
      if (given) this.modes[mode] = checkModeAuth(given, mode);
    }
  }

  protection(mode: ControlMode): ModeAuth {
    return { ...this.modes[mode] };
  }

  /** Changes one mode's protection; its tokens die with the old credentials [INF]. */
  set(mode: ControlMode, auth: ModeAuth): void {
    this.modes[mode] = checkModeAuth(auth, mode);
    for (const [token, role] of this.tokens) if (role === mode) this.tokens.delete(token);
  }

  /** A fresh random PIN, like the Room's auto-generated one (short, digits). */
  static newPin(): string {
    return String(randomInt(0, 1_000_000)).padStart(6, '0');
  }

  issueToken(mode: ControlMode): string {
    const token = randomBytes(24).toString('hex');
    this.tokens.set(token, mode);
    return token;
  }

  clearTokens(): void {
    this.tokens.clear();
  }

  /**
   * unsecured: the requested mode if it is unsecured; without a role, admin if unsecured, else user if unsecured.
   * secured: a mode's PIN (case-insensitive) or password, or a token issued earlier; with a role only that mode.
   * A secured request never lands in an unsecured mode by a wrong secret (only a token gets there) [INF].
   */
  decide(req: AuthRequest): AuthDecision {
    const role = req.role;
    if (role !== undefined && role !== 'admin' && role !== 'user') {
      return { ok: false, resultCode: 1, error: 'invalid role (expected "admin" or "user")' };
    }
    const candidates: ControlMode[] = role ? [role] : MODES;
    if (req.type === 'unsecured') {
      const mode = candidates.find((m) => this.modes[m].type === 'unsecured');
      return mode ? { ok: true, role: mode } : WRONG;
    }
    if (req.type === 'secured') {
      if (typeof req.credentials !== 'string' || req.credentials === '') {
        return { ok: false, resultCode: 1, error: 'missing credentials' };
      }
      const credentials = req.credentials;
      const tokenMode = this.tokens.get(credentials);
      if (tokenMode && candidates.includes(tokenMode)) return { ok: true, role: tokenMode };
      const mode = candidates.find((m) => secretMatches(this.modes[m], credentials));
      return mode ? { ok: true, role: mode } : WRONG;
    }
    return { ok: false, resultCode: 1, error: 'invalid auth type (expected "secured" or "unsecured")' };
  }
}

function secretMatches(auth: ModeAuth, given: string): boolean {
  if (auth.type === 'unsecured' || auth.secret === undefined) return false;
  return auth.type === 'pin' ? auth.secret.toLowerCase() === given.toLowerCase() : auth.secret === given;
}

function checkModeAuth(auth: ModeAuth, mode: ControlMode): ModeAuth {
  if (auth.type !== 'unsecured' && auth.type !== 'pin' && auth.type !== 'password') {
    throw new Error(`emulator: ${mode} auth type must be unsecured, pin or password`);
  }
  if (auth.type !== 'unsecured' && (typeof auth.secret !== 'string' || auth.secret === '')) {
    throw new Error(`emulator: ${mode} ${auth.type} protection needs a secret`);
  }
  return auth.type === 'unsecured' ? { type: 'unsecured' } : { type: auth.type, secret: auth.secret };
}
