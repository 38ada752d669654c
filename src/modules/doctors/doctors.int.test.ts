import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DATABASE_KINDS } from '../../../tests/support/databases.js';
import { createDepartment, createDoctor, unique } from '../../../tests/support/scheduling-factories.js';
import { buildTestApp, type TestApp } from '../../../tests/support/test-app.js';

const WEEKDAYS_8_TO_17 = [1, 2, 3, 4, 5].map((weekday) => ({ weekday, start: '08:00', end: '17:00' }));

describe.each(DATABASE_KINDS)('doctors on %s', (kind) => {
  let t: TestApp;
  let admin: string;
  let staff: string;
  let department: any;

  beforeAll(async () => {
    t = await buildTestApp(kind, { 'hospital.timezone': 'Europe/Berlin' });
    admin = await t.adminToken();
    staff = await t.userToken('staff');
    department = await createDepartment(t, admin, { name: 'Internal Medicine' });
  });
  afterAll(async () => t?.close());

  const request = (
    method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE',
    url: string,
    token: string,
    payload?: unknown,
    headers: Record<string, string> = {},
  ) =>
    t.app.api.inject({
      method,
      url,
      headers: { authorization: `Bearer ${token}`, ...headers },
      ...(payload === undefined ? {} : { payload: payload as Record<string, unknown> }),
    });

  it('registers a doctor from the smallest body, working Monday-Friday 08:00-17:00 by default', async () => {
    const body = {
      name: 'Dr Ada Lovelace',
      licenseNumber: unique('MD-'),
      specialization: 'Cardiology',
      departmentId: department.id,
    };
    const created = await request('POST', '/api/v1/doctors', admin, body);
    expect(created.statusCode, created.body).toBe(201);
    expect(created.json()).toMatchObject({ ...body, slotMinutes: 15, archived: false, version: 1 });

    const hours = await request('GET', `/api/v1/doctors/${created.json().id}/working-hours`, staff);
    expect(hours.statusCode).toBe(200);
    expect(hours.json()).toEqual({
      doctorId: created.json().id,
      timeZone: 'Europe/Berlin',
      hours: WEEKDAYS_8_TO_17,
    });
  });

  it('refuses a second doctor with the same licence number with 409', async () => {
    const licenseNumber = unique('DUP-');
    await createDoctor(t, admin, department.id, { licenseNumber });
    const again = await request('POST', '/api/v1/doctors', admin, {
      name: 'Dr Copy',
      licenseNumber,
      specialization: 'Surgery',
      departmentId: department.id,
    });
    expect(again.statusCode).toBe(409);
    expect(again.json().detail).toContain(licenseNumber);
  });

  it('refuses an unknown department with 422 and a doctor record change by a staff user with 403', async () => {
    const unknown = await request('POST', '/api/v1/doctors', admin, {
      name: 'Dr Nowhere',
      licenseNumber: unique('NW-'),
      specialization: 'Surgery',
      departmentId: '00000000-0000-4000-8000-000000000000',
    });
    expect(unknown.statusCode).toBe(422);
    const forbidden = await request('POST', '/api/v1/doctors', staff, {
      name: 'Dr Staff',
      licenseNumber: unique('ST-'),
      specialization: 'Surgery',
      departmentId: department.id,
    });
    expect(forbidden.statusCode).toBe(403);
  });

  it('takes working hours with breaks, and refuses overlapping or empty intervals naming them', async () => {
    const doctor = await createDoctor(t, admin, department.id);
    const url = `/api/v1/doctors/${doctor.id}/working-hours`;
    const withBreak = [
      { weekday: 2, start: '13:00', end: '18:00' },
      { weekday: 2, start: '08:00', end: '12:00' },
      { weekday: 6, start: '20:00', end: '24:00' },
    ];
    const replaced = await request('PUT', url, admin, { hours: withBreak });
    expect(replaced.statusCode, replaced.body).toBe(200);
    expect(replaced.json().hours).toEqual([
      { weekday: 2, start: '08:00', end: '12:00' },
      { weekday: 2, start: '13:00', end: '18:00' },
      { weekday: 6, start: '20:00', end: '24:00' },
    ]);

    const overlapping = await request('PUT', url, admin, {
      hours: [
        { weekday: 1, start: '08:00', end: '12:00' },
        { weekday: 1, start: '11:30', end: '15:00' },
      ],
    });
    expect(overlapping.statusCode).toBe(400);
    expect(overlapping.json().errors).toEqual([
      { field: 'hours.1', message: 'overlaps Monday 08:00-12:00 (hours.0)' },
    ]);
    const backwards = await request('PUT', url, admin, {
      hours: [{ weekday: 1, start: '12:00', end: '08:00' }],
    });
    expect(backwards.statusCode).toBe(400);
    const badTime = await request('PUT', url, admin, {
      hours: [{ weekday: 1, start: '8:00', end: '25:00' }],
    });
    expect(badTime.statusCode).toBe(400);

    expect((await request('GET', url, staff)).json().hours).toHaveLength(3);
  });

  it('records dated leave (whole day or partial) and extra sessions, and removes them', async () => {
    const doctor = await createDoctor(t, admin, department.id);
    const url = `/api/v1/doctors/${doctor.id}/exceptions`;
    const leave = await request('POST', url, admin, {
      date: '2030-07-15',
      kind: 'unavailable',
      reason: 'Annual leave',
    });
    expect(leave.statusCode, leave.body).toBe(201);
    expect(leave.json()).toMatchObject({ date: '2030-07-15', kind: 'unavailable', start: null, end: null });
    const partial = await request('POST', url, admin, {
      date: '2030-07-16',
      kind: 'unavailable',
      start: '12:00',
      end: '14:00',
    });
    expect(partial.statusCode).toBe(201);
    const extra = await request('POST', url, admin, {
      date: '2030-07-20',
      kind: 'extra',
      start: '09:00',
      end: '12:00',
    });
    expect(extra.json()).toMatchObject({ kind: 'extra', start: '09:00', end: '12:00' });

    expect((await request('POST', url, admin, { date: '2030-07-21', kind: 'extra' })).statusCode).toBe(400);
    expect(
      (await request('POST', url, admin, { date: '2030-07-21', kind: 'unavailable', start: '10:00' }))
        .statusCode,
    ).toBe(400);

    const listed = await request('GET', `${url}?from=2030-07-01&to=2030-07-31`, staff);
    expect(listed.json().items.map((item: { date: string }) => item.date)).toEqual([
      '2030-07-15',
      '2030-07-16',
      '2030-07-20',
    ]);
    expect((await request('DELETE', `${url}/${partial.json().id}`, admin)).statusCode).toBe(204);
    expect((await request('DELETE', `${url}/${partial.json().id}`, admin)).statusCode).toBe(404);
    const after = await request('GET', `${url}?from=2030-07-01&to=2030-07-31`, staff);
    expect(after.json().items).toHaveLength(2);
  });

  it('searches by part of the name, by specialization and by department', async () => {
    const other = await createDepartment(t, admin, { name: 'Neurology' });
    const neurologist = await createDoctor(t, admin, other.id, {
      name: 'Dr Oliver Sacks-Zeta',
      specialization: 'Neurology',
    });
    const byName = await request('GET', '/api/v1/doctors?q=sacks-ZETA', staff);
    expect(byName.json().items.map((d: { id: string }) => d.id)).toEqual([neurologist.id]);
    const bySpecialization = await request('GET', '/api/v1/doctors?specialization=neuro', staff);
    expect(bySpecialization.json().items.map((d: { id: string }) => d.id)).toContain(neurologist.id);
    const byDepartment = await request('GET', `/api/v1/doctors?departmentId=${other.id}`, staff);
    expect(byDepartment.json()).toMatchObject({ total: 1, items: [{ id: neurologist.id }] });
    const wildcard = await request('GET', '/api/v1/doctors?q=%25', staff);
    expect(wildcard.json().total).toBe(0);
  });

  it('updates with If-Match (412 when stale), archives, and keeps archived doctors out of searches', async () => {
    const doctor = await createDoctor(t, admin, department.id, { name: 'Dr Archivable Xi' });
    const url = `/api/v1/doctors/${doctor.id}`;
    const updated = await request('PATCH', url, admin, { slotMinutes: 30 }, { 'if-match': '"1"' });
    expect(updated.statusCode).toBe(200);
    expect(updated.json()).toMatchObject({ slotMinutes: 30, version: 2 });
    expect(updated.headers['etag']).toBe('"2"');
    const stale = await request('PATCH', url, admin, { slotMinutes: 20 }, { 'if-match': '"1"' });
    expect(stale.statusCode).toBe(412);

    expect((await request('POST', `${url}/archive`, admin)).json().archived).toBe(true);
    const search = await request('GET', '/api/v1/doctors?q=archivable', staff);
    expect(search.json().total).toBe(0);
    const audit = await t.database.db.query<{ action: string }>(
      'SELECT action FROM audit_events WHERE entity_id = $1 ORDER BY id',
      [doctor.id],
    );
    expect(audit.rows.map((row) => row.action)).toEqual([
      'DOCTOR_CREATED',
      'DOCTOR_UPDATED',
      'DOCTOR_ARCHIVED',
    ]);
  });

  it('links a doctor to a user account only once', async () => {
    const users = await request('GET', '/api/v1/users', admin);
    const user = users.json().items.find((item: { role: string }) => item.role === 'staff');
    await createDoctor(t, admin, department.id, { userId: user.id });
    const second = await request('POST', '/api/v1/doctors', admin, {
      name: 'Dr Second Link',
      licenseNumber: unique('LK-'),
      specialization: 'Surgery',
      departmentId: department.id,
      userId: user.id,
    });
    expect(second.statusCode).toBe(409);
    expect(second.json().detail).toMatch(/user account/);
  });

  it('creates a doctor with the working hours given instead of the default', async () => {
    const doctor = await createDoctor(t, admin, department.id, {
      workingHours: [{ weekday: 7, start: '00:00', end: '06:00' }],
    });
    const hours = await request('GET', `/api/v1/doctors/${doctor.id}/working-hours`, staff);
    expect(hours.json().hours).toEqual([{ weekday: 7, start: '00:00', end: '06:00' }]);
  });
});
