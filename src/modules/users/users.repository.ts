import type { Queryable } from '../../db/index.js';
import { escapeLike } from '../../shared/like.js';
import type { Role } from '../../shared/request-context.js';

export interface UserRecord {
  readonly id: string;
  readonly username: string;
  readonly displayName: string | null;
  readonly role: Role;
  readonly active: boolean;
  readonly passwordHash: string;
  readonly mustChangePassword: boolean;
  readonly mfaEnabled: boolean;
  readonly failedAttempts: number;
  readonly lockedUntil: Date | null;
  readonly lastLogin: Date | null;
  readonly createdDate: Date;
}

const COLUMNS = `id, username, display_name AS "displayName", role, active, password_hash AS "passwordHash",
  must_change_password AS "mustChangePassword", mfa_enabled AS "mfaEnabled", failed_attempts AS "failedAttempts",
  locked_until AS "lockedUntil", last_login AS "lastLogin", created_date AS "createdDate"`;

export async function findUserByUsername(db: Queryable, username: string): Promise<UserRecord | undefined> {
  const result = await db.query<UserRecord>(`SELECT ${COLUMNS} FROM users WHERE username = $1`, [username]);
  return result.rows[0];
}

export async function findUserById(db: Queryable, id: string): Promise<UserRecord | undefined> {
  const result = await db.query<UserRecord>(`SELECT ${COLUMNS} FROM users WHERE id = $1`, [id]);
  return result.rows[0];
}

export interface NewUser {
  readonly username: string;
  readonly displayName: string | null;
  readonly role: Role;
  readonly passwordHash: string;
  readonly mustChangePassword: boolean;
}

/** Inserts a user; returns undefined when the username is taken. */
export async function insertUser(db: Queryable, user: NewUser): Promise<UserRecord | undefined> {
  const result = await db.query<UserRecord>(
    `INSERT INTO users (username, display_name, role, password_hash, must_change_password)
     VALUES ($1, $2, $3, $4, $5)
     ON CONFLICT (username) DO NOTHING
     RETURNING ${COLUMNS}`,
    [user.username, user.displayName, user.role, user.passwordHash, user.mustChangePassword],
  );
  return result.rows[0];
}

/** Inserts the first user only while the table is empty; undefined when someone else got there first. */
export async function insertFirstUser(db: Queryable, user: NewUser): Promise<UserRecord | undefined> {
  const result = await db.query<UserRecord>(
    `INSERT INTO users (username, display_name, role, password_hash, must_change_password)
     SELECT $1, $2, $3, $4, $5 WHERE NOT EXISTS (SELECT 1 FROM users)
     ON CONFLICT (username) DO NOTHING
     RETURNING ${COLUMNS}`,
    [user.username, user.displayName, user.role, user.passwordHash, user.mustChangePassword],
  );
  return result.rows[0];
}

export async function countUsers(db: Queryable): Promise<number> {
  const result = await db.query<{ count: number }>('SELECT count(*)::int AS count FROM users');
  return result.rows[0]!.count;
}

export interface FailedAttemptResult {
  readonly failedAttempts: number;
  readonly lockedUntil: Date | null;
  /** True when this failure is the one that locked the account. */
  readonly lockedNow: boolean;
}

/**
 * Counts a failed sign-in atomically in the database (so attempts spread over several instances add
 * up) and locks the account when the count reaches `maxAttempts`. A lock that has expired restarts the count.
 */
export async function recordFailedAttempt(
  db: Queryable,
  userId: string,
  maxAttempts: number,
  lockSeconds: number,
): Promise<FailedAttemptResult> {
  const result = await db.query<FailedAttemptResult>(
    `WITH previous AS (
       SELECT id, locked_until AS old_locked_until,
              CASE WHEN locked_until IS NOT NULL AND locked_until <= now() THEN 1 ELSE failed_attempts + 1 END AS attempts
         FROM users WHERE id = $1 FOR UPDATE
     )
     UPDATE users u SET
       failed_attempts = p.attempts,
       locked_until = CASE
         WHEN p.old_locked_until > now() THEN p.old_locked_until
         WHEN p.attempts >= $2 THEN now() + make_interval(secs => $3)
         ELSE NULL END,
       updated_at = now()
     FROM previous p
     WHERE u.id = p.id
     RETURNING u.failed_attempts AS "failedAttempts", u.locked_until AS "lockedUntil",
       (p.attempts >= $2 AND (p.old_locked_until IS NULL OR p.old_locked_until <= now())) AS "lockedNow"`,
    [userId, maxAttempts, lockSeconds],
  );
  return result.rows[0]!;
}

/** An administrator's lock has no end: it is stored as the last representable day. */
export const INDEFINITE_LOCK = new Date('9999-12-31T00:00:00Z');

export async function updateLock(db: Queryable, userId: string, lockedUntil: Date | null): Promise<boolean> {
  const result = await db.query(
    `UPDATE users SET locked_until = $2::timestamptz, failed_attempts = 0, updated_at = now() WHERE id = $1`,
    [userId, lockedUntil?.toISOString() ?? null],
  );
  return result.rowCount === 1;
}

export async function updatePassword(
  db: Queryable,
  userId: string,
  passwordHash: string,
  mustChangePassword: boolean,
): Promise<void> {
  await db.query(
    `UPDATE users SET password_hash = $2, must_change_password = $3, password_changed_at = now(), updated_at = now()
      WHERE id = $1`,
    [userId, passwordHash, mustChangePassword],
  );
}

export async function updateRole(db: Queryable, userId: string, role: Role): Promise<void> {
  await db.query('UPDATE users SET role = $2, updated_at = now() WHERE id = $1', [userId, role]);
}

export async function updateActive(db: Queryable, userId: string, active: boolean): Promise<void> {
  await db.query('UPDATE users SET active = $2, updated_at = now() WHERE id = $1', [userId, active]);
}

export interface UserListFilter {
  readonly q?: string | undefined;
  readonly role?: Role | undefined;
  readonly active?: boolean | undefined;
  readonly limit: number;
  readonly offset: number;
}

export async function listUsers(
  db: Queryable,
  filter: UserListFilter,
): Promise<{ users: UserRecord[]; total: number }> {
  const params: unknown[] = [
    filter.q ? `%${escapeLike(filter.q)}%` : null,
    filter.role ?? null,
    filter.active ?? null,
  ];
  const where = `WHERE ($1::text IS NULL OR username ILIKE $1 OR display_name ILIKE $1)
      AND ($2::text IS NULL OR role = $2) AND ($3::boolean IS NULL OR active = $3)`;
  const [rows, count] = await Promise.all([
    db.query<UserRecord>(`SELECT ${COLUMNS} FROM users ${where} ORDER BY username LIMIT $4 OFFSET $5`, [
      ...params,
      filter.limit,
      filter.offset,
    ]),
    db.query<{ total: number }>(`SELECT count(*)::int AS total FROM users ${where}`, params),
  ]);
  return { users: rows.rows, total: count.rows[0]!.total };
}
