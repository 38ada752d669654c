import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { putInCare } from '../../../tests/support/care-factories.js';
import { DATABASE_KINDS } from '../../../tests/support/databases.js';
import { buildTestApp, type TestApp } from '../../../tests/support/test-app.js';
import {
  auditActions,
  bearer,
  registerPatient,
  type TestPatient,
} from '../../../tests/support/clinical-factories.js';

describe.each(DATABASE_KINDS)('medical history on %s', (kind) => {
  let t: TestApp;
  let doctor: string;
  let staff: string;

  beforeAll(async () => {
    t = await buildTestApp(kind);
    doctor = await t.userToken('doctor', `history-doctor-${kind}`);
    staff = await t.userToken('staff');
  });
  afterAll(async () => t?.close());

  /** A registered patient in the doctor's care: doctors read and write only such records. */
  async function patientInCare(overrides: Record<string, unknown> = {}): Promise<TestPatient> {
    const patient = await registerPatient(t, staff, overrides);
    await putInCare(t, doctor, patient.id);
    return patient;
  }

  const historyUrl = (patient: TestPatient): string => `/api/v1/patients/${patient.id}/history`;

  async function add(
    patient: TestPatient,
    body: Record<string, unknown>,
    headers: Record<string, string> = {},
  ) {
    return t.app.api.inject({
      method: 'POST',
      url: historyUrl(patient),
      headers: { ...bearer(doctor), ...headers },
      payload: body,
    });
  }

  async function timeline(patient: TestPatient, query = '') {
    return t.app.api.inject({
      method: 'GET',
      url: `${historyUrl(patient)}${query}`,
      headers: bearer(doctor),
    });
  }

  it('keeps typed entries with their author and shows current versions newest first, by type and period', async () => {
    const patient = await patientInCare();
    const entries = [
      {
        type: 'diagnosis',
        recordedAt: '2025-01-10T09:00:00Z',
        text: 'Essential hypertension',
        icd10Code: 'I10',
      },
      {
        type: 'vital_signs',
        recordedAt: '2025-02-01T08:30:00Z',
        vitals: {
          systolicMmHg: 150,
          diastolicMmHg: 95,
          pulseBpm: 88,
          temperatureCelsius: 37.2,
          respiratoryRatePerMin: 16,
          oxygenSaturationPercent: 97,
        },
      },
      {
        type: 'allergy',
        recordedAt: '2025-03-01T10:00:00Z',
        text: 'Penicillin: hives',
        severity: 'moderate',
      },
      { type: 'medication', recordedAt: '2025-03-02T10:00:00Z', text: 'Amlodipine 5 mg once daily' },
      { type: 'procedure', recordedAt: '2025-03-15T10:00:00Z', text: 'ECG, sinus rhythm' },
      {
        type: 'clinical_note',
        recordedAt: '2025-04-01T23:30:00Z',
        text: 'Follow-up: blood pressure controlled',
      },
    ];
    for (const entry of entries) {
      const response = await add(patient, entry);
      expect(response.statusCode).toBe(201);
      expect(response.headers['etag']).toBe('"1"');
      expect(response.json()).toMatchObject({
        type: entry.type,
        version: 1,
        author: { username: `history-doctor-${kind}` },
        enteredInError: null,
      });
    }

    const all = await timeline(patient);
    expect(all.statusCode).toBe(200);
    expect(all.json().patient).toMatchObject({ id: patient.id, mrn: patient.mrn });
    expect(all.json().total).toBe(6);
    expect(all.json().items.map((item: { type: string }) => item.type)).toEqual([
      'clinical_note',
      'procedure',
      'medication',
      'allergy',
      'vital_signs',
      'diagnosis',
    ]);
    const vitals = all.json().items.find((item: { type: string }) => item.type === 'vital_signs');
    expect(vitals.vitals).toEqual(entries[1]!.vitals);
    expect(vitals.text).toBeNull();

    const diagnoses = await timeline(patient, '?type=diagnosis');
    expect(diagnoses.json().items.map((item: { icd10Code: string }) => item.icd10Code)).toEqual(['I10']);

    const march = await timeline(patient, '?from=2025-03-01&to=2025-03-31');
    expect(march.json().items.map((item: { type: string }) => item.type)).toEqual([
      'procedure',
      'medication',
      'allergy',
    ]);
    const instants = await timeline(patient, '?from=2025-01-10T09:00:00Z&to=2025-02-01T08:29:59Z');
    expect(instants.json().items.map((item: { type: string }) => item.type)).toEqual(['diagnosis']);
    const badPeriod = await timeline(patient, '?from=2025-02-30');
    expect(badPeriod.statusCode).toBe(400);
    expect(badPeriod.json().errors.map((error: { field: string }) => error.field)).toEqual(['from']);
  });

  it('amends by adding a version: the earlier version stays readable, and a stale If-Match is refused', async () => {
    const patient = await patientInCare();
    const created = (
      await add(patient, { type: 'diagnosis', text: 'Type 2 diabetes', icd10Code: 'E11' })
    ).json();
    const entryUrl = `${historyUrl(patient)}/${created.id}`;
    const amend = (ifMatch: string | undefined, payload: Record<string, unknown>) =>
      t.app.api.inject({
        method: 'POST',
        url: `${entryUrl}/amend`,
        headers: { ...bearer(doctor), ...(ifMatch ? { 'if-match': ifMatch } : {}) },
        payload,
      });

    const amended = await amend('"1"', {
      reason: 'More specific code after HbA1c',
      text: 'Type 2 diabetes without complications',
      icd10Code: 'E11.9',
    });
    expect(amended.statusCode).toBe(200);
    expect(amended.headers['etag']).toBe('"2"');
    expect(amended.json()).toMatchObject({
      id: created.id,
      version: 2,
      text: 'Type 2 diabetes without complications',
      icd10Code: 'E11.9',
      amendmentReason: 'More specific code after HbA1c',
      recordedAt: created.recordedAt,
    });

    expect((await amend('"1"', { reason: 'late', text: 'lost update' })).statusCode).toBe(412);
    expect((await amend(undefined, { reason: 'blind', text: 'no If-Match' })).statusCode).toBe(428);
    const nothing = await amend('"2"', { reason: 'only a reason' });
    expect(nothing.statusCode).toBe(400);

    const versions = await t.app.api.inject({
      method: 'GET',
      url: `${entryUrl}/versions`,
      headers: bearer(doctor),
    });
    expect(versions.statusCode).toBe(200);
    expect(versions.json().currentVersion).toBe(2);
    expect(versions.json().items).toMatchObject([
      { version: 1, text: 'Type 2 diabetes', icd10Code: 'E11', amendmentReason: null },
      { version: 2, text: 'Type 2 diabetes without complications', icd10Code: 'E11.9' },
    ]);

    const current = await timeline(patient);
    expect(current.json().items).toHaveLength(1);
    expect(current.json().items[0]).toMatchObject({ version: 2, icd10Code: 'E11.9' });
    await expect(
      t.database.db.query('UPDATE history_entry_versions SET text = $1', ['rewritten']),
    ).rejects.toThrow(/append-only/);
  });

  it('marks an entry entered in error instead of deleting it: still readable, off the timeline by default', async () => {
    const patient = await patientInCare();
    const wrong = (await add(patient, { type: 'allergy', text: 'Latex (wrong patient)' })).json();
    const entryUrl = `${historyUrl(patient)}/${wrong.id}`;
    const marked = await t.app.api.inject({
      method: 'POST',
      url: `${entryUrl}/entered-in-error`,
      headers: bearer(doctor),
      payload: { reason: 'Recorded on the wrong patient' },
    });
    expect(marked.statusCode).toBe(200);
    expect(marked.json().enteredInError).toMatchObject({
      reason: 'Recorded on the wrong patient',
      markedBy: { username: `history-doctor-${kind}` },
    });
    expect((await timeline(patient)).json().items).toEqual([]);
    const withErrors = await timeline(patient, '?includeEnteredInError=true');
    expect(withErrors.json().items.map((item: { id: string }) => item.id)).toEqual([wrong.id]);
    const read = await t.app.api.inject({ method: 'GET', url: entryUrl, headers: bearer(doctor) });
    expect(read.statusCode).toBe(200);
    expect(read.json().text).toBe('Latex (wrong patient)');
    const again = await t.app.api.inject({
      method: 'POST',
      url: `${entryUrl}/entered-in-error`,
      headers: bearer(doctor),
      payload: { reason: 'twice' },
    });
    expect(again.statusCode).toBe(409);
    const amend = await t.app.api.inject({
      method: 'POST',
      url: `${entryUrl}/amend`,
      headers: { ...bearer(doctor), 'if-match': '"1"' },
      payload: { reason: 'fix', text: 'Latex' },
    });
    expect(amend.statusCode).toBe(409);
    const deleted = await t.app.api.inject({ method: 'DELETE', url: entryUrl, headers: bearer(doctor) });
    expect(deleted.statusCode).toBe(404);
    await expect(t.database.db.query('DELETE FROM history_entries')).rejects.toThrow(/never deleted/);
  });

  it('audits every read and change with the patient id, and replays a POST with the same Idempotency-Key', async () => {
    const patient = await patientInCare();
    const headers = { 'idempotency-key': `history-${kind}-1` };
    const first = await add(patient, { type: 'clinical_note', text: 'Seen in clinic' }, headers);
    const replay = await add(patient, { type: 'clinical_note', text: 'Seen in clinic' }, headers);
    expect(replay.statusCode).toBe(201);
    expect(replay.json().id).toBe(first.json().id);
    expect(replay.headers['idempotent-replayed']).toBe('true');
    const entryUrl = `${historyUrl(patient)}/${first.json().id}`;
    await t.app.api.inject({
      method: 'POST',
      url: `${entryUrl}/amend`,
      headers: { ...bearer(doctor), 'if-match': '"1"' },
      payload: { reason: 'typo', text: 'Seen in the clinic' },
    });
    await timeline(patient);
    await t.app.api.inject({ method: 'GET', url: entryUrl, headers: bearer(doctor) });
    await t.app.api.inject({ method: 'GET', url: `${entryUrl}/versions`, headers: bearer(doctor) });
    await t.app.api.inject({
      method: 'POST',
      url: `${entryUrl}/entered-in-error`,
      headers: bearer(doctor),
      payload: { reason: 'duplicate' },
    });
    expect(await auditActions(t, patient.id)).toEqual([
      'PATIENT_REGISTERED',
      'HISTORY_ENTRY_ADDED',
      'HISTORY_ENTRY_AMENDED',
      'PATIENT_HISTORY_VIEWED',
      'HISTORY_ENTRY_VIEWED',
      'HISTORY_ENTRY_VERSIONS_VIEWED',
      'HISTORY_ENTRY_MARKED_IN_ERROR',
    ]);
  });

  it('answers 404 for an unknown patient or an entry of another patient, and 409 for an archived record', async () => {
    const patient = await patientInCare();
    const other = await patientInCare();
    const entry = (await add(other, { type: 'clinical_note', text: 'Other patient' })).json();
    const missingPatient = await t.app.api.inject({
      method: 'GET',
      url: '/api/v1/patients/00000000-0000-4000-8000-000000000000/history',
      headers: bearer(doctor),
    });
    expect(missingPatient.statusCode).toBe(404);
    const crossed = await t.app.api.inject({
      method: 'GET',
      url: `${historyUrl(patient)}/${entry.id}`,
      headers: bearer(doctor),
    });
    expect(crossed.statusCode).toBe(404);
    await t.app.api.inject({
      method: 'POST',
      url: `/api/v1/patients/${patient.id}/archive`,
      headers: bearer(staff),
    });
    expect((await add(patient, { type: 'clinical_note', text: 'late' })).statusCode).toBe(409);
    expect((await timeline(patient)).statusCode).toBe(200);
  });
});
