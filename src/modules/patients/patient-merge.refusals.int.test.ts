import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  admissionAction,
  admit,
  auditActions,
  bearer,
  registerPatient,
} from '../../../tests/support/clinical-factories.js';
import { DATABASE_KINDS } from '../../../tests/support/databases.js';
import {
  mergePatients,
  patientMergeCount,
  patientMergeState,
  undoMerge,
} from '../../../tests/support/merge-factories.js';
import { patientLinkSnapshot, type PatientLinkSnapshot } from '../../../tests/support/patient-links.js';
import {
  bookAppointment,
  createDepartment,
  createDoctor,
} from '../../../tests/support/scheduling-factories.js';
import { buildTestApp, type TestApp } from '../../../tests/support/test-app.js';

describe.each(DATABASE_KINDS)('refused and guarded patient merges on %s', (kind) => {
  let t: TestApp;
  let admin: string;
  let departmentId: string;

  beforeAll(async () => {
    t = await buildTestApp(kind);
    admin = await t.adminToken();
    departmentId = (await createDepartment(t, admin)).id;
  });
  afterAll(async () => t?.close());

  const call = (method: 'GET' | 'POST', url: string, token = admin, payload?: Record<string, unknown>) =>
    t.app.api.inject({ method, url, headers: bearer(token), ...(payload ? { payload } : {}) });
  const merge = (survivorId: string, mergedId: string, token = admin) =>
    mergePatients(t, token, survivorId, mergedId);
  const undo = (mergeId: string, token = admin) => undoMerge(t, token, mergeId);
  const patientState = (id: string) => patientMergeState(t, id);
  const snapshot = (): Promise<PatientLinkSnapshot> =>
    patientLinkSnapshot(t, { excludeTables: ['patient_merges'] });

  async function book(patientId: string, start: string, end: string): Promise<{ id: string }> {
    const doctorId = (await createDoctor(t, admin, departmentId)).id;
    const booked = await bookAppointment(t, admin, { patientId, doctorId, start, end });
    expect(booked.statusCode, booked.body).toBe(201);
    return booked.json();
  }

  it('refuses a merge while the two have overlapping active appointments, changing nothing', async () => {
    const survivor = await registerPatient(t, admin, { name: 'Bruno Salvatore', dateOfBirth: '1950-02-02' });
    const merged = await registerPatient(t, admin, { name: 'Bruno Salvatori', dateOfBirth: '1950-02-02' });
    const kept = await book(survivor.id, '2030-07-17T09:00:00Z', '2030-07-17T10:00:00Z');
    const duplicate = await book(merged.id, '2030-07-17T09:30:00Z', '2030-07-17T10:00:00Z');
    const before = await snapshot();
    const mergesBefore = await patientMergeCount(t);

    const refused = await merge(survivor.id, merged.id);
    expect(refused.statusCode).toBe(409);
    expect(refused.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(refused.json().detail).toContain(duplicate.id);
    expect(refused.json().detail).toContain(kept.id);
    expect(refused.json().detail).toMatch(/Cancel or reschedule/);
    expect(await snapshot()).toEqual(before);
    expect(await patientState(merged.id)).toEqual({ archived: false, merged_into_patient_id: null });
    expect(await patientMergeCount(t)).toBe(mergesBefore);
    expect(await auditActions(t, merged.id)).not.toContain('PATIENT_MERGED');

    expect((await call('POST', `/api/v1/appointments/${duplicate.id}/cancel`, admin, {})).statusCode).toBe(
      200,
    );
    expect((await merge(survivor.id, merged.id)).statusCode).toBe(201);
  });

  it('refuses a merge while both are admitted, changing nothing', async () => {
    const survivor = await registerPatient(t, admin, { name: 'Clara Oswald', dateOfBirth: '1988-11-23' });
    const merged = await registerPatient(t, admin, { name: 'Clara Oswin', dateOfBirth: '1988-11-23' });
    const first = await admit(t, admin, {
      patientId: survivor.id,
      triagePriority: 4,
      chiefComplaint: 'Sprain',
    });
    const second = await admit(t, admin, {
      patientId: merged.id,
      triagePriority: 4,
      chiefComplaint: 'Sprain',
    });
    expect([first.statusCode, second.statusCode]).toEqual([201, 201]);
    const before = await snapshot();

    const refused = await merge(survivor.id, merged.id);
    expect(refused.statusCode).toBe(409);
    expect(refused.json().detail).toContain(second.json().id);
    expect(refused.json().detail).toMatch(/discharge one of the two admissions/);
    expect(await snapshot()).toEqual(before);
    expect(await patientState(merged.id)).toEqual({ archived: false, merged_into_patient_id: null });

    expect((await admissionAction(t, admin, second.json().id, 'discharge', {})).statusCode).toBe(200);
    expect((await merge(survivor.id, merged.id)).statusCode).toBe(201);
  });

  it('refuses merging a record into itself, unknown, archived or already merged records', async () => {
    const a = await registerPatient(t, admin, { name: 'Dora Marquez' });
    const b = await registerPatient(t, admin, { name: 'Dora Marques' });
    const c = await registerPatient(t, admin, { name: 'Dora Markes' });
    const archived = await registerPatient(t, admin, { name: 'Dora Archived' });
    expect((await call('POST', `/api/v1/patients/${archived.id}/archive`)).statusCode).toBe(200);

    const itself = await merge(a.id, a.id);
    expect(itself.statusCode).toBe(400);
    expect(itself.json().errors).toEqual([{ field: 'mergedId', message: 'must differ from survivorId' }]);
    const unknown = await merge('00000000-0000-4000-8000-000000000000', a.id);
    expect(unknown.statusCode).toBe(400);
    expect(unknown.json().errors).toEqual([{ field: 'survivorId', message: 'no patient has this id' }]);
    expect((await merge(archived.id, a.id)).statusCode).toBe(409);
    expect((await merge(a.id, archived.id)).statusCode).toBe(409);

    expect((await merge(a.id, b.id)).statusCode).toBe(201);
    const twice = await merge(c.id, b.id);
    expect(twice.statusCode).toBe(409);
    expect(twice.json().detail).toContain(`already merged into patient ${a.id}`);
    const intoMerged = await merge(b.id, c.id);
    expect(intoMerged.statusCode).toBe(409);
    expect(intoMerged.json().detail).toContain(`merge into that record instead`);
    expect((await undo('00000000-0000-4000-8000-000000000000')).statusCode).toBe(404);
  });

  it('undoes chained merges only latest first, restoring the pointer of the earlier duplicate', async () => {
    const a = await registerPatient(t, admin, { name: 'Emil Sinclair' });
    const b = await registerPatient(t, admin, { name: 'Emil Sinclaire' });
    const c = await registerPatient(t, admin, { name: 'Emile Sinclair' });
    const first = (await merge(b.id, c.id)).json();
    const second = (await merge(a.id, b.id)).json();
    expect(await patientState(c.id)).toEqual({ archived: true, merged_into_patient_id: a.id });

    const outOfOrder = await undo(first.id);
    expect(outOfOrder.statusCode).toBe(409);
    expect(outOfOrder.json().detail).toMatch(/undo that later merge first/);
    expect((await undo(second.id)).statusCode).toBe(200);
    expect(await patientState(c.id)).toEqual({ archived: true, merged_into_patient_id: b.id });
    expect((await undo(first.id)).statusCode).toBe(200);
    expect(await patientState(c.id)).toEqual({ archived: false, merged_into_patient_id: null });
    expect(await patientState(b.id)).toEqual({ archived: false, merged_into_patient_id: null });
  });

  it('replays a merge retried with the same Idempotency-Key instead of refusing it', async () => {
    const a = await registerPatient(t, admin, { name: 'Fiona Gallagher' });
    const b = await registerPatient(t, admin, { name: 'Fiona Galagher' });
    const send = () =>
      t.app.api.inject({
        method: 'POST',
        url: '/api/v1/patients/merges',
        headers: { ...bearer(admin), 'idempotency-key': `merge-${a.id}` },
        payload: { survivorId: a.id, mergedId: b.id, reason: 'Same person' },
      });
    const first = await send();
    const retry = await send();
    expect([first.statusCode, retry.statusCode]).toEqual([201, 201]);
    expect(retry.headers['idempotent-replayed']).toBe('true');
    expect(retry.json()).toEqual(first.json());
  });

  it('lets only roles with patients:merge list candidates, merge, list merges or undo', async () => {
    const a = await registerPatient(t, admin, { name: 'Gustav Holm' });
    const b = await registerPatient(t, admin, { name: 'Gustav Holmm' });
    for (const role of ['staff', 'doctor', 'finance', 'department_head'] as const) {
      const token = await t.userToken(role);
      expect((await merge(a.id, b.id, token)).statusCode, role).toBe(403);
      expect((await call('GET', '/api/v1/patients/merges', token)).statusCode, role).toBe(403);
      expect((await call('GET', '/api/v1/patients/duplicates', token)).statusCode, role).toBe(403);
      expect((await call('GET', `/api/v1/patients/${a.id}/duplicates`, token)).statusCode, role).toBe(403);
      expect((await undo('00000000-0000-4000-8000-000000000000', token)).statusCode, role).toBe(403);
    }
    expect(await patientState(b.id)).toEqual({ archived: false, merged_into_patient_id: null });
  });

  it('refuses restoring a merged record on its own: the merge is undone instead', async () => {
    const a = await registerPatient(t, admin, { name: 'Hanna Schmidt' });
    const b = await registerPatient(t, admin, { name: 'Hannah Schmidt' });
    const merged = await merge(a.id, b.id);
    expect(merged.statusCode).toBe(201);
    const restore = await call('POST', `/api/v1/patients/${b.id}/restore`);
    expect(restore.statusCode).toBe(409);
    expect(restore.json().detail).toMatch(/undo it/);
    expect(await patientState(b.id)).toEqual({ archived: true, merged_into_patient_id: a.id });
    expect((await undo(merged.json().id)).statusCode).toBe(200);
    expect(await patientState(b.id)).toEqual({ archived: false, merged_into_patient_id: null });
  });
});
