import { createHash, createHmac, randomBytes } from 'node:crypto';
import type { AppConfig } from '../../config/load.js';
import type { Database } from '../../db/index.js';
import type { Loggers } from '../../observability/logger.js';
import type { Metrics } from '../../observability/metrics.js';
import type { Clock } from '../../shared/clock.js';
import { ForbiddenError, LockedError, UnauthorizedError, ValidationError } from '../../shared/errors.js';
import type { Actor, RequestContext, Role } from '../../shared/request-context.js';
import type { FailedAttempts } from './failed-attempts.js';
import { MFA_INVALID, MfaService } from './mfa.service.js';
import { hashPassword, passwordNeedsRehash, passwordProblems, verifyPassword } from './passwords.js';
import type { CachedSession, SessionCache } from './session-cache.js';
import { clearSoftLockout, isSoftLock } from './soft-lockout.js';
import {
  deleteSession,
  endSession,
  endUserSessions,
  findOpenSession,
  openSession,
  touchSession,
} from './sessions.repository.js';
import { findUserById, findUserByUsername, updatePassword } from './users.repository.js';

export interface SignedIn {
  readonly token: string;
  readonly expiresAt: Date;
  /** Send back as X-CSRF-Token on writes made with the session cookie. */
  readonly csrfToken: string;
  readonly mustChangePassword: boolean;
  readonly mfaEnrolmentRequired: boolean;
  readonly user: {
    id: string;
    username: string;
    role: Role;
    mustChangePassword: boolean;
    mfaEnabled: boolean;
  };
}

export interface Authenticated {
  readonly sessionId: string;
  readonly actor: Actor;
  readonly mustChangePassword: boolean;
  readonly mfaEnabled: boolean;
  /** The role requires MFA and the user has not enrolled: only enrolment and sign-out are open. */
  readonly mfaEnrolmentRequired: boolean;
  /** When this session last proved the second factor (sign-in or step-up). */
  readonly mfaVerifiedAt: Date | null;
  readonly csrfToken: string;
}

const INVALID_CREDENTIALS = 'The username or password is incorrect.';
/** A session in use has its last_seen_at written at most this often. */
const TOUCH_INTERVAL_MS = 15_000;

export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/**
 * The CSRF token of a session, derived from its token: a page that can read it (our own, same origin)
 * can send it back; a cross-site form cannot. Nothing extra is stored, and every instance computes the
 * same value. Knowing it does not reveal the session token (HMAC is one-way).
 */
export function csrfTokenFor(token: string): string {
  return createHmac('sha256', 'medisys-csrf-v1').update(token).digest('base64url');
}

/** Normalises a typed username: case and surrounding spaces do not matter. */
export function normaliseUsername(username: string): string {
  return username.trim().toLowerCase();
}

/**
 * Sign-in, sessions and passwords. Lockout state lives in the database so it holds across instances;
 * session times come from the injected clock.
 */
export class AuthService {
  constructor(
    private readonly db: Database,
    private readonly config: AppConfig,
    private readonly loggers: Loggers,
    private readonly metrics: Metrics,
    private readonly mfa: MfaService,
    private readonly failures: FailedAttempts,
    private readonly clock: Clock,
    private readonly sessionCache: SessionCache,
  ) {}

  /** security.session.idle-timeout in seconds: the web UI warns before it and signs out at it. */
  get sessionIdleTimeoutSeconds(): number {
    return Math.round(this.config.security.session.idleTimeoutMs / 1000);
  }

