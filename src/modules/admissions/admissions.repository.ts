import type { Queryable } from '../../db/index.js';
import type { AdmissionStatus, DischargeDisposition } from './admissions.schemas.js';

interface Named {
  readonly id: string;
  readonly name: string;
}

/** Where a patient is: department, ward, bed, and the responsible doctor. */
export interface Place {
  readonly departmentId: string | null;
  readonly doctorId: string | null;
  readonly ward: string | null;
  readonly bed: string | null;
}

/** An admission as the API shows it. Times are RFC 3339 strings so that records replay from JSON unchanged. */
export interface AdmissionRecord {
  readonly id: string;
  readonly status: AdmissionStatus;
  readonly triagePriority: number;
  readonly chiefComplaint: string;
  readonly arrivedAt: string;
  readonly patient: {
    readonly id: string;
    readonly mrn: string;
    readonly name: string;
    readonly dateOfBirth: string;
    readonly dateOfBirthEstimated: boolean;
    readonly sex: string;
    readonly unidentified: boolean;
  };
  readonly department: (Named & { readonly code: string }) | null;
  readonly doctor: Named | null;
  readonly ward: string | null;
  readonly bed: string | null;
  readonly dischargedAt: string | null;
  readonly dischargeDisposition: string | null;
  readonly dischargeNote: string | null;
  readonly version: number;
  readonly createdAt: string;
  readonly updatedAt: string;
}

export interface MovementRecord {
  readonly kind: AdmissionStatus;
  readonly at: string;
  readonly department: (Named & { readonly code: string }) | null;
  readonly doctor: Named | null;
  readonly ward: string | null;
  readonly bed: string | null;
  readonly note: string | null;
  readonly recordedBy: string | null;
}

export interface AdmissionDetail extends AdmissionRecord {
  readonly movements: MovementRecord[];
}

/** The state a transition is decided on, read with the row locked. */
export interface AdmissionState extends Place {
  readonly id: string;
  readonly patientId: string;
  readonly status: AdmissionStatus;
  readonly version: number;
  readonly lastMovedAt: Date;
}

type Row = Record<string, unknown>;

const iso = (value: unknown): string => new Date(value as string | Date).toISOString();
const isoOrNull = (value: unknown): string | null => (value === null ? null : iso(value));

const PLACE_COLUMNS = (alias: string): string => `${alias}.ward, ${alias}.bed,
  d.id AS department_id, d.code AS department_code, d.name AS department_name,
  doc.id AS doctor_id, doc.name AS doctor_name`;

const PLACE_JOINS = (alias: string): string => `LEFT JOIN departments d ON d.id = ${alias}.department_id
  LEFT JOIN doctors doc ON doc.id = ${alias}.doctor_id`;

/** The admission row with its patient, department and doctor; `a` is the admission. */
export const ADMISSION_SELECT = `SELECT a.id, a.status, a.triage_priority, a.chief_complaint, a.arrived_at,
    a.discharged_at, a.discharge_disposition, a.discharge_note, a.version, a.created_at, a.updated_at,
    p.id AS patient_id, p.mrn, p.name AS patient_name, p.date_of_birth, p.date_of_birth_estimated, p.sex,
    p.unidentified, ${PLACE_COLUMNS('a')}
  FROM admissions a
  JOIN patients p ON p.id = a.patient_id
  ${PLACE_JOINS('a')}`;

function placeOf(row: Row): Pick<AdmissionRecord, 'department' | 'doctor' | 'ward' | 'bed'> {
  return {
    department:
      row['department_id'] === null
        ? null
        : {
            id: row['department_id'] as string,
            code: row['department_code'] as string,
            name: row['department_name'] as string,
          },
    doctor:
      row['doctor_id'] === null
        ? null
        : { id: row['doctor_id'] as string, name: row['doctor_name'] as string },
    ward: (row['ward'] as string | null) ?? null,
    bed: (row['bed'] as string | null) ?? null,
  };
}

export function admissionOf(row: Record<string, unknown>): AdmissionRecord {
  return {
    id: row['id'] as string,
    status: row['status'] as AdmissionStatus,
    triagePriority: Number(row['triage_priority']),
    chiefComplaint: row['chief_complaint'] as string,
    arrivedAt: iso(row['arrived_at']),
    patient: {
      id: row['patient_id'] as string,
      mrn: row['mrn'] as string,
      name: row['patient_name'] as string,
      dateOfBirth: row['date_of_birth'] as string,
      dateOfBirthEstimated: row['date_of_birth_estimated'] as boolean,
      sex: row['sex'] as string,
      unidentified: row['unidentified'] as boolean,
    },
    ...placeOf(row),
    dischargedAt: isoOrNull(row['discharged_at']),
    dischargeDisposition: (row['discharge_disposition'] as string | null) ?? null,
    dischargeNote: (row['discharge_note'] as string | null) ?? null,
    version: Number(row['version']),
    createdAt: iso(row['created_at']),
    updatedAt: iso(row['updated_at']),
  };
}

export interface NewAdmission extends Place {
  readonly patientId: string;
  readonly triagePriority: number;
  readonly chiefComplaint: string;
  readonly arrivedAt: string;
}

export async function insertAdmission(
  db: Queryable,
  admission: NewAdmission,
  userId: string,
): Promise<string> {
  const result = await db.query<{ id: string }>(
    `INSERT INTO admissions (patient_id, triage_priority, chief_complaint, arrived_at, department_id, doctor_id,
       ward, bed, created_by, updated_by)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9)
     RETURNING id`,
    [
      admission.patientId,
      admission.triagePriority,
      admission.chiefComplaint,
      admission.arrivedAt,
      admission.departmentId,
      admission.doctorId,
      admission.ward,
      admission.bed,
      userId,
    ],
  );
  return result.rows[0]!.id;
}

