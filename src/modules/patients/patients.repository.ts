import { prepared, type Queryable } from '../../db/index.js';
import { escapeLike } from '../../shared/like.js';
import { AUDIT_EVENT_COLUMNS, type AuditEventRow } from '../audit/index.js';
import type { RegisterPatientInput, UpdatePatientInput } from './patients.schemas.js';

export interface PatientRecord {
  readonly id: string;
  readonly mrn: string;
  readonly name: string;
  readonly dateOfBirth: string;
  readonly sex: 'female' | 'male' | 'other' | 'unknown';
  readonly phone: string | null;
  readonly email: string | null;
  readonly address: string | null;
  readonly emergencyContactName: string | null;
  readonly emergencyContactPhone: string | null;
  readonly insuranceProvider: string | null;
  readonly insuranceNumber: string | null;
  readonly nationalId: string | null;
  readonly archived: boolean;
  /** A temporary record of an emergency admission, for a patient not yet identified. */
  readonly unidentified: boolean;
  /** The date of birth is an estimate (an unidentified patient's apparent age). */
  readonly dateOfBirthEstimated: boolean;
  /** Set on a record archived by a merge or an identification: where its data went. */
  readonly mergedIntoPatientId: string | null;
  readonly version: number;
  readonly createdAt: Date;
  readonly updatedAt: Date;
}

/**
 * A patient row as stored: the national id and insurance number encrypted (`v1:<keyId>:...`), or the
 * insurance number still in plaintext when it predates migration 0017 and has not been encrypted yet.
 */
export interface StoredPatientRecord extends Omit<PatientRecord, 'insuranceNumber' | 'nationalId'> {
  readonly insuranceNumberEncrypted: string | null;
  readonly insuranceNumberPlaintext: string | null;
  readonly nationalIdEncrypted: string | null;
}

/** An encrypted value and its keyed hash; null clears the field. */
export interface SealedIdentifier {
  readonly encrypted: string;
  readonly hash: string;
}

/** The encrypted fields of a registration or an update; undefined leaves a field as it is. */
export interface SealedPatientIdentifiers {
  readonly insuranceNumber?: SealedIdentifier | null;
  readonly nationalId?: SealedIdentifier | null;
}

/** Keyed hashes of a search term, under every loaded key, per encrypted identifier. */
export interface IdentifierHashes {
  readonly nationalId: readonly string[];
  readonly insuranceNumber: readonly string[];
  readonly policyNumber: readonly string[];
}

export type PatientSummaryRecord = Pick<
  PatientRecord,
  'id' | 'mrn' | 'name' | 'dateOfBirth' | 'sex' | 'phone' | 'archived'
>;

const COLUMNS = `id, mrn, name, date_of_birth AS "dateOfBirth", sex, phone, email, address,
  emergency_contact_name AS "emergencyContactName", emergency_contact_phone AS "emergencyContactPhone",
  insurance_provider AS "insuranceProvider", insurance_number_encrypted AS "insuranceNumberEncrypted",
  insurance_number_plaintext AS "insuranceNumberPlaintext", national_id_encrypted AS "nationalIdEncrypted",
  archived, unidentified, date_of_birth_estimated AS "dateOfBirthEstimated",
  merged_into_patient_id AS "mergedIntoPatientId", version, created_at AS "createdAt", updated_at AS "updatedAt"`;

const SUMMARY_COLUMNS = `id, mrn, name, date_of_birth AS "dateOfBirth", sex, phone, archived`;

/** API field → column, for the plain fields a client may set (the encrypted ones are set apart). */
const EDITABLE_COLUMNS = {
  name: 'name',
  dateOfBirth: 'date_of_birth',
  sex: 'sex',
  phone: 'phone',
  email: 'email',
  address: 'address',
  emergencyContactName: 'emergency_contact_name',
  emergencyContactPhone: 'emergency_contact_phone',
  insuranceProvider: 'insurance_provider',
} as const satisfies Record<Exclude<keyof UpdatePatientInput, 'insuranceNumber' | 'nationalId'>, string>;

