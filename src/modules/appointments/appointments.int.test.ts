import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DATABASE_KINDS } from '../../../tests/support/databases.js';
import {
  bookAppointment,
  createDoctor,
  createPatient,
  schedulingFixture,
} from '../../../tests/support/scheduling-factories.js';
import { buildTestApp, type TestApp } from '../../../tests/support/test-app.js';

// Europe/Berlin: 2030-07-15 is a Monday in summer time (UTC+2), 2030-01-14 a Monday in winter (UTC+1).
describe.each(DATABASE_KINDS)('booking appointments on %s', (kind) => {
  let t: TestApp;
  let admin: string;
  let staff: string;

  beforeAll(async () => {
    t = await buildTestApp(kind, { 'hospital.timezone': 'Europe/Berlin' });
    admin = await t.adminToken();
    staff = await t.userToken('staff');
  });
  afterAll(async () => t?.close());

  const get = (url: string, token = staff) =>
    t.app.api.inject({ method: 'GET', url, headers: { authorization: `Bearer ${token}` } });

  it('books a slot in working hours: 201 with the record, its history and an audit event for the patient', async () => {
    const { doctor, patient } = await schedulingFixture(t, admin);
    const booked = await bookAppointment(t, staff, {
      patientId: patient.id,
      doctorId: doctor.id,
      start: '2030-07-15T09:00:00+02:00',
      end: '2030-07-15T09:30:00+02:00',
      reason: 'Follow-up of blood pressure',
    });
    expect(booked.statusCode, booked.body).toBe(201);
    const appointment = booked.json();
    expect(appointment).toMatchObject({
      patientId: patient.id,
      patientName: patient.name,
      doctorId: doctor.id,
      doctorName: doctor.name,
      start: '2030-07-15T07:00:00.000Z',
      end: '2030-07-15T07:30:00.000Z',
      status: 'scheduled',
      reason: 'Follow-up of blood pressure',
      overbooked: false,
      version: 1,
    });
    expect(booked.headers['location']).toBe(`/api/v1/appointments/${appointment.id}`);

    const read = await get(`/api/v1/appointments/${appointment.id}`);
    expect(read.statusCode).toBe(200);
    expect(read.headers['etag']).toBe('"1"');
    const audit = await t.database.db.query<{ action: string; patient_id: string }>(
      'SELECT action, patient_id FROM audit_events WHERE entity_id = $1 ORDER BY id',
      [appointment.id],
    );
    expect(audit.rows).toEqual([
      { action: 'APPOINTMENT_BOOKED', patient_id: patient.id },
      { action: 'APPOINTMENT_VIEWED', patient_id: patient.id },
    ]);
    const lines = await t.logLines('audit');
    const line = lines.find(
      (entry) => entry.includes(appointment.id) && /\bAPPOINTMENT_BOOKED\b/.test(entry),
    );
    expect(line).toBeDefined();
    expect(line).not.toContain('blood pressure');
  });

  it('places 08:00-17:00 in hospital.timezone on the right UTC hours in summer and in winter', async () => {
    const { doctor } = await schedulingFixture(t, admin);
    const attempt = async (start: string, end: string): Promise<number> => {
      const patient = await createPatient(t, admin);
      return (await bookAppointment(t, staff, { patientId: patient.id, doctorId: doctor.id, start, end }))
        .statusCode;
    };
    // 06:00Z is 08:00 in Berlin in July but 07:00 in January.
    expect(await attempt('2030-07-15T06:00:00Z', '2030-07-15T06:30:00Z')).toBe(201);
    expect(await attempt('2030-01-14T06:00:00Z', '2030-01-14T06:30:00Z')).toBe(422);
    expect(await attempt('2030-01-14T07:00:00Z', '2030-01-14T07:30:00Z')).toBe(201);
    // 15:00Z is 17:00 in July (closed) but 16:00 in January (open).
    expect(await attempt('2030-07-15T15:00:00Z', '2030-07-15T15:30:00Z')).toBe(422);
    expect(await attempt('2030-01-14T15:00:00Z', '2030-01-14T15:30:00Z')).toBe(201);
    expect(await attempt('2030-07-15T14:45:00Z', '2030-07-15T15:15:00Z')).toBe(422);
    // Saturday.
    expect(await attempt('2030-07-20T09:00:00Z', '2030-07-20T09:30:00Z')).toBe(422);
    // The Monday after the spring change (2030-03-31) is in summer time already.
    expect(await attempt('2030-04-01T06:00:00Z', '2030-04-01T06:15:00Z')).toBe(201);
    expect(await attempt('2030-03-25T06:00:00Z', '2030-03-25T06:15:00Z')).toBe(422);
  });

  it('refuses with 409 a second booking of the doctor, or of the patient, at an overlapping time', async () => {
    const { department, doctor, patient } = await schedulingFixture(t, admin);
    const otherDoctor = await createDoctor(t, admin, department.id);
    const otherPatient = await createPatient(t, admin);
    const slot = { start: '2030-07-16T10:00:00+02:00', end: '2030-07-16T10:30:00+02:00' };
    expect(
      (await bookAppointment(t, staff, { patientId: patient.id, doctorId: doctor.id, ...slot })).statusCode,
    ).toBe(201);

    const doctorBusy = await bookAppointment(t, staff, {
      patientId: otherPatient.id,
      doctorId: doctor.id,
      start: '2030-07-16T10:15:00+02:00',
      end: '2030-07-16T10:45:00+02:00',
    });
    expect(doctorBusy.statusCode).toBe(409);
    expect(doctorBusy.headers['content-type']).toContain('application/problem+json');
    expect(doctorBusy.json().detail).toMatch(/^The doctor already has an appointment/);

    const patientBusy = await bookAppointment(t, staff, {
      patientId: patient.id,
      doctorId: otherDoctor.id,
      start: '2030-07-16T09:45:00+02:00',
      end: '2030-07-16T10:15:00+02:00',
    });
    expect(patientBusy.statusCode).toBe(409);
    expect(patientBusy.json().detail).toMatch(/^The patient already has an appointment/);

    const adjacent = await bookAppointment(t, staff, {
      patientId: otherPatient.id,
      doctorId: doctor.id,
      start: '2030-07-16T10:30:00+02:00',
      end: '2030-07-16T11:00:00+02:00',
    });
    expect(adjacent.statusCode).toBe(201);
    const count = await t.database.db.query<{ n: number }>(
      'SELECT count(*)::int AS n FROM appointments WHERE doctor_id = $1',
      [doctor.id],
    );
    expect(count.rows[0]!.n).toBe(2);
  });

  it('frees the time of a cancelled appointment for a new booking', async () => {
    const { doctor, patient } = await schedulingFixture(t, admin);
    const slot = {
      doctorId: doctor.id,
      start: '2030-07-17T11:00:00+02:00',
      end: '2030-07-17T11:15:00+02:00',
    };
    const first = await bookAppointment(t, staff, { ...slot, patientId: patient.id });
    const cancelled = await t.app.api.inject({
      method: 'POST',
      url: `/api/v1/appointments/${first.json().id}/cancel`,
      headers: { authorization: `Bearer ${staff}` },
      payload: { reason: 'Patient called' },
    });
    expect(cancelled.statusCode, cancelled.body).toBe(200);
    expect(cancelled.json()).toMatchObject({ status: 'cancelled', cancellationReason: 'Patient called' });
    const other = await createPatient(t, admin);
    expect((await bookAppointment(t, staff, { ...slot, patientId: other.id })).statusCode).toBe(201);
  });

  it('keeps leave and extra sessions: 422 on leave, 201 around partial leave and in an extra session', async () => {
    const { doctor } = await schedulingFixture(t, admin);
    const exceptions = `/api/v1/doctors/${doctor.id}/exceptions`;
    const add = (payload: Record<string, unknown>) =>
      t.app.api.inject({
        method: 'POST',
        url: exceptions,
        headers: { authorization: `Bearer ${admin}` },
        payload,
      });
    await add({ date: '2030-07-22', kind: 'unavailable' });
    await add({ date: '2030-07-23', kind: 'unavailable', start: '12:00', end: '14:00' });
    await add({ date: '2030-07-27', kind: 'extra', start: '09:00', end: '12:00' });
    const attempt = async (start: string, end: string): Promise<number> => {
      const patient = await createPatient(t, admin);
      return (await bookAppointment(t, staff, { patientId: patient.id, doctorId: doctor.id, start, end }))
        .statusCode;
    };
    expect(await attempt('2030-07-22T09:00:00+02:00', '2030-07-22T09:30:00+02:00')).toBe(422);
    expect(await attempt('2030-07-23T12:30:00+02:00', '2030-07-23T13:00:00+02:00')).toBe(422);
    expect(await attempt('2030-07-23T11:30:00+02:00', '2030-07-23T12:00:00+02:00')).toBe(201);
    expect(await attempt('2030-07-23T14:00:00+02:00', '2030-07-23T14:30:00+02:00')).toBe(201);
    expect(await attempt('2030-07-27T09:00:00+02:00', '2030-07-27T10:00:00+02:00')).toBe(201);
    expect(await attempt('2030-07-27T11:30:00+02:00', '2030-07-27T12:30:00+02:00')).toBe(422);
  });

  it('overbooks outside working hours only for a role with appointments:overbook that asks, and audits it', async () => {
    const { doctor, patient } = await schedulingFixture(t, admin);
    const evening = {
      patientId: patient.id,
      doctorId: doctor.id,
      start: '2030-07-18T19:00:00+02:00',
      end: '2030-07-18T19:30:00+02:00',
    };
    const plain = await bookAppointment(t, admin, evening);
    expect(plain.statusCode).toBe(422);
    expect(plain.json().detail).toMatch(/outside the doctor's working hours \(Europe\/Berlin\)/);
    expect((await bookAppointment(t, staff, { ...evening, overbook: true })).statusCode).toBe(403);

    const overbooked = await bookAppointment(t, admin, { ...evening, overbook: true });
    expect(overbooked.statusCode, overbooked.body).toBe(201);
    expect(overbooked.json().overbooked).toBe(true);
    const audit = await t.database.db.query<{ action: string; patient_id: string }>(
      'SELECT action, patient_id FROM audit_events WHERE entity_id = $1',
      [overbooked.json().id],
    );
    expect(audit.rows).toEqual([{ action: 'APPOINTMENT_OVERBOOKED', patient_id: patient.id }]);
    expect((await t.logLines('audit')).some((line) => /\bAPPOINTMENT_OVERBOOKED\b/.test(line))).toBe(true);

    // Overbooking bends the hours, never the one-place-at-a-time rule.
    const other = await createPatient(t, admin);
    const clash = await bookAppointment(t, admin, { ...evening, patientId: other.id, overbook: true });
    expect(clash.statusCode).toBe(409);
  });

  it('refuses bad input: end before start, unknown or archived patient, unknown doctor', async () => {
    const { doctor, patient } = await schedulingFixture(t, admin);
    const slot = { start: '2030-07-19T10:00:00+02:00', end: '2030-07-19T10:30:00+02:00' };
    const backwards = await bookAppointment(t, staff, {
      patientId: patient.id,
      doctorId: doctor.id,
      start: slot.end,
      end: slot.start,
    });
    expect(backwards.statusCode).toBe(400);
    expect(backwards.json().errors[0].field).toBe('end');
    const noZone = await bookAppointment(t, staff, {
      patientId: patient.id,
      doctorId: doctor.id,
      start: '2030-07-19T10:00:00',
      end: '2030-07-19T10:30:00',
    });
    expect(noZone.statusCode).toBe(400);
    const ghost = '00000000-0000-4000-8000-000000000000';
    expect(
      (await bookAppointment(t, staff, { patientId: ghost, doctorId: doctor.id, ...slot })).statusCode,
    ).toBe(422);
    expect(
      (await bookAppointment(t, staff, { patientId: patient.id, doctorId: ghost, ...slot })).statusCode,
    ).toBe(422);
    await t.app.api.inject({
      method: 'POST',
      url: `/api/v1/patients/${patient.id}/archive`,
      headers: { authorization: `Bearer ${staff}` },
    });
    const archived = await bookAppointment(t, staff, { patientId: patient.id, doctorId: doctor.id, ...slot });
    expect(archived.statusCode).toBe(422);
    expect(archived.json().detail).toMatch(/archived/);
  });

  it('creates one appointment for a POST repeated with the same Idempotency-Key', async () => {
    const { doctor, patient } = await schedulingFixture(t, admin);
    const body = {
      patientId: patient.id,
      doctorId: doctor.id,
      start: '2030-07-19T08:00:00+02:00',
      end: '2030-07-19T08:30:00+02:00',
    };
    const headers = { 'idempotency-key': `appointment-${kind}-${patient.id}` };
    const first = await bookAppointment(t, staff, body, headers);
    const second = await bookAppointment(t, staff, body, headers);
    expect([first.statusCode, second.statusCode]).toEqual([201, 201]);
    expect(second.json().id).toBe(first.json().id);
    expect(second.headers['idempotent-replayed']).toBe('true');
    const count = await t.database.db.query<{ n: number }>(
      'SELECT count(*)::int AS n FROM appointments WHERE patient_id = $1',
      [patient.id],
    );
    expect(count.rows[0]!.n).toBe(1);
  });

  it('lists by doctor and local day, by patient, by range and status, auditing what it showed', async () => {
    const { doctor, patient } = await schedulingFixture(t, admin, {
      workingHours: [1, 2, 3, 4, 5, 6, 7].map((weekday) => ({ weekday, start: '00:00', end: '24:00' })),
    });
    const other = await createPatient(t, admin);
    const book = async (patientId: string, start: string, end: string): Promise<string> => {
      const response = await bookAppointment(t, staff, { patientId, doctorId: doctor.id, start, end });
      expect(response.statusCode, response.body).toBe(201);
      return response.json().id;
    };
    // 00:30 Berlin on the 16th is still the 15th in UTC: the local day decides.
    const lateNight = await book(patient.id, '2030-07-15T22:30:00Z', '2030-07-15T23:00:00Z');
    const morning = await book(other.id, '2030-07-16T09:00:00+02:00', '2030-07-16T09:30:00+02:00');
    const nextDay = await book(patient.id, '2030-07-17T09:00:00+02:00', '2030-07-17T09:30:00+02:00');
    const ids = (response: { json(): any }): string[] =>
      response.json().items.map((item: { id: string }) => item.id);

    const day = await get(`/api/v1/appointments?doctorId=${doctor.id}&date=2030-07-16`);
    expect(day.statusCode, day.body).toBe(200);
    expect(ids(day)).toEqual([lateNight, morning]);
    expect(day.json().total).toBe(2);

    const byPatient = await get(`/api/v1/appointments?patientId=${patient.id}`);
    expect(ids(byPatient)).toEqual([lateNight, nextDay]);
    const audit = await t.database.db.query<{ details: { patientIds: string[] } }>(
      `SELECT details FROM audit_events WHERE action = 'APPOINTMENTS_LISTED' AND patient_id = $1`,
      [patient.id],
    );
    expect(audit.rows).toHaveLength(1);
    expect(audit.rows[0]!.details.patientIds).toEqual([patient.id]);

    await t.app.api.inject({
      method: 'POST',
      url: `/api/v1/appointments/${morning}/cancel`,
      headers: { authorization: `Bearer ${staff}` },
    });
    const range = `from=2030-07-15T00:00:00Z&to=2030-07-18T00:00:00Z&doctorId=${doctor.id}`;
    expect(ids(await get(`/api/v1/appointments?${range}&status=cancelled`))).toEqual([morning]);
    expect(ids(await get(`/api/v1/appointments?${range}&status=scheduled&status=checked_in`))).toEqual([
      lateNight,
      nextDay,
    ]);
    expect(ids(await get(`/api/v1/appointments?${range}&limit=1&offset=1`))).toEqual([morning]);
    expect((await get(`/api/v1/appointments?status=booked`)).statusCode).toBe(400);
    expect((await get(`/api/v1/appointments?date=2030-07-16&from=2030-07-15T00:00:00Z`)).statusCode).toBe(
      400,
    );
  });
});
