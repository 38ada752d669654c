import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { insertDepartment, insertDoctor } from '../../../tests/support/clinical-factories.js';
import { DATABASE_KINDS } from '../../../tests/support/databases.js';
import { getReport, insertAppointmentAt, insertPatientAt } from '../../../tests/support/report-factories.js';
import { parseCsv } from '../../../tests/support/report-parsing.js';
import { buildTestApp, type TestApp } from '../../../tests/support/test-app.js';

const PERIOD = { from: '2024-01-01', to: '2024-12-31' };
/** More than two keyset pages (5,000 rows each), so that page boundaries are crossed. */
const REGISTRATIONS = 12_001;

describe.each(DATABASE_KINDS)('the row-level patients export on %s', (kind) => {
  let t: TestApp;
  let token: string;

  beforeAll(async () => {
    t = await buildTestApp(kind);
    token = await t.userToken('finance', 'rows-reader');
    // Born on a day cycling through 90 years, registered on a day cycling through 2024, sex in turn.
    await t.database.db.query(
      `INSERT INTO patients (name, date_of_birth, sex, created_at)
       SELECT 'Bulk Patient ' || g, date '1930-01-01' + (g * 277) % 32000,
              (ARRAY['female', 'male', 'other', 'unknown'])[1 + g % 4],
              timestamptz '2024-01-01T12:00:00Z' + ((g % 366) || ' days')::interval
         FROM generate_series(1, $1::int) g`,
      [REGISTRATIONS],
    );
    const outside = await insertPatientAt(t, { createdAt: '2025-01-01T12:00:00Z' });
    await insertPatientAt(t, { createdAt: '2024-06-01T12:00:00Z', mergedInto: outside.id });
  });
  afterAll(async () => t?.close());

  it('streams one line per registration of the period, without names, each once, in MRN order', async () => {
    const response = await getReport(t, token, 'patients', { ...PERIOD, format: 'csv', detail: 'rows' });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-disposition']).toBe(
      'attachment; filename="patients-2024-01-01-to-2024-12-31-rows.csv"',
    );
    const records = parseCsv(response.body);
    expect(Object.keys(records[0]!)).toEqual(['mrn', 'registeredOn', 'sex', 'ageBand']);
    expect(response.body).not.toContain('Bulk Patient');
    expect(records).toHaveLength(REGISTRATIONS);
    const mrns = records.map((record) => record['mrn']!);
    expect(new Set(mrns).size).toBe(REGISTRATIONS);
    expect([...mrns].sort()).toEqual(mrns);
    expect(records.every((record) => record['registeredOn']!.startsWith('2024-'))).toBe(true);

    const summary = (await getReport(t, token, 'patients', PERIOD)).json();
    expect(summary.totals.registrations).toBe(REGISTRATIONS);
    for (const { sex, patients } of summary.bySex) {
      expect(records.filter((record) => record['sex'] === sex)).toHaveLength(patients);
    }
    for (const { ageBand, patients } of summary.byAgeBand) {
      expect(records.filter((record) => record['ageBand'] === ageBand)).toHaveLength(patients);
    }
  });

  it("limits the rows to a department's patients", async () => {
    const department = await insertDepartment(t);
    const doctor = await insertDoctor(t, department);
    const seen = await insertPatientAt(t, {
      createdAt: '2024-03-03T12:00:00Z',
      sex: 'female',
      dateOfBirth: '2000-01-01',
    });
    await insertAppointmentAt(t, {
      patientId: seen.id,
      doctorId: doctor,
      startsAt: '2024-03-04T10:00:00Z',
      status: 'completed',
    });
    const response = await getReport(t, token, 'patients', {
      ...PERIOD,
      departmentId: department,
      format: 'csv',
      detail: 'rows',
    });
    expect(parseCsv(response.body)).toEqual([
      { mrn: seen.mrn, registeredOn: '2024-03-03', sex: 'female', ageBand: '18-29' },
    ]);
  });

  it('is CSV only, for the patients report only, and audited as a row-level export', async () => {
    const asJson = await getReport(t, token, 'patients', { ...PERIOD, detail: 'rows' });
    expect(asJson.statusCode).toBe(400);
    expect(asJson.json().errors).toEqual([{ field: 'format', message: 'must be csv with detail=rows' }]);
    const appointments = await getReport(t, token, 'appointments', {
      ...PERIOD,
      format: 'csv',
      detail: 'rows',
    });
    expect(appointments.statusCode).toBe(400);
    await getReport(t, token, 'patients', { ...PERIOD, format: 'csv', detail: 'rows' });
    const audit = await t.database.db.query<{ details: any }>(
      `SELECT details FROM audit_events WHERE action = 'REPORT_GENERATED' ORDER BY id DESC LIMIT 1`,
    );
    expect(audit.rows[0]!.details).toMatchObject({ report: 'patients', format: 'csv', detail: 'rows' });
  });
});