/**
 * Inserts the patient, finds the registered patients who may be the same person (a similar name and the
 * same birth date or phone digits) and writes the audit row of the registration, all in one statement:
 * one round trip, atomic without BEGIN and COMMIT, prepared once per connection (planning it cost about
 * as much as running it). Every part of a statement reads the same snapshot, so the new record is never
 * among its own likely duplicates.
 * `phone_digits <> ''` is written out so that the generic plan may use the partial index on phone digits.
 */
const REGISTER = prepared(
  'patients.register',
  `WITH likely_duplicates AS MATERIALIZED (
     SELECT ${SUMMARY_COLUMNS}, similarity(lower(name), lower($1)) AS score
       FROM patients
      WHERE NOT archived
        AND (date_of_birth = $2 OR (phone_digits = $15 AND phone_digits <> ''))
        AND similarity(lower(name), lower($1)) >= 0.4
      ORDER BY score DESC
      LIMIT 5),
   inserted AS (
     INSERT INTO patients (name, date_of_birth, sex, phone, email, address, emergency_contact_name,
       emergency_contact_phone, insurance_provider, insurance_number_encrypted, insurance_number_hash,
       national_id_encrypted, national_id_hash, created_by, updated_by)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $14)
     RETURNING ${COLUMNS}),
   audited AS (
     INSERT INTO audit_events (${AUDIT_EVENT_COLUMNS})
     SELECT $16::text, $17::text, $18::uuid, $19::text, $20::text, $21::text, inserted.id::text, inserted.id,
            $22::text, $23::text,
            jsonb_build_object('mrn', inserted.mrn, 'possibleDuplicates',
              (SELECT coalesce(jsonb_agg(d.id ORDER BY d.score DESC), '[]') FROM likely_duplicates AS d))
       FROM inserted)
   SELECT inserted.*,
          (SELECT coalesce(jsonb_agg(to_jsonb(d) - 'score' ORDER BY d.score DESC), '[]')
             FROM likely_duplicates AS d) AS "likelyDuplicates"
     FROM inserted`,
);

/** The audit row of a registration, but for what the statement fills in from the new record. */
export type RegistrationAuditRow = Omit<AuditEventRow, 'entityId' | 'patientId' | 'details'>;

/**
 * A new patient record, the patients already registered who may be the same person (at most 5), and
 * the audit row of the registration (entity and patient: the new record; details: its MRN and the
 * likely duplicates' ids).
 */
export async function registerPatient(
  db: Queryable,
  input: RegisterPatientInput,
  sealed: SealedPatientIdentifiers,
  userId: string,
  audit: RegistrationAuditRow,
): Promise<{ patient: StoredPatientRecord; likelyDuplicates: PatientSummaryRecord[] }> {
  const digits = (input.phone ?? '').replace(/\D/g, '');
  const result = await db.query<StoredPatientRecord & { likelyDuplicates: PatientSummaryRecord[] }>(
    REGISTER,
    [
      input.name,
      input.dateOfBirth,
      input.sex ?? 'unknown',
      input.phone ?? null,
      input.email ?? null,
      input.address ?? null,
      input.emergencyContactName ?? null,
      input.emergencyContactPhone ?? null,
      input.insuranceProvider ?? null,
      sealed.insuranceNumber?.encrypted ?? null,
      sealed.insuranceNumber?.hash ?? null,
      sealed.nationalId?.encrypted ?? null,
      sealed.nationalId?.hash ?? null,
      userId,
      // Fewer than four digits ("0", "112") say nothing about who the patient is.
      digits.length >= 4 ? digits : '',
      audit.action,
      audit.outcome,
      audit.actorUserId,
      audit.actorUsername,
      audit.actorRole,
      audit.entityType,
      audit.clientAddress,
      audit.requestId,
    ],
  );
  const { likelyDuplicates, ...patient } = result.rows[0]!;
  return { patient, likelyDuplicates };
}

/** Every read of a record by id: prepared once per connection (planning cost twice the read). */
const FIND_BY_ID = prepared('patients.find-by-id', `SELECT ${COLUMNS} FROM patients WHERE id = $1`);

export async function findPatientById(db: Queryable, id: string): Promise<StoredPatientRecord | undefined> {
  const result = await db.query<StoredPatientRecord>(FIND_BY_ID, [id]);
  return result.rows[0];
}

/**
 * Applies `changes` only if the record is still at `expectedVersion` (optimistic locking). Returns
 * undefined when it is not: the caller tells "missing" from "changed meanwhile".
 */
