import { prepared, type Queryable } from '../../db/index.js';
import type { Role } from '../../shared/request-context.js';

export interface ActiveSession {
  readonly sessionId: string;
  readonly userId: string;
  readonly username: string;
  readonly role: Role;
  readonly active: boolean;
  readonly locked: boolean;
  readonly mustChangePassword: boolean;
  readonly mfaEnabled: boolean;
  readonly mfaVerifiedAt: Date | null;
  readonly expiresAt: Date;
  readonly lastSeenAt: Date;
  readonly idleExpired: boolean;
  readonly absoluteExpired: boolean;
}

/** One open session as its owner sees it: never the token or its hash. */
export interface SessionSummary {
  readonly id: string;
  readonly createdAt: Date;
  readonly lastSeenAt: Date;
  readonly expiresAt: Date;
  readonly clientAddress: string | null;
  readonly userAgent: string | null;
}

/**
 * A sign-in's two writes in one statement: clears the failed attempts of a user who is not locked (a
 * lock may have been set since the password was checked, by failures through another instance) and
 * opens the session. Atomic without BEGIN and COMMIT, one round trip, prepared once per connection. No
 * row when the user is locked.
 */
const OPEN_SESSION = prepared(
  'sessions.open',
  `WITH signed_in AS (
     UPDATE users SET failed_attempts = 0, locked_until = NULL, last_login = now(), updated_at = now()
      WHERE id = $1 AND (locked_until IS NULL OR locked_until <= now())
      RETURNING id)
   INSERT INTO sessions (user_id, token_hash, created_at, last_seen_at, expires_at, client_address, user_agent,
                         mfa_verified_at)
   SELECT id, $2, $3, $3, $3::timestamptz + make_interval(secs => $4::double precision / 1000), $5, $6,
          CASE WHEN $7::boolean THEN $3::timestamptz END
     FROM signed_in
   RETURNING id, expires_at AS "expiresAt"`,
);

export async function openSession(
  db: Queryable,
  session: {
    userId: string;
    tokenHash: string;
    now: Date;
    absoluteTimeoutMs: number;
    clientAddress: string;
    userAgent: string | null;
    mfaVerified: boolean;
  },
): Promise<{ id: string; expiresAt: Date } | undefined> {
  const result = await db.query<{ id: string; expiresAt: Date }>(OPEN_SESSION, [
    session.userId,
    session.tokenHash,
    session.now,
    session.absoluteTimeoutMs,
    session.clientAddress,
    session.userAgent,
    session.mfaVerified,
  ]);
  return result.rows[0];
}

/**
 * The open session of a token, with its user and whether a timeout has passed at `now` (the services'
 * clock, which also stamped last_seen_at and expires_at, so the comparison is like with like).
 */
export async function findOpenSession(
  db: Queryable,
  tokenHash: string,
  idleTimeoutMs: number,
  now: Date,
): Promise<ActiveSession | undefined> {
  const result = await db.query<ActiveSession>(
    `SELECT s.id AS "sessionId", u.id AS "userId", u.username, u.role, u.active,
            (u.locked_until IS NOT NULL AND u.locked_until > now()) AS locked,
            u.must_change_password AS "mustChangePassword", u.mfa_enabled AS "mfaEnabled",
            s.mfa_verified_at AS "mfaVerifiedAt", s.expires_at AS "expiresAt",
            s.last_seen_at AS "lastSeenAt",
            (s.last_seen_at + make_interval(secs => $2::double precision / 1000) <= $3) AS "idleExpired",
            (s.expires_at <= $3) AS "absoluteExpired"
       FROM sessions s JOIN users u ON u.id = s.user_id
      WHERE s.token_hash = $1 AND s.ended_at IS NULL`,
    [tokenHash, idleTimeoutMs, now],
  );
  return result.rows[0];
}

export async function touchSession(db: Queryable, sessionId: string, now: Date): Promise<void> {
  await db.query('UPDATE sessions SET last_seen_at = $2 WHERE id = $1 AND ended_at IS NULL', [
    sessionId,
    now,
  ]);
}

export async function endSession(db: Queryable, sessionId: string, reason: string): Promise<void> {
  await db.query('UPDATE sessions SET ended_at = now(), end_reason = $2 WHERE id = $1 AND ended_at IS NULL', [
    sessionId,
    reason,
  ]);
}

/** Removes a timed-out session: its token can never be used again, so nothing about it is worth keeping. */
export async function deleteSession(db: Queryable, sessionId: string): Promise<void> {
  await db.query('DELETE FROM sessions WHERE id = $1', [sessionId]);
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

/** A user's sessions that are open and not timed out at `now`, most recently used first. */
export async function listOpenSessions(
  db: Queryable,
  userId: string,
  idleTimeoutMs: number,
  now: Date,
): Promise<SessionSummary[]> {
  const result = await db.query<SessionSummary>(
    `SELECT id, created_at AS "createdAt", last_seen_at AS "lastSeenAt", expires_at AS "expiresAt",
            client_address AS "clientAddress", user_agent AS "userAgent"
       FROM sessions
      WHERE user_id = $1 AND ended_at IS NULL AND expires_at > $3
        AND last_seen_at + make_interval(secs => $2::double precision / 1000) > $3
      ORDER BY last_seen_at DESC, created_at DESC`,
    [userId, idleTimeoutMs, now],
  );
  return result.rows;
}

/** Ends one open session of a user; false when the user has no such open session. */
export async function endOwnSession(
  db: Queryable,
  userId: string,
  sessionId: string,
  reason: string,
): Promise<boolean> {
  const result = await db.query(
    `UPDATE sessions SET ended_at = now(), end_reason = $3
      WHERE id = $1 AND user_id = $2 AND ended_at IS NULL`,
    [sessionId, userId, reason],
  );
  return result.rowCount === 1;
}
