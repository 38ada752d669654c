import type { AppConfig } from '../../config/load.js';
import type { Database } from '../../db/index.js';
import type { Loggers } from '../../observability/logger.js';
import type { Clock } from '../../shared/clock.js';
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from '../../shared/errors.js';
import type { Actor, RequestContext, Role } from '../../shared/request-context.js';
import type { AuditTrail } from '../audit/index.js';
import type { Authenticated } from './auth.service.js';
import type { FailedAttempts } from './failed-attempts.js';
import {
  activatePendingSecret,
  claimTotpStep,
  clearMfa,
  countUnusedRecoveryCodes,
  findMfaState,
  markSessionMfaVerified,
  replaceRecoveryCodes,
  storePendingSecret,
  useRecoveryCode,
  type MfaState,
} from './mfa.repository.js';
import type { SessionChanges } from './session-cache.js';
import { endUserSessions } from './sessions.repository.js';
import {
  hashRecoveryCode,
  isTotpShaped,
  matchTotp,
  newRecoveryCodes,
  newTotpSecret,
  totpQrCode,
  totpUri,
} from './totp.js';

/** An enrolment left unconfirmed this long must be started again. */
const PENDING_ENROLMENT_MS = 15 * 60_000;

export interface MfaStatus {
  readonly enabled: boolean;
  readonly enrolledAt: Date | null;
  /** The user's role requires MFA and it is not on yet. */
  readonly enrolmentRequired: boolean;
  readonly pendingEnrolment: boolean;
  readonly recoveryCodesRemaining: number;
}

export interface Enrolment {
  readonly secret: string;
  readonly otpauthUri: string;
  readonly qrCodeSvg: string;
  readonly qrCodeDataUrl: string;
  readonly expiresAt: Date;
}

export type CodeCheck =
  | { readonly ok: true; readonly factor: 'totp' | 'recovery-code' }
  | { readonly ok: false; readonly reason: 'invalid' | 'reused' };

export const MFA_INVALID = 'MFA_INVALID';

/**
 * TOTP multi-factor sign-in: enrolment by QR code, single-use recovery codes, the role requirement and
 * the step-up check before sensitive actions. Codes are checked against the injected clock.
 */
export class MfaService {
  constructor(
    private readonly db: Database,
    private readonly audit: AuditTrail,
    private readonly loggers: Loggers,
    private readonly config: AppConfig,
    private readonly failures: FailedAttempts,
    private readonly clock: Clock,
    private readonly sessionChanges: SessionChanges,
  ) {}

  /** Whether users of `role` must have MFA on (`security.mfa.required-roles`). */
  requiredFor(role: Role): boolean {
    return this.config.security.mfa.requiredRoles.includes(role);
  }

  async status(actor: Actor): Promise<MfaStatus> {
    const state = await findMfaState(this.db, actor.userId);
    const enabled = state?.enabled === true;
    return {
      enabled,
      enrolledAt: state?.enabledAt ?? null,
      enrolmentRequired: !enabled && this.requiredFor(actor.role),
      pendingEnrolment: !enabled && this.pendingIsCurrent(state?.pendingSince ?? null),
      recoveryCodesRemaining: enabled ? await countUnusedRecoveryCodes(this.db, actor.userId) : 0,
    };
  }

  /**
   * Checks a TOTP code or a recovery code of a user with MFA on and uses it up: a TOTP code only for a
   * time step later than the last accepted, a recovery code once. Failures are the caller's to count.
   */
  async check(actor: Actor, code: string, context: RequestContext): Promise<CodeCheck> {
    const state = await findMfaState(this.db, actor.userId);
    if (!state?.enabled || !state.secret) return { ok: false, reason: 'invalid' };
    const now = this.clock.now();
    if (isTotpShaped(code)) {
      const step = matchTotp(state.secret, code, now);
      if (step === undefined) return { ok: false, reason: 'invalid' };
      return (await claimTotpStep(this.db, actor.userId, step))
        ? { ok: true, factor: 'totp' }
        : { ok: false, reason: 'reused' };
    }
    if (code.length > 40 || !(await useRecoveryCode(this.db, actor.userId, hashRecoveryCode(code), now))) {
      return { ok: false, reason: 'invalid' };
    }
    this.loggers.security('MFA_RECOVERY_CODE_USED', {
      ...this.fields(actor, context),
      remaining: await countUnusedRecoveryCodes(this.db, actor.userId),
    });
    return { ok: true, factor: 'recovery-code' };
  }

