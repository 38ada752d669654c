import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DATABASE_KINDS } from '../../../tests/support/databases.js';
import { buildTestApp, type TestApp } from '../../../tests/support/test-app.js';
import {
  admissionAction,
  admit as admitAs,
  auditActions,
  bearer,
  insertDepartment,
  insertDoctor,
  minutesAgo,
  registerPatient,
} from '../../../tests/support/clinical-factories.js';

describe.each(DATABASE_KINDS)('emergency admissions on %s', (kind) => {
  let t: TestApp;
  let staff: string;
  let emergency: string;
  let cardiology: string;
  let doctorId: string;

  beforeAll(async () => {
    t = await buildTestApp(kind);
    staff = await t.userToken('staff', `admissions-staff-${kind}`);
    emergency = await insertDepartment(t, 'Emergency');
    cardiology = await insertDepartment(t, 'Cardiology');
    doctorId = await insertDoctor(t, emergency, 'Dr Eve Emergency');
  });
  afterAll(async () => t?.close());

  const admit = (body: Record<string, unknown>, headers: Record<string, string> = {}) =>
    admitAs(t, staff, body, headers);
  const act = (id: string, action: 'transfer' | 'discharge', body: Record<string, unknown> = {}) =>
    admissionAction(t, staff, id, action, body);

  it('admits a registered patient with only what is known, arrival defaulting to now (audited)', async () => {
    const patient = await registerPatient(t, staff);
    const before = Date.now();
    const response = await admit({
      patientId: patient.id,
      triagePriority: 2,
      chiefComplaint: 'Chest pain since one hour',
      departmentId: emergency,
      doctorId,
      ward: 'ED',
      bed: 'R3',
    });
    expect(response.statusCode).toBe(201);
    expect(response.headers['etag']).toBe('"1"');
    const admission = response.json();
    expect(response.headers['location']).toBe(`/api/v1/admissions/${admission.id}`);
    expect(admission).toMatchObject({
      status: 'admitted',
      triagePriority: 2,
      patient: { id: patient.id, mrn: patient.mrn, unidentified: false },
      department: { id: emergency, name: 'Emergency' },
      doctor: { id: doctorId, name: 'Dr Eve Emergency' },
      ward: 'ED',
      bed: 'R3',
      dischargedAt: null,
    });
    expect(Date.parse(admission.arrivedAt)).toBeGreaterThanOrEqual(before - 1000);
    expect(Date.parse(admission.arrivedAt)).toBeLessThanOrEqual(Date.now() + 1000);
    expect(admission.movements).toMatchObject([{ kind: 'admitted', ward: 'ED', bed: 'R3' }]);

    const read = await t.app.api.inject({
      method: 'GET',
      url: `/api/v1/admissions/${admission.id}`,
      headers: bearer(staff),
    });
    expect(read.statusCode).toBe(200);
    expect(await auditActions(t, patient.id)).toEqual([
      'PATIENT_REGISTERED',
      'ADMISSION_CREATED',
      'ADMISSION_VIEWED',
    ]);
  });

  it('moves admitted -> transferred -> transferred -> discharged, logging each movement with its time', async () => {
    const patient = await registerPatient(t, staff);
    const admission = (
      await admit({
        patientId: patient.id,
        triagePriority: 3,
        chiefComplaint: 'Palpitations',
        arrivedAt: minutesAgo(120),
        departmentId: emergency,
      })
    ).json();
    const first = await act(admission.id, 'transfer', {
      departmentId: cardiology,
      ward: 'C2',
      bed: '7',
      at: minutesAgo(60),
      note: 'for monitoring',
    });
    expect(first.statusCode).toBe(200);
    expect(first.json()).toMatchObject({
      status: 'transferred',
      department: { id: cardiology },
      ward: 'C2',
      bed: '7',
      version: 2,
    });
    const second = await act(admission.id, 'transfer', { ward: 'C2', bed: '9' });
    expect(second.statusCode).toBe(200);
    expect(second.json()).toMatchObject({ status: 'transferred', department: { id: cardiology }, bed: '9' });
    const discharged = await act(admission.id, 'discharge', {
      disposition: 'home',
      note: 'Follow up with GP',
    });
    expect(discharged.statusCode).toBe(200);
    const detail = discharged.json();
    expect(detail).toMatchObject({
      status: 'discharged',
      dischargeDisposition: 'home',
      dischargeNote: 'Follow up with GP',
    });
    expect(Date.parse(detail.dischargedAt)).toBeGreaterThan(Date.parse(detail.arrivedAt));
    expect(
      detail.movements.map((movement: { kind: string; bed: string | null }) => [movement.kind, movement.bed]),
    ).toEqual([
      ['admitted', null],
      ['transferred', '7'],
      ['transferred', '9'],
      ['discharged', '9'],
    ]);
    expect(detail.movements[1]).toMatchObject({
      note: 'for monitoring',
      recordedBy: `admissions-staff-${kind}`,
    });
    const actions = await auditActions(t, patient.id);
    expect(actions.filter((action) => action === 'ADMISSION_TRANSFERRED')).toHaveLength(2);
    expect(actions).toContain('ADMISSION_DISCHARGED');
  });

  it('answers 409 to a transition that is not allowed, and changes nothing', async () => {
    const patient = await registerPatient(t, staff);
    const admission = (
      await admit({
        patientId: patient.id,
        triagePriority: 4,
        chiefComplaint: 'Sprained ankle',
        ward: 'ED',
        bed: 'F1',
      })
    ).json();
    expect((await act(admission.id, 'transfer', { ward: 'ED', bed: 'F1' })).statusCode).toBe(409);
    expect((await act(admission.id, 'discharge')).statusCode).toBe(200);
    for (const [action, body] of [
      ['discharge', {}],
      ['transfer', { departmentId: cardiology }],
    ] as const) {
      const refused = await act(admission.id, action, body);
      expect(refused.statusCode).toBe(409);
      expect(refused.headers['content-type']).toContain('application/problem+json');
    }
    const patch = await t.app.api.inject({
      method: 'PATCH',
      url: `/api/v1/admissions/${admission.id}`,
      headers: { ...bearer(staff), 'if-match': '"2"' },
      payload: { triagePriority: 1 },
    });
    expect(patch.statusCode).toBe(409);
    const current = (
      await t.app.api.inject({
        method: 'GET',
        url: `/api/v1/admissions/${admission.id}`,
        headers: bearer(staff),
      })
    ).json();
    expect(current).toMatchObject({ status: 'discharged', triagePriority: 4, version: 2 });
    expect(current.movements).toHaveLength(2);
  });

  it('refuses a transfer nowhere, to an unknown department, or dated before the previous movement', async () => {
    const patient = await registerPatient(t, staff);
    const admission = (
      await admit({
        patientId: patient.id,
        triagePriority: 3,
        chiefComplaint: 'Dizziness',
        arrivedAt: minutesAgo(30),
      })
    ).json();
    const cases: [Record<string, unknown>, string][] = [
      [{ note: 'no destination' }, 'departmentId'],
      [{ departmentId: '00000000-0000-4000-8000-000000000000' }, 'departmentId'],
      [{ departmentId: cardiology, at: minutesAgo(60) }, 'at'],
      [{ bed: '3' }, 'ward'],
    ];
    for (const [body, field] of cases) {
      const response = await act(admission.id, 'transfer', body);
      expect(response.statusCode).toBe(400);
      expect(response.json().errors.map((error: { field: string }) => error.field)).toContain(field);
    }
    const unchanged = await t.app.api.inject({
      method: 'GET',
      url: `/api/v1/admissions/${admission.id}`,
      headers: bearer(staff),
    });
    expect(unchanged.json()).toMatchObject({ status: 'admitted', version: 1 });
  });

  it('keeps one open admission per patient and one patient per bed', async () => {
    const patient = await registerPatient(t, staff);
    const first = await admit({
      patientId: patient.id,
      triagePriority: 3,
      chiefComplaint: 'Fever',
      ward: 'Obs',
      bed: 'B1',
    });
    expect(first.statusCode).toBe(201);
    expect(
      (await admit({ patientId: patient.id, triagePriority: 3, chiefComplaint: 'Fever again' })).statusCode,
    ).toBe(409);
    const other = await registerPatient(t, staff);
    const sameBed = await admit({
      patientId: other.id,
      triagePriority: 3,
      chiefComplaint: 'Cough',
      ward: 'Obs',
      bed: 'B1',
    });
    expect(sameBed.statusCode).toBe(409);
    expect(sameBed.json().detail).toContain('occupied');
    await act(first.json().id, 'discharge');
    expect(
      (
        await admit({
          patientId: other.id,
          triagePriority: 3,
          chiefComplaint: 'Cough',
          ward: 'Obs',
          bed: 'B1',
        })
      ).statusCode,
    ).toBe(201);
  });

  it('re-triages with If-Match and refuses a stale one with 412', async () => {
    const patient = await registerPatient(t, staff);
    const admission = (
      await admit({ patientId: patient.id, triagePriority: 4, chiefComplaint: 'Headache' })
    ).json();
    const url = `/api/v1/admissions/${admission.id}`;
    const retriaged = await t.app.api.inject({
      method: 'PATCH',
      url,
      headers: { ...bearer(staff), 'if-match': '"1"' },
      payload: { triagePriority: 2, doctorId },
    });
    expect(retriaged.statusCode).toBe(200);
    expect(retriaged.json()).toMatchObject({ triagePriority: 2, doctor: { id: doctorId }, version: 2 });
    const stale = await t.app.api.inject({
      method: 'PATCH',
      url,
      headers: { ...bearer(staff), 'if-match': '"1"' },
      payload: { triagePriority: 5 },
    });
    expect(stale.statusCode).toBe(412);
    const staleTransfer = await t.app.api.inject({
      method: 'POST',
      url: `${url}/transfer`,
      headers: { ...bearer(staff), 'if-match': '"1"' },
      payload: { ward: 'X' },
    });
    expect(staleTransfer.statusCode).toBe(412);
  });

  it('creates one admission for a POST repeated with the same Idempotency-Key', async () => {
    const patient = await registerPatient(t, staff);
    const body = { patientId: patient.id, triagePriority: 3, chiefComplaint: 'Abdominal pain' };
    const headers = { 'idempotency-key': `admission-${kind}-1` };
    const first = await admit(body, headers);
    const second = await admit(body, headers);
    expect([first.statusCode, second.statusCode]).toEqual([201, 201]);
    expect(second.json().id).toBe(first.json().id);
    expect(second.headers['idempotent-replayed']).toBe('true');
    const count = await t.database.db.query<{ n: number }>(
      'SELECT count(*)::int AS n FROM admissions WHERE patient_id = $1',
      [patient.id],
    );
    expect(count.rows[0]!.n).toBe(1);
  });
});
