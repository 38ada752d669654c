// The smoke test of a deployment (scripts/smoke-tests.sh): sign in, register, read and search a
// patient, book and cancel an appointment, then clean up what it created. Exit 0 when every step passed.
import { readFileSync } from 'node:fs';

const base = (process.env.MEDISYS_URL ?? 'http://localhost:8080').replace(/\/$/, '');
const username = process.env.MEDISYS_SMOKE_USERNAME;
const password = process.env.MEDISYS_SMOKE_PASSWORD_FILE
  ? readFileSync(process.env.MEDISYS_SMOKE_PASSWORD_FILE, 'utf8').trim()
  : process.env.MEDISYS_SMOKE_PASSWORD;
if (!username || !password) {
  console.error(
    'Set MEDISYS_SMOKE_USERNAME and MEDISYS_SMOKE_PASSWORD (or MEDISYS_SMOKE_PASSWORD_FILE): an account with the staff or admin role.',
  );
  process.exit(2);
}

let token;
const cleanup = [];

async function call(method, path, body, expected) {
  const response = await fetch(`${base}${path}`, {
    method,
    headers: {
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(15_000),
  });
  const text = await response.text();
  const json = text ? JSON.parse(text) : undefined;
  if (!expected.includes(response.status)) {
    throw new Error(`${method} ${path} answered ${response.status}: ${json?.detail ?? text.slice(0, 200)}`);
  }
  return json;
}

async function step(name, work) {
  try {
    const result = await work();
    console.log(`PASS  ${name}`);
    return result;
  } catch (error) {
    console.log(`FAIL  ${name}: ${error.message}`);
    throw error;
  }
}

let failed = false;
try {
  const stamp = new Date().toISOString().replace(/\D/g, '').slice(0, 14);
  await step('health is UP', async () => {
    const health = await call('GET', '/api/health', undefined, [200]);
    if (health.status !== 'UP') throw new Error(`status ${health.status}`);
  });
  const me = await step('sign in', async () => {
    const login = await call('POST', '/api/v1/auth/login', { username, password }, [200]);
    token = login.token;
    if (login.user.mustChangePassword) throw new Error('the smoke account must change its password first');
    return login.user;
  });
  const patient = await step('register a patient', async () =>
    call(
      'POST',
      '/api/v1/patients',
      { name: `Smoke Test ${stamp}`, dateOfBirth: '1970-01-01', sex: 'unknown' },
      [201],
    ),
  );
  cleanup.push(() => call('POST', `/api/v1/patients/${patient.id}/archive`, undefined, [200]));
  await step('read the patient', async () => {
    const read = await call('GET', `/api/v1/patients/${patient.id}`, undefined, [200]);
    if (read.mrn !== patient.mrn) throw new Error('read back a different record');
  });
  await step('search the patient', async () => {
    const found = await call(
      'GET',
      `/api/v1/patients?q=${encodeURIComponent(`Smoke Test ${stamp}`)}`,
      undefined,
      [200],
    );
    if (!found.items.some((item) => item.id === patient.id)) throw new Error('not found by name');
  });
  const doctor = await step('find a doctor to book with', async () => {
    const doctors = await call('GET', '/api/v1/doctors?limit=1', undefined, [200]);
    if (doctors.items.length > 0) return doctors.items[0];
    if (me.role !== 'admin')
      throw new Error('there is no doctor; run the smoke test as an admin or create one');
    const department = await call(
      'POST',
      '/api/v1/departments',
      { code: `SMOKE${stamp.slice(-6)}`, name: 'Smoke test department' },
      [201],
    );
    cleanup.push(() => call('POST', `/api/v1/departments/${department.id}/archive`, undefined, [200]));
    const created = await call(
      'POST',
      '/api/v1/doctors',
      {
        name: 'Smoke Test Doctor',
        licenseNumber: `SMOKE-${stamp}`,
        specialization: 'General practice',
        departmentId: department.id,
      },
      [201],
    );
    cleanup.push(() => call('POST', `/api/v1/doctors/${created.id}/archive`, undefined, [200]));
    return created;
  });
  const appointment = await step('book an appointment in a free slot', async () => {
    const from = new Date(Date.now() + 3_600_000).toISOString();
    const to = new Date(Date.now() + 14 * 86_400_000).toISOString();
    const slots = await call(
      'GET',
      `/api/v1/appointments/free-slots?doctorId=${doctor.id}&from=${from}&to=${to}&limit=1`,
      undefined,
      [200],
    );
    const slot = slots.items[0];
    if (!slot) throw new Error('the doctor has no free slot in the next 14 days');
    return call(
      'POST',
      '/api/v1/appointments',
      { patientId: patient.id, doctorId: doctor.id, start: slot.start, end: slot.end, reason: 'Smoke test' },
      [201],
    );
  });
  await step('cancel the appointment', async () => {
    const cancelled = await call(
      'POST',
      `/api/v1/appointments/${appointment.id}/cancel`,
      { reason: 'Smoke test clean-up' },
      [200],
    );
    if (cancelled.status !== 'cancelled') throw new Error(`status is ${cancelled.status}`);
  });
} catch {
  failed = true;
} finally {
  for (const undo of cleanup.reverse()) {
    try {
      await undo();
    } catch (error) {
      console.log(`WARN  clean-up: ${error.message}`);
    }
  }
  if (token) await call('POST', '/api/v1/auth/logout', undefined, [204]).catch(() => undefined);
}
console.log(failed ? 'Smoke tests FAILED.' : 'Smoke tests passed.');
process.exit(failed ? 1 : 0);
