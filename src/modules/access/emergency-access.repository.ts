import type { Queryable } from '../../db/index.js';
import type { ReviewOutcome } from './access.schemas.js';
import type { UserReference } from './care-team.repository.js';

/** Times are RFC 3339 strings so that records replay from JSON (Idempotency-Key) unchanged. */
export interface GrantRecord {
  readonly id: string;
  readonly patient: { readonly id: string; readonly mrn: string; readonly name: string };
  readonly user: UserReference & { readonly role: string };
  readonly reason: string;
  readonly grantedAt: string;
  readonly expiresAt: string;
  readonly revokedAt: string | null;
  readonly active: boolean;
  readonly accessCount: number;
  readonly review: {
    readonly outcome: ReviewOutcome;
    readonly note: string | null;
    readonly reviewedBy: UserReference;
    readonly reviewedAt: string;
  } | null;
}

export interface GrantCriteria {
  readonly reviewed: boolean | undefined;
  readonly userId: string | undefined;
  readonly patientId: string | undefined;
  readonly limit: number;
  readonly offset: number;
}

/**
 * accessCount: what the user did on this patient's record while the grant was open, from the audit
 * trail (the grant's own BREAK_THE_GLASS record aside), so a reviewer sees what the glass was broken for.
 */
const SELECT_GRANTS = `SELECT g.id, g.patient_id, p.mrn, p.name AS patient_name, g.user_id, u.username, u.role,
         g.reason, g.granted_at, g.expires_at, g.revoked_at,
         (g.expires_at > now() AND g.revoked_at IS NULL) AS active,
         (SELECT count(*)::int FROM audit_events e
           WHERE e.actor_user_id = g.user_id AND e.patient_id = g.patient_id
             AND e.outcome = 'success' AND e.action <> 'BREAK_THE_GLASS'
             AND e.occurred_at >= g.granted_at
             AND e.occurred_at < least(g.expires_at, coalesce(g.revoked_at, 'infinity'))) AS access_count,
         g.review_outcome, g.review_note, g.reviewed_by, reviewer.username AS reviewer_username, g.reviewed_at
    FROM emergency_access_grants g
    JOIN patients p ON p.id = g.patient_id
    JOIN users u ON u.id = g.user_id
    LEFT JOIN users reviewer ON reviewer.id = g.reviewed_by`;

type Row = Record<string, unknown>;

const iso = (value: unknown): string => new Date(value as string | Date).toISOString();

function toGrant(row: Row): GrantRecord {
  return {
    id: String(row['id']),
    patient: { id: String(row['patient_id']), mrn: String(row['mrn']), name: String(row['patient_name']) },
    user: { id: String(row['user_id']), username: String(row['username']), role: String(row['role']) },
    reason: String(row['reason']),
    grantedAt: iso(row['granted_at']),
    expiresAt: iso(row['expires_at']),
    revokedAt: row['revoked_at'] === null ? null : iso(row['revoked_at']),
    active: row['active'] === true,
    accessCount: Number(row['access_count']),
    review:
      row['review_outcome'] === null
        ? null
        : {
            outcome: row['review_outcome'] as ReviewOutcome,
            note: (row['review_note'] as string | null) ?? null,
            reviewedBy: { id: String(row['reviewed_by']), username: String(row['reviewer_username']) },
            reviewedAt: iso(row['reviewed_at']),
          },
  };
}

/** Opens the patient's record to the user from now for `durationMs`, on the database's clock. */
export async function insertGrant(
  db: Queryable,
  grant: { patientId: string; userId: string; reason: string; durationMs: number },
): Promise<string> {
  const result = await db.query<{ id: string }>(
    `INSERT INTO emergency_access_grants (patient_id, user_id, reason, expires_at)
     VALUES ($1, $2, $3, now() + $4::double precision * interval '1 millisecond') RETURNING id`,
    [grant.patientId, grant.userId, grant.reason, grant.durationMs],
  );
  return result.rows[0]!.id;
}

export async function findGrant(db: Queryable, id: string): Promise<GrantRecord | undefined> {
  const result = await db.query<Row>(`${SELECT_GRANTS} WHERE g.id = $1`, [id]);
  const row = result.rows[0];
  return row ? toGrant(row) : undefined;
}

/** Locks a grant for its review; undefined when there is none. */
export async function lockGrant(
  db: Queryable,
  id: string,
): Promise<{ userId: string; patientId: string; reviewed: boolean; active: boolean } | undefined> {
  const result = await db.query<{ userId: string; patientId: string; reviewed: boolean; active: boolean }>(
    `SELECT user_id AS "userId", patient_id AS "patientId", reviewed_at IS NOT NULL AS reviewed,
            (expires_at > now() AND revoked_at IS NULL) AS active
       FROM emergency_access_grants WHERE id = $1 FOR UPDATE`,
    [id],
  );
  return result.rows[0];
}

/** Records the one review; an unjustified access still open is closed at once. */
export async function reviewGrant(
  db: Queryable,
  id: string,
  review: { outcome: ReviewOutcome; note: string | null; reviewedBy: string; revoke: boolean },
): Promise<void> {
  await db.query(
    `UPDATE emergency_access_grants
        SET review_outcome = $2, review_note = $3, reviewed_by = $4, reviewed_at = now(),
            revoked_at = CASE WHEN $5::boolean THEN now() ELSE revoked_at END
      WHERE id = $1`,
    [id, review.outcome, review.note, review.reviewedBy, review.revoke],
  );
}

export async function listGrants(
  db: Queryable,
  criteria: GrantCriteria,
): Promise<{ items: GrantRecord[]; total: number }> {
  const where = `($1::boolean IS NULL OR (g.reviewed_at IS NOT NULL) = $1::boolean)
    AND ($2::uuid IS NULL OR g.user_id = $2::uuid)
    AND ($3::uuid IS NULL OR g.patient_id = $3::uuid)`;
  const params = [criteria.reviewed ?? null, criteria.userId ?? null, criteria.patientId ?? null];
  const count = await db.query<{ total: number }>(
    `SELECT count(*)::int AS total FROM emergency_access_grants g WHERE ${where}`,
    params,
  );
  const rows = await db.query<Row>(
    `${SELECT_GRANTS} WHERE ${where} ORDER BY g.granted_at DESC, g.id LIMIT $4 OFFSET $5`,
    [...params, criteria.limit, criteria.offset],
  );
  return { items: rows.rows.map(toGrant), total: count.rows[0]!.total };
}
