import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DATABASE_KINDS } from '../../../tests/support/databases.js';
import {
  bookAppointment,
  createDepartment,
  createDoctor,
  createPatient,
} from '../../../tests/support/scheduling-factories.js';
import { buildTestApp, type TestApp } from '../../../tests/support/test-app.js';

const JULY_15 = 'from=2030-07-15T00:00:00%2B02:00&to=2030-07-16T00:00:00%2B02:00';

describe.each(DATABASE_KINDS)('free slots on %s', (kind) => {
  let t: TestApp;
  let admin: string;
  let staff: string;

  beforeAll(async () => {
    t = await buildTestApp(kind, { 'hospital.timezone': 'Europe/Berlin' });
    admin = await t.adminToken();
    staff = await t.userToken('staff');
  });
  afterAll(async () => t?.close());

  const slots = async (query: string) => {
    const response = await t.app.api.inject({
      method: 'GET',
      url: `/api/v1/appointments/free-slots?${query}`,
      headers: { authorization: `Bearer ${staff}` },
    });
    expect(response.statusCode, response.body).toBe(200);
    return response.json();
  };
  const starts = (page: { items: { start: string }[] }): string[] => page.items.map((slot) => slot.start);

  it("lays the doctor's slotMinutes over 08:00-17:00 Berlin and leaves booked slots out", async () => {
    const department = await createDepartment(t, admin);
    const doctor = await createDoctor(t, admin, department.id, { slotMinutes: 30 });
    const all = await slots(`doctorId=${doctor.id}&${JULY_15}&limit=500`);
    expect(all.total).toBe(18);
    expect(all.items[0]).toEqual({
      doctorId: doctor.id,
      doctorName: doctor.name,
      start: '2030-07-15T06:00:00.000Z',
      end: '2030-07-15T06:30:00.000Z',
    });
    expect(all.items.at(-1).start).toBe('2030-07-15T14:30:00.000Z');

    const patient = await createPatient(t, admin);
    const booked = await bookAppointment(t, staff, {
      patientId: patient.id,
      doctorId: doctor.id,
      start: '2030-07-15T06:30:00Z',
      end: '2030-07-15T07:00:00Z',
    });
    expect(booked.statusCode).toBe(201);
    // An off-grid booking blocks every slot it touches.
    const other = await createPatient(t, admin);
    await bookAppointment(t, staff, {
      patientId: other.id,
      doctorId: doctor.id,
      start: '2030-07-15T09:10:00Z',
      end: '2030-07-15T09:40:00Z',
    });
    const free = await slots(`doctorId=${doctor.id}&${JULY_15}&limit=500`);
    expect(free.total).toBe(15);
    expect(starts(free)).not.toContain('2030-07-15T06:30:00.000Z');
    expect(starts(free)).not.toContain('2030-07-15T09:00:00.000Z');
    expect(starts(free)).not.toContain('2030-07-15T09:30:00.000Z');
    expect(starts(free)).toContain('2030-07-15T10:00:00.000Z');

    // A cancelled booking gives its slot back.
    await t.app.api.inject({
      method: 'POST',
      url: `/api/v1/appointments/${booked.json().id}/cancel`,
      headers: { authorization: `Bearer ${staff}` },
    });
    expect(starts(await slots(`doctorId=${doctor.id}&${JULY_15}&limit=500`))).toContain(
      '2030-07-15T06:30:00.000Z',
    );

    const page = await slots(`doctorId=${doctor.id}&${JULY_15}&limit=2&offset=1`);
    expect(page).toMatchObject({ total: 16, limit: 2, offset: 1 });
    expect(starts(page)).toEqual(['2030-07-15T06:30:00.000Z', '2030-07-15T07:00:00.000Z']);
  });

  it('offers nothing on leave, nothing at weekends, and the extra session of a Saturday', async () => {
    const department = await createDepartment(t, admin);
    const doctor = await createDoctor(t, admin, department.id, { slotMinutes: 60 });
    const exceptions = `/api/v1/doctors/${doctor.id}/exceptions`;
    for (const payload of [
      { date: '2030-07-15', kind: 'unavailable' },
      { date: '2030-07-20', kind: 'extra', start: '10:00', end: '12:00' },
    ]) {
      await t.app.api.inject({
        method: 'POST',
        url: exceptions,
        headers: { authorization: `Bearer ${admin}` },
        payload,
      });
    }
    expect((await slots(`doctorId=${doctor.id}&${JULY_15}`)).total).toBe(0);
    const weekend = await slots(`doctorId=${doctor.id}&from=2030-07-20T00:00:00Z&to=2030-07-22T00:00:00Z`);
    expect(starts(weekend)).toEqual(['2030-07-20T08:00:00.000Z', '2030-07-20T09:00:00.000Z']);
  });

  it('counts real hours across DST: a 00:00-06:00 Sunday shift has 5 hourly slots in spring, 7 in autumn', async () => {
    const department = await createDepartment(t, admin);
    const doctor = await createDoctor(t, admin, department.id, {
      slotMinutes: 60,
      workingHours: [{ weekday: 7, start: '00:00', end: '06:00' }],
    });
    const spring = await slots(`doctorId=${doctor.id}&from=2030-03-30T12:00:00Z&to=2030-03-31T12:00:00Z`);
    expect(starts(spring)).toEqual([
      '2030-03-30T23:00:00.000Z',
      '2030-03-31T00:00:00.000Z',
      '2030-03-31T01:00:00.000Z',
      '2030-03-31T02:00:00.000Z',
      '2030-03-31T03:00:00.000Z',
    ]);
    const autumn = await slots(`doctorId=${doctor.id}&from=2030-10-26T12:00:00Z&to=2030-10-27T12:00:00Z`);
    expect(autumn.total).toBe(7);
    expect(autumn.items[0].start).toBe('2030-10-26T22:00:00.000Z');
    expect(autumn.items.at(-1).end).toBe('2030-10-27T05:00:00.000Z');

    // Booking agrees with the finder: 03:00 CEST exists, and 06:00 local is past the shift.
    const patient = await createPatient(t, admin);
    const book = (start: string, end: string) =>
      bookAppointment(t, staff, { patientId: patient.id, doctorId: doctor.id, start, end });
    expect((await book('2030-03-31T01:00:00Z', '2030-03-31T02:00:00Z')).statusCode).toBe(201);
    expect((await book('2030-03-31T04:00:00Z', '2030-03-31T05:00:00Z')).statusCode).toBe(422);
  });

  it('finds the slots of every active doctor of a department, earliest first', async () => {
    const department = await createDepartment(t, admin);
    const first = await createDoctor(t, admin, department.id, { slotMinutes: 60, name: 'Dr Alpha Slots' });
    const second = await createDoctor(t, admin, department.id, { slotMinutes: 60, name: 'Dr Beta Slots' });
    const archived = await createDoctor(t, admin, department.id, { slotMinutes: 60 });
    await t.app.api.inject({
      method: 'POST',
      url: `/api/v1/doctors/${archived.id}/archive`,
      headers: { authorization: `Bearer ${admin}` },
    });
    const found = await slots(`departmentId=${department.id}&${JULY_15}&limit=500`);
    expect(found.total).toBe(18);
    expect(found.items.slice(0, 2).map((slot: { doctorId: string }) => slot.doctorId)).toEqual([
      first.id,
      second.id,
    ]);
    expect(new Set(found.items.map((slot: { doctorId: string }) => slot.doctorId))).toEqual(
      new Set([first.id, second.id]),
    );
  });

  it('leaves out the past and refuses an unclear or too long search', async () => {
    const department = await createDepartment(t, admin);
    const doctor = await createDoctor(t, admin, department.id);
    const past = await slots(`doctorId=${doctor.id}&from=2020-01-06T00:00:00Z&to=2020-01-07T00:00:00Z`);
    expect(past.total).toBe(0);
    const bad = (query: string) =>
      t.app.api.inject({
        method: 'GET',
        url: `/api/v1/appointments/free-slots?${query}`,
        headers: { authorization: `Bearer ${staff}` },
      });
    expect((await bad(`${JULY_15}`)).statusCode).toBe(400);
    expect((await bad(`doctorId=${doctor.id}&departmentId=${department.id}&${JULY_15}`)).statusCode).toBe(
      400,
    );
    expect(
      (await bad(`doctorId=${doctor.id}&from=2030-07-01T00:00:00Z&to=2030-08-15T00:00:00Z`)).statusCode,
    ).toBe(400);
    expect(
      (await bad(`doctorId=${doctor.id}&from=2030-07-02T00:00:00Z&to=2030-07-01T00:00:00Z`)).statusCode,
    ).toBe(400);
  });
});
