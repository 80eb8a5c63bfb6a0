import { randomBytes } from 'node:crypto';
import { AuthBook } from './auth-book';
import { fail, ok, type Reply } from './reply';
import type { ControlMode, ModeAuth } from './types';

/**
 * Who holds which control mode. One connection per mode (docs/protocol.md §5.7): when a second connection
 * authorizes in a mode, the earlier one gets `authorizationNeeded` cause 1 and is unauthorized, but its
 * socket stays open [INF]. Also the session commands that change protection (setAuthParams).
 */

export interface Session {
  readonly id: number;
  role?: ControlMode;
  apiVersion: number;
}

const CAUSE = {
  displaced: 1,
  userResetByUnsecuredAdmin: 2,
  adminChangedByAdmin: 3,
  userChangedByAdmin: 4,
  userChangedByUser: 5,
} as const;

export class Sessions {
  private readonly holders: Partial<Record<ControlMode, Session>> = {};

  constructor(
    readonly book: AuthBook,
    /** Sends authorizationNeeded {cause} to a connection that just lost its mode. */
    private readonly deauthorize: (session: Session, cause: number) => void,
    private readonly authenticated: (session: Session) => void,
    /**
     * false for TrueConf VideoSDK, which has one control mode (no administrator/user split): `role` is
     * ignored, every connection may use every command, and `auth` answers without `previleges` [INF].
     * The one mode is kept as "admin" here; its protection is the admin protection.
     */
    readonly accessLevels = true,
  ) {}

  holder(mode: ControlMode): Session | undefined {
    return this.holders[mode];
  }

  auth(session: Session, frame: Record<string, unknown>): Reply {
    if (!this.accessLevels) {
      if (frame.type === undefined)
        return fail('TrueConf VideoSDK has no access levels (no user mode)', { resultCode: 1 });
      const decision = this.book.decide({ type: frame.type, credentials: frame.credentials, role: 'admin' });
      if (!decision.ok) return fail(decision.error, { resultCode: decision.resultCode });
      return this.grant(session, 'admin');
    }
    // Admin -> user switch on an already-admin connection: no type, role "user" (docs/protocol.md §5.2).
    if (frame.type === undefined && frame.role === 'user') {
      if (session.role !== 'admin')
        return fail('switching to user mode needs an administrator connection', { resultCode: 3 });
      return this.grant(session, 'user');
    }
    if (frame.type === undefined) return fail('missing parameter "type"', { resultCode: 1 });
    const decision = this.book.decide(frame);
    if (!decision.ok) return fail(decision.error, { resultCode: decision.resultCode });
    return this.grant(session, decision.role);
  }

  release(session: Session): void {
    if (session.role && this.holders[session.role] === session) delete this.holders[session.role];
    session.role = undefined;
  }

  /** setAuthParams {userType, authType, password?}: the caller keeps its mode with a fresh token. */
  setAuthParams(session: Session, frame: Record<string, unknown>): Reply {
    const mode = frame.userType as ControlMode;
    const type = frame.authType as ModeAuth['type'];
    if (!this.accessLevels && mode === 'user') return fail('TrueConf VideoSDK has no user mode');
    if (mode === 'admin' && session.role !== 'admin') return fail('access denied: requires administrator mode');
    if (type === 'password' && (typeof frame.password !== 'string' || frame.password === '')) {
      return fail('missing parameter "password" (required when authType is "password")');
    }
    if (mode === 'user' && type !== 'unsecured' && this.book.protection('admin').type === 'unsecured') {
      return fail('protect the administrator mode first');
    }
    const newPin =
      type === 'pin'
        ? typeof frame.newPin === 'string' && frame.newPin !== ''
          ? frame.newPin
          : AuthBook.newPin()
        : undefined;
    this.book.set(mode, {
      type,
      secret: type === 'pin' ? newPin : type === 'password' ? String(frame.password) : undefined,
    });
    const forceUser = mode === 'admin' && type === 'unsecured' && this.book.protection('user').type !== 'unsecured';
    if (forceUser) this.book.set('user', { type: 'unsecured' });
    const fields: Record<string, unknown> = {};
    if (newPin !== undefined) fields.newPin = newPin;
    if (session.role === mode) {
      fields.token = this.book.issueToken(mode);
      fields.tokenForHttpServer = httpToken();
    }
    const changedBy = session.role;
    const mine = this.holders[mode] === session;
    const others = {
      changed: mine ? undefined : this.takeHolder(mode),
      forcedUser: forceUser && this.holders.user !== session ? this.takeHolder('user') : undefined,
    };
    return ok(fields, () => {
      if (others.changed) {
        const cause =
          mode === 'admin'
            ? CAUSE.adminChangedByAdmin
            : changedBy === 'admin'
              ? CAUSE.userChangedByAdmin
              : CAUSE.userChangedByUser;
        this.deauthorize(others.changed, cause);
      }
      if (others.forcedUser) this.deauthorize(others.forcedUser, CAUSE.userResetByUnsecuredAdmin);
    });
  }

  /** The Room's operator changed a mode's protection (room.setAuth): its holder must authorize again. */
  changeProtection(mode: ControlMode, auth: ModeAuth): void {
    this.book.set(mode, auth);
    const holder = this.takeHolder(mode);
    if (holder) this.deauthorize(holder, mode === 'admin' ? CAUSE.adminChangedByAdmin : CAUSE.userChangedByAdmin);
  }

  authInfo(session: Session): Record<string, unknown> {
    const admin = this.book.protection('admin');
    const user = this.book.protection('user');
    if (!this.accessLevels) return { adminAuth: { security: admin.type } };
    const userAuth: Record<string, unknown> = { security: user.type };
    if (user.type === 'pin' && session.role === 'admin') userAuth.pin = user.secret;
    return { adminAuth: { security: admin.type }, userAuth };
  }

  tokenForHttpServer(): string {
    return httpToken();
  }

  private grant(session: Session, role: ControlMode): Reply {
    const previous = this.holders[role];
    if (session.role && session.role !== role && this.holders[session.role] === session)
      delete this.holders[session.role];
    session.role = role;
    this.holders[role] = session;
    const displaced = previous && previous !== session ? previous : undefined;
    if (displaced) displaced.role = undefined;
    const fields: Record<string, unknown> = {
      resultCode: 0,
      previleges: role === 'admin' ? 2 : 1,
      token: this.book.issueToken(role),
      tokenForHttpServer: httpToken(),
    };
    if (!this.accessLevels) delete fields.previleges;
    return ok(fields, () => {
      if (displaced) this.deauthorize(displaced, CAUSE.displaced);
      this.authenticated(session);
    });
  }

  private takeHolder(mode: ControlMode): Session | undefined {
    const holder = this.holders[mode];
    if (!holder) return undefined;
    delete this.holders[mode];
    holder.role = undefined;
    return holder;
  }
}

function httpToken(): string {
  return randomBytes(16).toString('hex');
}
