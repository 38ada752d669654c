import type { Queryable } from '../../db/index.js';
import type { Role } from '../../shared/request-context.js';

export interface ActiveSession {
  readonly sessionId: string;
  readonly userId: string;
  readonly username: string;
  readonly role: Role;
  readonly active: boolean;
  readonly locked: boolean;
  readonly mustChangePassword: boolean;
  readonly expiresAt: Date;
  readonly idleExpired: boolean;
  readonly absoluteExpired: boolean;
  readonly needsTouch: boolean;
}

export async function insertSession(
  db: Queryable,
  session: {
    userId: string;
    tokenHash: string;
    absoluteTimeoutMs: number;
    clientAddress: string;
    userAgent: string | null;
  },
): Promise<{ id: string; expiresAt: Date }> {
  const result = await db.query<{ id: string; expiresAt: Date }>(
    `INSERT INTO sessions (user_id, token_hash, expires_at, client_address, user_agent)
     VALUES ($1, $2, now() + make_interval(secs => $3::double precision / 1000), $4, $5)
     RETURNING id, expires_at AS "expiresAt"`,
    [session.userId, session.tokenHash, session.absoluteTimeoutMs, session.clientAddress, session.userAgent],
  );
  return result.rows[0]!;
}

/**
 * The open session of a token, with its user and whether a timeout has passed. Times are compared
 * with the database clock, so instances with skewed clocks agree.
 */
export async function findOpenSession(
  db: Queryable,
  tokenHash: string,
  idleTimeoutMs: number,
): Promise<ActiveSession | undefined> {
  const result = await db.query<ActiveSession>(
    `SELECT s.id AS "sessionId", u.id AS "userId", u.username, u.role, u.active,
            (u.locked_until IS NOT NULL AND u.locked_until > now()) AS locked,
            u.must_change_password AS "mustChangePassword", s.expires_at AS "expiresAt",
            (s.last_seen_at + make_interval(secs => $2::double precision / 1000) <= now()) AS "idleExpired",
            (s.expires_at <= now()) AS "absoluteExpired",
            (now() - s.last_seen_at > interval '15 seconds') AS "needsTouch"
       FROM sessions s JOIN users u ON u.id = s.user_id
      WHERE s.token_hash = $1 AND s.ended_at IS NULL`,
    [tokenHash, idleTimeoutMs],
  );
  return result.rows[0];
}

export async function touchSession(db: Queryable, sessionId: string): Promise<void> {
  await db.query('UPDATE sessions SET last_seen_at = now() WHERE id = $1 AND ended_at IS NULL', [sessionId]);
}

export async function endSession(db: Queryable, sessionId: string, reason: string): Promise<void> {
  await db.query('UPDATE sessions SET ended_at = now(), end_reason = $2 WHERE id = $1 AND ended_at IS NULL', [
    sessionId,
    reason,
  ]);
}

/** Ends every open session of a user, except `keepSessionId`; returns how many were ended. */
export async function endUserSessions(
  db: Queryable,
  userId: string,
  reason: string,
  keepSessionId: string | null = null,
): Promise<number> {
  const result = await db.query(
    `UPDATE sessions SET ended_at = now(), end_reason = $2
      WHERE user_id = $1 AND ended_at IS NULL AND ($3::uuid IS NULL OR id <> $3)`,
    [userId, reason, keepSessionId],
  );
  return result.rowCount;
}
