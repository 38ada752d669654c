import type { Queryable } from '../../db/index.js';
import type { AllergySeverity, EntryType, VitalSigns } from './history.schemas.js';

export interface UserReference {
  readonly userId: string;
  readonly username: string;
}

/** What one version of an entry says. Times are RFC 3339 strings so that records replay from JSON unchanged. */
export interface EntryContent {
  readonly recordedAt: string;
  readonly text: string | null;
  readonly icd10Code: string | null;
  readonly severity: AllergySeverity | null;
  readonly vitals: VitalSigns | null;
}

export interface EntryVersionRecord extends EntryContent {
  readonly version: number;
  readonly amendmentReason: string | null;
  readonly author: UserReference;
  readonly createdAt: string;
}

export interface EntryRecord extends EntryVersionRecord {
  readonly id: string;
  readonly patientId: string;
  readonly type: EntryType;
  readonly firstRecordedBy: UserReference;
  readonly firstCreatedAt: string;
  readonly enteredInError: { reason: string; markedAt: string; markedBy: UserReference } | null;
}

export interface PatientHeader {
  readonly id: string;
  readonly mrn: string;
  readonly name: string;
  readonly dateOfBirth: string;
  readonly sex: string;
  readonly archived: boolean;
  readonly mergedIntoPatientId: string | null;
}

const VERSION_COLUMNS = `v.version, v.recorded_at, v.text, v.icd10_code, v.allergy_severity,
  v.systolic_mmhg, v.diastolic_mmhg, v.pulse_bpm, v.temperature_celsius, v.respiratory_rate_per_min,
  v.oxygen_saturation_percent, v.amendment_reason, v.author_user_id, author.username AS author_username,
  v.created_at`;

const ENTRY_COLUMNS = `e.id, e.patient_id, e.entry_type, e.created_by, creator.username AS creator_username,
  e.created_at AS entry_created_at, e.entered_in_error_reason, e.entered_in_error_at, e.entered_in_error_by,
  marker.username AS marker_username, ${VERSION_COLUMNS}`;

const ENTRY_FROM = `history_entries e
  JOIN history_entry_versions v ON v.entry_id = e.id AND v.version = e.current_version
  JOIN users author ON author.id = v.author_user_id
  JOIN users creator ON creator.id = e.created_by
  LEFT JOIN users marker ON marker.id = e.entered_in_error_by`;

type Row = Record<string, unknown>;

const iso = (value: unknown): string => new Date(value as string | Date).toISOString();
const nullableNumber = (value: unknown): number | undefined =>
  value === null || value === undefined ? undefined : Number(value);

function vitalsOf(row: Row): VitalSigns | null {
  const vitals: VitalSigns = {
    systolicMmHg: nullableNumber(row['systolic_mmhg']),
    diastolicMmHg: nullableNumber(row['diastolic_mmhg']),
    pulseBpm: nullableNumber(row['pulse_bpm']),
    temperatureCelsius: nullableNumber(row['temperature_celsius']),
    respiratoryRatePerMin: nullableNumber(row['respiratory_rate_per_min']),
    oxygenSaturationPercent: nullableNumber(row['oxygen_saturation_percent']),
  };
  const present = Object.entries(vitals).filter(([, value]) => value !== undefined);
  return present.length === 0 ? null : Object.fromEntries(present);
}

function versionOf(row: Row): EntryVersionRecord {
  return {
    version: Number(row['version']),
    recordedAt: iso(row['recorded_at']),
    text: (row['text'] as string | null) ?? null,
    icd10Code: (row['icd10_code'] as string | null) ?? null,
    severity: (row['allergy_severity'] as AllergySeverity | null) ?? null,
    vitals: vitalsOf(row),
    amendmentReason: (row['amendment_reason'] as string | null) ?? null,
    author: { userId: row['author_user_id'] as string, username: row['author_username'] as string },
    createdAt: iso(row['created_at']),
  };
}