export async function insertMovement(
  db: Queryable,
  admissionId: string,
  kind: AdmissionStatus,
  at: string,
  place: Place,
  note: string | null,
  userId: string,
): Promise<void> {
  await db.query(
    `INSERT INTO admission_movements (admission_id, kind, occurred_at, department_id, doctor_id, ward, bed, note,
       recorded_by)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
    [admissionId, kind, at, place.departmentId, place.doctorId, place.ward, place.bed, note, userId],
  );
}

export async function findAdmission(db: Queryable, id: string): Promise<AdmissionRecord | undefined> {
  const result = await db.query<Row>(`${ADMISSION_SELECT} WHERE a.id = $1`, [id]);
  const row = result.rows[0];
  return row ? admissionOf(row) : undefined;
}

/** Locks the admission against concurrent transitions and returns what they are decided on. */
export async function lockAdmission(db: Queryable, id: string): Promise<AdmissionState | undefined> {
  const result = await db.query<AdmissionState>(
    `SELECT id, patient_id AS "patientId", status, version, department_id AS "departmentId",
            doctor_id AS "doctorId", ward, bed,
            (SELECT max(occurred_at) FROM admission_movements m WHERE m.admission_id = a.id) AS "lastMovedAt"
       FROM admissions a WHERE id = $1 FOR UPDATE`,
    [id],
  );
  return result.rows[0];
}

export async function findMovements(db: Queryable, admissionId: string): Promise<MovementRecord[]> {
  const result = await db.query<Row>(
    `SELECT m.kind, m.occurred_at, m.note, u.username, ${PLACE_COLUMNS('m')}
       FROM admission_movements m
       ${PLACE_JOINS('m')}
       LEFT JOIN users u ON u.id = m.recorded_by
      WHERE m.admission_id = $1
      ORDER BY m.occurred_at, m.id`,
    [admissionId],
  );
  return result.rows.map((row) => ({
    kind: row['kind'] as AdmissionStatus,
    at: iso(row['occurred_at']),
    ...placeOf(row),
    note: (row['note'] as string | null) ?? null,
    recordedBy: (row['username'] as string | null) ?? null,
  }));
}

/** The open admission of a patient, or in a bed, other than `excludeId`: what the unique indexes refuse. */
export async function findOpenAdmissionOfPatient(
  db: Queryable,
  patientId: string,
  excludeId: string | null,
): Promise<string | undefined> {
  const result = await db.query<{ id: string }>(
    `SELECT id FROM admissions
      WHERE patient_id = $1 AND status <> 'discharged' AND ($2::uuid IS NULL OR id <> $2)`,
    [patientId, excludeId],
  );
  return result.rows[0]?.id;
}

export async function findOpenAdmissionInBed(
  db: Queryable,
  ward: string,
  bed: string,
  excludeId: string | null,
): Promise<string | undefined> {
  const result = await db.query<{ id: string }>(
    `SELECT id FROM admissions
      WHERE ward = $1 AND bed = $2 AND status <> 'discharged' AND ($3::uuid IS NULL OR id <> $3)`,
    [ward, bed, excludeId],
  );
  return result.rows[0]?.id;
}

export async function updateTriage(
  db: Queryable,
  id: string,
  changes: { triagePriority?: number; chiefComplaint?: string; doctorId?: string | null },
  userId: string,
): Promise<void> {
  await db.query(
    `UPDATE admissions
        SET triage_priority = coalesce($2, triage_priority),
            chief_complaint = coalesce($3, chief_complaint),
            doctor_id = CASE WHEN $4 THEN $5::uuid ELSE doctor_id END,
            version = version + 1, updated_at = now(), updated_by = $6
      WHERE id = $1`,
    [
      id,
      changes.triagePriority ?? null,
      changes.chiefComplaint ?? null,
      changes.doctorId !== undefined,
      changes.doctorId ?? null,
      userId,
    ],
  );
}

export async function moveAdmission(db: Queryable, id: string, place: Place, userId: string): Promise<void> {
  await db.query(
    `UPDATE admissions
        SET status = 'transferred', department_id = $2, doctor_id = $3, ward = $4, bed = $5,
            version = version + 1, updated_at = now(), updated_by = $6
      WHERE id = $1`,
    [id, place.departmentId, place.doctorId, place.ward, place.bed, userId],
  );
}

export async function dischargeAdmission(
  db: Queryable,
  id: string,
  at: string,
  disposition: DischargeDisposition | null,
  note: string | null,
  userId: string,
): Promise<void> {
  await db.query(
    `UPDATE admissions
        SET status = 'discharged', discharged_at = $2, discharge_disposition = $3, discharge_note = $4,
            version = version + 1, updated_at = now(), updated_by = $5
      WHERE id = $1`,
    [id, at, disposition, note, userId],
  );
}

/** Moves every admission of one patient to another (a temporary record identified); returns their ids. */
export async function reassignAdmissions(
  db: Queryable,
  fromPatientId: string,
  toPatientId: string,
  userId: string,
): Promise<string[]> {
  const result = await db.query<{ id: string }>(
    `UPDATE admissions SET patient_id = $2, version = version + 1, updated_at = now(), updated_by = $3
      WHERE patient_id = $1 RETURNING id`,
    [fromPatientId, toPatientId, userId],
  );
  return result.rows.map((row) => row.id);
}

/** The admission with its movement log. */
export async function findAdmissionDetail(db: Queryable, id: string): Promise<AdmissionDetail | undefined> {
  const admission = await findAdmission(db, id);
  return admission ? { ...admission, movements: await findMovements(db, id) } : undefined;
}
