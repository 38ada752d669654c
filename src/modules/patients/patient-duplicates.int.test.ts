import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  auditActions,
  bearer,
  registerPatient,
  type TestPatient,
} from '../../../tests/support/clinical-factories.js';
import { DATABASE_KINDS } from '../../../tests/support/databases.js';
import { DUPLICATE_PAIRS_SQL, DUPLICATES_OF_SQL } from './patient-duplicates.repository.js';
import { buildTestApp, type TestApp } from '../../../tests/support/test-app.js';

interface Summary {
  readonly id: string;
}
interface Pair {
  readonly first: Summary;
  readonly second: Summary;
  readonly score: number;
  readonly nameSimilarity: number;
  readonly sameDateOfBirth: boolean;
  readonly samePhone: boolean;
}

const pairKey = (a: string, b: string): string => [a, b].sort().join(' ');

describe.each(DATABASE_KINDS)('duplicate patient candidates on %s', (kind) => {
  let t: TestApp;
  let admin: string;
  let sameBirthDate: [TestPatient, TestPatient];
  let samePhone: [TestPatient, TestPatient];
  let unrelated: TestPatient[];

  beforeAll(async () => {
    t = await buildTestApp(kind);
    admin = await t.adminToken();
    sameBirthDate = [
      await registerPatient(t, admin, { name: 'Jonathan Miller', dateOfBirth: '1982-03-14' }),
      await registerPatient(t, admin, { name: 'Jonathon Miller', dateOfBirth: '1982-03-14' }),
    ];
    samePhone = [
      await registerPatient(t, admin, {
        name: 'Peter Parker',
        dateOfBirth: '1970-08-10',
        phone: '+1 555 123 4567',
      }),
      await registerPatient(t, admin, {
        name: 'Peter Parkar',
        dateOfBirth: '1971-08-10',
        phone: '1-555-123-4567',
      }),
    ];
    unrelated = [
      // A similar name but another birth date and no phone: a namesake, not a duplicate.
      await registerPatient(t, admin, { name: 'Jonathan Miller', dateOfBirth: '1990-01-01' }),
      // The same birth date but another name.
      await registerPatient(t, admin, { name: 'Sarah Connor', dateOfBirth: '1982-03-14' }),
      // The same phone but another name.
      await registerPatient(t, admin, {
        name: 'Mary Jane Watson',
        dateOfBirth: '1972-02-02',
        phone: '+1 555 123 4567',
      }),
    ];
  });
  afterAll(async () => t?.close());

  const get = (url: string, token = admin) =>
    t.app.api.inject({ method: 'GET', url, headers: bearer(token) });

  it('lists the seeded pairs, best first, and no pair with an unrelated patient', async () => {
    const response = await get('/api/v1/patients/duplicates');
    expect(response.statusCode, response.body).toBe(200);
    const body = response.json<{
      items: Pair[];
      total: number;
      scannedPatients: number;
      complete: boolean;
    }>();
    const keys = body.items.map((pair) => pairKey(pair.first.id, pair.second.id));
    expect(keys).toEqual([
      pairKey(sameBirthDate[0].id, sameBirthDate[1].id),
      pairKey(samePhone[0].id, samePhone[1].id),
    ]);
    expect(body).toMatchObject({ total: 2, scannedPatients: 7, complete: true });
    const [birthDatePair, phonePair] = body.items;
    expect(birthDatePair).toMatchObject({ sameDateOfBirth: true, samePhone: false });
    expect(phonePair).toMatchObject({ sameDateOfBirth: false, samePhone: true });
    expect(birthDatePair!.score).toBeGreaterThan(phonePair!.score);
    expect(birthDatePair!.nameSimilarity).toBeGreaterThanOrEqual(0.4);
    expect(birthDatePair!.nameSimilarity).toBeLessThan(1);
    const involved = new Set(body.items.flatMap((pair) => [pair.first.id, pair.second.id]));
    for (const patient of unrelated) expect(involved.has(patient.id), patient.name).toBe(false);
    const audit = await t.database.db.query<{ details: { patientIds: string[] } }>(
      `SELECT details FROM audit_events WHERE action = 'PATIENT_DUPLICATES_LISTED' ORDER BY id DESC LIMIT 1`,
    );
    expect(audit.rows[0]!.details.patientIds).toHaveLength(4);
  });

  it('pages the pairs and bounds the scan to the newest active patients', async () => {
    const page = await get('/api/v1/patients/duplicates?limit=1&offset=1');
    expect(page.json()).toMatchObject({ total: 2, limit: 1, offset: 1 });
    expect(page.json().items).toHaveLength(1);
    expect(pairKey(page.json().items[0].first.id, page.json().items[0].second.id)).toBe(
      pairKey(samePhone[0].id, samePhone[1].id),
    );
    expect((await get('/api/v1/patients/duplicates?offset=10')).json()).toMatchObject({
      items: [],
      total: 2,
    });

    // The newest two are unrelated to each other and to everyone: the seeded pairs are not reached.
    const bounded = await get('/api/v1/patients/duplicates?scan=2');
    expect(bounded.json()).toMatchObject({ items: [], total: 0, scannedPatients: 2, complete: false });
    expect((await get('/api/v1/patients/duplicates?scan=0')).statusCode).toBe(400);
    expect((await get('/api/v1/patients/duplicates?limit=501')).statusCode).toBe(400);
  });

  it("lists one patient's likely duplicates, audited under that patient", async () => {
    const response = await get(`/api/v1/patients/${sameBirthDate[0].id}/duplicates`);
    expect(response.statusCode, response.body).toBe(200);
    expect(response.json()).toMatchObject({
      total: 1,
      items: [{ patient: { id: sameBirthDate[1].id, name: 'Jonathon Miller' }, sameDateOfBirth: true }],
    });
    expect(await auditActions(t, sameBirthDate[0].id)).toContain('PATIENT_DUPLICATES_LISTED');
    const none = await get(`/api/v1/patients/${unrelated[1]!.id}/duplicates`);
    expect(none.json()).toMatchObject({ items: [], total: 0 });
    expect((await get('/api/v1/patients/00000000-0000-4000-8000-000000000000/duplicates')).statusCode).toBe(
      404,
    );
  });

  it('no longer lists a pair once it is merged', async () => {
    const merged = await t.app.api.inject({
      method: 'POST',
      url: '/api/v1/patients/merges',
      headers: bearer(admin),
      payload: { survivorId: samePhone[0].id, mergedId: samePhone[1].id, reason: 'Same phone, same person' },
    });
    expect(merged.statusCode, merged.body).toBe(201);
    const response = await get('/api/v1/patients/duplicates');
    expect(response.json().items.map((pair: Pair) => pairKey(pair.first.id, pair.second.id))).toEqual([
      pairKey(sameBirthDate[0].id, sameBirthDate[1].id),
    ]);
    expect(response.json().scannedPatients).toBe(6);
  });
});

