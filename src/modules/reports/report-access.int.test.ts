import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { insertDepartment, insertDoctor } from '../../../tests/support/clinical-factories.js';
import { DATABASE_KINDS } from '../../../tests/support/databases.js';
import {
  accountIdOf,
  getReport,
  insertAppointmentAt,
  insertPatientAt,
  linkUserToDoctor,
} from '../../../tests/support/report-factories.js';
import { parseCsv } from '../../../tests/support/report-parsing.js';
import { buildTestApp, type TestApp } from '../../../tests/support/test-app.js';

const PERIOD = { from: '2025-05-01', to: '2025-05-31' };
const REPORTS = ['patients', 'appointments', 'doctor-performance', 'departments'];

describe.each(DATABASE_KINDS)('who may read which report, on %s', (kind) => {
  let t: TestApp;
  let cardiology: string;
  let neurology: string;
  let cardiologist: string;
  let neurologist: string;
  let tokens: Record<
    'admin' | 'finance' | 'head' | 'staffHead' | 'headless' | 'doctor' | 'unlinked' | 'staff',
    string
  >;

  beforeAll(async () => {
    t = await buildTestApp(kind);
    cardiology = await insertDepartment(t, 'Cardiology');
    neurology = await insertDepartment(t, 'Neurology');
    cardiologist = await insertDoctor(t, cardiology, 'Dr Heart');
    neurologist = await insertDoctor(t, neurology, 'Dr Brain');
    const patient = await insertPatientAt(t, { createdAt: '2025-05-02T10:00:00Z' });
    for (const [doctorId, day] of [
      [cardiologist, '03'],
      [cardiologist, '04'],
      [neurologist, '05'],
    ] as const) {
      await insertAppointmentAt(t, {
        patientId: patient.id,
        doctorId,
        startsAt: `2025-05-${day}T10:00:00Z`,
        status: 'completed',
      });
    }
    tokens = {
      admin: await t.adminToken(),
      finance: await t.userToken('finance'),
      head: await t.userToken('department_head'),
      staffHead: await t.userToken('department_head'),
      headless: await t.userToken('department_head'),
      doctor: await t.userToken('doctor'),
      unlinked: await t.userToken('doctor'),
      staff: await t.userToken('staff'),
    };
    // The head of cardiology is the account of its head doctor; the other head is on its staff list.
    const headDoctor = await insertDoctor(t, cardiology, 'Dr Chief');
    await linkUserToDoctor(t, tokens.head, headDoctor);
    await t.database.db.query('UPDATE departments SET head_doctor_id = $1 WHERE id = $2', [
      headDoctor,
      cardiology,
    ]);
    await t.database.db.query(
      `INSERT INTO department_staff (department_id, user_id, position) VALUES ($1, $2, 'Head of department')`,
      [neurology, await accountIdOf(t, tokens.staffHead)],
    );
    await linkUserToDoctor(t, tokens.doctor, cardiologist);
  });
  afterAll(async () => t?.close());

  const status = async (token: string, report: string, query: Record<string, string> = {}) =>
    (await getReport(t, token, report, { ...PERIOD, ...query })).statusCode;

  it('lets finance and admin read every report, for all departments or one', async () => {
    for (const role of ['admin', 'finance'] as const) {
      for (const report of REPORTS) {
        expect(await status(tokens[role], report), `${role} ${report}`).toBe(200);
        expect(await status(tokens[role], report, { departmentId: neurology })).toBe(200);
      }
    }
  });

  it("lets a department head read their own department's reports, and only those", async () => {
    for (const report of REPORTS) {
      expect(await status(tokens.head, report, { departmentId: cardiology }), report).toBe(200);
      expect(await status(tokens.head, report, { departmentId: neurology }), report).toBe(403);
      expect(await status(tokens.head, report), report).toBe(403);
    }
    const own = await getReport(t, tokens.head, 'appointments', { ...PERIOD, departmentId: cardiology });
    expect(own.json().totals.appointments).toBe(2);
    expect(await status(tokens.staffHead, 'departments', { departmentId: neurology })).toBe(200);
    expect(await status(tokens.staffHead, 'departments', { departmentId: cardiology })).toBe(403);
    expect(await status(tokens.headless, 'departments', { departmentId: cardiology })).toBe(403);
  });

  it('records a refused report as ACCESS_DENIED', async () => {
    await status(tokens.head, 'patients', { departmentId: neurology });
    const rows = await t.database.db.query<{ outcome: string; details: any }>(
      `SELECT outcome, details FROM audit_events WHERE action = 'ACCESS_DENIED' AND actor_user_id = $1`,
      [await accountIdOf(t, tokens.head)],
    );
    expect(rows.rows.at(-1)).toMatchObject({
      outcome: 'denied',
      details: { report: 'patients', departmentId: neurology },
    });
  });

  it('lets a doctor read their own performance only, in every format', async () => {
    const own = await getReport(t, tokens.doctor, 'doctor-performance', PERIOD);
    expect(own.statusCode).toBe(200);
    expect(own.json().byDoctor.map((row: any) => row.doctorId)).toEqual([cardiologist]);
    expect(own.json().totals.appointments).toBe(2);
    expect(own.json().filters).toMatchObject({ doctorId: cardiologist, doctorName: 'Dr Heart' });
    const viaDepartment = await getReport(t, tokens.doctor, 'doctor-performance', {
      ...PERIOD,
      departmentId: neurology,
    });
    expect(viaDepartment.json().byDoctor).toEqual([]);
    const csv = await getReport(t, tokens.doctor, 'doctor-performance', { ...PERIOD, format: 'csv' });
    const doctors = parseCsv(csv.body).filter((record) => record['section'] === 'byDoctor');
    expect(doctors.map((record) => record['doctorId'])).toEqual([cardiologist]);
    for (const report of ['patients', 'appointments', 'departments']) {
      expect(await status(tokens.doctor, report), report).toBe(403);
    }
    expect(await status(tokens.unlinked, 'doctor-performance')).toBe(403);
  });

  it('refuses staff every report, and anyone not signed in', async () => {
    for (const report of REPORTS) expect(await status(tokens.staff, report), report).toBe(403);
    const anonymous = await t.app.api.inject({ method: 'GET', url: '/api/v1/reports/patients' });
    expect(anonymous.statusCode).toBe(401);
  });
});