export async function updatePatientIfVersion(
  db: Queryable,
  id: string,
  expectedVersion: number,
  changes: UpdatePatientInput,
  sealed: SealedPatientIdentifiers,
  userId: string,
): Promise<StoredPatientRecord | undefined> {
  const assignments: string[] = [];
  const params: unknown[] = [id, expectedVersion, userId];
  const assign = (column: string, value: unknown): void => {
    params.push(value);
    assignments.push(`${column} = $${params.length}`);
  };
  for (const [field, column] of Object.entries(EDITABLE_COLUMNS)) {
    const value = changes[field as keyof typeof EDITABLE_COLUMNS];
    if (value !== undefined) assign(column, value);
  }
  if (sealed.insuranceNumber !== undefined) {
    assign('insurance_number_encrypted', sealed.insuranceNumber?.encrypted ?? null);
    assign('insurance_number_hash', sealed.insuranceNumber?.hash ?? null);
    assignments.push('insurance_number_plaintext = NULL');
  }
  if (sealed.nationalId !== undefined) {
    assign('national_id_encrypted', sealed.nationalId?.encrypted ?? null);
    assign('national_id_hash', sealed.nationalId?.hash ?? null);
  }
  const result = await db.query<StoredPatientRecord>(
    `UPDATE patients SET ${assignments.join(', ')}, version = version + 1, updated_at = now(), updated_by = $3
      WHERE id = $1 AND version = $2 AND NOT archived
      RETURNING ${COLUMNS}`,
    params,
  );
  return result.rows[0];
}

export async function setPatientArchived(
  db: Queryable,
  id: string,
  archived: boolean,
  userId: string,
): Promise<StoredPatientRecord | undefined> {
  const result = await db.query<StoredPatientRecord>(
    `UPDATE patients SET archived = $2, archived_at = CASE WHEN $2 THEN now() END, version = version + 1,
            updated_at = now(), updated_by = $3
      WHERE id = $1 AND archived <> $2 AND ($2 OR merged_into_patient_id IS NULL)
      RETURNING ${COLUMNS}`,
    [id, archived, userId],
  );
  return result.rows[0];
}

export interface PatientSearchCriteria {
  readonly q: string;
  /** Keyed hashes of `q`: it may be a national id or policy number, matched exactly. */
  readonly identifierHashes: IdentifierHashes;
  readonly includeArchived: boolean;
  readonly sort: 'name' | 'mrn' | 'dateOfBirth' | 'createdAt';
  readonly order: 'asc' | 'desc';
  readonly limit: number;
  readonly offset: number;
}

const SORT_COLUMNS = {
  name: 'name',
  mrn: 'mrn',
  dateOfBirth: 'date_of_birth',
  createdAt: 'created_at',
} as const;

/**
 * Most matches counted for `total`; beyond this the list says "200+" and asks for a longer term. Finding
 * the matches is the search's dearest part for a common term, and its cost grows with the cap: at
 * 1,000,000 patients a common term took 3-8 ms for 1,000 and 0.6-1.7 ms for 200 (10,000 cost 45 ms).
 * Four pages of the web UI's 50 are more than anyone reads before typing more of the name.
 */
export const COUNT_CAP = 200;

