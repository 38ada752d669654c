import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DATABASE_KINDS } from '../../../tests/support/databases.js';
import {
  bookAppointment,
  createDepartment,
  createDoctor,
  createPatient,
} from '../../../tests/support/scheduling-factories.js';
import { buildTestApp, type TestApp } from '../../../tests/support/test-app.js';

describe.each(DATABASE_KINDS)('listing a department calendar on %s', (kind) => {
  let t: TestApp;
  let admin: string;
  let staff: string;

  beforeAll(async () => {
    t = await buildTestApp(kind, { 'hospital.timezone': 'Europe/Berlin' });
    admin = await t.adminToken();
    staff = await t.userToken('staff');
  });
  afterAll(async () => t?.close());

  it("lists the appointments of the department's doctors only", async () => {
    const cardiology = await createDepartment(t, admin);
    const dermatology = await createDepartment(t, admin);
    const first = await createDoctor(t, admin, cardiology.id);
    const second = await createDoctor(t, admin, cardiology.id);
    const elsewhere = await createDoctor(t, admin, dermatology.id);
    const patient = await createPatient(t, admin);
    const other = await createPatient(t, admin);
    const third = await createPatient(t, admin);
    const bookings = [
      { doctor: first, patient, start: '2030-07-15T09:00:00+02:00', end: '2030-07-15T09:30:00+02:00' },
      {
        doctor: second,
        patient: other,
        start: '2030-07-15T09:00:00+02:00',
        end: '2030-07-15T09:30:00+02:00',
      },
      {
        doctor: elsewhere,
        patient: third,
        start: '2030-07-15T09:00:00+02:00',
        end: '2030-07-15T09:30:00+02:00',
      },
      { doctor: first, patient, start: '2030-07-16T09:00:00+02:00', end: '2030-07-16T09:30:00+02:00' },
    ];
    for (const booking of bookings) {
      const response = await bookAppointment(t, staff, {
        patientId: booking.patient.id,
        doctorId: booking.doctor.id,
        start: booking.start,
        end: booking.end,
      });
      expect(response.statusCode, response.body).toBe(201);
    }

    const response = await t.app.api.inject({
      method: 'GET',
      url: `/api/v1/appointments?departmentId=${cardiology.id}&date=2030-07-15`,
      headers: { authorization: `Bearer ${staff}` },
    });
    expect(response.statusCode, response.body).toBe(200);
    const page = response.json();
    expect(page.total).toBe(2);
    expect(page.items.map((item: { doctorId: string }) => item.doctorId).sort()).toEqual(
      [first.id, second.id].sort(),
    );

    const audit = await t.database.db.query<{ details: { departmentId?: string } }>(
      `SELECT details FROM audit_events WHERE action = 'APPOINTMENTS_LISTED' ORDER BY id DESC LIMIT 1`,
    );
    expect(audit.rows[0]?.details.departmentId).toBe(cardiology.id);
  });
});
