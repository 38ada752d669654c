import type { Queryable } from '../../db/index.js';
import type { PatientSummaryRecord } from './patients.repository.js';

/** Two records that may be the same person, and why. */
export interface DuplicatePairRecord {
  readonly first: PatientSummaryRecord;
  readonly second: PatientSummaryRecord;
  /** 0..1: 0.6 x name similarity, + 0.25 for the same birth date, + 0.15 for the same phone digits. */
  readonly score: number;
  /** pg_trgm similarity of the two names, 0..1 (case-insensitive). */
  readonly nameSimilarity: number;
  readonly sameDateOfBirth: boolean;
  readonly samePhone: boolean;
}

export interface DuplicateCandidateRecord {
  readonly patient: PatientSummaryRecord;
  readonly score: number;
  readonly nameSimilarity: number;
  readonly sameDateOfBirth: boolean;
  readonly samePhone: boolean;
}

/** Below this trigram similarity two names are not considered the same person's (as at registration). */
export const MIN_NAME_SIMILARITY = 0.4;

/** Shorter phone numbers (extensions, "0") match too many unrelated people. */
const MIN_PHONE_DIGITS = 6;

/**
 * The active patients with a name similar to patient `a`'s (`%`, at MIN_NAME_SIMILARITY) and the same
 * birth date or phone digits. The birth-date arm is one probe of idx_patients_active_birth_date_name, a
 * GiST index over (date_of_birth, lower(name) trigrams; migration 0020 says why lower) that checks both at once against stored trigrams; the
 * phone arm probes idx_patients_phone_digits_equal, where the few sharing a number are compared.
 * Measured on PostgreSQL 15 with 1,000,000 patients (docs/decisions/patient-merges.md): about 0.15 ms
 * per patient probed, against about 1 ms when the birth-date cohort is fetched by the b-tree and
 * similarity() computed row by row (trigrams of both names extracted for every row).
 */
const SIMILAR_WITH_SAME_BIRTH_DATE_OR_PHONE = `
  SELECT b.id, b.name, b.date_of_birth, b.phone_digits FROM patients b
   WHERE b.date_of_birth = a.date_of_birth AND lower(b.name) % lower(a.name) AND NOT b.archived AND b.id <> a.id
  UNION
  SELECT b.id, b.name, b.date_of_birth, b.phone_digits FROM patients b
   WHERE length(a.phone_digits) >= ${MIN_PHONE_DIGITS} AND b.phone_digits <> ''
     AND b.phone_digits = a.phone_digits AND b.name % a.name AND NOT b.archived AND b.id <> a.id`;

/** `%` compares against pg_trgm.similarity_threshold: set for this transaction only. */
async function useNameSimilarityThreshold(db: Queryable): Promise<void> {
  await db.query("SELECT set_config('pg_trgm.similarity_threshold', $1, true)", [
    String(MIN_NAME_SIMILARITY),
  ]);
}

const EVIDENCE = `similarity(a.name, b.name) AS name_similarity,
  a.date_of_birth = b.date_of_birth AS same_dob,
  (length(a.phone_digits) >= ${MIN_PHONE_DIGITS} AND a.phone_digits = b.phone_digits) AS same_phone`;

const SCORE = `round((0.6 * name_similarity + CASE WHEN same_dob THEN 0.25 ELSE 0 END
  + CASE WHEN same_phone THEN 0.15 ELSE 0 END)::numeric, 3)`;

const summary = (alias: string): string =>
  `jsonb_build_object('id', ${alias}.id, 'mrn', ${alias}.mrn, 'name', ${alias}.name,
     'dateOfBirth', ${alias}.date_of_birth, 'sex', ${alias}.sex, 'phone', ${alias}.phone,
     'archived', ${alias}.archived)`;

/** $1 scan, $2 limit, $3 offset. Exported so that a test can EXPLAIN exactly this text. */
export const DUPLICATE_PAIRS_SQL = `WITH scanned AS MATERIALIZED (
   SELECT id, name, date_of_birth, phone_digits FROM patients
    WHERE NOT archived ORDER BY created_at DESC, id DESC LIMIT $1
 ),
 pairs AS (
   SELECT DISTINCT least(a.id, b.id) AS first_id, greatest(a.id, b.id) AS second_id, ${EVIDENCE}
     FROM scanned a CROSS JOIN LATERAL (${SIMILAR_WITH_SAME_BIRTH_DATE_OR_PHONE}) AS b
 ),
 ranked AS (
   SELECT first_id, second_id, name_similarity, same_dob, same_phone, ${SCORE} AS score,
          count(*) OVER () AS total
     FROM pairs
    ORDER BY score DESC, first_id, second_id
    LIMIT $2 OFFSET $3
 )
 SELECT ${summary('first')} AS first, ${summary('second')} AS second, ranked.score,
        round(ranked.name_similarity::numeric, 3) AS "nameSimilarity",
        ranked.same_dob AS "sameDateOfBirth", ranked.same_phone AS "samePhone", ranked.total
   FROM ranked
   JOIN patients first ON first.id = ranked.first_id
   JOIN patients second ON second.id = ranked.second_id
  ORDER BY ranked.score DESC, ranked.first_id, ranked.second_id`;