function searchCondition(criteria: PatientSearchCriteria): { where: string; params: unknown[] } {
  const params: unknown[] = [criteria.includeArchived];
  const conditions = ['($1 OR NOT archived)'];
  const q = criteria.q.trim();
  if (q !== '') {
    params.push(`%${escapeLike(q)}%`, q.toUpperCase());
    // ILIKE's matches: each name folded by lower(), then compared as bytes (migration 0023's index).
    // ILIKE folds and compares in the locale, about three times dearer per name on a scan.
    const alternatives = [`lower(name) COLLATE "C" LIKE lower($2)`, `mrn = $3`];
    const { nationalId, insuranceNumber } = criteria.identifierHashes;
    params.push(nationalId, insuranceNumber);
    alternatives.push(`national_id_hash = ANY($4::text[])`, `insurance_number_hash = ANY($5::text[])`);
    const add = (condition: (placeholder: string) => string, value: unknown): void => {
      params.push(value);
      alternatives.push(condition(`$${params.length}`));
    };
    // A policy number on an insurance card. As an array of ids (an InitPlan, run once, whose result the
    // primary key's index looks up), not `OR id IN (SELECT ...)`, which would turn the index scans
    // into a sequential scan; in the same statement, so a search is one round trip.
    const { policyNumber } = criteria.identifierHashes;
    if (policyNumber.length > 0) {
      add(
        (p) =>
          `id = ANY(ARRAY(SELECT patient_id FROM insurance_coverages WHERE policy_number_hash = ANY(${p}::text[])))`,
        policyNumber,
      );
    }
    const digits = q.replace(/\D/g, '');
    // "Ends with these digits" (a number typed without its country code) as a prefix of the reversed
    // digits: a range scan of idx_patients_phone_digits_reversed.
    if (digits.length >= 6 && /^[+0-9 ()./-]+$/.test(q)) {
      add(
        (p) => `(phone_digits <> '' AND reverse(phone_digits) LIKE ${p})`,
        `${[...digits].reverse().join('')}%`,
      );
    }
    conditions.push(`(${alternatives.join(' OR ')})`);
  }
  return { where: conditions.join(' AND '), params };
}

/**
 * Name contains `q` (trigram index on the folded name), or exact MRN, national id or policy number, or
 * same phone digits.
 *
 * With a term, at most COUNT_CAP + 1 matches are taken in whatever order the index gives them, then
 * sorted and paged: bounded work for every term. Ordering all matches first is not: a common term
 * ("mary", 80,000 of 1,000,000) must either sort every match or walk the names in order, and the walk
 * passes every name before the first "Mary …" (1.7 s). So with more than COUNT_CAP matches the list
 * holds COUNT_CAP of them, sorted, and says `totalIsLowerBound`: the user refines the term.
 * Without a term the list is the sorted table itself, read along the sort's index.
 */
export async function searchPatients(
  db: Queryable,
  criteria: PatientSearchCriteria,
): Promise<{ items: PatientSummaryRecord[]; total: number }> {
  const term = criteria.q.trim() !== '';
  const { where, params } = searchCondition(criteria);
  const orderBy = `${SORT_COLUMNS[criteria.sort]} ${criteria.order === 'desc' ? 'DESC' : 'ASC'}, id`;
  const n = params.length;
  if (term) {
    const result = await db.query<PatientSummaryRecord & { total: number }>(
      `WITH candidates AS MATERIALIZED (
         SELECT id, mrn, name, date_of_birth, sex, phone, archived, created_at FROM patients
          WHERE ${where} LIMIT $${n + 1})
       SELECT id, mrn, name, date_of_birth AS "dateOfBirth", sex, phone, archived,
              (SELECT count(*)::int FROM candidates) AS total
         FROM candidates ORDER BY ${orderBy} LIMIT $${n + 2} OFFSET $${n + 3}`,
      // The COUNT_CAP + 1st candidate only tells that there are more: pages end at COUNT_CAP.
      [
        ...params,
        COUNT_CAP + 1,
        Math.max(0, Math.min(criteria.limit, COUNT_CAP - criteria.offset)),
        criteria.offset,
      ],
    );
    const total =
      result.rows[0]?.total ??
      (criteria.offset === 0
        ? 0
        : (
            await db.query<{ total: number }>(
              `SELECT count(*)::int AS total FROM (SELECT 1 FROM patients WHERE ${where} LIMIT $${n + 1}) AS capped`,
              [...params, COUNT_CAP + 1],
            )
          ).rows[0]!.total);
    return { items: result.rows.map(({ total: _total, ...item }) => item), total };
  }
  const [items, count] = await Promise.all([
    db.query<PatientSummaryRecord>(
      `SELECT ${SUMMARY_COLUMNS} FROM patients WHERE ${where} ORDER BY ${orderBy} LIMIT $${n + 1} OFFSET $${n + 2}`,
      [...params, criteria.limit, criteria.offset],
    ),
    db.query<{ total: number }>(
      `SELECT count(*)::int AS total FROM (SELECT 1 FROM patients WHERE ${where} LIMIT $${n + 1}) AS capped`,
      [...params, COUNT_CAP + 1],
    ),
  ]);
  return { items: items.rows, total: count.rows[0]!.total };
}
