import type { Queryable } from '../../db/index.js';

export interface MfaState {
  readonly userId: string;
  readonly username: string;
  readonly enabled: boolean;
  readonly secret: string | null;
  readonly pendingSecret: string | null;
  readonly pendingSince: Date | null;
  readonly enabledAt: Date | null;
}

export async function findMfaState(db: Queryable, userId: string): Promise<MfaState | undefined> {
  const result = await db.query<MfaState>(
    `SELECT id AS "userId", username, mfa_enabled AS enabled, mfa_secret AS secret,
            mfa_pending_secret AS "pendingSecret", mfa_pending_since AS "pendingSince",
            mfa_enabled_at AS "enabledAt"
       FROM users WHERE id = $1`,
    [userId],
  );
  return result.rows[0];
}

export async function storePendingSecret(
  db: Queryable,
  userId: string,
  secret: string,
  now: Date,
): Promise<void> {
  await db.query(
    `UPDATE users SET mfa_pending_secret = $2, mfa_pending_since = $3, updated_at = now() WHERE id = $1`,
    [userId, secret, now],
  );
}

/** Turns the pending secret into the active one; false when there was none (or MFA is already on). */
export async function activatePendingSecret(
  db: Queryable,
  userId: string,
  usedStep: number,
  now: Date,
): Promise<boolean> {
  const result = await db.query(
    `UPDATE users SET mfa_secret = mfa_pending_secret, mfa_enabled = true, mfa_enabled_at = $3,
            mfa_last_used_step = $2, mfa_pending_secret = NULL, mfa_pending_since = NULL, updated_at = now()
      WHERE id = $1 AND mfa_pending_secret IS NOT NULL AND NOT mfa_enabled`,
    [userId, usedStep, now],
  );
  return result.rowCount === 1;
}

/**
 * Claims a TOTP time step for the user: succeeds only for a step later than the last one used, in one
 * atomic UPDATE, so a code is accepted once even when two instances see it at the same moment.
 */
export async function claimTotpStep(db: Queryable, userId: string, step: number): Promise<boolean> {
  const result = await db.query(
    `UPDATE users SET mfa_last_used_step = $2
      WHERE id = $1 AND mfa_enabled AND (mfa_last_used_step IS NULL OR mfa_last_used_step < $2)`,
    [userId, step],
  );
  return result.rowCount === 1;
}

/** Turns MFA off and forgets the secret and every recovery code. */
export async function clearMfa(db: Queryable, userId: string): Promise<void> {
  await db.query(
    `UPDATE users SET mfa_enabled = false, mfa_secret = NULL, mfa_enabled_at = NULL, mfa_last_used_step = NULL,
            mfa_pending_secret = NULL, mfa_pending_since = NULL, updated_at = now()
      WHERE id = $1`,
    [userId],
  );
  await db.query('DELETE FROM mfa_recovery_codes WHERE user_id = $1', [userId]);
}

export async function replaceRecoveryCodes(
  db: Queryable,
  userId: string,
  codeHashes: readonly string[],
): Promise<void> {
  await db.query('DELETE FROM mfa_recovery_codes WHERE user_id = $1', [userId]);
  for (const codeHash of codeHashes) {
    await db.query('INSERT INTO mfa_recovery_codes (user_id, code_hash) VALUES ($1, $2)', [userId, codeHash]);
  }
}

/** Marks a recovery code used; false when it is unknown or was used before (atomic, so once only). */
export async function useRecoveryCode(
  db: Queryable,
  userId: string,
  codeHash: string,
  now: Date,
): Promise<boolean> {
  const result = await db.query(
    `UPDATE mfa_recovery_codes SET used_at = $3
      WHERE user_id = $1 AND code_hash = $2 AND used_at IS NULL`,
    [userId, codeHash, now],
  );
  return result.rowCount === 1;
}

export async function countUnusedRecoveryCodes(db: Queryable, userId: string): Promise<number> {
  const result = await db.query<{ count: number }>(
    'SELECT count(*)::int AS count FROM mfa_recovery_codes WHERE user_id = $1 AND used_at IS NULL',
    [userId],
  );
  return result.rows[0]!.count;
}

/** Records that the session's user has just proved the second factor. */
export async function markSessionMfaVerified(db: Queryable, sessionId: string, now: Date): Promise<void> {
  await db.query('UPDATE sessions SET mfa_verified_at = $2 WHERE id = $1 AND ended_at IS NULL', [
    sessionId,
    now,
  ]);
}
