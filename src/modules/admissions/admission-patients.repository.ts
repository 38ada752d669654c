import type { Queryable } from '../../db/index.js';

/** What admitting and identifying need to know of a patient record. */
export interface AdmissionPatientState {
  readonly id: string;
  readonly archived: boolean;
  readonly unidentified: boolean;
  readonly mergedIntoPatientId: string | null;
}

export interface UnidentifiedPatientInput {
  readonly sex: 'female' | 'male' | 'other' | 'unknown';
  readonly estimatedAgeYears: number;
  /** The arrival time: the name carries it and the estimated birth date counts back from it. */
  readonly arrivedAt: string;
  readonly timeZone: string;
  readonly userId: string;
}

/**
 * A temporary record for an emergency patient whose identity is not known: named after the arrival
 * time in the hospital's zone plus a running number ("Unknown 2026-11-26 23:40 #3"), with a date of
 * birth counted back from the estimated age and flagged as estimated.
 */
export async function insertUnidentifiedPatient(
  db: Queryable,
  input: UnidentifiedPatientInput,
): Promise<{ id: string; mrn: string; name: string }> {
  const result = await db.query<{ id: string; mrn: string; name: string }>(
    `INSERT INTO patients (name, date_of_birth, sex, unidentified, date_of_birth_estimated, created_by, updated_by)
     VALUES (
       'Unknown ' || to_char($1::timestamptz AT TIME ZONE $2, 'YYYY-MM-DD HH24:MI') || ' #'
         || nextval('unidentified_patient_seq'),
       (($1::timestamptz AT TIME ZONE $2)::date - make_interval(years => $3::int))::date,
       $4, true, true, $5, $5)
     RETURNING id, mrn, name`,
    [input.arrivedAt, input.timeZone, input.estimatedAgeYears, input.sex, input.userId],
  );
  return result.rows[0]!;
}

export async function findPatientState(
  db: Queryable,
  patientId: string,
  options: { forUpdate?: boolean } = {},
): Promise<AdmissionPatientState | undefined> {
  const result = await db.query<AdmissionPatientState>(
    `SELECT id, archived, unidentified, merged_into_patient_id AS "mergedIntoPatientId"
       FROM patients WHERE id = $1 ${options.forUpdate ? 'FOR UPDATE' : ''}`,
    [patientId],
  );
  return result.rows[0];
}

/** Archives an identified temporary record, pointing at the registered record it turned out to be. */
export async function archiveAsMergedInto(
  db: Queryable,
  temporaryPatientId: string,
  registeredPatientId: string,
  userId: string,
): Promise<void> {
  await db.query(
    `UPDATE patients
        SET archived = true, archived_at = now(), merged_into_patient_id = $2, version = version + 1,
            updated_at = now(), updated_by = $3
      WHERE id = $1`,
    [temporaryPatientId, registeredPatientId, userId],
  );
}

export async function findDepartmentState(
  db: Queryable,
  departmentId: string,
): Promise<{ id: string; archived: boolean } | undefined> {
  const result = await db.query<{ id: string; archived: boolean }>(
    'SELECT id, archived FROM departments WHERE id = $1',
    [departmentId],
  );
  return result.rows[0];
}

export async function findDoctorState(
  db: Queryable,
  doctorId: string,
): Promise<{ id: string; archived: boolean } | undefined> {
  const result = await db.query<{ id: string; archived: boolean }>(
    'SELECT id, archived FROM doctors WHERE id = $1',
    [doctorId],
  );
  return result.rows[0];
}