  /** The message for a refused code, saying what to do. */
  static refusal(check: Extract<CodeCheck, { ok: false }>): string {
    return check.reason === 'reused'
      ? 'This code has been used already. Wait for the next code in your authenticator app.'
      : 'The code is not valid. Enter the current 6-digit code from your authenticator app, or a recovery code.';
  }

  /** Starts (or restarts) enrolment: a new secret, pending until confirmed with a code from it. */
  async beginEnrolment(actor: Actor): Promise<Enrolment> {
    const state = await this.requireState(actor.userId);
    if (state.enabled) {
      throw new ConflictError(
        'Multi-factor sign-in is already on. To move it to a new device, turn it off with a code (POST /api/v1/auth/mfa/disable) and enrol again.',
      );
    }
    const secret = newTotpSecret();
    const now = this.clock.now();
    await storePendingSecret(this.db, actor.userId, secret, now);
    const otpauthUri = totpUri(secret, this.config.security.mfa.issuer, actor.username);
    const qr = await totpQrCode(otpauthUri);
    return {
      secret,
      otpauthUri,
      qrCodeSvg: qr.svg,
      qrCodeDataUrl: qr.dataUrl,
      expiresAt: new Date(now.getTime() + PENDING_ENROLMENT_MS),
    };
  }

  /**
   * Confirms enrolment with a code from the new secret: MFA is on, the user's other sessions end (they
   * were opened without the second factor), and fresh recovery codes are returned, to be shown once.
   */
  async confirmEnrolment(
    authenticated: Authenticated,
    code: string,
    context: RequestContext,
  ): Promise<{ recoveryCodes: string[] }> {
    const { actor } = authenticated;
    const state = await this.requireState(actor.userId);
    if (state.enabled) throw new ConflictError('Multi-factor sign-in is already on.');
    if (!state.pendingSecret || !this.pendingIsCurrent(state.pendingSince)) {
      throw new ConflictError(
        'There is no enrolment to confirm, or it has expired. Start again with POST /api/v1/auth/mfa/enrol.',
      );
    }
    const now = this.clock.now();
    const step = matchTotp(state.pendingSecret, code, now);
    if (step === undefined) {
      throw new ValidationError(
        'The code does not match the new secret. Check that the phone clock is right and enter the current code.',
        [{ field: 'code', message: 'does not match the secret being enrolled' }],
        MFA_INVALID,
      );
    }
    const recoveryCodes = newRecoveryCodes();
    await this.db.transaction(async (tx) => {
      if (!(await activatePendingSecret(tx, actor.userId, step, now))) {
        throw new ConflictError('Multi-factor sign-in was changed meanwhile. Reload and try again.');
      }
      await replaceRecoveryCodes(tx, actor.userId, recoveryCodes.map(hashRecoveryCode));
      await markSessionMfaVerified(tx, authenticated.sessionId, now);
      await endUserSessions(tx, actor.userId, 'mfa enabled', authenticated.sessionId);
      tx.afterCommit(() => this.sessionChanges.changed(actor.userId));
      await this.audit.record(tx, context, {
        action: 'USER_MFA_ENABLED',
        entityType: 'user',
        entityId: actor.userId,
      });
      tx.afterCommit(() => this.loggers.security('MFA_ENABLED', this.fields(actor, context)));
    });
    return { recoveryCodes };
  }

  /** Turns the caller's own MFA off; needs a current code (or a recovery code). */
  async disableOwn(authenticated: Authenticated, code: string, context: RequestContext): Promise<void> {
    const { actor } = authenticated;
    await this.requireCode(authenticated, code, context, 'disabling MFA');
    await this.db.transaction(async (tx) => {
      await clearMfa(tx, actor.userId);
      tx.afterCommit(() => this.sessionChanges.changed(actor.userId));
      await this.audit.record(tx, context, {
        action: 'USER_MFA_DISABLED',
        entityType: 'user',
        entityId: actor.userId,
      });
      tx.afterCommit(() =>
        this.loggers.security('MFA_DISABLED', { ...this.fields(actor, context), reason: 'by the user' }),
      );
    });
  }

