import type { Queryable } from '../../db/index.js';
import type { MovedLink } from './patient-merge.links.js';

/** What a merge needs to know of each of the two patient records. */
export interface MergePatientState {
  readonly id: string;
  readonly archived: boolean;
  readonly mergedIntoPatientId: string | null;
}

/** The stored snapshot of a merge: enough to undo it exactly. */
export interface MergeSnapshot {
  readonly format: 1;
  /** The merged patient's row as it was before the merge (to_jsonb of patients). */
  readonly patient: Record<string, unknown>;
  readonly links: readonly MovedLink[];
  /** The merged patient's current photo documents, made current again by an undo. */
  readonly profilePhotoDocumentIds: readonly string[];
  /** The merged patient's care-team memberships ended as duplicates of the survivor's, reopened by an undo. */
  readonly endedCareTeamMembershipIds: readonly string[];
  /** The merged patient's coverages superseded by the survivor's same policy (absent before 0019). */
  readonly supersededCoverageIds?: readonly string[];
}

export interface MovedCount {
  readonly table: string;
  readonly column: string;
  readonly count: number;
}

export interface PatientMergeRecord {
  readonly id: string;
  readonly survivorId: string;
  readonly mergedId: string;
  readonly reason: string;
  readonly mergedBy: string;
  readonly mergedAt: Date;
  readonly undoneBy: string | null;
  readonly undoneAt: Date | null;
  /** Per linked table and column, how many rows moved to the survivor. */
  readonly moved: MovedCount[];
}

const COLUMNS = `m.id, m.survivor_id AS "survivorId", m.merged_id AS "mergedId", m.reason,
  m.merged_by AS "mergedBy", m.merged_at AS "mergedAt", m.undone_by AS "undoneBy", m.undone_at AS "undoneAt",
  (SELECT coalesce(jsonb_agg(jsonb_build_object('table', link->>'table', 'column', link->>'column',
                                                'count', jsonb_array_length(link->'keys'))
                             ORDER BY link->>'table', link->>'column'), '[]'::jsonb)
     FROM jsonb_array_elements(m.snapshot->'links') AS link) AS moved`;

/** Locks both records in id order, so that two merges of the same pair cannot deadlock. */
export async function lockMergePatients(
  db: Queryable,
  firstId: string,
  secondId: string,
): Promise<MergePatientState[]> {
  const result = await db.query<MergePatientState>(
    `SELECT id, archived, merged_into_patient_id AS "mergedIntoPatientId"
       FROM patients WHERE id IN ($1, $2) ORDER BY id FOR UPDATE`,
    [firstId, secondId],
  );
  return result.rows;
}

export async function patientRowSnapshot(db: Queryable, patientId: string): Promise<Record<string, unknown>> {
  const result = await db.query<{ row: Record<string, unknown> }>(
    'SELECT to_jsonb(p) AS row FROM patients p WHERE id = $1',
    [patientId],
  );
  return result.rows[0]!.row;
}

export async function archiveAsMerged(
  db: Queryable,
  mergedId: string,
  survivorId: string,
  userId: string,
): Promise<void> {
  await db.query(
    `UPDATE patients
        SET archived = true, archived_at = now(), merged_into_patient_id = $2, version = version + 1,
            updated_at = now(), updated_by = $3
      WHERE id = $1`,
    [mergedId, survivorId, userId],
  );
}

/** Un-archives the merged record as it was before the merge (it was active then: merges refuse archived ones). */
export async function restoreFromMerge(
  db: Queryable,
  mergedId: string,
  survivorId: string,
  archivedAtBefore: string | null,
  userId: string,
): Promise<boolean> {
  const result = await db.query(
    `UPDATE patients
        SET archived = false, archived_at = $3::timestamptz, merged_into_patient_id = NULL,
            version = version + 1, updated_at = now(), updated_by = $4
      WHERE id = $1 AND merged_into_patient_id = $2`,
    [mergedId, survivorId, archivedAtBefore, userId],
  );
  return result.rowCount === 1;
}

export async function insertPatientMerge(
  db: Queryable,
  merge: {
    survivorId: string;
    mergedId: string;
    reason: string;
    snapshot: MergeSnapshot;
    userId: string;
  },
): Promise<string> {
  const result = await db.query<{ id: string }>(
    `INSERT INTO patient_merges (survivor_id, merged_id, reason, snapshot, merged_by)
     VALUES ($1, $2, $3, $4::jsonb, $5) RETURNING id`,
    [merge.survivorId, merge.mergedId, merge.reason, JSON.stringify(merge.snapshot), merge.userId],
  );
  return result.rows[0]!.id;
}

export interface LockedMerge {
  readonly id: string;
  readonly survivorId: string;
  readonly mergedId: string;
  readonly undoneAt: Date | null;
  readonly snapshot: MergeSnapshot;
}

/** The merge with its snapshot, locked so that two concurrent undos of it run one after the other. */
export async function lockPatientMerge(db: Queryable, id: string): Promise<LockedMerge | undefined> {
  const result = await db.query<LockedMerge>(
    `SELECT id, survivor_id AS "survivorId", merged_id AS "mergedId", undone_at AS "undoneAt", snapshot
       FROM patient_merges WHERE id = $1 FOR UPDATE`,
    [id],
  );
  return result.rows[0];
}

export async function markPatientMergeUndone(db: Queryable, id: string, userId: string): Promise<void> {
  await db.query('UPDATE patient_merges SET undone_at = now(), undone_by = $2 WHERE id = $1', [id, userId]);
}

export async function findPatientMerge(db: Queryable, id: string): Promise<PatientMergeRecord | undefined> {
  const result = await db.query<PatientMergeRecord>(
    `SELECT ${COLUMNS} FROM patient_merges m WHERE m.id = $1`,
    [id],
  );
  return result.rows[0];
}

export interface PatientMergeCriteria {
  readonly patientId: string | undefined;
  readonly includeUndone: boolean;
  readonly limit: number;
  readonly offset: number;
}

/** Newest first; `patientId` matches either side of a merge. */
export async function findPatientMerges(
  db: Queryable,
  criteria: PatientMergeCriteria,
): Promise<{ items: PatientMergeRecord[]; total: number }> {
  const where = `($1::uuid IS NULL OR m.survivor_id = $1 OR m.merged_id = $1) AND ($2 OR m.undone_at IS NULL)`;
  const params = [criteria.patientId ?? null, criteria.includeUndone];
  const [items, count] = await Promise.all([
    db.query<PatientMergeRecord>(
      `SELECT ${COLUMNS} FROM patient_merges m WHERE ${where}
        ORDER BY m.merged_at DESC, m.id DESC LIMIT $3 OFFSET $4`,
      [...params, criteria.limit, criteria.offset],
    ),
    db.query<{ total: number }>(`SELECT count(*)::int AS total FROM patient_merges m WHERE ${where}`, params),
  ]);
  return { items: items.rows, total: count.rows[0]!.total };
}
