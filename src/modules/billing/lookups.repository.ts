import type { Queryable } from '../../db/index.js';

/** Today's date in the hospital's time zone, by the database's clock (the one issued_at is stamped with). */
export async function localToday(db: Queryable, timeZone: string): Promise<string> {
  const result = await db.query<{ today: string }>(`SELECT (now() AT TIME ZONE $1)::date::text AS today`, [
    timeZone,
  ]);
  return result.rows[0]!.today;
}

/** The department a visit belongs to: the appointment's doctor's, or the admission's. */
export async function departmentOfVisit(
  db: Queryable,
  appointmentId: string | null,
  admissionId: string | null,
): Promise<{ found: boolean; patientId: string | null; departmentId: string | null }> {
  if (appointmentId) {
    const result = await db.query<{ patientId: string; departmentId: string | null }>(
      `SELECT a.patient_id AS "patientId", d.department_id AS "departmentId"
         FROM appointments a JOIN doctors d ON d.id = a.doctor_id WHERE a.id = $1`,
      [appointmentId],
    );
    const row = result.rows[0];
    return row ? { found: true, ...row } : { found: false, patientId: null, departmentId: null };
  }
  if (admissionId) {
    const result = await db.query<{ patientId: string; departmentId: string | null }>(
      `SELECT patient_id AS "patientId", department_id AS "departmentId" FROM admissions WHERE id = $1`,
      [admissionId],
    );
    const row = result.rows[0];
    return row ? { found: true, ...row } : { found: false, patientId: null, departmentId: null };
  }
  return { found: true, patientId: null, departmentId: null };
}

export async function patientExists(db: Queryable, patientId: string): Promise<boolean> {
  const result = await db.query('SELECT 1 FROM patients WHERE id = $1', [patientId]);
  return result.rows.length > 0;
}

export async function departmentExists(db: Queryable, departmentId: string): Promise<boolean> {
  const result = await db.query('SELECT 1 FROM departments WHERE id = $1', [departmentId]);
  return result.rows.length > 0;
}