  /** An administrator's reset for a lost device: MFA off, recovery codes gone, every session ended. */
  async resetByAdministrator(userId: string, context: RequestContext): Promise<void> {
    const state = await this.requireState(userId);
    await this.db.transaction(async (tx) => {
      await clearMfa(tx, userId);
      await endUserSessions(tx, userId, 'mfa reset');
      tx.afterCommit(() => this.sessionChanges.changed(userId));
      await this.audit.record(tx, context, {
        action: 'USER_MFA_RESET',
        entityType: 'user',
        entityId: userId,
        details: { username: state.username, wasEnabled: state.enabled },
      });
      tx.afterCommit(() =>
        this.loggers.security('MFA_DISABLED', {
          userId,
          username: state.username,
          clientAddress: context.clientAddress,
          requestId: context.requestId,
          reason: `reset by ${context.actor?.username ?? 'the medisys command'}`,
        }),
      );
    });
  }

  /** Replaces the recovery codes (the old ones stop working); needs a current code. */
  async renewRecoveryCodes(
    authenticated: Authenticated,
    code: string,
    context: RequestContext,
  ): Promise<{ recoveryCodes: string[] }> {
    const { actor } = authenticated;
    await this.requireCode(authenticated, code, context, 'renewing recovery codes');
    const recoveryCodes = newRecoveryCodes();
    await this.db.transaction(async (tx) => {
      await replaceRecoveryCodes(tx, actor.userId, recoveryCodes.map(hashRecoveryCode));
      await this.audit.record(tx, context, {
        action: 'USER_MFA_RECOVERY_CODES_RENEWED',
        entityType: 'user',
        entityId: actor.userId,
      });
    });
    return { recoveryCodes };
  }

  /** Step-up: a code proves the second factor again; the session counts as fresh for the window. */
  async stepUp(authenticated: Authenticated, code: string, context: RequestContext): Promise<Date> {
    await this.requireCode(authenticated, code, context, 'step-up');
    const now = this.clock.now();
    await markSessionMfaVerified(this.db, authenticated.sessionId, now);
    this.sessionChanges.changed(authenticated.actor.userId);
    this.loggers.security('MFA_VERIFIED', this.fields(authenticated.actor, context));
    return new Date(now.getTime() + this.config.security.mfa.stepUpWindowMs);
  }

  /**
   * Before an export, a merge, a role change or break-the-glass: a user with MFA on must have proved
   * it within `security.mfa.step-up-window`, or send a code now (X-MFA-Code). Users without MFA pass:
   * they have no second factor to prove (roles that must have one are held at enrolment before this).
   */
  async requireFresh(
    authenticated: Authenticated,
    code: string | undefined,
    context: RequestContext,
  ): Promise<void> {
    if (!authenticated.mfaEnabled) return;
    if (code !== undefined && code !== '') {
      await this.stepUp(authenticated, code, context);
      return;
    }
    if (this.freshUntil(authenticated) !== null) return;
    throw new ForbiddenError(
      'This action needs a fresh multi-factor check. Send the current code in the X-MFA-Code header, or call POST /api/v1/auth/mfa/verify first.',
      'MFA_STEP_UP_REQUIRED',
    );
  }

  /** Until when the session's last MFA proof counts as fresh; null when it does not (or MFA is off). */
  freshUntil(authenticated: Authenticated): Date | null {
    if (!authenticated.mfaEnabled || !authenticated.mfaVerifiedAt) return null;
    const until = authenticated.mfaVerifiedAt.getTime() + this.config.security.mfa.stepUpWindowMs;
    return until > this.clock.now().getTime() ? new Date(until) : null;
  }

  private async requireCode(
    authenticated: Authenticated,
    code: string,
    context: RequestContext,
    purpose: string,
  ): Promise<void> {
    const { actor } = authenticated;
    const state = await this.requireState(actor.userId);
    if (!state.enabled) throw new ConflictError('Multi-factor sign-in is not on for this account.');
    const check = await this.check(actor, code, context);
    if (!check.ok) {
      await this.failures.count(actor.userId, this.fields(actor, context), `invalid MFA code (${purpose})`);
      throw new ForbiddenError(MfaService.refusal(check), MFA_INVALID);
    }
  }

  private pendingIsCurrent(since: Date | null): boolean {
    return since !== null && this.clock.now().getTime() - since.getTime() < PENDING_ENROLMENT_MS;
  }

  private async requireState(userId: string): Promise<MfaState> {
    const state = await findMfaState(this.db, userId);
    if (!state) throw new NotFoundError('There is no such user.');
    return state;
  }

  private fields(actor: Actor, context: RequestContext): Record<string, string> {
    return {
      userId: actor.userId,
      username: actor.username,
      role: actor.role,
      clientAddress: context.clientAddress,
      requestId: context.requestId,
    };
  }
}
