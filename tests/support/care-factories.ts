import type { TestApp } from './test-app.js';

/**
 * Care relationships for tests: doctors and department heads read a patient's clinical record only
 * when the patient is in their care, so tests that are about something else put the patient there.
 */

let sequence = 0;

/** The user id behind a bearer token. */
export async function userIdOf(t: TestApp, token: string): Promise<string> {
  const response = await t.app.api.inject({
    method: 'GET',
    url: '/api/v1/auth/me',
    headers: { authorization: `Bearer ${token}` },
  });
  if (response.statusCode !== 200) throw new Error(`auth/me: ${response.statusCode} ${response.body}`);
  return response.json<{ id: string }>().id;
}

/** Puts the patient in the care of the token's user by a care-team membership; returns its id. */
export async function putInCare(
  t: TestApp,
  token: string,
  patientId: string,
  role = 'attending',
): Promise<string> {
  const userId = await userIdOf(t, token);
  const result = await t.database.db.query<{ id: string }>(
    'INSERT INTO care_team_members (patient_id, user_id, role) VALUES ($1, $2, $3) RETURNING id',
    [patientId, userId, role],
  );
  return result.rows[0]!.id;
}

/** A doctor record linked to the token's user (doctors.user_id), in the department given. */
export async function linkDoctorRecord(
  t: TestApp,
  token: string,
  departmentId: string | null,
): Promise<string> {
  const userId = await userIdOf(t, token);
  sequence += 1;
  const result = await t.database.db.query<{ id: string }>(
    `INSERT INTO doctors (name, license_number, specialization, department_id, user_id)
     VALUES ($1, $2, 'Internal medicine', $3, $4) RETURNING id`,
    [`Dr Linked ${sequence}`, `LINKED-${Date.now().toString(36)}-${sequence}`, departmentId, userId],
  );
  return result.rows[0]!.id;
}

/**
 * An appointment row, in the past or the future and in any status, without the booking rules (working
 * hours, "not in the past") that the booking API rightly enforces.
 */
export async function insertAppointment(
  t: TestApp,
  patientId: string,
  doctorId: string,
  options: { daysFromNow: number; status?: string } = { daysFromNow: 1 },
): Promise<string> {
  const result = await t.database.db.query<{ id: string }>(
    `INSERT INTO appointments (patient_id, doctor_id, starts_at, ends_at, status)
     VALUES ($1, $2, now() + $3::int * interval '1 day', now() + $3::int * interval '1 day' + interval '20 minutes', $4)
     RETURNING id`,
    [patientId, doctorId, options.daysFromNow, options.status ?? 'scheduled'],
  );
  return result.rows[0]!.id;
}

/** Makes the doctor record the head of the department (departments.head_doctor_id). */
export async function makeHead(t: TestApp, departmentId: string, doctorId: string): Promise<void> {
  await t.database.db.query('UPDATE departments SET head_doctor_id = $2 WHERE id = $1', [
    departmentId,
    doctorId,
  ]);
}
