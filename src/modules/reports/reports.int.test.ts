import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { insertDepartment, insertDoctor } from '../../../tests/support/clinical-factories.js';
import { DATABASE_KINDS } from '../../../tests/support/databases.js';
import {
  getReport,
  insertAdmissionAt,
  insertAppointmentAt,
  insertInvoiceAt,
  insertPatientAt,
} from '../../../tests/support/report-factories.js';
import { csvSections, jsonSections, parseCsv, pdfText } from '../../../tests/support/report-parsing.js';
import { buildTestApp, type TestApp } from '../../../tests/support/test-app.js';

const MARCH = { from: '2025-03-01', to: '2025-03-31' };

/**
 * One month of a small hospital in Tokyo (UTC+9), with rows on both sides of each midnight that
 * bounds the month there: 2025-02-28T15:30Z is already 1 March in Tokyo, 2025-03-31T15:30Z is 1 April.
 */
async function seedMarch(t: TestApp) {
  const cardiology = await insertDepartment(t, 'Cardiology');
  const neurology = await insertDepartment(t, 'Neurology');
  const doctorA = await insertDoctor(t, cardiology, 'Dr Able');
  const doctorB = await insertDoctor(t, cardiology, 'Dr Baker');
  const doctorC = await insertDoctor(t, neurology, 'Dr Cole');
  const doctorD = await insertDoctor(t, null, 'Dr Dunn');

  const p1 = await insertPatientAt(t, {
    createdAt: '2025-03-05T01:00:00Z',
    sex: 'female',
    dateOfBirth: '1990-06-01',
  });
  const p2 = await insertPatientAt(t, {
    createdAt: '2025-03-10T10:00:00Z',
    sex: 'male',
    dateOfBirth: '2010-01-01',
  });
  const p3 = await insertPatientAt(t, {
    createdAt: '2025-03-31T14:30:00Z',
    sex: 'female',
    dateOfBirth: '1940-01-01',
  });
  const p4 = await insertPatientAt(t, { createdAt: '2025-03-31T15:30:00Z', sex: 'male' });
  const p5 = await insertPatientAt(t, {
    createdAt: '2025-02-28T15:30:00Z',
    sex: 'unknown',
    dateOfBirth: '1960-05-05',
  });
  const p6 = await insertPatientAt(t, { createdAt: '2025-02-28T14:30:00Z', sex: 'other' });
  await insertPatientAt(t, { createdAt: '2025-03-15T01:00:00Z', sex: 'female', mergedInto: p1.id });

  const at = (startsAt: string, patientId: string, doctorId: string, status: any, extra = {}) =>
    insertAppointmentAt(t, { startsAt, patientId, doctorId, status, ...extra });
  const a1 = await at('2025-03-05T01:00:00Z', p1.id, doctorA, 'completed', {
    checkedInAt: '2025-03-05T01:00:00Z',
    completedAt: '2025-03-05T01:20:00Z',
  });
  const a2 = await at('2025-03-06T01:00:00Z', p2.id, doctorA, 'completed', {
    checkedInAt: '2025-03-06T01:00:00Z',
    completedAt: '2025-03-06T01:40:00Z',
  });
  await at('2025-03-07T01:00:00Z', p5.id, doctorA, 'no_show');
  await at('2025-03-08T01:00:00Z', p1.id, doctorA, 'cancelled');
  const a5 = await at('2025-03-09T01:00:00Z', p2.id, doctorB, 'completed', {
    completedAt: '2025-03-09T01:30:00Z',
  });
  await at('2025-03-31T14:30:00Z', p3.id, doctorB, 'scheduled');
  await at('2025-03-12T01:00:00Z', p2.id, doctorC, 'checked_in', { checkedInAt: '2025-03-12T01:00:00Z' });
  await at('2025-03-31T15:30:00Z', p1.id, doctorC, 'completed');
  await at('2025-03-20T01:00:00Z', p5.id, doctorD, 'no_show');
  await at('2025-02-28T15:30:00Z', p1.id, doctorA, 'completed', {
    checkedInAt: '2025-02-28T15:30:00Z',
    completedAt: '2025-02-28T16:00:00Z',
  });

  await insertAdmissionAt(t, {
    patientId: p3.id,
    departmentId: cardiology,
    priority: 2,
    arrivedAt: '2025-03-10T00:00:00Z',
    dischargedAt: '2025-03-12T00:00:00Z',
  });
  await insertAdmissionAt(t, {
    patientId: p4.id,
    departmentId: cardiology,
    priority: 3,
    arrivedAt: '2025-03-31T12:00:00Z',
  });
  await insertAdmissionAt(t, {
    patientId: p6.id,
    departmentId: neurology,
    priority: 1,
    arrivedAt: '2025-02-27T00:00:00Z',
    dischargedAt: '2025-03-02T00:00:00Z',
  });
  await insertAdmissionAt(t, {
    patientId: p2.id,
    departmentId: neurology,
    priority: 4,
    arrivedAt: '2025-04-05T00:00:00Z',
  });

  const invoice = { patientId: p1.id, subtotalCents: 10_000 };
  await insertInvoiceAt(t, {
    ...invoice,
    status: 'issued',
    appointmentId: a1,
    discountCents: 1_000,
    taxCents: 500,
    issueDate: '2025-03-05',
  });
  await insertInvoiceAt(t, {
    ...invoice,
    status: 'paid',
    appointmentId: a5,
    subtotalCents: 5_000,
    paidCents: 5_000,
    issueDate: '2025-03-09',
  });
  await insertInvoiceAt(t, { ...invoice, status: 'void', appointmentId: a2, issueDate: '2025-03-06' });
  await insertInvoiceAt(t, { ...invoice, status: 'issued', appointmentId: a1, issueDate: '2025-04-02' });
  await insertInvoiceAt(t, { ...invoice, status: 'draft', appointmentId: a2 });
  return { cardiology, neurology, doctorA, doctorB };
}

