import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  insertAppointment,
  linkDoctorRecord,
  makeHead,
  userIdOf,
} from '../../../tests/support/care-factories.js';
import {
  admit,
  auditActions,
  bearer,
  insertDepartment,
  insertDoctor,
  registerPatient,
} from '../../../tests/support/clinical-factories.js';
import { DATABASE_KINDS } from '../../../tests/support/databases.js';
import { buildTestApp, type TestApp } from '../../../tests/support/test-app.js';

describe.each(DATABASE_KINDS)('who reads which clinical record, on %s', (kind) => {
  let t: TestApp;
  let staff: string;
  let doctor: string;
  let doctorRecordId: string;
  let departmentX: string;
  let departmentY: string;

  beforeAll(async () => {
    t = await buildTestApp(kind);
    staff = await t.userToken('staff');
    doctor = await t.userToken('doctor');
    departmentX = await insertDepartment(t);
    departmentY = await insertDepartment(t);
    doctorRecordId = await linkDoctorRecord(t, doctor, departmentX);
  });
  afterAll(async () => t?.close());

  const get = (url: string, token: string) =>
    t.app.api.inject({ method: 'GET', url, headers: bearer(token) });
  const history = (patientId: string, token: string) => get(`/api/v1/patients/${patientId}/history`, token);

  it('lets a doctor read the history of a patient with an appointment with them, and nobody else', async () => {
    const mine = await registerPatient(t, staff);
    const other = await registerPatient(t, staff);
    await insertAppointment(t, mine.id, doctorRecordId, { daysFromNow: 3 });

    expect((await history(mine.id, doctor)).statusCode).toBe(200);
    const refused = await history(other.id, doctor);
    expect(refused.statusCode).toBe(403);
    expect(refused.headers['content-type']).toContain('application/problem+json');
    expect(refused.json().detail).toContain('break the glass');
    expect(refused.json().detail).toContain(`/api/v1/patients/${other.id}/emergency-access`);

    const denied = await t.database.db.query<{ outcome: string; details: { reason: string } }>(
      "SELECT outcome, details FROM audit_events WHERE action = 'ACCESS_DENIED' AND patient_id = $1",
      [other.id],
    );
    expect(denied.rows).toEqual([
      { outcome: 'denied', details: { permission: 'history:read', reason: 'not_in_care' } },
    ]);
    expect(await auditActions(t, other.id)).not.toContain('PATIENT_HISTORY_VIEWED');
    const security = (await t.logLines('security')).filter((line) => line.includes(other.id));
    expect(security.some((line) => line.includes('"ACCESS_DENIED"'))).toBe(true);
  });

  it('counts appointments in the last two years or the future, never cancelled ones', async () => {
    const cancelled = await registerPatient(t, staff);
    await insertAppointment(t, cancelled.id, doctorRecordId, { daysFromNow: 5, status: 'cancelled' });
    const longAgo = await registerPatient(t, staff);
    await insertAppointment(t, longAgo.id, doctorRecordId, { daysFromNow: -800, status: 'completed' });
    const lastYear = await registerPatient(t, staff);
    await insertAppointment(t, lastYear.id, doctorRecordId, { daysFromNow: -300, status: 'completed' });

    expect((await history(cancelled.id, doctor)).statusCode).toBe(403);
    expect((await history(longAgo.id, doctor)).statusCode).toBe(403);
    expect((await history(lastYear.id, doctor)).statusCode).toBe(200);
  });

  it("opens a patient to the admission's doctor, also after a transfer away from them", async () => {
    const patient = await registerPatient(t, staff);
    expect((await history(patient.id, doctor)).statusCode).toBe(403);
    const admitted = await admit(t, staff, {
      patientId: patient.id,
      triagePriority: 2,
      chiefComplaint: 'Chest pain',
      doctorId: doctorRecordId,
    });
    expect(admitted.statusCode).toBe(201);
    const admissionId: string = admitted.json().id;
    expect((await get(`/api/v1/admissions/${admissionId}`, doctor)).statusCode).toBe(200);
    expect((await get(`/api/v1/admissions?patientId=${patient.id}`, doctor)).statusCode).toBe(200);

    const colleague = await insertDoctor(t, departmentY);
    const transferred = await t.app.api.inject({
      method: 'POST',
      url: `/api/v1/admissions/${admissionId}/transfer`,
      headers: bearer(staff),
      payload: { departmentId: departmentY, doctorId: colleague },
    });
    expect(transferred.statusCode).toBe(200);
    expect((await history(patient.id, doctor)).statusCode).toBe(200);

    const stranger = await t.userToken('doctor');
    await linkDoctorRecord(t, stranger, departmentY);
    expect((await get(`/api/v1/admissions/${admissionId}`, stranger)).statusCode).toBe(403);
    expect((await get(`/api/v1/admissions?patientId=${patient.id}`, stranger)).statusCode).toBe(403);
  });

  it('scopes documents, history writes and a patient’s appointment list, not the schedule', async () => {
    const mine = await registerPatient(t, staff);
    const other = await registerPatient(t, staff);
    await insertAppointment(t, mine.id, doctorRecordId, { daysFromNow: 7 });

    for (const url of ['documents', 'photo'].map((part) => `/api/v1/patients/${other.id}/${part}`)) {
      expect((await get(url, doctor)).statusCode, url).toBe(403);
    }
    expect((await get(`/api/v1/patients/${mine.id}/documents`, doctor)).statusCode).toBe(200);
    expect((await get(`/api/v1/appointments?patientId=${other.id}`, doctor)).statusCode).toBe(403);
    expect((await get(`/api/v1/appointments?patientId=${mine.id}`, doctor)).statusCode).toBe(200);
    expect((await get(`/api/v1/appointments?doctorId=${doctorRecordId}`, doctor)).statusCode).toBe(200);

    const note = { type: 'clinical_note', text: 'Seen in clinic' };
    const write = (patientId: string) =>
      t.app.api.inject({
        method: 'POST',
        url: `/api/v1/patients/${patientId}/history`,
        headers: bearer(doctor),
        payload: note,
      });
    expect((await write(other.id)).statusCode).toBe(403);
    expect(await auditActions(t, other.id)).not.toContain('HISTORY_ENTRY_ADDED');
    expect((await write(mine.id)).statusCode).toBe(201);
  });

  it('leaves admin and staff at their role: admin reads every history, staff every document list', async () => {
    const patient = await registerPatient(t, staff);
    const admin = await t.adminToken();
    expect((await history(patient.id, admin)).statusCode).toBe(200);
    expect((await get(`/api/v1/patients/${patient.id}/documents`, staff)).statusCode).toBe(200);
    expect((await history(patient.id, staff)).statusCode).toBe(403);
  });

  it('lets a department head read patients admitted to or seen in their department, not elsewhere', async () => {
    const head = await t.userToken('department_head');
    await makeHead(t, departmentX, await linkDoctorRecord(t, head, null));
    const admittedToX = await registerPatient(t, staff);
    expect(
      (
        await admit(t, staff, {
          patientId: admittedToX.id,
          triagePriority: 3,
          chiefComplaint: 'Fall',
          departmentId: departmentX,
        })
      ).statusCode,
    ).toBe(201);
    const seenInX = await registerPatient(t, staff);
    await insertAppointment(t, seenInX.id, await insertDoctor(t, departmentX), { daysFromNow: 9 });
    const seenInY = await registerPatient(t, staff);
    await insertAppointment(t, seenInY.id, await insertDoctor(t, departmentY), { daysFromNow: 11 });

    expect((await history(admittedToX.id, head)).statusCode).toBe(200);
    expect((await history(seenInX.id, head)).statusCode).toBe(200);
    const refused = await history(seenInY.id, head);
    expect(refused.statusCode).toBe(403);
    expect(refused.json().detail).toContain('department you belong to');
    expect((await get(`/api/v1/patients/${seenInY.id}/documents`, head)).statusCode).toBe(403);

    // A department_staff assignment by user account counts as belonging to the department too.
    const member = await t.userToken('department_head');
    await t.database.db.query(
      `INSERT INTO department_staff (department_id, user_id, position) VALUES ($1, $2, 'Deputy head')`,
      [departmentY, await userIdOf(t, member)],
    );
    expect((await history(seenInY.id, member)).statusCode).toBe(200);
    expect((await history(admittedToX.id, member)).statusCode).toBe(403);
  });
});
