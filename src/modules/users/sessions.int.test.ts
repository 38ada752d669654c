import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer } from '../../../tests/support/clinical-factories.js';
import { DATABASE_KINDS } from '../../../tests/support/databases.js';
import { FakeClock } from '../../../tests/support/fake-clock.js';
import { buildTestApp, type TestApp } from '../../../tests/support/test-app.js';
import { commandLineContext, type Role } from '../../shared/request-context.js';
import { openSession } from './sessions.repository.js';

const MINUTE = 60_000;
const PASSWORD = 'a sufficiently long passphrase';

describe.each(DATABASE_KINDS)('sessions, cookies, CSRF and password rules on %s', (kind) => {
  let t: TestApp;
  const clock = new FakeClock();

  beforeAll(async () => {
    t = await buildTestApp(
      kind,
      {
        'security.session.idle-timeout': '15m',
        'security.session.absolute-timeout': '1h',
        // Requests from 127.0.0.1 (inject's address) may say they came over TLS.
        'server.trust-proxy': '127.0.0.1',
      },
      { clock },
    );
  });
  afterAll(async () => t?.close());

  const createUser = async (username: string, role: Role = 'staff'): Promise<string> =>
    (await t.app.services.users.create({ username, password: PASSWORD, role }, commandLineContext('test')))
      .id;
  const login = (username: string, headers: Record<string, string> = {}) =>
    t.app.api.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      headers,
      payload: { username, password: PASSWORD },
    });
  const me = (token: string) =>
    t.app.api.inject({ method: 'GET', url: '/api/v1/auth/me', headers: bearer(token) });
  const sessionRows = async (id: string): Promise<{ ended_at: Date | null; end_reason: string | null }[]> =>
    (
      await t.database.db.query<{ ended_at: Date | null; end_reason: string | null }>(
        'SELECT ended_at, end_reason FROM sessions WHERE id = $1',
        [id],
      )
    ).rows;

  it('issues a new 256-bit token at every sign-in and stores only its hash', async () => {
    await createUser('tokens');
    const first = (await login('tokens')).json().token as string;
    const second = (await login('tokens')).json().token as string;
    expect(Buffer.from(first, 'base64url').length * 8).toBeGreaterThanOrEqual(128);
    expect(Buffer.from(first, 'base64url')).toHaveLength(32);
    expect(second).not.toBe(first);
    const stored = await t.database.db.query<{ token_hash: string }>('SELECT token_hash FROM sessions');
    expect(stored.rows.map((row) => row.token_hash).join(' ')).not.toContain(first);
  });

  it('opens a session and clears failed attempts in one statement, and neither for a user locked meanwhile', async () => {
    const id = await createUser('opener');
    await t.database.db.query('UPDATE users SET failed_attempts = 3 WHERE id = $1', [id]);
    const session = {
      userId: id,
      tokenHash: 'h'.repeat(64),
      now: new Date('2026-03-01T09:00:00Z'),
      absoluteTimeoutMs: 60 * MINUTE,
      clientAddress: '192.0.2.7',
      userAgent: 'test',
      mfaVerified: false,
    };
    const opened = await openSession(t.database.db, session);
    expect(opened?.expiresAt).toEqual(new Date('2026-03-01T10:00:00Z'));
    const user = await t.database.db.query<{ failed_attempts: number; last_login: Date | null }>(
      'SELECT failed_attempts, last_login FROM users WHERE id = $1',
      [id],
    );
    expect(user.rows[0]).toMatchObject({ failed_attempts: 0, last_login: expect.any(Date) });
    const stored = await t.database.db.query('SELECT user_id, client_address FROM sessions WHERE id = $1', [
      opened!.id,
    ]);
    expect(stored.rows).toEqual([{ user_id: id, client_address: '192.0.2.7' }]);

    // Locked (by failures through another instance) between the password check and this statement.
    await t.database.db.query(
      "UPDATE users SET failed_attempts = 5, locked_until = now() + interval '15 minutes' WHERE id = $1",
      [id],
    );
    expect(await openSession(t.database.db, { ...session, tokenHash: 'k'.repeat(64) })).toBeUndefined();
    const after = await t.database.db.query<{ failed_attempts: number; sessions: number }>(
      'SELECT failed_attempts, (SELECT count(*)::int FROM sessions WHERE user_id = $1) AS sessions FROM users WHERE id = $1',
      [id],
    );
    expect(after.rows[0]).toEqual({ failed_attempts: 5, sessions: 1 });
  });

  it('ends a session unused for the idle timeout: 401, and its row is gone', async () => {
    await createUser('idler');
    const token = (await login('idler')).json().token as string;
    const sessionId = (await me(token)).json().sessionId as string;
    clock.advance(14 * MINUTE);
    expect((await me(token)).statusCode).toBe(200);
    // Used at 14 minutes: the idle window starts again from there.
    clock.advance(14 * MINUTE);
    expect((await me(token)).statusCode).toBe(200);
    clock.advance(15 * MINUTE + 1000);
    const late = await me(token);
    expect(late.statusCode).toBe(401);
    expect(late.headers['content-type']).toContain('application/problem+json');
    expect(await sessionRows(sessionId)).toEqual([]);
    const lines = await t.logLines('security');
    expect(lines.some((line) => /\bSESSION_ENDED\b/.test(line) && line.includes('idle timeout'))).toBe(true);
  });

  it('ends a session at the absolute timeout however busy it is', async () => {
    await createUser('busy');
    const token = (await login('busy')).json().token as string;
    const sessionId = (await me(token)).json().sessionId as string;
    for (let minutes = 10; minutes < 60; minutes += 10) {
      clock.advance(10 * MINUTE);
      expect((await me(token)).statusCode).toBe(200);
    }
    clock.advance(10 * MINUTE);
    expect((await me(token)).statusCode).toBe(401);
    expect(await sessionRows(sessionId)).toEqual([]);
  });

  it("lists the user's own open sessions without tokens, and revokes one of them", async () => {
    const otherUserId = await createUser('someone-else');
    await createUser('traveller');
    const laptop = (await login('traveller', { 'user-agent': 'Laptop Browser/1.0' })).json().token as string;
    const phone = (await login('traveller', { 'user-agent': 'Phone Browser/2.0' })).json().token as string;
    const listed = await t.app.api.inject({
      method: 'GET',
      url: '/api/v1/auth/sessions',
      headers: bearer(laptop),
    });
    expect(listed.statusCode).toBe(200);
    const items = listed.json().items as Record<string, unknown>[];
    expect(items).toHaveLength(2);
    expect(items.map((item) => Object.keys(item).sort())[0]).toEqual(
      ['clientAddress', 'createdAt', 'current', 'expiresAt', 'id', 'lastSeenAt', 'userAgent'].sort(),
    );
    expect(listed.body).not.toContain(laptop);
    expect(listed.body).not.toContain(phone);
    const current = items.find((item) => item['current'] === true)!;
    const other = items.find((item) => item['current'] === false)!;
    expect(current['userAgent']).toBe('Laptop Browser/1.0');
    expect(other).toMatchObject({ userAgent: 'Phone Browser/2.0', clientAddress: '127.0.0.1' });

    const foreign = (await login('someone-else')).json().token as string;
    const foreignSession = (await me(foreign)).json().sessionId as string;
    const notMine = await t.app.api.inject({
      method: 'DELETE',
      url: `/api/v1/auth/sessions/${foreignSession}`,
      headers: bearer(laptop),
    });
    expect(notMine.statusCode).toBe(404);
    expect((await me(foreign)).statusCode).toBe(200);
    expect(otherUserId).toBeTruthy();

    const revoked = await t.app.api.inject({
      method: 'DELETE',
      url: `/api/v1/auth/sessions/${String(other['id'])}`,
      headers: bearer(laptop),
    });
    expect(revoked.statusCode).toBe(204);
    expect((await me(phone)).statusCode).toBe(401);
    expect((await me(laptop)).statusCode).toBe(200);
  });

  it('ends every session of an account that is locked, disabled or given another role', async () => {
    const admin = await t.adminToken();
    for (const [username, change] of [
      ['to-lock', { locked: true }],
      ['to-disable', { active: false }],
      ['to-promote', { role: 'doctor' }],
    ] as const) {
      const userId = await createUser(username);
      const token = (await login(username)).json().token as string;
      const sessionId = (await me(token)).json().sessionId as string;
      const patched = await t.app.api.inject({
        method: 'PATCH',
        url: `/api/v1/users/${userId}`,
        headers: bearer(admin),
        payload: change,
      });
      expect(patched.statusCode).toBe(200);
      expect((await me(token)).statusCode).toBe(401);
      expect((await sessionRows(sessionId))[0]?.ended_at).not.toBeNull();
    }
    // After a role change, signing in again gives a new token under the new role.
    const again = await login('to-promote');
    expect(again.json().user.role).toBe('doctor');
  });

  it('sets __Host-medisys_session (Secure) over TLS and medisys_session over plain HTTP, and accepts both', async () => {
    await createUser('cookie-user');
    const plain = await login('cookie-user');
    const plainCookie = String(plain.headers['set-cookie']);
    expect(plainCookie).toMatch(/^medisys_session=/);
    expect(plainCookie).toMatch(/HttpOnly/);
    expect(plainCookie).toMatch(/SameSite=Strict/);
    expect(plainCookie).toMatch(/Path=\//);
    expect(plainCookie).not.toMatch(/Secure/);

    const tls = await login('cookie-user', { 'x-forwarded-proto': 'https' });
    const tlsCookie = String(tls.headers['set-cookie']);
    expect(tlsCookie).toMatch(/^__Host-medisys_session=/);
    expect(tlsCookie).toMatch(/; Secure/);
    expect(tlsCookie).toMatch(/HttpOnly/);
    expect(tlsCookie).toMatch(/SameSite=Strict/);
    expect(tlsCookie).toMatch(/Path=\//);
    expect(tlsCookie).not.toMatch(/Domain=/i);

    for (const [name, response] of [
      ['medisys_session', plain],
      ['__Host-medisys_session', tls],
    ] as const) {
      const byCookie = await t.app.api.inject({
        method: 'GET',
        url: '/api/v1/auth/me',
        cookies: { [name]: response.json().token },
      });
      expect(byCookie.statusCode).toBe(200);
      expect(byCookie.json().username).toBe('cookie-user');
    }
  });

  it('refuses a cookie-authenticated write without the CSRF token; bearer writes need none', async () => {
    await createUser('csrf-user');
    const signedIn = (await login('csrf-user')).json();
    const cookies = { medisys_session: signedIn.token as string };
    const fromMe = await t.app.api.inject({ method: 'GET', url: '/api/v1/auth/me', cookies });
    expect(fromMe.json().csrfToken).toBe(signedIn.csrfToken);
    expect(signedIn.csrfToken).not.toBe(signedIn.token);
    expect(signedIn.csrfToken.length).toBeGreaterThanOrEqual(40);

    const patient = { name: 'Csrf Tester', dateOfBirth: '1980-02-03' };
    const without = await t.app.api.inject({
      method: 'POST',
      url: '/api/v1/patients',
      cookies,
      payload: patient,
    });
    expect(without.statusCode).toBe(403);
    expect(without.headers['content-type']).toContain('application/problem+json');
    expect(without.json().code).toBe('CSRF_TOKEN_INVALID');
    const wrong = await t.app.api.inject({
      method: 'POST',
      url: '/api/v1/patients',
      cookies,
      headers: { 'x-csrf-token': `${signedIn.csrfToken.slice(0, -2)}xx` },
      payload: patient,
    });
    expect(wrong.json().code).toBe('CSRF_TOKEN_INVALID');
    const logout = await t.app.api.inject({ method: 'POST', url: '/api/v1/auth/logout', cookies });
    expect(logout.json().code).toBe('CSRF_TOKEN_INVALID');
    const counted = await t.database.db.query('SELECT 1 FROM patients WHERE name = $1', [patient.name]);
    expect(counted.rows).toHaveLength(0);

    const withToken = await t.app.api.inject({
      method: 'POST',
      url: '/api/v1/patients',
      cookies,
      headers: { 'x-csrf-token': signedIn.csrfToken },
      payload: patient,
    });
    expect(withToken.statusCode).toBe(201);
    const byBearer = await t.app.api.inject({
      method: 'POST',
      url: '/api/v1/patients',
      headers: bearer(signedIn.token),
      payload: { ...patient, name: 'Bearer Tester' },
    });
    expect(byBearer.statusCode).toBe(201);
    expect((await t.logLines('security')).some((line) => /\bCSRF_TOKEN_INVALID\b/.test(line))).toBe(true);
    // Another session has another token: one session's token does not unlock another's cookie.
    const otherSession = (await login('csrf-user')).json();
    expect(otherSession.csrfToken).not.toBe(signedIn.csrfToken);
  });

  it('refuses a common password and one of 11 characters, saying why, and hashes with argon2id m=19456,t=2,p=1', async () => {
    const admin = await t.adminToken();
    const create = (username: string, password: string) =>
      t.app.api.inject({
        method: 'POST',
        url: '/api/v1/users',
        headers: bearer(admin),
        payload: { username, password, role: 'staff' },
      });
    const short = await create('short-pw', 'elevenchars');
    expect(short.statusCode).toBe(400);
    expect(short.json().errors).toEqual([
      { field: 'password', message: expect.stringMatching(/at least 12 characters/) },
    ]);
    const common = await create('common-pw', 'qwerty123456');
    expect(common.statusCode).toBe(400);
    expect(common.json().errors).toEqual([
      { field: 'password', message: expect.stringMatching(/most common passwords/) },
    ]);
    expect((await create('named-pw', 'my login is named-pw ok')).json().errors[0].message).toBe(
      'must not contain the username',
    );
    expect((await create('good-pw', 'twelve chars')).statusCode).toBe(201);
    const hash = await t.database.db.query<{ password_hash: string }>(
      "SELECT password_hash FROM users WHERE username = 'good-pw'",
    );
    expect(hash.rows[0]!.password_hash).toMatch(/^\$argon2id\$v=19\$m=19456,(t=2,p=1|p=1,t=2)\$/);

    const token = await t.login('good-pw', 'twelve chars');
    const change = await t.app.api.inject({
      method: 'POST',
      url: '/api/v1/auth/password',
      headers: bearer(token),
      payload: { currentPassword: 'twelve chars', newPassword: 'Password1234' },
    });
    expect(change.statusCode).toBe(400);
    expect(change.json().detail).toMatch(/most common passwords/);
    expect(change.json().errors[0].field).toBe('newPassword');
  });

  it('documents csrfToken, mfaEnrolmentRequired and mustChangePassword in the OpenAPI document', async () => {
    const document = (await t.app.api.inject({ method: 'GET', url: '/api/openapi.json' })).json();
    const schemaOf = (path: string, method: string): Record<string, unknown> =>
      document.paths[path][method].responses['200'].content['application/json'].schema;
    for (const [path, method] of [
      ['/api/v1/auth/login', 'post'],
      ['/api/v1/auth/me', 'get'],
    ] as const) {
      const properties = Object.keys((schemaOf(path, method) as { properties: object }).properties);
      expect(properties).toEqual(
        expect.arrayContaining(['csrfToken', 'mfaEnrolmentRequired', 'mustChangePassword']),
      );
    }
    expect(document.paths['/api/v1/auth/mfa/enrol']).toBeDefined();
    expect(document.paths['/api/v1/auth/sessions/{id}'].delete).toBeDefined();
  });
});
