import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { putInCare } from '../../../tests/support/care-factories.js';
import { DATABASE_KINDS } from '../../../tests/support/databases.js';
import { buildTestApp, type TestApp } from '../../../tests/support/test-app.js';
import { auditActions, bearer, registerPatient } from '../../../tests/support/clinical-factories.js';
import { multipartBody, PNG_1X1 } from '../../../tests/support/uploads.js';
import {
  bookAppointment,
  createDepartment,
  createDoctor,
} from '../../../tests/support/scheduling-factories.js';

describe.each(DATABASE_KINDS)('unidentified emergency patients on %s', (kind) => {
  let t: TestApp;
  let staff: string;
  let doctor: string;
  /** Two doctor records on the default hours (Mon-Fri 08:00-17:00) to book appointments with. */
  let doctorIds: [string, string];

  beforeAll(async () => {
    t = await buildTestApp(kind, { 'hospital.timezone': 'Europe/Berlin' });
    staff = await t.userToken('staff');
    doctor = await t.userToken('doctor');
    const admin = await t.adminToken();
    const departmentId = (await createDepartment(t, admin)).id;
    doctorIds = [
      (await createDoctor(t, admin, departmentId)).id,
      (await createDoctor(t, admin, departmentId)).id,
    ];
  });
  afterAll(async () => t?.close());

  async function admitUnknown(estimatedAgeYears: number, arrivedAt?: string) {
    const response = await t.app.api.inject({
      method: 'POST',
      url: '/api/v1/admissions',
      headers: bearer(staff),
      payload: {
        unidentifiedPatient: { sex: 'male', estimatedAgeYears },
        triagePriority: 1,
        chiefComplaint: 'Found unconscious in the street',
        ...(arrivedAt ? { arrivedAt } : {}),
      },
    });
    expect(response.statusCode).toBe(201);
    return response.json();
  }

  async function book(patientId: string, start: string, end: string, doctor = 0): Promise<{ id: string }> {
    const booked = await bookAppointment(t, staff, { patientId, doctorId: doctorIds[doctor], start, end });
    expect(booked.statusCode, booked.body).toBe(201);
    return booked.json();
  }

  async function appointmentOf(id: string): Promise<{ patientId: string; status: string }> {
    const response = await t.app.api.inject({
      method: 'GET',
      url: `/api/v1/appointments/${id}`,
      headers: bearer(staff),
    });
    expect(response.statusCode, response.body).toBe(200);
    return response.json();
  }

  async function identify(admissionId: string, patientId: string) {
    return t.app.api.inject({
      method: 'POST',
      url: `/api/v1/admissions/${admissionId}/identify`,
      headers: bearer(staff),
      payload: { patientId },
    });
  }

  it('admits an unknown patient as a temporary "Unknown" record with an estimated date of birth', async () => {
    const arrivedAt = new Date(Date.now() - 10 * 60_000);
    arrivedAt.setUTCSeconds(0, 0);
    const admission = await admitUnknown(40, arrivedAt.toISOString());
    const local = new Intl.DateTimeFormat('sv-SE', {
      timeZone: 'Europe/Berlin',
      dateStyle: 'short',
      timeStyle: 'short',
    }).format(arrivedAt);
    expect(admission.patient.name).toMatch(new RegExp(`^Unknown ${local} #\\d+$`));
    expect(admission.patient).toMatchObject({ unidentified: true, dateOfBirthEstimated: true, sex: 'male' });
    const localDate = local.slice(0, 10);
    // 40 years back from a leap year is a leap year, so the month and day carry over unchanged.
    expect(admission.patient.dateOfBirth).toBe(`${Number(localDate.slice(0, 4)) - 40}${localDate.slice(4)}`);
    const second = await admitUnknown(25);
    expect(second.patient.name).not.toBe(admission.patient.name);
    const search = await t.app.api.inject({
      method: 'GET',
      url: '/api/v1/patients?q=unknown',
      headers: bearer(staff),
    });
    expect(search.json().items.map((item: { id: string }) => item.id)).toContain(admission.patient.id);
    expect(await auditActions(t, admission.patient.id)).toEqual([
      'UNIDENTIFIED_PATIENT_REGISTERED',
      'ADMISSION_CREATED',
    ]);
    const record = await t.app.api.inject({
      method: 'GET',
      url: `/api/v1/patients/${admission.patient.id}`,
      headers: bearer(staff),
    });
    expect(record.json()).toMatchObject({
      unidentified: true,
      dateOfBirthEstimated: true,
      mergedIntoPatientId: null,
    });
  });

  it('identifies the patient: admission and history move to the registered record, the temporary one is archived', async () => {
    const admission = await admitUnknown(60);
    const temporaryId = admission.patient.id;
    // The emergency doctor looks after the unknown patient; the membership moves on identification.
    await putInCare(t, doctor, temporaryId);
    const note = await t.app.api.inject({
      method: 'POST',
      url: `/api/v1/patients/${temporaryId}/history`,
      headers: bearer(doctor),
      payload: { type: 'clinical_note', text: 'GCS 8 on arrival' },
    });
    expect(note.statusCode).toBe(201);
    // A photo taken on arrival, to help identify him: it stays his once he is known.
    const { payload, contentType } = multipartBody([
      { name: 'file', filename: 'arrival.png', contentType: 'image/png', data: PNG_1X1 },
    ]);
    const photo = await t.app.api.inject({
      method: 'PUT',
      url: `/api/v1/patients/${temporaryId}/photo`,
      headers: { ...bearer(staff), 'content-type': contentType },
      payload,
    });
    expect(photo.statusCode, photo.body).toBe(201);
    // A follow-up booked under the temporary record before anyone knew who he was.
    const followUp = await book(temporaryId, '2030-07-17T09:00:00Z', '2030-07-17T09:30:00Z');
    const registered = await registerPatient(t, staff, {
      name: 'Walter Wanderer',
      dateOfBirth: '1964-03-03',
    });

    const identified = await identify(admission.id, registered.id);
    expect(identified.statusCode).toBe(200);
    expect(identified.json().patient).toMatchObject({
      id: registered.id,
      mrn: registered.mrn,
      unidentified: false,
    });
    expect(identified.json().status).toBe('admitted');

    const history = await t.app.api.inject({
      method: 'GET',
      url: `/api/v1/patients/${registered.id}/history`,
      headers: bearer(doctor),
    });
    expect(history.json().items.map((item: { id: string }) => item.id)).toEqual([note.json().id]);
    // What is left on the temporary record is read under a care relationship with that record.
    await putInCare(t, doctor, temporaryId);
    const leftBehind = await t.app.api.inject({
      method: 'GET',
      url: `/api/v1/patients/${temporaryId}/history`,
      headers: bearer(doctor),
    });
    expect(leftBehind.json().items).toEqual([]);

    const temporary = await t.app.api.inject({
      method: 'GET',
      url: `/api/v1/patients/${temporaryId}`,
      headers: bearer(staff),
    });
    expect(temporary.json()).toMatchObject({
      archived: true,
      unidentified: true,
      mergedIntoPatientId: registered.id,
    });
    const merged = await t.database.db.query<{ merged: string }>(
      'SELECT merged_into_patient_id AS merged FROM patients WHERE id = $1',
      [temporaryId],
    );
    expect(merged.rows[0]!.merged).toBe(registered.id);
    const target = await t.app.api.inject({
      method: 'GET',
      url: `/api/v1/patients/${registered.id}`,
      headers: bearer(staff),
    });
    expect(target.json()).toMatchObject({ unidentified: false, mergedIntoPatientId: null });
    const byPatient = await t.app.api.inject({
      method: 'GET',
      url: `/api/v1/admissions?patientId=${registered.id}`,
      headers: bearer(staff),
    });
    expect(byPatient.json().items.map((item: { id: string }) => item.id)).toEqual([admission.id]);

    expect(await appointmentOf(followUp.id)).toMatchObject({ patientId: registered.id, status: 'scheduled' });
    const appointments = await t.app.api.inject({
      method: 'GET',
      url: `/api/v1/appointments?patientId=${temporaryId}`,
      headers: bearer(staff),
    });
    expect(appointments.json().items).toEqual([]);

    const documents = await t.app.api.inject({
      method: 'GET',
      url: `/api/v1/patients/${registered.id}/documents`,
      headers: bearer(staff),
    });
    expect(documents.json().items.map((item: { id: string }) => item.id)).toEqual([photo.json().id]);
    const current = await t.app.api.inject({
      method: 'GET',
      url: `/api/v1/patients/${registered.id}/photo`,
      headers: bearer(staff),
    });
    expect(current.statusCode).toBe(200);

    expect(await auditActions(t, registered.id)).toEqual(
      expect.arrayContaining([
        'HISTORY_ENTRIES_REASSIGNED',
        'DOCUMENTS_REASSIGNED',
        'APPOINTMENTS_REASSIGNED',
        'ADMISSION_PATIENT_IDENTIFIED',
      ]),
    );
    expect(await auditActions(t, temporaryId)).toContain('PATIENT_MERGED');
    const audited = await t.database.db.query<{ action: string; details: any }>(
      `SELECT action, details FROM audit_events
        WHERE action IN ('APPOINTMENTS_REASSIGNED', 'PATIENT_MERGED') AND patient_id IN ($1, $2)`,
      [registered.id, temporaryId],
    );
    const detailsOf = (action: string) => audited.rows.find((row) => row.action === action)?.details;
    expect(detailsOf('APPOINTMENTS_REASSIGNED')).toEqual({
      fromPatientId: temporaryId,
      appointmentIds: [followUp.id],
    });
    expect(detailsOf('PATIENT_MERGED').moved).toMatchObject({ appointments: 1, admissions: 1 });
    const writeToMerged = await t.app.api.inject({
      method: 'POST',
      url: `/api/v1/patients/${temporaryId}/history`,
      headers: bearer(doctor),
      payload: { type: 'clinical_note', text: 'too late' },
    });
    expect(writeToMerged.statusCode).toBe(409);
  });

  it('refuses to identify twice, a registered patient, an unknown record as target, or a missing patient', async () => {
    const admission = await admitUnknown(30);
    const registered = await registerPatient(t, staff);
    const unknownTarget = await admitUnknown(31);
    expect((await identify(admission.id, unknownTarget.patient.id)).statusCode).toBe(409);
    const missing = await identify(admission.id, '00000000-0000-4000-8000-000000000000');
    expect(missing.statusCode).toBe(400);
    expect(missing.json().errors[0].field).toBe('patientId');
    expect((await identify(admission.id, registered.id)).statusCode).toBe(200);
    const again = await identify(admission.id, registered.id);
    expect(again.statusCode).toBe(409);
    expect(again.headers['content-type']).toContain('application/problem+json');
  });

  it('refuses to identify as a patient who is already admitted while both admissions are open', async () => {
    const registered = await registerPatient(t, staff);
    const open = await t.app.api.inject({
      method: 'POST',
      url: '/api/v1/admissions',
      headers: bearer(staff),
      payload: { patientId: registered.id, triagePriority: 3, chiefComplaint: 'Already here' },
    });
    expect(open.statusCode).toBe(201);
    const unknown = await admitUnknown(50);
    expect((await identify(unknown.id, registered.id)).statusCode).toBe(409);
    const stillUnknown = await t.app.api.inject({
      method: 'GET',
      url: `/api/v1/admissions/${unknown.id}`,
      headers: bearer(staff),
    });
    expect(stillUnknown.json().patient.id).toBe(unknown.patient.id);
    await t.app.api.inject({
      method: 'POST',
      url: `/api/v1/admissions/${unknown.id}/discharge`,
      headers: bearer(staff),
      payload: {},
    });
    expect((await identify(unknown.id, registered.id)).statusCode).toBe(200);
  });

  it('refuses, changing nothing, while the two records have overlapping active appointments', async () => {
    const registered = await registerPatient(t, staff);
    const unknown = await admitUnknown(45);
    const kept = await book(registered.id, '2030-07-18T09:00:00Z', '2030-07-18T10:00:00Z');
    const clash = await book(unknown.patient.id, '2030-07-18T09:30:00Z', '2030-07-18T10:00:00Z', 1);

    const refused = await identify(unknown.id, registered.id);
    expect(refused.statusCode).toBe(409);
    expect(refused.json().detail).toContain(clash.id);
    expect(refused.json().detail).toContain('identify the patient again');
    expect((await appointmentOf(clash.id)).patientId).toBe(unknown.patient.id);
    expect((await appointmentOf(kept.id)).patientId).toBe(registered.id);
    const stillUnknown = await t.app.api.inject({
      method: 'GET',
      url: `/api/v1/admissions/${unknown.id}`,
      headers: bearer(staff),
    });
    expect(stillUnknown.json().patient.id).toBe(unknown.patient.id);

    // The duplicate booking cancelled, the identification goes through and the cancelled one moves too.
    const cancelled = await t.app.api.inject({
      method: 'POST',
      url: `/api/v1/appointments/${clash.id}/cancel`,
      headers: bearer(staff),
      payload: {},
    });
    expect(cancelled.statusCode, cancelled.body).toBe(200);
    expect((await identify(unknown.id, registered.id)).statusCode).toBe(200);
    expect(await appointmentOf(clash.id)).toMatchObject({ patientId: registered.id, status: 'cancelled' });
  });
});
