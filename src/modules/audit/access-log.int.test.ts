import { PDFParse } from 'pdf-parse';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { userIdOf } from '../../../tests/support/care-factories.js';
import { bearer, registerPatient, type TestPatient } from '../../../tests/support/clinical-factories.js';
import { DATABASE_KINDS } from '../../../tests/support/databases.js';
import { NON_LATIN_NAMES, pdfFonts } from '../../../tests/support/pdf-fonts.js';
import { buildTestApp, type TestApp } from '../../../tests/support/test-app.js';

async function pdfText(buffer: Buffer): Promise<string> {
  const parser = new PDFParse({ data: buffer });
  try {
    return (await parser.getText()).text;
  } finally {
    await parser.destroy();
  }
}

interface Entry {
  id: number;
  action: string;
  description: string;
  actorUsername: string | null;
  actorRole: string | null;
  inSearchResults: boolean;
  emergencyReason: string | null;
}

const REASON = 'Unconscious in the emergency room, no next of kin reachable';

describe.each(DATABASE_KINDS)('the accounting of disclosures on %s', (kind) => {
  let t: TestApp;
  let admin: string;
  let doctor: string;
  let staff: string;
  let patient: TestPatient;
  let other: TestPatient;

  const get = (token: string, url: string) =>
    t.app.api.inject({ method: 'GET', url, headers: bearer(token) });

  beforeAll(async () => {
    t = await buildTestApp(kind);
    admin = await t.adminToken();
    doctor = await t.userToken('doctor', `log-doctor-${kind}`);
    staff = await t.userToken('staff', `log-clerk-${kind}`);
    patient = await registerPatient(t, staff, { name: 'Ingrid Accountable' });
    other = await registerPatient(t, staff, { name: 'Someone Else' });
    await get(staff, `/api/v1/patients?q=${encodeURIComponent('Ingrid Accountable')}`);
    await get(staff, `/api/v1/patients/${other.id}`);

    // Breaking the glass as the emergency-access service records it: the grant and its audit row.
    const doctorId = await userIdOf(t, doctor);
    const grant = await t.database.db.query<{ id: string }>(
      `INSERT INTO emergency_access_grants (patient_id, user_id, reason, granted_at, expires_at)
       VALUES ($1, $2, $3, now() - interval '1 minute', now() + interval '1 hour') RETURNING id`,
      [patient.id, doctorId, REASON],
    );
    await t.app.services.audit.recordAlone(
      {
        actor: { userId: doctorId, username: `log-doctor-${kind}`, role: 'doctor' },
        clientAddress: '10.0.0.9',
        requestId: 'r-btg',
      },
      {
        action: 'BREAK_THE_GLASS',
        entityType: 'emergency_access',
        entityId: grant.rows[0]!.id,
        patientId: patient.id,
      },
    );
    await get(doctor, `/api/v1/patients/${patient.id}`);
  });
  afterAll(async () => t?.close());

  it('lists who accessed the record, in which role, when and why, newest first, and audits the reading', async () => {
    const response = await get(admin, `/api/v1/patients/${patient.id}/access-log`);
    expect(response.statusCode, response.body).toBe(200);
    const items = response.json<{ items: Entry[] }>().items;
    const actions = items.map((item) => item.action);
    expect(actions).toEqual([
      'PATIENT_RECORD_VIEWED',
      'BREAK_THE_GLASS',
      'PATIENT_SEARCHED',
      'PATIENT_REGISTERED',
    ]);
    expect(items.map((item) => item.id)).toEqual([...items.map((item) => item.id)].sort((a, b) => b - a));
    const [emergencyRead, glass, search, registered] = items;
    expect(emergencyRead).toMatchObject({
      actorUsername: `log-doctor-${kind}`,
      actorRole: 'doctor',
      description: 'Viewed the patient record',
      emergencyReason: REASON,
    });
    expect(glass!.emergencyReason).toBe(REASON);
    expect(search).toMatchObject({ inSearchResults: true, actorRole: 'staff', emergencyReason: null });
    expect(registered).toMatchObject({ actorUsername: `log-clerk-${kind}`, emergencyReason: null });
    expect(actions).not.toContain('PATIENT_ACCESS_LOG_VIEWED');

    const again = await get(admin, `/api/v1/patients/${patient.id}/access-log`);
    const first = again.json<{ items: Entry[] }>().items[0]!;
    expect(first).toMatchObject({ action: 'PATIENT_ACCESS_LOG_VIEWED', actorRole: 'admin' });
  });

  it('pages with a cursor and filters by time, never mixing in other patients', async () => {
    const page = await get(admin, `/api/v1/patients/${patient.id}/access-log?limit=2`);
    const body = page.json<{ items: Entry[]; nextCursor: number }>();
    expect(body.items).toHaveLength(2);
    const rest = await get(
      admin,
      `/api/v1/patients/${patient.id}/access-log?limit=50&before=${body.nextCursor}`,
    );
    const restItems = rest.json<{ items: Entry[]; nextCursor: number | null }>();
    expect(restItems.items.every((item) => item.id < body.nextCursor)).toBe(true);
    expect(restItems.items.map((item) => item.action)).toContain('PATIENT_REGISTERED');
    expect(restItems.nextCursor).toBeNull();
    const future = await get(
      admin,
      `/api/v1/patients/${patient.id}/access-log?from=${encodeURIComponent(new Date(Date.now() + 3_600_000).toISOString())}`,
    );
    expect(future.json().items).toEqual([]);
    const others = await get(admin, `/api/v1/patients/${other.id}/access-log`);
    expect(others.json<{ items: Entry[] }>().items.map((item) => item.action)).toEqual([
      'PATIENT_RECORD_VIEWED',
      'PATIENT_REGISTERED',
    ]);
  });

  it('gives the patient a PDF with the same accesses and the emergency reason', async () => {
    const response = await t.app.api.inject({
      method: 'GET',
      url: `/api/v1/patients/${patient.id}/access-log?format=pdf`,
      headers: bearer(admin),
    });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toContain('application/pdf');
    const text = await pdfText(response.rawPayload);
    expect(text).toContain('Accounting of disclosures');
    expect(text).toContain('Ingrid Accountable');
    expect(text).toContain(`log-doctor-${kind} (doctor)`);
    expect(text).toContain(REASON);
    expect(text).toContain('Saw the patient in search results');
  });

  it.each(NON_LATIN_NAMES)(
    'writes the name %s in an embedded DejaVu Sans, as text that reads back',
    async (name) => {
      const named = await registerPatient(t, staff, { name });
      const response = await get(admin, `/api/v1/patients/${named.id}/access-log?format=pdf`);
      expect(response.statusCode).toBe(200);
      expect(pdfFonts(response.rawPayload)).toEqual({
        embedded: ['DejaVuSans', 'DejaVuSans-Bold'],
        named: ['DejaVuSans', 'DejaVuSans-Bold'],
      });
      expect(await pdfText(response.rawPayload)).toContain(`Patient: ${name}`);
    },
  );

  it('is for administrators only, and 404 for an unknown patient', async () => {
    expect((await get(doctor, `/api/v1/patients/${patient.id}/access-log`)).statusCode).toBe(403);
    expect((await get(staff, `/api/v1/patients/${patient.id}/access-log`)).statusCode).toBe(403);
    const missing = await get(admin, '/api/v1/patients/00000000-0000-4000-8000-000000000000/access-log');
    expect(missing.statusCode).toBe(404);
  });
});