function entryOf(row: Row): EntryRecord {
  return {
    id: row['id'] as string,
    patientId: row['patient_id'] as string,
    type: row['entry_type'] as EntryType,
    ...versionOf(row),
    firstRecordedBy: { userId: row['created_by'] as string, username: row['creator_username'] as string },
    firstCreatedAt: iso(row['entry_created_at']),
    enteredInError:
      row['entered_in_error_at'] === null
        ? null
        : {
            reason: row['entered_in_error_reason'] as string,
            markedAt: iso(row['entered_in_error_at']),
            markedBy: {
              userId: row['entered_in_error_by'] as string,
              username: row['marker_username'] as string,
            },
          },
  };
}

/** The patient fields a clinical view shows in its header; read here so the read shares the caller's transaction. */
export async function findPatientHeader(
  db: Queryable,
  patientId: string,
): Promise<PatientHeader | undefined> {
  const result = await db.query<PatientHeader>(
    `SELECT id, mrn, name, date_of_birth AS "dateOfBirth", sex, archived,
            merged_into_patient_id AS "mergedIntoPatientId"
       FROM patients WHERE id = $1`,
    [patientId],
  );
  return result.rows[0];
}

export async function insertEntry(
  db: Queryable,
  patientId: string,
  type: EntryType,
  userId: string,
): Promise<string> {
  const result = await db.query<{ id: string }>(
    'INSERT INTO history_entries (patient_id, entry_type, created_by) VALUES ($1, $2, $3) RETURNING id',
    [patientId, type, userId],
  );
  return result.rows[0]!.id;
}

export async function insertVersion(
  db: Queryable,
  entryId: string,
  version: number,
  content: EntryContent,
  authorId: string,
  amendmentReason: string | null,
): Promise<void> {
  const vitals = content.vitals ?? {};
  await db.query(
    `INSERT INTO history_entry_versions (entry_id, version, recorded_at, text, icd10_code, allergy_severity,
       systolic_mmhg, diastolic_mmhg, pulse_bpm, temperature_celsius, respiratory_rate_per_min,
       oxygen_saturation_percent, amendment_reason, author_user_id)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)`,
    [
      entryId,
      version,
      content.recordedAt,
      content.text,
      content.icd10Code,
      content.severity,
      vitals.systolicMmHg ?? null,
      vitals.diastolicMmHg ?? null,
      vitals.pulseBpm ?? null,
      vitals.temperatureCelsius ?? null,
      vitals.respiratoryRatePerMin ?? null,
      vitals.oxygenSaturationPercent ?? null,
      amendmentReason,
      authorId,
    ],
  );
}

export async function findEntry(
  db: Queryable,
  patientId: string,
  entryId: string,
): Promise<EntryRecord | undefined> {
  const result = await db.query<Row>(
    `SELECT ${ENTRY_COLUMNS} FROM ${ENTRY_FROM} WHERE e.id = $1 AND e.patient_id = $2`,
    [entryId, patientId],
  );
  const row = result.rows[0];
  return row ? entryOf(row) : undefined;
}

/** Locks the entry against a concurrent amendment and says where it stands. */
export async function lockEntry(
  db: Queryable,
  patientId: string,
  entryId: string,
): Promise<{ currentVersion: number; enteredInError: boolean } | undefined> {
  const result = await db.query<{ currentVersion: number; enteredInError: boolean }>(
    `SELECT current_version AS "currentVersion", entered_in_error AS "enteredInError"
       FROM history_entries WHERE id = $1 AND patient_id = $2 FOR UPDATE`,
    [entryId, patientId],
  );
  return result.rows[0];
}

export async function setCurrentVersion(db: Queryable, entryId: string, version: number): Promise<void> {
  await db.query('UPDATE history_entries SET current_version = $2 WHERE id = $1', [entryId, version]);
}

