import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { DATABASE_KINDS } from '../../../tests/support/databases.js';
import { buildTestApp, type TestApp } from '../../../tests/support/test-app.js';
import { statementText, type Queryable } from '../../db/index.js';
import {
  COUNT_CAP,
  registerPatient,
  searchPatients,
  type RegistrationAuditRow,
} from './patients.repository.js';

const AUDIT_ROW: RegistrationAuditRow = {
  action: 'PATIENT_REGISTERED',
  outcome: 'success',
  actorUserId: null,
  actorUsername: 'test',
  actorRole: 'staff',
  entityType: 'patient',
  clientAddress: null,
  requestId: null,
};

describe.each(DATABASE_KINDS)('patients on %s', (kind) => {
  let t: TestApp;
  let token: string;
  const auth = (): Record<string, string> => ({ authorization: `Bearer ${token}` });

  beforeAll(async () => {
    t = await buildTestApp(kind);
    token = await t.userToken('staff');
  });
  afterAll(async () => t?.close());

  const search = async (query: string) => {
    const response = await t.app.api.inject({
      method: 'GET',
      url: `/api/v1/patients?${query}`,
      headers: auth(),
    });
    expect(response.statusCode).toBe(200);
    return response.json();
  };

  it("matches a name exactly where ILIKE does, whatever the letters' case or script", async () => {
    const names = [
      'Élodie Ñúñez',
      'ÉLODIE NÚÑEZ',
      'elodie nunez',
      'Straße Groß',
      'STRASSE GROSS',
      "O'Brien-Smith",
      'İsmail Işık',
    ];
    await t.database.db.query(
      `INSERT INTO patients (name, date_of_birth) SELECT n, date '1970-01-01' FROM unnest($1::text[]) AS n`,
      [names],
    );
    for (const term of ['élodie', 'ÑÚÑ', 'nunez', 'straße', 'GROSS', "o'brien-s", 'ismail', 'işık', 'İ']) {
      const expected = await t.database.db.query<{ name: string }>(
        `SELECT name FROM patients WHERE name = ANY($1::text[]) AND name ILIKE '%' || $2 || '%' ORDER BY name`,
        [names, term],
      );
      const found = await search(`q=${encodeURIComponent(term)}&sort=name&limit=20`);
      expect(
        found.items.map((item: { name: string }) => item.name),
        term,
      ).toEqual(expected.rows.map((row) => row.name));
    }
    expect((await search('q=elodie')).items.length).toBeGreaterThanOrEqual(1);
  });

  async function register(body: Record<string, unknown>, headers: Record<string, string> = {}) {
    return t.app.api.inject({
      method: 'POST',
      url: '/api/v1/patients',
      headers: { ...auth(), ...headers },
      payload: body,
    });
  }

  it('registers a patient with an MRN and finds them by part of the name, case-insensitively', async () => {
    const created = await register({
      name: 'John Smith',
      dateOfBirth: '1980-04-12',
      phone: '+1 (555) 010-2030',
    });
    expect(created.statusCode).toBe(201);
    const patient = created.json();
    expect(patient.mrn).toMatch(/^MRN\d{8}$/);
    expect(patient.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(created.headers['etag']).toBe('"1"');

    const found = await t.app.api.inject({ method: 'GET', url: '/api/v1/patients?q=john', headers: auth() });
    expect(found.statusCode).toBe(200);
    expect(found.json().items.map((p: { id: string }) => p.id)).toContain(patient.id);

    const byMrn = await t.app.api.inject({
      method: 'GET',
      url: `/api/v1/patients?q=${patient.mrn.toLowerCase()}`,
      headers: auth(),
    });
    expect(byMrn.json().items.map((p: { id: string }) => p.id)).toEqual([patient.id]);

    const byPhone = await t.app.api.inject({
      method: 'GET',
      url: '/api/v1/patients?q=5550102030',
      headers: auth(),
    });
    expect(byPhone.json().items.map((p: { id: string }) => p.id)).toEqual([patient.id]);
  });

  it(`takes at most ${COUNT_CAP} matches, sorted, and says when there are more; fewer are listed in full order`, async () => {
    await t.database.db.query(
      `INSERT INTO patients (name, date_of_birth)
       SELECT 'Countable Person ' || lpad(g::text, 4, '0'), date '1980-01-01' FROM generate_series($1::int, 1, -1) g`,
      [COUNT_CAP + 2],
    );
    const many = await search('q=countable&limit=100&sort=name&order=desc');
    expect(many).toMatchObject({ total: COUNT_CAP, totalIsLowerBound: true });
    const names = many.items.map((item: { name: string }) => item.name);
    expect(names).toHaveLength(100);
    expect(names).toEqual([...names].sort().reverse());
    expect(names.every((name: string) => name.startsWith('Countable Person '))).toBe(true);
    expect((await search(`q=countable&limit=50&offset=${COUNT_CAP}`)).items).toEqual([]);

    const few = await search('q=countable%20person%20019&limit=3');
    expect(few).toMatchObject({ total: 10, totalIsLowerBound: false });
    expect(few.items.map((item: { name: string }) => item.name)).toEqual([
      'Countable Person 0190',
      'Countable Person 0191',
      'Countable Person 0192',
    ]);
    expect(await search('q=countable%20person%20019&limit=3&offset=20')).toMatchObject({
      items: [],
      total: 10,
    });
  });

  it('warns of a likely duplicate with a similar name and the same date of birth', async () => {
    const first = (await register({ name: 'Maria Gonzalez', dateOfBirth: '1975-09-30' })).json();
    const second = await register({ name: 'Maria Gonzales', dateOfBirth: '1975-09-30' });
    expect(second.statusCode).toBe(201);
    const warnings = second.json().warnings;
    expect(warnings).toHaveLength(1);
    expect(warnings[0].code).toBe('possible_duplicate');
    expect(warnings[0].patients.map((p: { id: string }) => p.id)).toContain(first.id);
    const unrelated = await register({ name: 'Maria Gonzalez', dateOfBirth: '2001-01-01' });
    expect(unrelated.json().warnings).toEqual([]);
  });

  it('warns of likely duplicates by phone digits too, closest name first, never the new record itself', async () => {
    const close = (
      await register({ name: 'Tobias Wren', dateOfBirth: '1960-02-02', phone: '020 7946 0811' })
    ).json();
    const further = (
      await register({ name: 'Tobias Wrenfield', dateOfBirth: '1961-03-03', phone: '020-7946-0811' })
    ).json();
    const created = await register({
      name: 'Tobias Wren',
      dateOfBirth: '1999-12-31',
      phone: '(020) 79460811',
    });
    const body = created.json();
    const listed = body.warnings[0].patients;
    expect(listed.map((p: { id: string }) => p.id)).toEqual([close.id, further.id]);
    expect(listed[0]).toEqual({
      id: close.id,
      mrn: close.mrn,
      name: 'Tobias Wren',
      dateOfBirth: '1960-02-02',
      sex: 'unknown',
      phone: '020 7946 0811',
      archived: false,
    });
    expect(listed.map((p: { id: string }) => p.id)).not.toContain(body.id);

    // Fewer than four digits say nothing about who the patient is.
    await register({ name: 'Short Number', dateOfBirth: '1950-05-05', phone: '112' });
    const short = await register({ name: 'Short Number', dateOfBirth: '1951-06-06', phone: '112' });
    expect(short.json().warnings).toEqual([]);
  });

  it('audits every read of a patient record in audit_events and audit.log', async () => {
    const patient = (await register({ name: 'Audit Reader', dateOfBirth: '1990-01-01' })).json();
    const read = await t.app.api.inject({
      method: 'GET',
      url: `/api/v1/patients/${patient.id}`,
      headers: { ...auth(), 'x-request-id': 'req-audit-1' },
    });
    expect(read.statusCode).toBe(200);
    expect(read.headers['x-request-id']).toBe('req-audit-1');
    const rows = await t.database.db.query<{
      action: string;
      request_id: string;
      actor_role: string;
      client_address: string;
    }>(
      'SELECT action, request_id, actor_role, client_address FROM audit_events WHERE patient_id = $1 ORDER BY id',
      [patient.id],
    );
    expect(rows.rows.map((row) => row.action)).toEqual(['PATIENT_REGISTERED', 'PATIENT_RECORD_VIEWED']);
    expect(rows.rows[1]).toMatchObject({
      request_id: 'req-audit-1',
      actor_role: 'staff',
      client_address: '127.0.0.1',
    });
    const lines = await t.logLines('audit');
    const viewed = lines.filter(
      (line) => /\bPATIENT_RECORD_VIEWED\b/.test(line) && line.includes('req-audit-1'),
    );
    expect(viewed).toHaveLength(1);
    expect(viewed[0]).not.toContain('Audit Reader');
  });

  it("writes a registration's audit row in the registration's own statement: all of it, or nothing", async () => {
    const earlier = (await register({ name: 'Wilhelmina Ashdown', dateOfBirth: '1944-04-04' })).json();
    const created = await register(
      { name: 'Wilhelmina Ashdown', dateOfBirth: '1944-04-04' },
      { 'x-request-id': `req-register-${kind}` },
    );
    expect(created.statusCode).toBe(201);
    const patient = created.json();
    const staff = await t.database.db.query<{ id: string; username: string }>(
      `SELECT u.id, u.username FROM users AS u JOIN patients AS p ON p.created_by = u.id WHERE p.id = $1`,
      [patient.id],
    );
    const rows = await t.database.db.query(
      `SELECT action, outcome, actor_user_id, actor_username, actor_role, entity_type, entity_id, patient_id,
              client_address, request_id, details
         FROM audit_events WHERE patient_id = $1`,
      [patient.id],
    );
    expect(rows.rows).toEqual([
      {
        action: 'PATIENT_REGISTERED',
        outcome: 'success',
        actor_user_id: staff.rows[0]!.id,
        actor_username: staff.rows[0]!.username,
        actor_role: 'staff',
        entity_type: 'patient',
        entity_id: patient.id,
        patient_id: patient.id,
        client_address: '127.0.0.1',
        request_id: `req-register-${kind}`,
        details: { mrn: patient.mrn, possibleDuplicates: [earlier.id] },
      },
    ]);
    const lines = (await t.logLines('audit')).filter((line) => line.includes(`req-register-${kind}`));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/\bPATIENT_REGISTERED\b/);
    expect(lines[0]).toContain(patient.id);
    expect(lines[0]).not.toContain('Wilhelmina');

    // An audit row refused as it is inserted (audit_events' CHECK on outcome), after the patient's own
    // insert in the same statement, takes the patient with it.
    const unwritable = { ...AUDIT_ROW, outcome: 'unknown' as RegistrationAuditRow['outcome'] };
    await expect(
      registerPatient(
        t.database.db,
        { name: 'Never Stored', dateOfBirth: '1955-05-05' },
        {},
        staff.rows[0]!.id,
        unwritable,
      ),
    ).rejects.toThrow(/audit_events_outcome_check/);
    const stored = await t.database.db.query("SELECT 1 FROM patients WHERE name = 'Never Stored'");
    expect(stored.rowCount).toBe(0);
  });

  it('registers without a transaction (one statement), and in one with an Idempotency-Key', async () => {
    const transactions = vi.spyOn(t.database.db, 'transaction');
    try {
      const alone = await register({ name: 'Oneshot Olwen', dateOfBirth: '1981-08-08' });
      expect(alone.statusCode).toBe(201);
      expect(transactions).not.toHaveBeenCalled();
      const keyed = await register(
        { name: 'Keyed Kasimir', dateOfBirth: '1982-09-09' },
        { 'idempotency-key': `key-${kind}-one-statement` },
      );
      expect(keyed.statusCode).toBe(201);
      expect(transactions).toHaveBeenCalledTimes(1);
    } finally {
      transactions.mockRestore();
    }
  });

  it('refuses the audit trail to change: UPDATE and DELETE on audit_events fail', async () => {
    await expect(t.database.db.query("UPDATE audit_events SET action = 'X'")).rejects.toThrow(/append-only/);
    await expect(t.database.db.query('DELETE FROM audit_events')).rejects.toThrow(/append-only/);
  });

  it('answers a stale If-Match with 412 and changes nothing', async () => {
    const patient = (await register({ name: 'Etag Person', dateOfBirth: '1960-02-02' })).json();
    const url = `/api/v1/patients/${patient.id}`;
    const first = await t.app.api.inject({
      method: 'PATCH',
      url,
      headers: { ...auth(), 'if-match': '"1"' },
      payload: { phone: '555 1234' },
    });
    expect(first.statusCode).toBe(200);
    expect(first.headers['etag']).toBe('"2"');
    const stale = await t.app.api.inject({
      method: 'PATCH',
      url,
      headers: { ...auth(), 'if-match': '"1"' },
      payload: { phone: '555 9999' },
    });
    expect(stale.statusCode).toBe(412);
    expect(stale.headers['content-type']).toContain('application/problem+json');
    const missing = await t.app.api.inject({
      method: 'PATCH',
      url,
      headers: auth(),
      payload: { phone: '555 9999' },
    });
    expect(missing.statusCode).toBe(428);
    const current = (await t.app.api.inject({ method: 'GET', url, headers: auth() })).json();
    expect(current).toMatchObject({ phone: '555 1234', version: 2 });
  });

  it('creates one patient for a POST repeated with the same Idempotency-Key', async () => {
    const body = { name: 'Idempotent Irene', dateOfBirth: '1970-07-07' };
    const headers = { 'idempotency-key': `key-${kind}-1` };
    const [a, b] = await Promise.all([register(body, headers), register(body, headers)]);
    const c = await register(body, headers);
    expect([a.statusCode, b.statusCode, c.statusCode]).toEqual([201, 201, 201]);
    expect(new Set([a.json().id, b.json().id, c.json().id]).size).toBe(1);
    const count = await t.database.db.query<{ n: number }>(
      "SELECT count(*)::int AS n FROM patients WHERE name = 'Idempotent Irene'",
    );
    expect(count.rows[0]!.n).toBe(1);
    // One registration, so one audit row (the replays answer what was stored).
    const audited = await t.database.db.query(
      "SELECT 1 FROM audit_events WHERE patient_id = $1 AND action = 'PATIENT_REGISTERED'",
      [a.json().id],
    );
    expect(audited.rowCount).toBe(1);
    const reused = await register({ ...body, name: 'Someone Else' }, headers);
    expect(reused.statusCode).toBe(422);
  });

  it('archives instead of deleting, and hides archived records from searches unless asked', async () => {
    const patient = (await register({ name: 'Archie Archived', dateOfBirth: '1950-05-05' })).json();
    const archived = await t.app.api.inject({
      method: 'POST',
      url: `/api/v1/patients/${patient.id}/archive`,
      headers: auth(),
    });
    expect(archived.statusCode).toBe(200);
    expect(archived.json().archived).toBe(true);
    const hidden = await t.app.api.inject({
      method: 'GET',
      url: '/api/v1/patients?q=archie',
      headers: auth(),
    });
    expect(hidden.json().items).toEqual([]);
    const shown = await t.app.api.inject({
      method: 'GET',
      url: '/api/v1/patients?q=archie&includeArchived=true',
      headers: auth(),
    });
    expect(shown.json().items).toHaveLength(1);
    const deleted = await t.app.api.inject({
      method: 'DELETE',
      url: `/api/v1/patients/${patient.id}`,
      headers: auth(),
    });
    expect(deleted.statusCode).toBe(404);
  });

  it.each([["' OR '1'='1"], ['%'], ['_'], ["'; DROP TABLE patients; --"], ['\\']])(
    'searches for %j literally and finds nothing',
    async (q) => {
      const response = await t.app.api.inject({
        method: 'GET',
        url: `/api/v1/patients?q=${encodeURIComponent(q)}`,
        headers: auth(),
      });
      expect(response.statusCode).toBe(200);
      expect(response.json().items).toEqual([]);
      expect(response.json().total).toBe(0);
    },
  );

  describe('bad input is answered with problem+json and writes nothing', () => {
    const cases: [string, { payload: string; contentType?: string; status: number; field?: string }][] = [
      ['malformed JSON', { payload: '{"name": "x",', status: 400 }],
      [
        'wrong types',
        { payload: JSON.stringify({ name: 42, dateOfBirth: true }), status: 400, field: 'name' },
      ],
      [
        'a missing field',
        { payload: JSON.stringify({ name: 'No Birthday' }), status: 400, field: 'dateOfBirth' },
      ],
      [
        'NUL bytes',
        {
          payload: JSON.stringify({ name: 'Nul\u0000Person', dateOfBirth: '1980-01-01' }),
          status: 400,
          field: 'name',
        },
      ],
      [
        'a 10,000-character name',
        {
          payload: JSON.stringify({ name: 'x'.repeat(10_000), dateOfBirth: '1980-01-01' }),
          status: 400,
          field: 'name',
        },
      ],
      [
        'an impossible date',
        {
          payload: JSON.stringify({ name: 'Feb Thirty', dateOfBirth: '2023-02-30' }),
          status: 400,
          field: 'dateOfBirth',
        },
      ],
      [
        'a birth date in the future',
        {
          payload: JSON.stringify({ name: 'Future Kid', dateOfBirth: '2999-01-01' }),
          status: 400,
          field: 'dateOfBirth',
        },
      ],
      [
        'an unknown field',
        {
          payload: JSON.stringify({ name: 'Extra', dateOfBirth: '1980-01-01', ssn: '1' }),
          status: 400,
          field: 'ssn',
        },
      ],
      [
        'a body over the limit',
        {
          payload: JSON.stringify({ name: 'Big', dateOfBirth: '1980-01-01', address: 'a'.repeat(1_100_000) }),
          status: 413,
        },
      ],
      ['a non-JSON content type', { payload: 'name=x', contentType: 'text/plain', status: 415 }],
    ];
    it.each(cases)('%s', async (_label, { payload, contentType, status, field }) => {
      const before = await t.database.db.query<{ n: number }>('SELECT count(*)::int AS n FROM patients');
      const response = await t.app.api.inject({
        method: 'POST',
        url: '/api/v1/patients',
        headers: { ...auth(), 'content-type': contentType ?? 'application/json' },
        payload,
      });
      expect(response.statusCode).toBe(status);
      expect(response.headers['content-type']).toContain('application/problem+json');
      const problem = response.json();
      expect(problem).toMatchObject({ status, title: expect.any(String), detail: expect.any(String) });
      expect(response.body).not.toMatch(/at .*\.ts:\d+|SELECT|INSERT/);
      if (field) expect(problem.errors.map((error: { field: string }) => error.field)).toContain(field);
      const after = await t.database.db.query<{ n: number }>('SELECT count(*)::int AS n FROM patients');
      expect(after.rows[0]!.n).toBe(before.rows[0]!.n);
    });
  });
});

