import type { Queryable } from '../../db/index.js';

/** One access to a patient's record, from audit_events, with the emergency access it was made under. */
export interface PatientAccessRecord {
  readonly id: number;
  readonly occurredAt: Date;
  readonly action: string;
  readonly outcome: 'success' | 'denied' | 'failure';
  readonly actorUserId: string | null;
  readonly actorUsername: string | null;
  readonly actorRole: string | null;
  readonly entityType: string | null;
  readonly entityId: string | null;
  readonly clientAddress: string | null;
  /** True when the patient only appeared in the results of a search (name, birth date, MRN shown). */
  readonly inSearchResults: boolean;
  readonly emergencyAccessId: string | null;
  readonly emergencyReason: string | null;
}

export interface PatientAccessFilter {
  readonly patientId: string;
  readonly from?: string | undefined;
  readonly to?: string | undefined;
  /** Keyset paging, newest first: events with ids below this. */
  readonly beforeId?: number | undefined;
  readonly limit: number;
}

export interface PatientHeading {
  readonly id: string;
  readonly mrn: string;
  readonly name: string;
  readonly dateOfBirth: string;
}

export async function findPatientHeading(db: Queryable, id: string): Promise<PatientHeading | undefined> {
  const result = await db.query<PatientHeading>(
    `SELECT id, mrn, name, date_of_birth::text AS "dateOfBirth" FROM patients WHERE id = $1`,
    [id],
  );
  return result.rows[0];
}

/**
 * Every audit event about the patient (by patient_id), and every search whose results listed them
 * (details.patientIds, a partial GIN index); newest first. An access made while the actor held an
 * open emergency ("break the glass") grant for this patient carries that grant's reason.
 */
export async function findPatientAccesses(
  db: Queryable,
  filter: PatientAccessFilter,
): Promise<PatientAccessRecord[]> {
  // The candidates are gathered per index first (the patient's rows, and the search rows naming them):
  // left to itself the planner walks the primary key backwards over the whole trail to fill a page.
  const window = `($2::timestamptz IS NULL OR occurred_at >= $2::timestamptz)
        AND ($3::timestamptz IS NULL OR occurred_at < $3::timestamptz)
        AND ($4::bigint IS NULL OR id < $4::bigint)`;
  const result = await db.query<PatientAccessRecord & { id: string }>(
    `WITH candidates AS MATERIALIZED (
       SELECT id FROM audit_events WHERE patient_id = $1::uuid AND ${window}
       UNION
       SELECT id FROM audit_events
        WHERE action = 'PATIENT_SEARCHED' AND details -> 'patientIds' @> jsonb_build_array($1::text) AND ${window}
     )
     SELECT e.id::text AS id, e.occurred_at AS "occurredAt", e.action, e.outcome,
            e.actor_user_id AS "actorUserId", e.actor_username AS "actorUsername", e.actor_role AS "actorRole",
            e.entity_type AS "entityType", e.entity_id AS "entityId", e.client_address AS "clientAddress",
            (e.patient_id IS DISTINCT FROM $1::uuid) AS "inSearchResults",
            g.id AS "emergencyAccessId", g.reason AS "emergencyReason"
       FROM candidates c
       JOIN audit_events e ON e.id = c.id
       LEFT JOIN LATERAL (
         SELECT g.id::text AS id, g.reason FROM emergency_access_grants g
          WHERE g.patient_id = $1::uuid AND g.user_id = e.actor_user_id
            AND ((e.action = 'BREAK_THE_GLASS' AND g.id::text = e.entity_id)
                 OR (e.occurred_at >= g.granted_at AND e.occurred_at < least(g.expires_at, g.revoked_at)))
          ORDER BY g.granted_at DESC LIMIT 1
       ) g ON true
      ORDER BY e.id DESC
      LIMIT $5`,
    [filter.patientId, filter.from ?? null, filter.to ?? null, filter.beforeId ?? null, filter.limit],
  );
  return result.rows.map((row) => ({ ...row, id: Number(row.id) }));
}
