import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { putInCare } from '../../../tests/support/care-factories.js';
import { DATABASE_KINDS } from '../../../tests/support/databases.js';
import { buildTestApp, type TestApp } from '../../../tests/support/test-app.js';
import { ForbiddenError } from '../../shared/errors.js';
import {
  auditActions,
  bearer,
  registerPatient,
  type TestPatient,
} from '../../../tests/support/clinical-factories.js';

describe.each(DATABASE_KINDS)('medical history input checks and access on %s', (kind) => {
  let t: TestApp;
  let doctor: string;
  let staff: string;

  beforeAll(async () => {
    t = await buildTestApp(kind);
    doctor = await t.userToken('doctor', `guard-doctor-${kind}`);
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

  async function add(patient: TestPatient, body: Record<string, unknown>) {
    return t.app.api.inject({
      method: 'POST',
      url: historyUrl(patient),
      headers: bearer(doctor),
      payload: body,
    });
  }

  describe('refuses bad input with problem+json naming the field, and writes nothing', () => {
    const cases: [string, Record<string, unknown>, string][] = [
      ['an ICD-10 code starting with U', { type: 'diagnosis', text: 'x', icd10Code: 'U07.1' }, 'icd10Code'],
      ['a lower-case ICD-10 code', { type: 'diagnosis', text: 'x', icd10Code: 'i10' }, 'icd10Code'],
      ['a two-character ICD-10 code', { type: 'diagnosis', text: 'x', icd10Code: 'I1' }, 'icd10Code'],
      ['an ICD-10 code on an allergy', { type: 'allergy', text: 'x', icd10Code: 'I10' }, 'icd10Code'],
      ['a pulse of 400', { type: 'vital_signs', vitals: { pulseBpm: 400 } }, 'vitals.pulseBpm'],
      [
        'an SpO2 of 101',
        { type: 'vital_signs', vitals: { oxygenSaturationPercent: 101 } },
        'vitals.oxygenSaturationPercent',
      ],
      [
        'a temperature of 50 °C',
        { type: 'vital_signs', vitals: { temperatureCelsius: 50 } },
        'vitals.temperatureCelsius',
      ],
      [
        'a respiratory rate of 2',
        { type: 'vital_signs', vitals: { respiratoryRatePerMin: 2 } },
        'vitals.respiratoryRatePerMin',
      ],
      [
        'a diastolic above the systolic',
        { type: 'vital_signs', vitals: { systolicMmHg: 80, diastolicMmHg: 120 } },
        'vitals.diastolicMmHg',
      ],
      [
        'a systolic without a diastolic',
        { type: 'vital_signs', vitals: { systolicMmHg: 120 } },
        'vitals.diastolicMmHg',
      ],
      ['vital signs without readings', { type: 'vital_signs', text: 'looked fine' }, 'vitals'],
      ['a diagnosis without text', { type: 'diagnosis', icd10Code: 'I10' }, 'text'],
      ['an unknown type', { type: 'gossip', text: 'x' }, 'type'],
      [
        'a time in the future',
        { type: 'clinical_note', text: 'x', recordedAt: '2999-01-01T00:00:00Z' },
        'recordedAt',
      ],
      ['an unknown field', { type: 'clinical_note', text: 'x', mood: 'happy' }, 'mood'],
    ];
    it.each(cases)('%s', async (_label, body, field) => {
      const patient = await patientInCare();
      const response = await add(patient, body);
      expect(response.statusCode).toBe(400);
      expect(response.headers['content-type']).toContain('application/problem+json');
      expect(response.json().errors.map((error: { field: string }) => error.field)).toContain(field);
      const count = await t.database.db.query<{ n: number }>(
        'SELECT count(*)::int AS n FROM history_entries WHERE patient_id = $1',
        [patient.id],
      );
      expect(count.rows[0]!.n).toBe(0);
    });
  });

  it('answers 403 to a role without history:read or history:write, and records the attempt', async () => {
    const patient = await patientInCare();
    const entry = (await add(patient, { type: 'clinical_note', text: 'Confidential note' })).json();
    for (const url of [
      historyUrl(patient),
      `${historyUrl(patient)}/${entry.id}`,
      `${historyUrl(patient)}/${entry.id}/versions`,
      `/api/v1/patients/${patient.id}/history.pdf`,
    ]) {
      const response = await t.app.api.inject({ method: 'GET', url, headers: bearer(staff) });
      expect(response.statusCode).toBe(403);
      expect(response.body).not.toContain('Confidential note');
    }
    const write = await t.app.api.inject({
      method: 'POST',
      url: historyUrl(patient),
      headers: bearer(staff),
      payload: { type: 'clinical_note', text: 'by staff' },
    });
    expect(write.statusCode).toBe(403);
    const denied = await t.database.db.query<{ n: number }>(
      "SELECT count(*)::int AS n FROM audit_events WHERE action = 'PRIVILEGE_ESCALATION' AND details->>'permission' LIKE 'history:%'",
    );
    expect(denied.rows[0]!.n).toBeGreaterThanOrEqual(5);
  });

  it('sends every clinical read through ClinicalAccess, which records a refusal once the read rolled back', async () => {
    const patient = await patientInCare();
    const staffActor = {
      userId: '00000000-0000-0000-0000-000000000001',
      username: 'someone',
      role: 'staff' as const,
    };
    const context = { actor: staffActor, clientAddress: '127.0.0.1', requestId: 'req-clinical-denied' };
    await expect(t.app.services.history.timeline(patient.id, {}, context)).rejects.toBeInstanceOf(
      ForbiddenError,
    );
    await expect(t.app.services.history.exportData(patient.id, {}, context)).rejects.toBeInstanceOf(
      ForbiddenError,
    );
    const rows = await t.database.db.query<{ action: string; outcome: string }>(
      "SELECT action, outcome FROM audit_events WHERE request_id = 'req-clinical-denied' ORDER BY id",
    );
    expect(rows.rows).toEqual([
      { action: 'ACCESS_DENIED', outcome: 'denied' },
      { action: 'ACCESS_DENIED', outcome: 'denied' },
    ]);
    expect(await auditActions(t, patient.id)).not.toContain('PATIENT_HISTORY_VIEWED');
  });
});
