import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { putInCare } from '../../../tests/support/care-factories.js';
import { bearer } from '../../../tests/support/clinical-factories.js';
import { DATABASE_KINDS } from '../../../tests/support/databases.js';
import { insertPatientAt } from '../../../tests/support/report-factories.js';
import {
  bookAppointment,
  createDepartment,
  createDoctor,
  createPatient,
} from '../../../tests/support/scheduling-factories.js';
import { buildTestApp, type TestApp } from '../../../tests/support/test-app.js';
import { DASHBOARD_FIGURE_WRITES } from './dashboard.schemas.js';

describe.each(DATABASE_KINDS)('keeping the cached dashboard fresh on %s', (kind) => {
  let t: TestApp;
  let admin: string;

  beforeAll(async () => {
    // A long TTL: only a write that drops the cache can make the figures change between two reads.
    t = await buildTestApp(kind, { 'cache.ttl.dashboard': '10m' });
    admin = await t.adminToken();
  });
  afterAll(async () => t?.close());

  async function patientsTotal(): Promise<number> {
    const response = await t.app.api.inject({
      method: 'GET',
      url: '/api/v1/dashboard',
      headers: bearer(admin),
    });
    expect(response.statusCode, response.body).toBe(200);
    return response.json().patients.total;
  }

  it('names only routes that exist', () => {
    for (const write of Object.values(DASHBOARD_FIGURE_WRITES).flat()) {
      const [method, url] = write.split(' ') as [string, string];
      expect(t.app.api.hasRoute({ method, url }), write).toBe(true);
    }
  });

  it('keeps the cache on a history entry and drops it on an appointment booking', async () => {
    const department = await createDepartment(t, admin);
    const doctorRecord = await createDoctor(t, admin, department.id);
    const patient = await createPatient(t, admin);
    const doctor = await t.userToken('doctor');
    await putInCare(t, doctor, patient.id);

    const before = await patientsTotal();
    // A patient the API does not know was added: the cached figures are now stale.
    await insertPatientAt(t, { createdAt: new Date().toISOString() });

    const entry = await t.app.api.inject({
      method: 'POST',
      url: `/api/v1/patients/${patient.id}/history`,
      headers: bearer(doctor),
      payload: { type: 'clinical_note', text: 'Feels better' },
    });
    expect(entry.statusCode, entry.body).toBe(201);
    expect(await patientsTotal()).toBe(before);

    const booked = await bookAppointment(t, admin, {
      patientId: patient.id,
      doctorId: doctorRecord.id,
      start: '2030-07-17T09:00:00Z',
      end: '2030-07-17T09:30:00Z',
    });
    expect(booked.statusCode, booked.body).toBe(201);
    expect(await patientsTotal()).toBe(before + 1);
  });
});
