import { createHash, randomBytes } from 'node:crypto';
import type { AppConfig } from '../../config/load.js';
import type { Database } from '../../db/index.js';
import type { Loggers } from '../../observability/logger.js';
import type { Metrics } from '../../observability/metrics.js';
import { ForbiddenError, LockedError, UnauthorizedError, ValidationError } from '../../shared/errors.js';
import type { Actor, RequestContext } from '../../shared/request-context.js';
import { hashPassword, passwordProblems, verifyPassword } from './passwords.js';
import {
  endSession,
  endUserSessions,
  findOpenSession,
  insertSession,
  touchSession,
} from './sessions.repository.js';
import {
  findUserById,
  findUserByUsername,
  recordFailedAttempt,
  recordSuccessfulLogin,
  updatePassword,
} from './users.repository.js';

export interface SignedIn {
  readonly token: string;
  readonly expiresAt: Date;
  readonly user: { id: string; username: string; role: string; mustChangePassword: boolean };
}

export interface Authenticated {
  readonly sessionId: string;
  readonly actor: Actor;
  readonly mustChangePassword: boolean;
}

const INVALID_CREDENTIALS = 'The username or password is incorrect.';

export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/** Normalises a typed username: case and surrounding spaces do not matter. */
export function normaliseUsername(username: string): string {
  return username.trim().toLowerCase();
}

/** Sign-in, sessions and passwords. Lockout state lives in the database so it holds across instances. */
export class AuthService {
  constructor(
    private readonly db: Database,
    private readonly config: AppConfig,
    private readonly loggers: Loggers,
    private readonly metrics: Metrics,
  ) {}

  async login(
    username: string,
    password: string,
    context: RequestContext,
    userAgent: string | null,
  ): Promise<SignedIn> {
    const name = normaliseUsername(username);
    const fields = { username: name, clientAddress: context.clientAddress, requestId: context.requestId };
    const user = await findUserByUsername(this.db, name);
    if (!user) {
      await verifyPassword(undefined, password);
      this.fail(fields, 'unknown user');
      throw new UnauthorizedError(INVALID_CREDENTIALS);
    }
    const userFields = { ...fields, userId: user.id, role: user.role };
    if (user.lockedUntil && user.lockedUntil.getTime() > Date.now()) {
      this.metrics.logins.inc({ outcome: 'locked' });
      this.loggers.security('AUTHENTICATION_FAILED', { ...userFields, reason: 'account locked' });
      throw this.lockedError(user.lockedUntil);
    }
    if (!(await verifyPassword(user.passwordHash, password))) {
      const { maxAttempts, durationMs } = this.config.security.lockout;
      const attempt = await recordFailedAttempt(this.db, user.id, maxAttempts, durationMs / 1000);
      this.fail(userFields, 'wrong password', { failedAttempts: attempt.failedAttempts });
      if (attempt.lockedNow) {
        this.loggers.security('ACCOUNT_LOCKED', {
          ...userFields,
          reason: `${attempt.failedAttempts} failed sign-ins`,
          lockedUntil: attempt.lockedUntil?.toISOString(),
        });
      }
      throw new UnauthorizedError(INVALID_CREDENTIALS);
    }
    if (!user.active) {
      this.fail(userFields, 'account disabled');
      throw new ForbiddenError('This account is disabled. Ask an administrator to enable it.');
    }
    if (!(await recordSuccessfulLogin(this.db, user.id))) {
      const current = await findUserById(this.db, user.id);
      this.fail(userFields, 'account locked');
      throw this.lockedError(current?.lockedUntil ?? new Date());
    }
    const token = randomBytes(32).toString('base64url');
    const session = await insertSession(this.db, {
      userId: user.id,
      tokenHash: hashToken(token),
      absoluteTimeoutMs: this.config.security.session.absoluteTimeoutMs,
      clientAddress: context.clientAddress,
      userAgent: userAgent?.slice(0, 300) ?? null,
    });
    this.metrics.logins.inc({ outcome: 'success' });
    this.loggers.security('AUTHENTICATION_SUCCEEDED', { ...userFields, sessionId: session.id });
    return {
      token,
      expiresAt: session.expiresAt,
      user: {
        id: user.id,
        username: user.username,
        role: user.role,
        mustChangePassword: user.mustChangePassword,
      },
    };
  }

  /** Resolves a bearer or cookie token to its session; undefined when unknown, ended or timed out. */
  async authenticate(token: string): Promise<Authenticated | undefined> {
    if (token.length < 20 || token.length > 200) return undefined;
    const session = await findOpenSession(
      this.db,
      hashToken(token),
      this.config.security.session.idleTimeoutMs,
    );
    if (!session) return undefined;
    const endReason = session.absoluteExpired
      ? 'absolute timeout'
      : session.idleExpired
        ? 'idle timeout'
        : !session.active
          ? 'account disabled'
          : session.locked
            ? 'account locked'
            : undefined;
    if (endReason) {
      await endSession(this.db, session.sessionId, endReason);
      this.loggers.security('SESSION_ENDED', {
        userId: session.userId,
        username: session.username,
        reason: endReason,
      });
      return undefined;
    }
    if (session.needsTouch) await touchSession(this.db, session.sessionId);
    return {
      sessionId: session.sessionId,
      actor: { userId: session.userId, username: session.username, role: session.role },
      mustChangePassword: session.mustChangePassword,
    };
  }

  async logout(sessionId: string): Promise<void> {
    await endSession(this.db, sessionId, 'logout');
  }

  /** Changes the caller's own password; every other session of theirs ends. */
  async changePassword(
    authenticated: Authenticated,
    currentPassword: string,
    newPassword: string,
    context: RequestContext,
  ): Promise<void> {
    const user = await findUserById(this.db, authenticated.actor.userId);
    if (!user || !(await verifyPassword(user.passwordHash, currentPassword))) {
      throw new ValidationError('The current password is incorrect.', [
        { field: 'currentPassword', message: 'is incorrect' },
      ]);
    }
    const problems = passwordProblems(newPassword, user.username, 'newPassword');
    if (newPassword === currentPassword)
      problems.push({ field: 'newPassword', message: 'must differ from the current one' });
    if (problems.length > 0)
      throw new ValidationError('The new password does not meet the password rules.', problems);
    const passwordHash = await hashPassword(newPassword);
    await this.db.transaction(async (tx) => {
      await updatePassword(tx, user.id, passwordHash, false);
      await endUserSessions(tx, user.id, 'password changed', authenticated.sessionId);
    });
    this.loggers.security('PASSWORD_CHANGED', {
      userId: user.id,
      username: user.username,
      clientAddress: context.clientAddress,
      requestId: context.requestId,
    });
  }

  private fail(fields: Record<string, unknown>, reason: string, extra: Record<string, unknown> = {}): void {
    this.metrics.logins.inc({ outcome: 'failure' });
    this.loggers.security('AUTHENTICATION_FAILED', { ...fields, reason, ...extra });
  }

  private lockedError(lockedUntil: Date): LockedError {
    const seconds = Math.ceil((lockedUntil.getTime() - Date.now()) / 1000);
    const finite = Number.isFinite(seconds) && seconds < 365 * 86_400;
    return new LockedError(
      finite
        ? `This account is locked after repeated failed sign-ins. Try again in ${Math.ceil(seconds / 60)} minute(s), or ask an administrator to unlock it.`
        : 'This account is locked by an administrator. Ask an administrator to unlock it.',
      finite ? Math.max(1, seconds) : undefined,
    );
  }
}
