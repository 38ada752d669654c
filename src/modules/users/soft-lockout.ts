import type { Queryable } from '../../db/index.js';
import { INDEFINITE_LOCK } from './users.repository.js';

/**
 * True for a lock that failed sign-ins set (it ends by itself), false for an administrator's lock
 * (stored as INDEFINITE_LOCK) and for no lock. Only a soft lock may be lifted by the user proving who
 * they are with a second factor (docs/decisions/throttling-and-lockout.md).
 */
export function isSoftLock(lockedUntil: Date | null, now: Date): boolean {
  return lockedUntil !== null && lockedUntil > now && lockedUntil < INDEFINITE_LOCK;
}

/**
 * Lifts a lock set by failed sign-ins and restarts the failure count; an administrator's lock stays.
 * Call it only once the password AND a second factor (TOTP or recovery code) have been verified: that
 * is the "successful MFA sign-in" that ends a soft lockout, so an attacker who only guesses passwords
 * cannot keep a user with MFA out. Returns true when a soft lock was lifted.
 */
export async function clearSoftLockout(db: Queryable, userId: string): Promise<boolean> {
  const result = await db.query(
    `UPDATE users SET failed_attempts = 0, locked_until = NULL, updated_at = now()
      WHERE id = $1 AND locked_until IS NOT NULL AND locked_until < $2::timestamptz`,
    [userId, INDEFINITE_LOCK.toISOString()],
  );
  return result.rowCount === 1;
}