  /**
   * CONTRACT §3 sign-in. With MFA on, a correct password without a code answers 401 MFA_REQUIRED and
   * counts as no failure (the client simply asks for the code); a wrong code counts like a wrong password.
   */
  async login(
    username: string,
    password: string,
    context: RequestContext,
    userAgent: string | null,
    totp?: string,
  ): Promise<SignedIn> {
    const name = normaliseUsername(username);
    const fields = { username: name, clientAddress: context.clientAddress, requestId: context.requestId };
    const user = await findUserByUsername(this.db, name);
    if (!user) {
      await verifyPassword(undefined, password);
      this.metrics.logins.inc({ outcome: 'failure' });
      this.loggers.security('AUTHENTICATION_FAILED', { ...fields, reason: 'unknown user' });
      throw new UnauthorizedError(INVALID_CREDENTIALS);
    }
    const userFields = { ...fields, userId: user.id, role: user.role };
    // Lock times are set by the database clock, so they are compared with real time.
    const now = new Date();
    const locked = user.lockedUntil !== null && user.lockedUntil.getTime() > now.getTime();
    // A lock set by failed sign-ins yields to the password AND a second factor in one request, so that
    // someone guessing passwords cannot keep a user with MFA out (docs/decisions/throttling-and-lockout.md).
    // Whatever is wrong in such an attempt, the answer stays 423: it tells nothing about the password.
    const liftingSoftLock =
      locked && user.mfaEnabled && isSoftLock(user.lockedUntil, now) && (totp ?? '').trim() !== '';
    if (locked && !liftingSoftLock) {
      this.metrics.logins.inc({ outcome: 'locked' });
      this.loggers.security('AUTHENTICATION_FAILED', { ...userFields, reason: 'account locked' });
      throw this.lockedError(user.lockedUntil, user.mfaEnabled);
    }
    if (!(await verifyPassword(user.passwordHash, password))) {
      await this.failures.count(user.id, userFields, 'wrong password');
      if (liftingSoftLock) throw this.lockedError(user.lockedUntil, true);
      throw new UnauthorizedError(INVALID_CREDENTIALS);
    }
    if (!user.active) {
      this.metrics.logins.inc({ outcome: 'failure' });
      this.loggers.security('AUTHENTICATION_FAILED', { ...userFields, reason: 'account disabled' });
      throw new ForbiddenError('This account is disabled. Ask an administrator to enable it.');
    }
    const actor: Actor = { userId: user.id, username: user.username, role: user.role };
    if (user.mfaEnabled) {
      if (totp === undefined || totp.trim() === '') {
        this.loggers.security('MFA_REQUIRED', userFields);
        throw new UnauthorizedError(
          'Enter the 6-digit code from your authenticator app (or a recovery code) as "totp".',
          'MFA_REQUIRED',
        );
      }
      const check = await this.mfa.check(actor, totp, context);
      if (!check.ok) {
        await this.failures.count(user.id, userFields, `invalid MFA code (${check.reason})`);
        if (liftingSoftLock) throw this.lockedError(user.lockedUntil, true);
        throw new UnauthorizedError(MfaService.refusal(check), MFA_INVALID);
      }
    }
    if (liftingSoftLock && (await clearSoftLockout(this.db, user.id))) {
      this.sessionCache.changed(user.id);
      this.loggers.security('ACCOUNT_UNLOCKED', {
        ...userFields,
        reason: 'signed in with password and MFA code',
      });
    }
    if (passwordNeedsRehash(user.passwordHash)) {
      await updatePassword(this.db, user.id, await hashPassword(password), user.mustChangePassword);
    }
    // A new token at every sign-in: a token planted before sign-in (session fixation) is never promoted.
    const token = randomBytes(32).toString('base64url');
    // The sign-in's two writes are one statement: one WAL flush (two flushes had halved sign-ins per
    // second on a slow disk: 21/s against 43/s) and one round trip.
    const session = await openSession(this.db, {
      userId: user.id,
      tokenHash: hashToken(token),
      now: this.clock.now(),
      absoluteTimeoutMs: this.config.security.session.absoluteTimeoutMs,
      clientAddress: context.clientAddress,
      userAgent: userAgent?.slice(0, 300) ?? null,
      mfaVerified: user.mfaEnabled,
    });
    if (!session) {
      const current = await findUserById(this.db, user.id);
      this.metrics.logins.inc({ outcome: 'locked' });
      this.loggers.security('AUTHENTICATION_FAILED', { ...userFields, reason: 'account locked' });
      throw this.lockedError(current?.lockedUntil ?? new Date());
    }
    this.metrics.logins.inc({ outcome: 'success' });
    this.loggers.security('AUTHENTICATION_SUCCEEDED', {
      ...userFields,
      sessionId: session.id,
      mfa: user.mfaEnabled,
    });
    return {
      token,
      expiresAt: session.expiresAt,
      csrfToken: csrfTokenFor(token),
      mustChangePassword: user.mustChangePassword,
      mfaEnrolmentRequired: !user.mfaEnabled && this.mfa.requiredFor(user.role),
      user: {
        id: user.id,
        username: user.username,
        role: user.role,
        mustChangePassword: user.mustChangePassword,
        mfaEnabled: user.mfaEnabled,
      },
    };
  }