/** $1 patient id, $2 limit, $3 offset. */
export const DUPLICATES_OF_SQL = `WITH candidates AS (
   SELECT b.id, ${EVIDENCE}
     FROM patients a CROSS JOIN LATERAL (${SIMILAR_WITH_SAME_BIRTH_DATE_OR_PHONE}) AS b
    WHERE a.id = $1
 ),
 ranked AS (
   SELECT id, name_similarity, same_dob, same_phone, ${SCORE} AS score, count(*) OVER () AS total
     FROM candidates ORDER BY score DESC, id LIMIT $2 OFFSET $3
 )
 SELECT ${summary('p')} AS patient, ranked.score, round(ranked.name_similarity::numeric, 3) AS "nameSimilarity",
        ranked.same_dob AS "sameDateOfBirth", ranked.same_phone AS "samePhone", ranked.total
   FROM ranked JOIN patients p ON p.id = ranked.id
  ORDER BY ranked.score DESC, ranked.id`;

export interface DuplicatePairCriteria {
  /** How many of the most recently registered active patients are checked against everyone. */
  readonly scan: number;
  readonly limit: number;
  readonly offset: number;
}

/**
 * Likely duplicate pairs among active patients, best first (in the caller's transaction, which the
 * similarity threshold is set for). The work is bounded by `scan`: the newest
 * `scan` active patients (idx_patients_active_created) are each probed as above, so a table of millions
 * costs `scan` index probes; duplicates are made at registration, so the newest records are where new
 * ones appear. A pair found from both of its sides is reported once.
 */
export async function findDuplicatePairs(
  db: Queryable,
  criteria: DuplicatePairCriteria,
): Promise<{ items: DuplicatePairRecord[]; total: number; scanned: number; complete: boolean }> {
  await useNameSimilarityThreshold(db);
  const [pairs, coverage] = await Promise.all([
    db.query<DuplicatePairRecord & { total: number }>(DUPLICATE_PAIRS_SQL, [
      criteria.scan,
      criteria.limit,
      criteria.offset,
    ]),
    db.query<{ active: number }>(
      'SELECT count(*)::int AS active FROM (SELECT 1 FROM patients WHERE NOT archived LIMIT $1) AS capped',
      [criteria.scan + 1],
    ),
  ]);
  const active = coverage.rows[0]!.active;
  const total = pairs.rows[0]?.total ?? (criteria.offset > 0 ? await countPairs(db, criteria.scan) : 0);
  return {
    items: pairs.rows.map(({ total: _total, ...pair }) => pair),
    total,
    scanned: Math.min(active, criteria.scan),
    complete: active <= criteria.scan,
  };
}

/** The total for a page past the end, where the window count has no row to ride on. */
async function countPairs(db: Queryable, scan: number): Promise<number> {
  const result = await db.query<{ total: number }>(
    `WITH scanned AS MATERIALIZED (
       SELECT id, name, date_of_birth, phone_digits FROM patients
        WHERE NOT archived ORDER BY created_at DESC, id DESC LIMIT $1
     )
     SELECT count(DISTINCT (least(a.id, b.id), greatest(a.id, b.id)))::int AS total
       FROM scanned a CROSS JOIN LATERAL (${SIMILAR_WITH_SAME_BIRTH_DATE_OR_PHONE}) AS b`,
    [scan],
  );
  return result.rows[0]!.total;
}

/** The likely duplicates of one patient (archived or not), best first, in the caller's transaction. */
export async function findDuplicatesOf(
  db: Queryable,
  patientId: string,
  page: { limit: number; offset: number },
): Promise<{ items: DuplicateCandidateRecord[]; total: number }> {
  await useNameSimilarityThreshold(db);
  const result = await db.query<DuplicateCandidateRecord & { total: number }>(DUPLICATES_OF_SQL, [
    patientId,
    page.limit,
    page.offset,
  ]);
  let total = result.rows[0]?.total ?? 0;
  if (result.rows.length === 0 && page.offset > 0) {
    const count = await db.query<{ total: number }>(
      `SELECT count(*)::int AS total FROM patients a CROSS JOIN LATERAL (${SIMILAR_WITH_SAME_BIRTH_DATE_OR_PHONE}) AS b
        WHERE a.id = $1`,
      [patientId],
    );
    total = count.rows[0]!.total;
  }
  return { items: result.rows.map(({ total: _total, ...candidate }) => candidate), total };
}

export async function patientExists(db: Queryable, patientId: string): Promise<boolean> {
  const result = await db.query('SELECT 1 FROM patients WHERE id = $1', [patientId]);
  return result.rows.length > 0;
}
