import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DATABASE_KINDS } from '../../../tests/support/databases.js';
import { buildTestApp, type TestApp } from '../../../tests/support/test-app.js';
import {
  admissionAction,
  admit as admitAs,
  auditActions,
  bearer,
  insertDepartment,
  minutesAgo,
  registerPatient,
} from '../../../tests/support/clinical-factories.js';

describe.each(DATABASE_KINDS)('the admissions board, lists and input checks on %s', (kind) => {
  let t: TestApp;
  let staff: string;

  beforeAll(async () => {
    t = await buildTestApp(kind);
    staff = await t.userToken('staff', `board-staff-${kind}`);
  });
  afterAll(async () => t?.close());

  const admit = (body: Record<string, unknown>) => admitAs(t, staff, body);
  const act = (id: string, action: 'transfer' | 'discharge', body: Record<string, unknown> = {}) =>
    admissionAction(t, staff, id, action, body);

  it('shows open admissions on the board by priority (ESI 1 first), then longest waiting', async () => {
    const department = await insertDepartment(t, 'Board test');
    const arrivals: [number, number][] = [
      [3, 50],
      [1, 10],
      [3, 90],
      [2, 5],
      [5, 120],
    ];
    const ids: string[] = [];
    for (const [triagePriority, minutes] of arrivals) {
      const patient = await registerPatient(t, staff);
      const response = await admit({
        patientId: patient.id,
        triagePriority,
        chiefComplaint: `ESI ${triagePriority}`,
        arrivedAt: minutesAgo(minutes),
        departmentId: department,
      });
      ids.push(response.json().id);
    }
    await act(ids[4]!, 'discharge');
    const board = await t.app.api.inject({
      method: 'GET',
      url: `/api/v1/admissions/board?departmentId=${department}`,
      headers: bearer(staff),
    });
    expect(board.statusCode).toBe(200);
    const items = board.json().items;
    expect(items.map((item: { id: string }) => item.id)).toEqual([ids[1], ids[3], ids[2], ids[0]]);
    expect(items.map((item: { triagePriority: number }) => item.triagePriority)).toEqual([1, 2, 3, 3]);
    expect(items[2].minutesSinceArrival).toBeGreaterThanOrEqual(89);
    expect(board.json().total).toBe(4);
  });

  it('lists admissions by status, department and patient', async () => {
    const department = await insertDepartment(t, 'List test');
    const patient = await registerPatient(t, staff);
    const open = (
      await admit({ patientId: patient.id, triagePriority: 3, chiefComplaint: 'A', departmentId: department })
    ).json();
    const other = await registerPatient(t, staff);
    const closed = (
      await admit({ patientId: other.id, triagePriority: 3, chiefComplaint: 'B', departmentId: department })
    ).json();
    await act(closed.id, 'discharge');
    const list = async (query: string): Promise<string[]> => {
      const response = await t.app.api.inject({
        method: 'GET',
        url: `/api/v1/admissions?${query}`,
        headers: bearer(staff),
      });
      expect(response.statusCode).toBe(200);
      return response.json().items.map((item: { id: string }) => item.id);
    };
    expect(await list(`departmentId=${department}`)).toHaveLength(2);
    expect(await list(`departmentId=${department}&status=open`)).toEqual([open.id]);
    expect(await list(`departmentId=${department}&status=discharged`)).toEqual([closed.id]);
    expect(await list(`patientId=${other.id}`)).toEqual([closed.id]);
    expect(await auditActions(t, other.id)).toContain('ADMISSIONS_LISTED');
  });

  describe('refuses bad input with problem+json naming the field, and admits nobody', () => {
    const cases: [string, (patientId: string) => Record<string, unknown>, string][] = [
      ['ESI 0', (patientId) => ({ patientId, triagePriority: 0, chiefComplaint: 'x' }), 'triagePriority'],
      ['ESI 6', (patientId) => ({ patientId, triagePriority: 6, chiefComplaint: 'x' }), 'triagePriority'],
      ['ESI 2.5', (patientId) => ({ patientId, triagePriority: 2.5, chiefComplaint: 'x' }), 'triagePriority'],
      ['no chief complaint', (patientId) => ({ patientId, triagePriority: 3 }), 'chiefComplaint'],
      ['no patient at all', () => ({ triagePriority: 3, chiefComplaint: 'x' }), 'patientId'],
      [
        'both a patient and an unknown one',
        (patientId) => ({
          patientId,
          unidentifiedPatient: { estimatedAgeYears: 30 },
          triagePriority: 3,
          chiefComplaint: 'x',
        }),
        'unidentifiedPatient',
      ],
      [
        'an unknown patient without an age',
        () => ({ unidentifiedPatient: { sex: 'male' }, triagePriority: 3, chiefComplaint: 'x' }),
        'unidentifiedPatient.estimatedAgeYears',
      ],
      [
        'a patient that does not exist',
        () => ({ patientId: '00000000-0000-4000-8000-000000000000', triagePriority: 3, chiefComplaint: 'x' }),
        'patientId',
      ],
      [
        'a department that does not exist',
        (patientId) => ({
          patientId,
          triagePriority: 3,
          chiefComplaint: 'x',
          departmentId: '00000000-0000-4000-8000-000000000000',
        }),
        'departmentId',
      ],
      [
        'a bed without a ward',
        (patientId) => ({ patientId, triagePriority: 3, chiefComplaint: 'x', bed: '4' }),
        'ward',
      ],
      [
        'an arrival in the future',
        (patientId) => ({
          patientId,
          triagePriority: 3,
          chiefComplaint: 'x',
          arrivedAt: '2999-01-01T00:00:00Z',
        }),
        'arrivedAt',
      ],
    ];
    it.each(cases)('%s', async (_label, body, field) => {
      const patient = await registerPatient(t, staff);
      const before = await t.database.db.query<{ n: number }>('SELECT count(*)::int AS n FROM admissions');
      const response = await admit(body(patient.id));
      expect(response.statusCode).toBe(400);
      expect(response.headers['content-type']).toContain('application/problem+json');
      expect(response.json().errors.map((error: { field: string }) => error.field)).toContain(field);
      const after = await t.database.db.query<{ n: number }>('SELECT count(*)::int AS n FROM admissions');
      expect(after.rows[0]!.n).toBe(before.rows[0]!.n);
    });
  });

  it('answers 403 to a role without admissions permissions', async () => {
    const finance = await t.userToken('finance');
    const patient = await registerPatient(t, staff);
    const write = await t.app.api.inject({
      method: 'POST',
      url: '/api/v1/admissions',
      headers: bearer(finance),
      payload: { patientId: patient.id, triagePriority: 3, chiefComplaint: 'x' },
    });
    expect(write.statusCode).toBe(403);
    const board = await t.app.api.inject({
      method: 'GET',
      url: '/api/v1/admissions/board',
      headers: bearer(finance),
    });
    expect(board.statusCode).toBe(403);
    const head = await t.userToken('department_head');
    const readOnly = await t.app.api.inject({
      method: 'POST',
      url: '/api/v1/admissions',
      headers: bearer(head),
      payload: { patientId: patient.id, triagePriority: 3, chiefComplaint: 'x' },
    });
    expect(readOnly.statusCode).toBe(403);
    expect(
      (await t.app.api.inject({ method: 'GET', url: '/api/v1/admissions/board', headers: bearer(head) }))
        .statusCode,
    ).toBe(200);
  });
});