  /** Resolves a bearer or cookie token to its session; undefined when unknown, ended or timed out. */
  async authenticate(token: string): Promise<Authenticated | undefined> {
    if (token.length < 20 || token.length > 200) return undefined;
    const now = this.clock.now();
    const tokenHash = hashToken(token);
    const cached = this.sessionCache.find(tokenHash, now.getTime());
    // The remembered last use is never later than the database's: a session it shows as idle too
    // long may have been used through another instance since, so the database decides.
    if (cached && this.stillOpen(cached, now.getTime())) {
      if (now.getTime() - cached.lastSeenMs > TOUCH_INTERVAL_MS) {
        // Noted first, so that the requests arriving meanwhile do not each write it again.
        cached.lastSeenMs = now.getTime();
        await touchSession(this.db, cached.authenticated.sessionId, now);
      }
      return cached.authenticated;
    }
    const generation = this.sessionCache.currentGeneration();
    const session = await findOpenSession(
      this.db,
      tokenHash,
      this.config.security.session.idleTimeoutMs,
      now,
    );
    if (!session) return undefined;
    const timedOut = session.absoluteExpired
      ? 'absolute timeout'
      : session.idleExpired
        ? 'idle timeout'
        : undefined;
    const endReason =
      timedOut ?? (!session.active ? 'account disabled' : session.locked ? 'account locked' : undefined);
    if (endReason) {
      if (timedOut) await deleteSession(this.db, session.sessionId);
      else await endSession(this.db, session.sessionId, endReason);
      this.sessionCache.changed(session.userId);
      this.loggers.security('SESSION_ENDED', {
        userId: session.userId,
        username: session.username,
        sessionId: session.sessionId,
        reason: endReason,
      });
      return undefined;
    }
    const needsTouch = now.getTime() - session.lastSeenAt.getTime() > TOUCH_INTERVAL_MS;
    if (needsTouch) await touchSession(this.db, session.sessionId, now);
    const authenticated: Authenticated = {
      sessionId: session.sessionId,
      actor: { userId: session.userId, username: session.username, role: session.role },
      mustChangePassword: session.mustChangePassword,
      mfaEnabled: session.mfaEnabled,
      mfaEnrolmentRequired: !session.mfaEnabled && this.mfa.requiredFor(session.role),
      mfaVerifiedAt: session.mfaVerifiedAt,
      csrfToken: csrfTokenFor(token),
    };
    this.sessionCache.store(
      tokenHash,
      {
        authenticated,
        expiresAtMs: session.expiresAt.getTime(),
        lastSeenMs: needsTouch ? now.getTime() : session.lastSeenAt.getTime(),
        storedAtMs: now.getTime(),
      },
      generation,
    );
    return authenticated;
  }

  /** Neither timeout has passed by the remembered times (idle: by the last use this instance knows). */
  private stillOpen(cached: CachedSession, nowMs: number): boolean {
    return (
      nowMs < cached.expiresAtMs && nowMs < cached.lastSeenMs + this.config.security.session.idleTimeoutMs
    );
  }

  async logout(authenticated: Authenticated): Promise<void> {
    await endSession(this.db, authenticated.sessionId, 'logout');
    this.sessionCache.changed(authenticated.actor.userId);
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
    if (problems.length > 0) {
      throw new ValidationError(
        `The new password is not accepted: it ${problems.map((problem) => problem.message).join('; it ')}.`,
        problems,
      );
    }
    const passwordHash = await hashPassword(newPassword);
    const ended = await this.db.transaction(async (tx) => {
      await updatePassword(tx, user.id, passwordHash, false);
      return endUserSessions(tx, user.id, 'password changed', authenticated.sessionId);
    });
    this.sessionCache.changed(user.id);
    this.loggers.security('PASSWORD_CHANGED', {
      userId: user.id,
      username: user.username,
      clientAddress: context.clientAddress,
      requestId: context.requestId,
      otherSessionsEnded: ended,
    });
  }

  private lockedError(lockedUntil: Date, mfaEnabled = false): LockedError {
    // Lock times are set by the database clock (users.repository), so they are compared with real time.
    const seconds = Math.ceil((lockedUntil.getTime() - Date.now()) / 1000);
    const finite = Number.isFinite(seconds) && seconds < 365 * 86_400;
    const withCode = mfaEnabled ? ' You can also sign in now with your password and authenticator code.' : '';
    return new LockedError(
      finite
        ? `This account is locked after repeated failed sign-ins. Try again in ${Math.ceil(seconds / 60)} minute(s), or ask an administrator to unlock it.${withCode}`
        : 'This account is locked by an administrator. Ask an administrator to unlock it.',
      finite ? Math.max(1, seconds) : undefined,
    );
  }
}