describe.each(DATABASE_KINDS)('reports on %s', (kind) => {
  let t: TestApp;
  let token: string;
  let seeded: Awaited<ReturnType<typeof seedMarch>>;

  beforeAll(async () => {
    t = await buildTestApp(kind, { 'hospital.timezone': 'Asia/Tokyo' });
    token = await t.userToken('finance', 'finance-reader');
    seeded = await seedMarch(t);
  });
  afterAll(async () => t?.close());

  async function json(report: string, query: Record<string, string> = MARCH): Promise<any> {
    const response = await getReport(t, token, report, query);
    expect(response.statusCode, response.body).toBe(200);
    return response.json();
  }

  it('counts registrations of the period by sex, age at registration and month, in hospital time', async () => {
    const report = await json('patients');
    expect(report.filters).toMatchObject({ ...MARCH, timeZone: 'Asia/Tokyo', departmentId: null });
    expect(report.generatedBy).toBe('finance-reader');
    expect(report.totals).toEqual({ registrations: 4 });
    expect(report.bySex).toEqual([
      { sex: 'female', patients: 2 },
      { sex: 'male', patients: 1 },
      { sex: 'other', patients: 0 },
      { sex: 'unknown', patients: 1 },
    ]);
    expect(Object.fromEntries(report.byAgeBand.map((band: any) => [band.ageBand, band.patients]))).toEqual({
      '0-17': 1,
      '18-29': 0,
      '30-44': 1,
      '45-59': 0,
      '60-74': 1,
      '75+': 1,
    });
    expect(report.byMonth).toEqual([{ month: '2025-03', patients: 4 }]);
  });

  it('narrows the period by from and to, and fills months without registrations with 0', async () => {
    expect((await json('patients', { from: '2025-03-01', to: '2025-03-15' })).totals.registrations).toBe(3);
    expect((await json('patients', { from: '2025-04-01', to: '2025-04-01' })).totals.registrations).toBe(1);
    const quarter = await json('patients', { from: '2025-01-01', to: '2025-03-31' });
    expect(quarter.byMonth).toEqual([
      { month: '2025-01', patients: 0 },
      { month: '2025-02', patients: 1 },
      { month: '2025-03', patients: 4 },
    ]);
  });

  it('refuses a period that ends before it starts, and a date that is not one', async () => {
    const backwards = await getReport(t, token, 'patients', { from: '2025-03-31', to: '2025-03-01' });
    expect(backwards.statusCode).toBe(400);
    expect(backwards.json().errors[0].field).toBe('from');
    expect((await getReport(t, token, 'patients', { from: '2025-02-30' })).statusCode).toBe(400);
    expect((await getReport(t, token, 'patients', { format: 'xlsx' })).statusCode).toBe(400);
  });

  it("counts a department's patients: those it saw by appointment or admission", async () => {
    const report = await json('patients', { ...MARCH, departmentId: seeded.neurology });
    expect(report.totals.registrations).toBe(2);
    expect(report.filters.departmentName).toBe('Neurology');
  });

  it('counts appointments by status, doctor and department, with the no-show rate', async () => {
    const report = await json('appointments');
    expect(report.totals).toEqual({
      appointments: 9,
      scheduled: 1,
      checkedIn: 1,
      completed: 4,
      cancelled: 1,
      noShows: 2,
      noShowRate: 0.2857,
    });
    expect(report.byStatus.map((row: any) => [row.status, row.appointments])).toEqual([
      ['scheduled', 1],
      ['checked_in', 1],
      ['completed', 4],
      ['cancelled', 1],
      ['no_show', 2],
    ]);
    const byDoctor = Object.fromEntries(report.byDoctor.map((row: any) => [row.doctorName, row]));
    expect(byDoctor['Dr Able']).toMatchObject({
      appointments: 5,
      completed: 3,
      noShows: 1,
      noShowRate: 0.25,
    });
    expect(byDoctor['Dr Dunn']).toMatchObject({ appointments: 1, departmentName: null, noShowRate: 1 });
    expect(report.byDepartment.map((row: any) => [row.departmentName, row.appointments])).toEqual([
      ['Cardiology', 7],
      ['Neurology', 1],
      ['No department', 1],
    ]);
    const cardiology = await json('appointments', { ...MARCH, departmentId: seeded.cardiology });
    expect(cardiology.totals.appointments).toBe(7);
  });

  it('measures each doctor: completion rate, consultation time from check-in to completion, revenue', async () => {
    const report = await json('doctor-performance');
    expect(report.totals).toEqual({
      doctors: 4,
      appointments: 9,
      completed: 4,
      cancelled: 1,
      noShows: 2,
      completionRate: 0.5,
      timedConsultations: 3,
      averageConsultationMinutes: 30,
      revenueCents: 14_000,
    });
    const able = report.byDoctor.find((row: any) => row.doctorId === seeded.doctorA);
    expect(able).toMatchObject({
      appointments: 5,
      completionRate: 0.75,
      timedConsultations: 3,
      averageConsultationMinutes: 30,
      revenueCents: 9_000,
    });
    const baker = report.byDoctor.find((row: any) => row.doctorId === seeded.doctorB);
    expect(baker).toMatchObject({
      completionRate: 0.5,
      averageConsultationMinutes: null,
      revenueCents: 5_000,
    });
  });

  it('shows per department appointments, admissions, patients seen and average length of stay', async () => {
    const report = await json('departments');
    expect(report.totals).toEqual({
      departments: 2,
      appointments: 8,
      completedAppointments: 4,
      admissions: 2,
      patientsSeen: 4,
      discharges: 2,
      averageLengthOfStayHours: 60,
    });
    expect(
      report.byDepartment.map((row: any) => ({ ...row, departmentId: undefined, code: undefined })),
    ).toEqual([
      {
        departmentName: 'Cardiology',
        appointments: 7,
        completedAppointments: 4,
        admissions: 2,
        patientsSeen: 4,
        discharges: 1,
        averageLengthOfStayHours: 48,
      },
      {
        departmentName: 'Neurology',
        appointments: 1,
        completedAppointments: 0,
        admissions: 0,
        patientsSeen: 1,
        discharges: 1,
        averageLengthOfStayHours: 72,
      },
    ]);
  });

  const SECTIONS: Record<string, string[]> = {
    patients: ['totals', 'bySex', 'byAgeBand', 'byMonth'],
    appointments: ['totals', 'byStatus', 'byDoctor', 'byDepartment'],
    'doctor-performance': ['totals', 'byDoctor'],
    departments: ['totals', 'byDepartment'],
  };

  it.each(Object.keys(SECTIONS))(
    'writes the %s report as CSV that parses back to its JSON figures',
    async (name) => {
      const figures = await json(name);
      const response = await getReport(t, token, name, { ...MARCH, format: 'csv' });
      expect(response.statusCode).toBe(200);
      expect(response.headers['content-type']).toBe('text/csv; charset=utf-8');
      expect(response.headers['content-disposition']).toBe(
        `attachment; filename="${name}-2025-03-01-to-2025-03-31.csv"`,
      );
      const [header] = parseCsv(response.body).map((record) => Object.keys(record));
      const columns = header!.filter((column) => column !== 'section');
      for (const key of SECTIONS[name]!) {
        const rows = Array.isArray(figures[key]) ? figures[key] : [figures[key]];
        for (const row of rows) expect(columns).toEqual(expect.arrayContaining(Object.keys(row)));
      }
      const fromCsv = csvSections(response.body);
      expect([...fromCsv.keys()].sort()).toEqual(
        [...SECTIONS[name]!].filter((key) => figures[key].length !== 0).sort(),
      );
      const fromJson = jsonSections(figures, SECTIONS[name]!, columns);
      for (const key of fromCsv.keys()) expect(fromCsv.get(key)).toEqual(fromJson.get(key));
    },
  );

  it.each([
    ['patients', ['Registrations: 4']],
    ['appointments', ['Appointments: 9', 'No-shows: 2', 'No-show rate: 28.57%']],
    [
      'doctor-performance',
      ['Doctors: 4', 'Completion rate: 50.00%', 'Average consultation (min): 30', 'Revenue: 140.00'],
    ],
    ['departments', ['Admissions: 2', 'Patients seen: 4', 'Average length of stay (h): 60']],
  ])(
    'writes the %s report as a PDF with the header, filters, totals and page numbers',
    async (name, totals) => {
      const response = await getReport(t, token, name, { ...MARCH, format: 'pdf' });
      expect(response.statusCode).toBe(200);
      expect(response.headers['content-type']).toBe('application/pdf');
      const text = await pdfText(response.rawPayload);
      expect(text).toContain('MediSys');
      expect(text).toContain('Period: 2025-03-01 to 2025-03-31 (Asia/Tokyo)');
      expect(text).toContain('Department: All departments');
      expect(text).toMatch(/Generated by finance-reader at \d{4}-\d{2}-\d{2} \d{2}:\d{2} \(Asia\/Tokyo\)/);
      expect(text).toMatch(/Page 1 of \d+/);
      for (const line of totals) expect(text).toContain(line);
    },
  );

  it('names the department in the PDF of a department report', async () => {
    const response = await getReport(t, token, 'departments', {
      ...MARCH,
      departmentId: seeded.cardiology,
      format: 'pdf',
    });
    const text = await pdfText(response.rawPayload);
    expect(text).toContain('Department: Cardiology');
    expect(text).toContain('Admissions: 2');
    expect(text).not.toContain('Neurology');
  });

  it('audits every report handed out, with its filters', async () => {
    await json('appointments', { ...MARCH, departmentId: seeded.cardiology });
    const rows = await t.database.db.query<{ details: any; actor_username: string }>(
      `SELECT details, actor_username FROM audit_events WHERE action = 'REPORT_GENERATED' ORDER BY id DESC LIMIT 1`,
    );
    expect(rows.rows[0]!.actor_username).toBe('finance-reader');
    expect(rows.rows[0]!.details).toMatchObject({
      report: 'appointments',
      format: 'json',
      from: '2025-03-01',
      to: '2025-03-31',
      departmentId: seeded.cardiology,
    });
  });

  it('documents each report and the dashboard in the OpenAPI document', async () => {
    const paths = (await t.app.api.inject({ method: 'GET', url: '/api/openapi.json' })).json().paths;
    for (const name of Object.keys(SECTIONS)) {
      expect(paths[`/api/v1/reports/${name}`].get.parameters.map((p: any) => p.name)).toEqual(
        expect.arrayContaining(['from', 'to', 'departmentId', 'format']),
      );
    }
    expect(paths['/api/v1/dashboard'].get).toBeDefined();
  });

  it('answers 404 for a report that does not exist and for an unknown department', async () => {
    expect((await getReport(t, token, 'salaries')).statusCode).toBe(404);
    const unknown = await getReport(t, token, 'patients', {
      departmentId: '00000000-0000-4000-8000-000000000000',
    });
    expect(unknown.statusCode).toBe(404);
  });
});
