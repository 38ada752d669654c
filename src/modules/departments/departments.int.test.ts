import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DATABASE_KINDS } from '../../../tests/support/databases.js';
import { createDepartment, createDoctor, unique } from '../../../tests/support/scheduling-factories.js';
import { buildTestApp, type TestApp } from '../../../tests/support/test-app.js';

describe.each(DATABASE_KINDS)('departments on %s', (kind) => {
  let t: TestApp;
  let admin: string;
  let staff: string;

  beforeAll(async () => {
    t = await buildTestApp(kind);
    admin = await t.adminToken();
    staff = await t.userToken('staff');
  });
  afterAll(async () => t?.close());

  const request = (
    method: 'GET' | 'POST' | 'PATCH' | 'DELETE',
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

  it('creates a department from code and name, upper-cases the code, and refuses a taken code', async () => {
    const code = unique('card').toLowerCase();
    const created = await request('POST', '/api/v1/departments', admin, { code, name: 'Cardiology' });
    expect(created.statusCode).toBe(201);
    expect(created.json()).toMatchObject({ code: code.toUpperCase(), name: 'Cardiology', archived: false });
    expect(created.headers['etag']).toBe('"1"');

    const again = await request('POST', '/api/v1/departments', admin, { code, name: 'Other' });
    expect(again.statusCode).toBe(409);
    expect(again.json().detail).toContain(code.toUpperCase());

    const audit = await t.database.db.query<{ action: string }>(
      'SELECT action FROM audit_events WHERE entity_id = $1',
      [created.json().id],
    );
    expect(audit.rows.map((row) => row.action)).toEqual(['DEPARTMENT_CREATED']);
  });

  it('lets every role read departments but only admin change them', async () => {
    const department = await createDepartment(t, admin, { name: 'Radiology Read Test' });
    const read = await request('GET', `/api/v1/departments/${department.id}`, staff);
    expect(read.statusCode).toBe(200);
    expect(read.json().name).toBe('Radiology Read Test');
    const refused = await request('POST', '/api/v1/departments', staff, { code: unique('X'), name: 'No' });
    expect(refused.statusCode).toBe(403);
  });

  it('searches by part of the name or the exact code, and hides archived ones unless asked', async () => {
    const department = await createDepartment(t, admin, {
      name: 'Paediatric Oncology',
      location: 'West wing',
      floor: '3',
      phone: '+49 30 1234',
      email: 'onco@example.org',
      operatingHours: 'Mon-Fri 08:00-18:00',
    });
    expect(department).toMatchObject({
      location: 'West wing',
      floor: '3',
      operatingHours: 'Mon-Fri 08:00-18:00',
    });
    const byName = await request('GET', '/api/v1/departments?q=oncolo', staff);
    expect(byName.json().items.map((d: { id: string }) => d.id)).toContain(department.id);
    const byCode = await request('GET', `/api/v1/departments?q=${department.code.toLowerCase()}`, staff);
    expect(byCode.json().items.map((d: { id: string }) => d.id)).toEqual([department.id]);

    const archived = await request('POST', `/api/v1/departments/${department.id}/archive`, admin);
    expect(archived.statusCode).toBe(200);
    expect(archived.json().archived).toBe(true);
    const hidden = await request('GET', '/api/v1/departments?q=oncolo', staff);
    expect(hidden.json().items.map((d: { id: string }) => d.id)).not.toContain(department.id);
    const shown = await request('GET', '/api/v1/departments?q=oncolo&includeArchived=true', staff);
    expect(shown.json().items.map((d: { id: string }) => d.id)).toContain(department.id);
    expect(shown.json().total).toBeGreaterThanOrEqual(1);
  });

  it('updates with If-Match and answers a stale one with 412', async () => {
    const department = await createDepartment(t, admin);
    const url = `/api/v1/departments/${department.id}`;
    const updated = await request('PATCH', url, admin, { name: 'Renamed' }, { 'if-match': '"1"' });
    expect(updated.statusCode).toBe(200);
    expect(updated.headers['etag']).toBe('"2"');
    const stale = await request('PATCH', url, admin, { name: 'Lost update' }, { 'if-match': '"1"' });
    expect(stale.statusCode).toBe(412);
    const missing = await request('PATCH', url, admin, { name: 'Blind' });
    expect(missing.statusCode).toBe(428);
    expect((await request('GET', url, staff)).json()).toMatchObject({ name: 'Renamed', version: 2 });
  });

  it('sets a head doctor only to an existing doctor', async () => {
    const department = await createDepartment(t, admin);
    const doctor = await createDoctor(t, admin, department.id);
    const url = `/api/v1/departments/${department.id}`;
    const head = await request('PATCH', url, admin, { headDoctorId: doctor.id }, { 'if-match': '"1"' });
    expect(head.statusCode, head.body).toBe(200);
    expect(head.json().headDoctorId).toBe(doctor.id);
    const ghost = await request(
      'PATCH',
      url,
      admin,
      { headDoctorId: '00000000-0000-4000-8000-000000000000' },
      { 'if-match': '"2"' },
    );
    expect(ghost.statusCode).toBe(422);
  });

  it('assigns users and doctors to the staff with a position, lists and removes them', async () => {
    const department = await createDepartment(t, admin);
    const doctor = await createDoctor(t, admin, department.id, { name: 'Dr Staff Member' });
    const users = await t.app.api.inject({
      method: 'GET',
      url: '/api/v1/users',
      headers: { authorization: `Bearer ${admin}` },
    });
    const nurse = users.json().items.find((user: { role: string }) => user.role === 'staff');
    const url = `/api/v1/departments/${department.id}/staff`;

    const assignedUser = await request('POST', url, admin, { userId: nurse.id, position: 'Charge nurse' });
    expect(assignedUser.statusCode, assignedUser.body).toBe(201);
    expect(assignedUser.json()).toMatchObject({ userId: nurse.id, doctorId: null, position: 'Charge nurse' });
    const assignedDoctor = await request('POST', url, admin, { doctorId: doctor.id, position: 'Consultant' });
    expect(assignedDoctor.statusCode).toBe(201);
    expect(assignedDoctor.json().displayName).toBe('Dr Staff Member');

    expect((await request('POST', url, admin, { doctorId: doctor.id, position: 'Again' })).statusCode).toBe(
      409,
    );
    expect(
      (await request('POST', url, admin, { userId: nurse.id, doctorId: doctor.id, position: 'Both' }))
        .statusCode,
    ).toBe(400);
    expect((await request('POST', url, admin, { position: 'Nobody' })).statusCode).toBe(400);

    const listed = await request('GET', url, staff);
    expect(listed.statusCode).toBe(200);
    expect(
      listed
        .json()
        .items.map((member: { position: string }) => member.position)
        .sort(),
    ).toEqual(['Charge nurse', 'Consultant']);

    const removed = await request('DELETE', `${url}/${assignedUser.json().id}`, admin);
    expect(removed.statusCode).toBe(204);
    const byDoctor = await request('DELETE', `${url}?doctorId=${doctor.id}`, admin);
    expect(byDoctor.statusCode).toBe(204);
    expect((await request('GET', url, staff)).json().items).toEqual([]);
    expect((await request('DELETE', `${url}/${assignedUser.json().id}`, admin)).statusCode).toBe(404);

    const audit = await t.database.db.query<{ action: string }>(
      `SELECT action FROM audit_events WHERE entity_id = $1 ORDER BY id`,
      [department.id],
    );
    expect(audit.rows.map((row) => row.action)).toEqual([
      'DEPARTMENT_CREATED',
      'DEPARTMENT_STAFF_ASSIGNED',
      'DEPARTMENT_STAFF_ASSIGNED',
      'DEPARTMENT_STAFF_REMOVED',
      'DEPARTMENT_STAFF_REMOVED',
    ]);
  });

  it('documents the departments, doctors and appointments routes in the OpenAPI document', async () => {
    const response = await t.app.api.inject({ method: 'GET', url: '/api/openapi.json' });
    expect(response.statusCode).toBe(200);
    const paths = response.json().paths;
    for (const [path, method, tag] of [
      ['/api/v1/departments/{id}/staff', 'post', 'departments'],
      ['/api/v1/doctors/{id}/working-hours', 'put', 'doctors'],
      ['/api/v1/doctors/{id}/exceptions', 'post', 'doctors'],
      ['/api/v1/appointments', 'post', 'appointments'],
      ['/api/v1/appointments/free-slots', 'get', 'appointments'],
      ['/api/v1/appointments/{id}/reschedule', 'post', 'appointments'],
      ['/api/v1/appointments/{id}/no-show', 'post', 'appointments'],
    ] as const) {
      expect(paths[path]?.[method]?.tags, `${method} ${path}`).toEqual([tag]);
      expect(paths[path][method].summary).toBeTruthy();
    }
  });

  it('creates one department for a POST repeated with the same Idempotency-Key', async () => {
    const body = { code: unique('IDEM'), name: 'Idempotent' };
    const headers = { 'idempotency-key': `dept-${kind}-${body.code}` };
    const first = await request('POST', '/api/v1/departments', admin, body, headers);
    const second = await request('POST', '/api/v1/departments', admin, body, headers);
    expect([first.statusCode, second.statusCode]).toEqual([201, 201]);
    expect(second.json().id).toBe(first.json().id);
    expect(second.headers['idempotent-replayed']).toBe('true');
  });
});