describe.each(DATABASE_KINDS)('duplicate candidate queries on a larger table (%s)', (kind) => {
  let t: TestApp;

  beforeAll(async () => {
    t = await buildTestApp(kind);
    await t.database.db.query(
      `INSERT INTO patients (name, date_of_birth, phone)
       SELECT 'Patient ' || md5(g::text), date '1930-01-01' + (g * 7919) % 33000,
              CASE WHEN g % 3 = 0 THEN '+1 555 ' || lpad(g::text, 7, '0') END
         FROM generate_series(1, 10000) AS g`,
    );
    await t.database.db.query('ANALYZE patients');
  });
  afterAll(async () => t?.close());

  async function plan(sql: string, params: unknown[]): Promise<string> {
    const result = await t.database.db.query(`EXPLAIN (FORMAT JSON) ${sql}`, params);
    return JSON.stringify(result.rows);
  }

  it('answers by index probes per patient, never by scanning the patients table', async () => {
    const someone = await t.database.db.query<{ id: string }>('SELECT id FROM patients LIMIT 1');
    const plans = {
      pairs: await plan(DUPLICATE_PAIRS_SQL, [5000, 50, 0]),
      onePatient: await plan(DUPLICATES_OF_SQL, [someone.rows[0]!.id, 50, 0]),
    };
    expect(plans.pairs).toContain('idx_patients_active_created');
    for (const [query, text] of Object.entries(plans)) {
      expect(text, query).toContain('idx_patients_active_birth_date_name');
      expect(text, query).toContain('idx_patients_phone_digits_equal');
      expect(text, query).not.toMatch(/"Node Type":\s*"Seq Scan"/);
    }
  });
});
