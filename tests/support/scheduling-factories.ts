import type { LightMyRequestResponse } from 'fastify';
import type { TestApp } from './test-app.js';

let sequence = 0;

/** A short unique suffix for codes, licence numbers and names within one test run. */
export function unique(prefix: string): string {
  sequence += 1;
  return `${prefix}${Date.now().toString(36).slice(-4).toUpperCase()}${sequence}`;
}

async function post(
  t: TestApp,
  token: string,
  url: string,
  payload: unknown,
  headers: Record<string, string> = {},
): Promise<LightMyRequestResponse> {
  return t.app.api.inject({
    method: 'POST',
    url,
    headers: { authorization: `Bearer ${token}`, ...headers },
    payload: payload as Record<string, unknown>,
  });
}

function created(response: LightMyRequestResponse, what: string): any {
  if (response.statusCode !== 201) {
    throw new Error(`creating ${what} failed: ${response.statusCode} ${response.body}`);
  }
  return response.json();
}

export async function createDepartment(
  t: TestApp,
  token: string,
  overrides: Record<string, unknown> = {},
): Promise<any> {
  const body = { code: unique('D'), name: `Department ${unique('')}`, ...overrides };
  return created(await post(t, token, '/api/v1/departments', body), 'a department');
}

export async function createDoctor(
  t: TestApp,
  token: string,
  departmentId: string,
  overrides: Record<string, unknown> = {},
): Promise<any> {
  const body = {
    name: `Dr ${unique('Doctor ')}`,
    licenseNumber: unique('LIC-'),
    specialization: 'General practice',
    departmentId,
    ...overrides,
  };
  return created(await post(t, token, '/api/v1/doctors', body), 'a doctor');
}

export async function createPatient(
  t: TestApp,
  token: string,
  overrides: Record<string, unknown> = {},
): Promise<any> {
  const body = { name: `Patient ${unique('')}`, dateOfBirth: '1980-01-01', ...overrides };
  return created(await post(t, token, '/api/v1/patients', body), 'a patient');
}

/** POST /api/v1/appointments; the response, whatever its status. */
export async function bookAppointment(
  t: TestApp,
  token: string,
  body: Record<string, unknown>,
  headers: Record<string, string> = {},
): Promise<LightMyRequestResponse> {
  return post(t, token, '/api/v1/appointments', body, headers);
}

/** A department, a doctor on the default hours (Mon-Fri 08:00-17:00) and a patient. */
export async function schedulingFixture(
  t: TestApp,
  token: string,
  doctorOverrides: Record<string, unknown> = {},
): Promise<{ department: any; doctor: any; patient: any }> {
  const department = await createDepartment(t, token);
  const doctor = await createDoctor(t, token, department.id, doctorOverrides);
  const patient = await createPatient(t, token);
  return { department, doctor, patient };
}
