import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { insertDepartment, insertDoctor } from '../../../tests/support/clinical-factories.js';
import { DATABASE_KINDS } from '../../../tests/support/databases.js';
import {
  insertAdmissionAt,
  insertAppointmentAt,
  insertInvoiceAt,
  insertPatientAt,
} from '../../../tests/support/report-factories.js';
import { buildTestApp, type TestApp } from '../../../tests/support/test-app.js';
import { CachedReads, InProcessCache } from '../../cache/index.js';
import { DashboardService } from './dashboard.service.js';

/** UTC+14: for most of the UTC day the hospital's "today" is a different date. */
const TIME_ZONE = 'Pacific/Kiritimati';

describe.each(DATABASE_KINDS)('the dashboard on %s', (kind) => {
  let t: TestApp;
  let today: string;

  /** An instant of the hospital's day `dayOffset` days from today, at local `time`. */
  async function localInstant(dayOffset: number, time: string): Promise<string> {
    const result = await t.database.db.query<{ at: Date }>(
      `SELECT ((date_trunc('day', now() AT TIME ZONE $1::text) + $2::interval + $3::interval) AT TIME ZONE $1::text) AS at`,
      [TIME_ZONE, `${dayOffset} days`, time],
    );
    return new Date(result.rows[0]!.at).toISOString();
  }

  /** The hospital's date `dayOffset` days from today, YYYY-MM-DD. */
  async function localDay(dayOffset: number): Promise<string> {
    const result = await t.database.db.query<{ day: string }>(
      `SELECT to_char((now() AT TIME ZONE $1::text) + $2::interval, 'YYYY-MM-DD') AS day`,
      [TIME_ZONE, `${dayOffset} days`],
    );
    return result.rows[0]!.day;
  }

  beforeAll(async () => {
    t = await buildTestApp(kind, { 'hospital.timezone': TIME_ZONE });
    const now = new Date().toISOString();
    const department = await insertDepartment(t);
    const doctor = await insertDoctor(t, department);
    const patients = [];
    for (let index = 0; index < 3; index++) patients.push(await insertPatientAt(t, { createdAt: now }));
    const longAgo = new Date(Date.now() - 70 * 86_400_000).toISOString();
    patients.push(await insertPatientAt(t, { createdAt: longAgo }));
    await insertPatientAt(t, { createdAt: now, mergedInto: patients[0]!.id });
    const [p1, p2, p3, p4] = patients.map((patient) => patient.id) as [string, string, string, string];

    const book = async (patientId: string, at: string, status: any) =>
      insertAppointmentAt(t, { patientId, doctorId: doctor, startsAt: at, status });
    await book(p1, await localInstant(0, '10:00'), 'scheduled');
    await book(p2, await localInstant(0, '11:00'), 'scheduled');
    await book(p3, await localInstant(0, '00:30'), 'completed');
    await book(p4, await localInstant(0, '23:00'), 'no_show');
    await book(p1, await localInstant(-1, '23:00'), 'completed');
    await book(p2, await localInstant(1, '00:30'), 'scheduled');

    await insertAdmissionAt(t, { patientId: p1, departmentId: department, priority: 1, arrivedAt: now });
    await insertAdmissionAt(t, { patientId: p2, departmentId: department, priority: 3, arrivedAt: now });
    await insertAdmissionAt(t, { patientId: p3, departmentId: department, priority: 3, arrivedAt: now });
    await insertAdmissionAt(t, {
      patientId: p4,
      departmentId: department,
      priority: 2,
      arrivedAt: longAgo,
      dischargedAt: now,
    });

    today = await localDay(0);
    const lastMonth = await localDay(-40);
    const invoice = { patientId: p1 };
    await insertInvoiceAt(t, {
      ...invoice,
      status: 'partially_paid',
      subtotalCents: 20_000,
      discountCents: 2_000,
      paidCents: 5_000,
      issueDate: today,
    });
    await insertInvoiceAt(t, {
      ...invoice,
      status: 'paid',
      subtotalCents: 1_000,
      paidCents: 1_000,
      issueDate: today,
    });
    await insertInvoiceAt(t, { ...invoice, status: 'issued', subtotalCents: 3_000, issueDate: lastMonth });
    await insertInvoiceAt(t, { ...invoice, status: 'void', subtotalCents: 9_000, issueDate: today });
    await insertInvoiceAt(t, { ...invoice, status: 'draft', subtotalCents: 7_000 });
  });
  afterAll(async () => t?.close());

  async function dashboard(token: string): Promise<any> {
    const response = await t.app.api.inject({
      method: 'GET',
      url: '/api/v1/dashboard',
      headers: { authorization: `Bearer ${token}` },
    });
    expect(response.statusCode, response.body).toBe(200);
    return response.json();
  }

  it("shows an admin the day's figures in the hospital's time zone", async () => {
    const figures = await dashboard(await t.adminToken());
    expect(figures.date).toBe(today);
    expect(figures.timeZone).toBe(TIME_ZONE);
    expect(figures.patients).toEqual({ total: 4, newThisMonth: 3 });
    expect(figures.appointmentsToday).toEqual({
      total: 4,
      byStatus: { scheduled: 2, checkedIn: 0, completed: 1, cancelled: 0, noShow: 1 },
    });
    expect(figures.openAdmissions).toEqual({
      total: 3,
      byPriority: [
        { priority: 1, admissions: 1 },
        { priority: 2, admissions: 0 },
        { priority: 3, admissions: 2 },
        { priority: 4, admissions: 0 },
        { priority: 5, admissions: 0 },
      ],
    });
    // Issued this month: 18,000 + 1,000 (the void and the draft do not count); owed: 13,000 + 3,000.
    expect(figures.revenue).toEqual({ thisMonthCents: 19_000, outstandingCents: 16_000 });
  });

  it('leaves out what a role may not see', async () => {
    const parts = async (token: string) =>
      Object.keys(await dashboard(token))
        .filter((key) => !['date', 'timeZone', 'generatedAt'].includes(key))
        .sort();
    expect(await parts(await t.userToken('finance'))).toEqual(['patients', 'revenue']);
    const clinical = ['appointmentsToday', 'openAdmissions', 'patients'];
    expect(await parts(await t.userToken('doctor'))).toEqual(clinical);
    expect(await parts(await t.userToken('department_head'))).toEqual(clinical);
    expect(await parts(await t.userToken('staff'))).toEqual(clinical);
    const finance = await dashboard(await t.userToken('finance'));
    expect(finance.patients).toEqual({ total: 4, newThisMonth: 3 });
  });

  it('caches the figures briefly, per role', async () => {
    let now = Date.now();
    const cache = new CachedReads(new InProcessCache({ now: () => now }), {
      keyPrefix: 'dashboard-test:',
      ttls: { patientMs: 0, listsMs: 0, dashboardMs: 5_000 },
      now: () => now,
    });
    const service = new DashboardService(t.database.db, TIME_ZONE, cache, { now: () => now });
    const before = await service.forRole('admin');
    await insertPatientAt(t, { createdAt: new Date().toISOString() });
    expect(await service.forRole('admin')).toEqual(before);
    expect((await service.forRole('staff')).patients!.total).toBe(before.patients!.total + 1);
    now += 5_000;
    expect((await service.forRole('admin')).patients!.total).toBe(before.patients!.total + 1);
  });

  it('is refused to anyone not signed in', async () => {
    expect((await t.app.api.inject({ method: 'GET', url: '/api/v1/dashboard' })).statusCode).toBe(401);
  });
});
