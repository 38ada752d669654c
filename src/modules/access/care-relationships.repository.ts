import type { Queryable } from '../../db/index.js';

/** Why a patient is in a user's care; the first that holds, in the order the query tries them. */
export type CareRelationship = 'care_team' | 'appointment' | 'admission' | 'department' | 'emergency_access';

export interface CareQuery {
  readonly patientId: string;
  readonly userId: string;
  /** How far back a past appointment or a discharge still counts, as a PostgreSQL interval. */
  readonly careWindow: string;
  /** Also count patients seen in a department the user heads or staffs (department heads). */
  readonly includeDepartment: boolean;
  /** Count an open break-the-glass grant (not when deciding who may change the care team). */
  readonly includeEmergencyAccess: boolean;
}

/**
 * The departments a user belongs to as a department head: the one whose head_doctor_id is their doctor
 * record, and those where department_staff lists them, by user account or by their doctor record.
 */
const USER_DEPARTMENTS = `
  SELECT dep.id FROM departments dep JOIN doctors head ON head.id = dep.head_doctor_id WHERE head.user_id = $2
  UNION SELECT s.department_id FROM department_staff s WHERE s.user_id = $2
  UNION SELECT s.department_id FROM department_staff s JOIN doctors sd ON sd.id = s.doctor_id WHERE sd.user_id = $2`;

/** Appointments that count: not cancelled, ending within the care window or later (future ones count). */
const COUNTED_APPOINTMENT = `a.patient_id = $1 AND a.status <> 'cancelled' AND a.ends_at >= now() - $3::interval`;

/** Admissions that count: still open, or discharged within the care window. */
const COUNTED_ADMISSION = `ad.patient_id = $1 AND coalesce(ad.discharged_at, 'infinity') >= now() - $3::interval`;

/**
 * The one query behind every object-level clinical check. Admissions count by their current doctor and
 * department and by every place the movement log shows (a transferred patient stays in the care of
 * whoever had them during the window).
 */
const CARE_RELATIONSHIP = `
SELECT CASE
  WHEN EXISTS (SELECT 1 FROM care_team_members c
                WHERE c.patient_id = $1 AND c.user_id = $2 AND c.ended_at IS NULL)
    THEN 'care_team'
  WHEN EXISTS (SELECT 1 FROM appointments a JOIN doctors d ON d.id = a.doctor_id
                WHERE ${COUNTED_APPOINTMENT} AND d.user_id = $2)
    THEN 'appointment'
  WHEN EXISTS (SELECT 1 FROM admissions ad
                WHERE ${COUNTED_ADMISSION}
                  AND (EXISTS (SELECT 1 FROM doctors d WHERE d.id = ad.doctor_id AND d.user_id = $2)
                       OR EXISTS (SELECT 1 FROM admission_movements m JOIN doctors d ON d.id = m.doctor_id
                                   WHERE m.admission_id = ad.id AND d.user_id = $2)))
    THEN 'admission'
  WHEN $4::boolean AND (
         EXISTS (SELECT 1 FROM appointments a JOIN doctors d ON d.id = a.doctor_id
                  WHERE ${COUNTED_APPOINTMENT} AND d.department_id IN (${USER_DEPARTMENTS}))
      OR EXISTS (SELECT 1 FROM admissions ad
                  WHERE ${COUNTED_ADMISSION}
                    AND (ad.department_id IN (${USER_DEPARTMENTS})
                         OR EXISTS (SELECT 1 FROM admission_movements m
                                     WHERE m.admission_id = ad.id AND m.department_id IN (${USER_DEPARTMENTS})))))
    THEN 'department'
  WHEN $5::boolean AND EXISTS (SELECT 1 FROM emergency_access_grants g
                WHERE g.user_id = $2 AND g.patient_id = $1 AND g.expires_at > now() AND g.revoked_at IS NULL)
    THEN 'emergency_access'
END AS relationship`;

/** The relationship that puts the patient in the user's care, or undefined when there is none. */
export async function findCareRelationship(
  db: Queryable,
  query: CareQuery,
): Promise<CareRelationship | undefined> {
  const result = await db.query<{ relationship: CareRelationship | null }>(CARE_RELATIONSHIP, [
    query.patientId,
    query.userId,
    query.careWindow,
    query.includeDepartment,
    query.includeEmergencyAccess,
  ]);
  return result.rows[0]?.relationship ?? undefined;
}

export async function patientExists(db: Queryable, patientId: string): Promise<boolean> {
  const result = await db.query('SELECT 1 FROM patients WHERE id = $1', [patientId]);
  return result.rows.length > 0;
}