export async function markEnteredInError(
  db: Queryable,
  entryId: string,
  reason: string,
  userId: string,
): Promise<void> {
  await db.query(
    `UPDATE history_entries
        SET entered_in_error = true, entered_in_error_reason = $2, entered_in_error_at = now(),
            entered_in_error_by = $3
      WHERE id = $1`,
    [entryId, reason, userId],
  );
}

export async function findVersions(db: Queryable, entryId: string): Promise<EntryVersionRecord[]> {
  const result = await db.query<Row>(
    `SELECT ${VERSION_COLUMNS}
       FROM history_entry_versions v JOIN users author ON author.id = v.author_user_id
      WHERE v.entry_id = $1 ORDER BY v.version`,
    [entryId],
  );
  return result.rows.map(versionOf);
}

/** A bound of the timeline: a whole day in the hospital's time zone, or an exact instant. */
export type TimeBound = { readonly date: string } | { readonly instant: string };

export interface TimelineCriteria {
  readonly patientId: string;
  readonly type: EntryType | undefined;
  readonly from: TimeBound | undefined;
  readonly to: TimeBound | undefined;
  readonly includeEnteredInError: boolean;
  readonly timeZone: string;
  readonly limit: number;
  readonly offset: number;
}

function timelineCondition(criteria: TimelineCriteria): { where: string; params: unknown[] } {
  const params: unknown[] = [criteria.patientId, criteria.includeEnteredInError];
  const conditions = ['e.patient_id = $1', '($2 OR NOT e.entered_in_error)'];
  if (criteria.type) {
    params.push(criteria.type);
    conditions.push(`e.entry_type = $${params.length}`);
  }
  const zoneParam = (): string => {
    params.push(criteria.timeZone);
    return `$${params.length}`;
  };
  if (criteria.from) {
    if ('date' in criteria.from) {
      params.push(criteria.from.date);
      const day = `$${params.length}`;
      conditions.push(`v.recorded_at >= (${day}::date)::timestamp AT TIME ZONE ${zoneParam()}`);
    } else {
      params.push(criteria.from.instant);
      conditions.push(`v.recorded_at >= $${params.length}::timestamptz`);
    }
  }
  if (criteria.to) {
    if ('date' in criteria.to) {
      params.push(criteria.to.date);
      const day = `$${params.length}`;
      conditions.push(`v.recorded_at < (${day}::date + 1)::timestamp AT TIME ZONE ${zoneParam()}`);
    } else {
      params.push(criteria.to.instant);
      conditions.push(`v.recorded_at <= $${params.length}::timestamptz`);
    }
  }
  return { where: conditions.join(' AND '), params };
}

/** Current versions, newest observation first. */
export async function findTimeline(
  db: Queryable,
  criteria: TimelineCriteria,
): Promise<{ items: EntryRecord[]; total: number }> {
  const { where, params } = timelineCondition(criteria);
  const n = params.length;
  const items = await db.query<Row>(
    `SELECT ${ENTRY_COLUMNS} FROM ${ENTRY_FROM} WHERE ${where}
      ORDER BY v.recorded_at DESC, e.created_at DESC, e.id
      LIMIT $${n + 1} OFFSET $${n + 2}`,
    [...params, criteria.limit, criteria.offset],
  );
  const count = await db.query<{ total: number }>(
    `SELECT count(*)::int AS total
       FROM history_entries e JOIN history_entry_versions v ON v.entry_id = e.id AND v.version = e.current_version
      WHERE ${where}`,
    params,
  );
  return { items: items.rows.map(entryOf), total: count.rows[0]!.total };
}

/** Moves every entry of one patient to another (a temporary record identified); returns the moved ids. */
export async function reassignEntries(
  db: Queryable,
  fromPatientId: string,
  toPatientId: string,
): Promise<string[]> {
  const result = await db.query<{ id: string }>(
    'UPDATE history_entries SET patient_id = $2 WHERE patient_id = $1 RETURNING id',
    [fromPatientId, toPatientId],
  );
  return result.rows.map((row) => row.id);
}
