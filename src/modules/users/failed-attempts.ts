import type { AppConfig } from '../../config/load.js';
import type { Database } from '../../db/index.js';
import type { Loggers, SecurityEventFields } from '../../observability/logger.js';
import type { Metrics } from '../../observability/metrics.js';
import { recordFailedAttempt } from './users.repository.js';
import type { SessionChanges } from './session-cache.js';

/**
 * Counts a failed proof of identity (a wrong password, or a wrong MFA code at sign-in or step-up)
 * towards the account lockout, and writes AUTHENTICATION_FAILED (and ACCOUNT_LOCKED when this failure
 * locks the account). A code is a secret like the password: guessing it must be bounded too.
 */
export class FailedAttempts {
  constructor(
    private readonly db: Database,
    private readonly config: AppConfig,
    private readonly loggers: Loggers,
    private readonly metrics: Metrics,
    private readonly sessionChanges: SessionChanges,
  ) {}

  async count(userId: string, fields: SecurityEventFields, reason: string): Promise<void> {
    const { maxAttempts, durationMs } = this.config.security.lockout;
    const attempt = await recordFailedAttempt(this.db, userId, maxAttempts, durationMs / 1000);
    this.metrics.logins.inc({ outcome: 'failure' });
    this.loggers.security('AUTHENTICATION_FAILED', {
      ...fields,
      reason,
      failedAttempts: attempt.failedAttempts,
    });
    if (attempt.lockedNow) {
      this.sessionChanges.changed(userId);
      this.loggers.security('ACCOUNT_LOCKED', {
        ...fields,
        reason: `${attempt.failedAttempts} failed sign-ins`,
        lockedUntil: attempt.lockedUntil?.toISOString(),
      });
    }
  }
}
