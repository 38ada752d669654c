import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../../../tests/support/test-app.js';

const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex');

async function detections(t: TestApp, event: string): Promise<number> {
  const metric = await t.app.metrics.securityDetections.get();
  return metric.values.find((value) => value.labels['event'] === event)?.value ?? 0;
}

describe('attack detection', () => {
  let t: TestApp;
  let token: string;
  beforeAll(async () => {
    t = await buildTestApp('embedded');
    token = await t.userToken('staff', 'frontdesk');
  });
  afterAll(async () => t?.close());

  const events = async (event: string): Promise<Record<string, unknown>[]> =>
    (await t.logLines('security'))
      .filter((line) => new RegExp(`\\b${event}\\b`).test(line))
      .map((line) => JSON.parse(line) as Record<string, unknown>);

  it('logs SQL_INJECTION with request id, address, user, field and a hash, never the value, and stores the value as sent', async () => {
    const name = "Robert'); DROP TABLE patients;--";
    const response = await t.app.api.inject({
      method: 'POST',
      url: '/api/v1/patients',
      headers: { authorization: `Bearer ${token}`, 'x-request-id': 'probe-sql-1' },
      payload: { name, dateOfBirth: '1980-02-03' },
    });
    expect(response.statusCode).toBe(201);
    expect(response.json().name).toBe(name);
    const [line] = (await events('SQL_INJECTION')).filter((entry) => entry['requestId'] === 'probe-sql-1');
    expect(line).toMatchObject({
      event: 'SQL_INJECTION',
      clientAddress: '127.0.0.1',
      username: 'frontdesk',
      route: 'POST /api/v1/patients',
      field: 'body.name',
      payloadSha256: sha256(name),
    });
    expect(line?.['userId']).toEqual(expect.any(String));
    const log = (await t.logLines('security')).join('\n');
    expect(log).not.toContain('DROP TABLE');
    expect(await detections(t, 'SQL_INJECTION')).toBeGreaterThanOrEqual(1);
  });

  it('logs XSS_ATTEMPT for a script in a query string, and answers the search as usual', async () => {
    const q = '<img src=x onerror=alert(1)>';
    const response = await t.app.api.inject({
      method: 'GET',
      url: `/api/v1/patients?q=${encodeURIComponent(q)}`,
      headers: { authorization: `Bearer ${token}`, 'x-request-id': 'probe-xss-1' },
    });
    expect(response.statusCode).toBe(200);
    const [line] = (await events('XSS_ATTEMPT')).filter((entry) => entry['requestId'] === 'probe-xss-1');
    expect(line).toMatchObject({ field: 'query.q', payloadSha256: sha256(q) });
    expect((await t.logLines('security')).join('\n')).not.toContain('onerror');
    expect(await detections(t, 'XSS_ATTEMPT')).toBeGreaterThanOrEqual(1);
  });

  it('inspects the username of a sign-in but never the password', async () => {
    const before = (await events('SQL_INJECTION')).length;
    await t.app.api.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      headers: { 'x-request-id': 'probe-login-1' },
      payload: { username: 'nobody', password: "' OR '1'='1" },
    });
    expect((await events('SQL_INJECTION')).length).toBe(before);
    await t.app.api.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      headers: { 'x-request-id': 'probe-login-2' },
      payload: { username: "admin' OR '1'='1", password: 'whatever it is' },
    });
    const lines = (await events('SQL_INJECTION')).filter((entry) => entry['requestId'] === 'probe-login-2');
    expect(lines.map((entry) => entry['field'])).toEqual(['body.username']);
  });

  it('raises no alarm for ordinary patients', async () => {
    const before = (await events('SQL_INJECTION')).length + (await events('XSS_ATTEMPT')).length;
    for (const name of ["Siobhan O'Brien", "Marco D'Angelo-Smith", 'Select Medical Group']) {
      const response = await t.app.api.inject({
        method: 'POST',
        url: '/api/v1/patients',
        headers: { authorization: `Bearer ${token}` },
        payload: {
          name,
          dateOfBirth: '1990-01-01',
          address: 'Drop-in clinic, 4 Union Street',
          insuranceProvider: 'Select Medical Group and/or partners <3 months',
        },
      });
      expect(response.statusCode).toBe(201);
    }
    const after = (await events('SQL_INJECTION')).length + (await events('XSS_ATTEMPT')).length;
    expect(after).toBe(before);
  });
});
