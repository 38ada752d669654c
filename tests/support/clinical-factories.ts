import type { TestApp } from './test-app.js';

/** Small factories for the admissions and history tests: data through the API where it has one, SQL else. */

let sequence = 0;
const next = (): number => ++sequence;

export function bearer(token: string): Record<string, string> {
  return { authorization: `Bearer ${token}` };
}

export interface TestPatient {
  readonly id: string;
  readonly mrn: string;
  readonly name: string;
  readonly dateOfBirth: string;
}

export async function registerPatient(
  t: TestApp,
  token: string,
  overrides: Record<string, unknown> = {},
): Promise<TestPatient> {
  const response = await t.app.api.inject({
    method: 'POST',
    url: '/api/v1/patients',
    headers: bearer(token),
    payload: { name: `Patient Number${next()}`, dateOfBirth: '1970-01-01', ...overrides },
  });
  if (response.statusCode !== 201)
    throw new Error(`patient factory: ${response.statusCode} ${response.body}`);
  return response.json<TestPatient>();
}

/** Departments and doctors have their own API elsewhere; these tests only need rows to point at. */
export async function insertDepartment(t: TestApp, name = `Department ${next()}`): Promise<string> {
  const result = await t.database.db.query<{ id: string }>(
    'INSERT INTO departments (code, name) VALUES ($1, $2) RETURNING id',
    [`D${next()}`, name],
  );
  return result.rows[0]!.id;
}

export async function insertDoctor(
  t: TestApp,
  departmentId: string | null,
  name = `Dr Test ${next()}`,
): Promise<string> {
  const result = await t.database.db.query<{ id: string }>(
    `INSERT INTO doctors (name, license_number, specialization, department_id)
     VALUES ($1, $2, 'Emergency medicine', $3) RETURNING id`,
    [name, `LIC-${next()}`, departmentId],
  );
  return result.rows[0]!.id;
}

export async function auditActions(t: TestApp, patientId: string): Promise<string[]> {
  const result = await t.database.db.query<{ action: string }>(
    'SELECT action FROM audit_events WHERE patient_id = $1 ORDER BY id',
    [patientId],
  );
  return result.rows.map((row) => row.action);
}

export async function admit(
  t: TestApp,
  token: string,
  body: Record<string, unknown>,
  headers: Record<string, string> = {},
): Promise<Awaited<ReturnType<TestApp['app']['api']['inject']>>> {
  return t.app.api.inject({
    method: 'POST',
    url: '/api/v1/admissions',
    headers: { ...bearer(token), ...headers },
    payload: body,
  });
}

export async function admissionAction(
  t: TestApp,
  token: string,
  admissionId: string,
  action: 'transfer' | 'discharge' | 'identify',
  body: Record<string, unknown> = {},
): Promise<Awaited<ReturnType<TestApp['app']['api']['inject']>>> {
  return t.app.api.inject({
    method: 'POST',
    url: `/api/v1/admissions/${admissionId}/${action}`,
    headers: bearer(token),
    payload: body,
  });
}

export const minutesAgo = (minutes: number): string => new Date(Date.now() - minutes * 60_000).toISOString();