describe.each(DATABASE_KINDS)('patient search plans on a larger table (%s)', (kind) => {
  let t: TestApp;

  beforeAll(async () => {
    t = await buildTestApp(kind);
    await t.database.db.query(
      `INSERT INTO patients (name, date_of_birth)
       SELECT 'Patient ' || md5(g::text), date '1930-01-01' + g % 30000 FROM generate_series(1, 20000) AS g`,
    );
    await t.database.db.query('ANALYZE patients');
  });
  afterAll(async () => t?.close());

  /** The plans of the statements one search sends, as EXPLAIN (FORMAT JSON) text. */
  async function searchPlans(q: string): Promise<string[]> {
    const sent: { text: string; params: readonly unknown[] }[] = [];
    const recording: Queryable = {
      query: async (statement, params = []) => {
        sent.push({ text: statementText(statement), params });
        return t.database.db.query(statement, params);
      },
    };
    await searchPatients(recording, {
      q,
      identifierHashes: { nationalId: [], insuranceNumber: [], policyNumber: [] },
      includeArchived: false,
      sort: 'name',
      order: 'asc',
      limit: 20,
      offset: 0,
    });
    expect(sent.length).toBeGreaterThan(0);
    return Promise.all(
      sent.map(async ({ text, params }) =>
        JSON.stringify((await t.database.db.query(`EXPLAIN (FORMAT JSON) ${text}`, params)).rows),
      ),
    );
  }

  it('finds a rare name through the trigram index on the folded name, not by reading the table', async () => {
    const [plan] = await searchPlans('C4CA4238A0');
    expect(plan).toContain('idx_patients_name_folded');
    expect(plan).not.toMatch(/"Node Type":\s*"Seq Scan"/);
  });
});
