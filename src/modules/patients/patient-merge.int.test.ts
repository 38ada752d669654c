import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { putInCare } from '../../../tests/support/care-factories.js';
import {
  admissionAction,
  admit,
  auditActions,
  bearer,
  registerPatient,
} from '../../../tests/support/clinical-factories.js';
import { DATABASE_KINDS } from '../../../tests/support/databases.js';
import { mergePatients, patientMergeState, undoMerge } from '../../../tests/support/merge-factories.js';
import { patientLinkSnapshot, type PatientLinkSnapshot } from '../../../tests/support/patient-links.js';
import {
  bookAppointment,
  createDepartment,
  createDoctor,
} from '../../../tests/support/scheduling-factories.js';
import { buildTestApp, type TestApp } from '../../../tests/support/test-app.js';
import { multipartBody, pdfBytes, PNG_1X1 } from '../../../tests/support/uploads.js';

describe.each(DATABASE_KINDS)('merging duplicate patients on %s', (kind) => {
  let t: TestApp;
  let admin: string;
  let doctor: string;
  let otherDoctor: string;
  let departmentId: string;

  beforeAll(async () => {
    t = await buildTestApp(kind);
    admin = await t.adminToken();
    doctor = await t.userToken('doctor');
    otherDoctor = await t.userToken('doctor');
    departmentId = (await createDepartment(t, admin)).id;
  });
  afterAll(async () => t?.close());

  const call = (method: 'GET' | 'POST', url: string, token = admin, payload?: Record<string, unknown>) =>
    t.app.api.inject({ method, url, headers: bearer(token), ...(payload ? { payload } : {}) });
  const merge = (survivorId: string, mergedId: string) => mergePatients(t, admin, survivorId, mergedId);
  const undo = (mergeId: string) => undoMerge(t, admin, mergeId);
  const patientState = (id: string) => patientMergeState(t, id);

  async function newDoctor(): Promise<string> {
    return (await createDoctor(t, admin, departmentId)).id;
  }

  async function book(
    patientId: string,
    doctorId: string,
    start: string,
    end: string,
  ): Promise<{ id: string }> {
    const booked = await bookAppointment(t, admin, { patientId, doctorId, start, end });
    expect(booked.statusCode, booked.body).toBe(201);
    return booked.json();
  }

  async function addEntry(patientId: string, text: string): Promise<{ id: string }> {
    const added = await call('POST', `/api/v1/patients/${patientId}/history`, admin, {
      type: 'clinical_note',
      text,
    });
    expect(added.statusCode, added.body).toBe(201);
    return added.json();
  }

  async function amend(patientId: string, entryId: string, version: number, text: string): Promise<void> {
    const amended = await t.app.api.inject({
      method: 'POST',
      url: `/api/v1/patients/${patientId}/history/${entryId}/amend`,
      headers: { ...bearer(admin), 'if-match': `"${version}"` },
      payload: { reason: 'Typing error', text },
    });
    expect(amended.statusCode, amended.body).toBe(200);
  }

  async function upload(patientId: string, photo: boolean): Promise<{ id: string }> {
    const { payload, contentType } = multipartBody(
      photo
        ? [{ name: 'file', filename: 'face.png', contentType: 'image/png', data: PNG_1X1 }]
        : [
            { name: 'title', data: 'Referral letter' },
            { name: 'category', data: 'referral' },
            {
              name: 'file',
              filename: 'referral.pdf',
              contentType: 'application/pdf',
              data: await pdfBytes('Referral'),
            },
          ],
    );
    const uploaded = await t.app.api.inject({
      method: photo ? 'PUT' : 'POST',
      url: `/api/v1/patients/${patientId}/${photo ? 'photo' : 'documents'}`,
      headers: { ...bearer(admin), 'content-type': contentType },
      payload,
    });
    expect(uploaded.statusCode, uploaded.body).toBe(201);
    return uploaded.json();
  }

  async function flags(
    table: 'documents' | 'care_team_members',
    ids: string[],
  ): Promise<Record<string, unknown>> {
    const column = table === 'documents' ? 'profile_photo' : 'ended_at IS NULL';
    const result = await t.database.db.query<{ id: string; flag: boolean }>(
      `SELECT id, ${column} AS flag FROM ${table} WHERE id IN (SELECT jsonb_array_elements_text($1::jsonb)::uuid)`,
      [JSON.stringify(ids)],
    );
    return Object.fromEntries(result.rows.map((row) => [row.id, row.flag]));
  }

  const snapshot = (): Promise<PatientLinkSnapshot> =>
    patientLinkSnapshot(t, { excludeTables: ['patient_merges'] });

  it('moves every linked record to the survivor and archives the duplicate; undo puts back exactly what moved', async () => {
    const survivor = await registerPatient(t, admin, {
      name: 'Anna Maria Keller',
      dateOfBirth: '1961-05-17',
    });
    const merged = await registerPatient(t, admin, { name: 'Anna-Maria Keler', dateOfBirth: '1961-05-17' });
    const [doctorA, doctorB] = [await newDoctor(), await newDoctor()];

    await book(survivor.id, doctorA, '2030-07-15T09:00:00Z', '2030-07-15T09:30:00Z');
    await book(merged.id, doctorA, '2030-07-15T10:00:00Z', '2030-07-15T10:30:00Z');
    // A cancelled appointment of the duplicate overlapping the survivor's does not stand in the way.
    const cancelled = await book(merged.id, doctorB, '2030-07-15T09:00:00Z', '2030-07-15T09:30:00Z');
    expect((await call('POST', `/api/v1/appointments/${cancelled.id}/cancel`, admin, {})).statusCode).toBe(
      200,
    );

    // An unknown emergency patient identified as the duplicate: its record points at the duplicate.
    const unknown = await admit(t, admin, {
      unidentifiedPatient: { estimatedAgeYears: 60 },
      triagePriority: 2,
      chiefComplaint: 'Collapsed at the station',
    });
    expect(unknown.statusCode, unknown.body).toBe(201);
    const identified = await admissionAction(t, admin, unknown.json().id, 'identify', {
      patientId: merged.id,
    });
    expect(identified.statusCode, identified.body).toBe(200);
    expect((await admissionAction(t, admin, unknown.json().id, 'discharge', {})).statusCode).toBe(200);
    const open = await admit(t, admin, {
      patientId: survivor.id,
      triagePriority: 3,
      chiefComplaint: 'Chest pain',
      ward: 'Ward 3',
      bed: 'Bed 12',
    });
    expect(open.statusCode, open.body).toBe(201);

    const amendedEntry = await addEntry(merged.id, 'Hypertension, treated');
    await amend(merged.id, amendedEntry.id, 1, 'Hypertension, treated since 2010');
    await addEntry(merged.id, 'Penicillin allergy');
    await addEntry(survivor.id, 'Annual check-up');
    await upload(merged.id, false);
    const mergedPhoto = await upload(merged.id, true);
    const survivorPhoto = await upload(survivor.id, true);
    const sharedMembership = await putInCare(t, doctor, merged.id);
    await putInCare(t, doctor, survivor.id);
    await putInCare(t, otherDoctor, merged.id);
    // A reviewed break-the-glass grant is evidence about the duplicate's record: it must stay there.
    await t.database.db.query(
      `WITH granted AS (
         INSERT INTO emergency_access_grants (patient_id, user_id, reason, expires_at)
         SELECT $1, id, 'Unconscious on arrival', now() + interval '1 hour' FROM users WHERE username = 'admin'
         RETURNING id, user_id)
       UPDATE emergency_access_grants grant_row
          SET review_outcome = 'justified', reviewed_at = now(), reviewed_by = granted.user_id
         FROM granted WHERE grant_row.id = granted.id`,
      [merged.id],
    );

    const before = await snapshot();
    const pointingAtMerged = Object.entries(before).filter(([, patient]) => patient === merged.id);
    const linkedTables = new Set(pointingAtMerged.map(([key]) => key.split(' ')[0]));
    expect([...linkedTables].sort()).toEqual([
      'admissions.patient_id',
      'appointments.patient_id',
      'care_team_members.patient_id',
      'documents.patient_id',
      'emergency_access_grants.patient_id',
      'history_entries.patient_id',
      'patients.merged_into_patient_id',
    ]);

    const merging = await merge(survivor.id, merged.id);
    expect(merging.statusCode, merging.body).toBe(201);
    const record = merging.json();
    expect(merging.headers['location']).toBe(`/api/v1/patients/merges/${record.id}`);
    expect(record).toMatchObject({
      survivorId: survivor.id,
      mergedId: merged.id,
      undoneAt: null,
      undoneBy: null,
    });
    const movedCount = (table: string) =>
      record.moved.find((entry: { table: string }) => entry.table === table)?.count;
    expect(movedCount('appointments')).toBe(2);
    expect(movedCount('admissions')).toBe(1);
    expect(movedCount('history_entries')).toBe(2);
    expect(movedCount('documents')).toBe(2);
    expect(movedCount('care_team_members')).toBe(2);
    expect(movedCount('patients')).toBe(1);
    expect(movedCount('emergency_access_grants')).toBeUndefined();

    const expectedAfterMerge: PatientLinkSnapshot = {};
    for (const [key, patient] of Object.entries(before)) {
      const evidence = key.startsWith('emergency_access_grants.');
      expectedAfterMerge[key] = patient === merged.id && !evidence ? survivor.id : patient;
    }
    expectedAfterMerge[`patients.merged_into_patient_id {"id": "${merged.id}"}`] = survivor.id;
    expect(await snapshot()).toEqual(expectedAfterMerge);
    expect(await patientState(merged.id)).toEqual({ archived: true, merged_into_patient_id: survivor.id });
    // One current photo and one current membership per patient: the survivor's win, the duplicate's yield.
    expect(await flags('documents', [mergedPhoto.id, survivorPhoto.id])).toEqual({
      [mergedPhoto.id]: false,
      [survivorPhoto.id]: true,
    });
    expect(await flags('care_team_members', [sharedMembership])).toEqual({ [sharedMembership]: false });
    expect(await auditActions(t, survivor.id)).toContain('PATIENT_MERGED');
    expect(await auditActions(t, merged.id)).toEqual(
      expect.arrayContaining(['PATIENT_REGISTERED', 'PATIENT_MERGED']),
    );

    // Work done on the survivor after the merge: a new entry stays, a moved entry amended goes back.
    const addedLater = await addEntry(survivor.id, 'Seen after the merge');
    await amend(survivor.id, amendedEntry.id, 2, 'Hypertension, treated since 2009');

    const undoing = await undo(record.id);
    expect(undoing.statusCode, undoing.body).toBe(200);
    expect(undoing.json().undoneAt).toEqual(expect.any(String));
    const afterUndo = await snapshot();
    const addedKey = `history_entries.patient_id {"id": "${addedLater.id}"}`;
    expect(afterUndo[addedKey]).toBe(survivor.id);
    const restored = { ...afterUndo };
    delete restored[addedKey];
    expect(restored).toEqual(before);
    expect(await patientState(merged.id)).toEqual({ archived: false, merged_into_patient_id: null });
    expect(await flags('documents', [mergedPhoto.id, survivorPhoto.id])).toEqual({
      [mergedPhoto.id]: true,
      [survivorPhoto.id]: true,
    });
    expect(await flags('care_team_members', [sharedMembership])).toEqual({ [sharedMembership]: true });
    const versions = await call('GET', `/api/v1/patients/${merged.id}/history/${amendedEntry.id}/versions`);
    expect(versions.statusCode, versions.body).toBe(200);
    expect(JSON.stringify(versions.json())).toContain('since 2009');
    expect(await auditActions(t, merged.id)).toContain('PATIENT_MERGE_UNDONE');
    expect(await auditActions(t, survivor.id)).toContain('PATIENT_MERGE_UNDONE');

    const again = await undo(record.id);
    expect(again.statusCode).toBe(409);
    expect(again.json().detail).toMatch(/already undone/);
    const listed = await call('GET', `/api/v1/patients/merges?patientId=${merged.id}`);
    expect(listed.statusCode).toBe(200);
    expect(listed.json()).toMatchObject({
      total: 1,
      items: [{ id: record.id, undoneAt: expect.any(String) }],
    });
    const active = await call('GET', `/api/v1/patients/merges?patientId=${merged.id}&includeUndone=false`);
    expect(active.json().total).toBe(0);
  });
});
