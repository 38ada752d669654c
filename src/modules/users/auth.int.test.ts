import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DATABASE_KINDS } from '../../../tests/support/databases.js';
import { ADMIN_PASSWORD, buildTestApp, type TestApp } from '../../../tests/support/test-app.js';
import { commandLineContext } from '../../shared/request-context.js';

describe.each(DATABASE_KINDS)('sign-in and roles on %s', (kind) => {
  let t: TestApp;

  beforeAll(async () => {
    t = await buildTestApp(kind);
  });
  afterAll(async () => t?.close());

  const login = (username: string, password: string) =>
    t.app.api.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username, password } });

  it('signs in with a bearer token and a HttpOnly SameSite=Strict cookie, and reads /auth/me', async () => {
    const response = await login('admin', ADMIN_PASSWORD);
    expect(response.statusCode).toBe(200);
    const body = response.json();
    expect(body.user).toMatchObject({ username: 'admin', role: 'admin' });
    expect(body.token.length).toBeGreaterThanOrEqual(40);
    const cookie = String(response.headers['set-cookie']);
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/SameSite=Strict/i);
    const me = await t.app.api.inject({
      method: 'GET',
      url: '/api/v1/auth/me',
      headers: { authorization: `Bearer ${body.token}` },
    });
    expect(me.json()).toMatchObject({ username: 'admin', role: 'admin' });
    const byCookie = await t.app.api.inject({
      method: 'GET',
      url: '/api/v1/auth/me',
      cookies: { medisys_session: body.token },
    });
    expect(byCookie.statusCode).toBe(200);
    const rows = await t.database.db.query<{ token_hash: string }>('SELECT token_hash FROM sessions');
    expect(rows.rows.map((row) => row.token_hash)).not.toContain(body.token);
  });

  it('answers an unknown user and a wrong password with the same 401', async () => {
    const unknown = await login('nobody', 'whatever password');
    const wrong = await login('admin', 'not the password');
    expect(unknown.statusCode).toBe(401);
    expect(wrong.statusCode).toBe(401);
    expect(unknown.json().detail).toBe(wrong.json().detail);
  });

  it('locks an account after 5 failures: the 6th sign-in answers 423, and the log says so', async () => {
    await t.app.services.users.create(
      { username: 'victim', password: 'correct staple 12345', role: 'staff' },
      commandLineContext('test'),
    );
    for (let attempt = 1; attempt <= 5; attempt++) {
      expect((await login('victim', `wrong password ${attempt}`)).statusCode).toBe(401);
    }
    const sixth = await login('victim', 'correct staple 12345');
    expect(sixth.statusCode).toBe(423);
    expect(Number(sixth.headers['retry-after'])).toBeGreaterThan(0);
    const lines = await t.logLines('security');
    expect(
      lines.filter((line) => /\bAUTHENTICATION_FAILED\b/.test(line) && line.includes('"victim"')).length,
    ).toBeGreaterThanOrEqual(5);
    expect(lines.filter((line) => /\bACCOUNT_LOCKED\b/.test(line) && line.includes('"victim"'))).toHaveLength(
      1,
    );
    expect(lines.join('\n')).not.toContain('correct staple 12345');
    const user = await t.app.services.users.findByUsername('victim');
    await t.app.services.users.unlock(user.id, commandLineContext('test'));
    expect((await login('victim', 'correct staple 12345')).statusCode).toBe(200);
  });

  it('answers a doctor calling an admin-only route with 403 and a PRIVILEGE_ESCALATION audit record', async () => {
    const doctor = await t.userToken('doctor', 'dr-house');
    const response = await t.app.api.inject({
      method: 'GET',
      url: '/api/v1/users',
      headers: { authorization: `Bearer ${doctor}` },
    });
    expect(response.statusCode).toBe(403);
    expect(response.headers['content-type']).toContain('application/problem+json');
    const audit = await t.logLines('audit');
    expect(audit.some((line) => /\bPRIVILEGE_ESCALATION\b/.test(line) && line.includes('dr-house'))).toBe(
      true,
    );
    const rows = await t.database.db.query<{ outcome: string }>(
      "SELECT outcome FROM audit_events WHERE action = 'PRIVILEGE_ESCALATION' AND actor_username = 'dr-house'",
    );
    expect(rows.rows).toEqual([{ outcome: 'denied' }]);
  });

  it('refuses requests without a valid session with 401 problem+json', async () => {
    const none = await t.app.api.inject({ method: 'GET', url: '/api/v1/patients' });
    expect(none.statusCode).toBe(401);
    const bogus = await t.app.api.inject({
      method: 'GET',
      url: '/api/v1/patients',
      headers: { authorization: 'Bearer abcdefghijklmnopqrstuvwxyz0123456789' },
    });
    expect(bogus.statusCode).toBe(401);
    expect((await t.logLines('security')).some((line) => /\bACCESS_DENIED\b/.test(line))).toBe(true);
  });

  // The idle and absolute timeouts are tested with a fake clock in sessions.int.test.ts.
  it('ends the session on logout', async () => {
    const token = await t.userToken('staff');
    const headers = { authorization: `Bearer ${token}` };
    await t.app.api.inject({ method: 'POST', url: '/api/v1/auth/logout', headers });
    expect((await t.app.api.inject({ method: 'GET', url: '/api/v1/auth/me', headers })).statusCode).toBe(401);
  });

  it('forces a generated password to be changed, and the change ends other sessions', async () => {
    const admin = await t.adminToken();
    const created = await t.app.api.inject({
      method: 'POST',
      url: '/api/v1/users',
      headers: { authorization: `Bearer ${admin}` },
      payload: { username: 'nurse.joy', password: 'temporary password 1', role: 'staff' },
    });
    expect(created.statusCode).toBe(201);
    const user = created.json();
    const reset = await t.app.api.inject({
      method: 'POST',
      url: `/api/v1/users/${user.id}/reset-password`,
      headers: { authorization: `Bearer ${admin}` },
    });
    const temporary = reset.json().temporaryPassword as string;
    const first = (await login('nurse.joy', temporary)).json();
    expect(first.user.mustChangePassword).toBe(true);
    const other = (await login('nurse.joy', temporary)).json().token as string;
    const blocked = await t.app.api.inject({
      method: 'GET',
      url: '/api/v1/patients',
      headers: { authorization: `Bearer ${first.token}` },
    });
    expect(blocked.statusCode).toBe(403);
    const weak = await t.app.api.inject({
      method: 'POST',
      url: '/api/v1/auth/password',
      headers: { authorization: `Bearer ${first.token}` },
      payload: { currentPassword: temporary, newPassword: 'short' },
    });
    expect(weak.statusCode).toBe(400);
    expect(weak.json().errors[0].field).toBe('newPassword');
    const changed = await t.app.api.inject({
      method: 'POST',
      url: '/api/v1/auth/password',
      headers: { authorization: `Bearer ${first.token}` },
      payload: { currentPassword: temporary, newPassword: 'a much better passphrase' },
    });
    expect(changed.statusCode).toBe(204);
    expect(
      (
        await t.app.api.inject({
          method: 'GET',
          url: '/api/v1/patients',
          headers: { authorization: `Bearer ${first.token}` },
        })
      ).statusCode,
    ).toBe(200);
    expect(
      (
        await t.app.api.inject({
          method: 'GET',
          url: '/api/v1/auth/me',
          headers: { authorization: `Bearer ${other}` },
        })
      ).statusCode,
    ).toBe(401);
  });

  it('ends the sessions of a user an administrator locks, and audits role changes', async () => {
    const admin = await t.adminToken();
    const token = await t.userToken('finance', 'fin-locked');
    const user = await t.app.services.users.findByUsername('fin-locked');
    const patch = (payload: Record<string, unknown>) =>
      t.app.api.inject({
        method: 'PATCH',
        url: `/api/v1/users/${user.id}`,
        headers: { authorization: `Bearer ${admin}` },
        payload,
      });
    expect((await patch({ role: 'department_head' })).json().role).toBe('department_head');
    expect(
      (
        await t.app.api.inject({
          method: 'GET',
          url: '/api/v1/auth/me',
          headers: { authorization: `Bearer ${token}` },
        })
      ).statusCode,
    ).toBe(401);
    const locked = await patch({ locked: true });
    expect(locked.json()).toMatchObject({ locked: true, lockedUntil: null });
    const audit = await t.database.db.query<{ action: string }>(
      'SELECT action FROM audit_events WHERE entity_id = $1 ORDER BY id',
      [user.id],
    );
    expect(audit.rows.map((row) => row.action)).toEqual(['USER_CREATED', 'USER_ROLE_CHANGED', 'USER_LOCKED']);
  });

  it('lists audit events for admins, filtered by action', async () => {
    const admin = await t.adminToken();
    const response = await t.app.api.inject({
      method: 'GET',
      url: '/api/v1/audit-events?action=USER_CREATED&limit=2',
      headers: { authorization: `Bearer ${admin}` },
    });
    expect(response.statusCode).toBe(200);
    const body = response.json();
    expect(body.items).toHaveLength(2);
    expect(body.items.every((event: { action: string }) => event.action === 'USER_CREATED')).toBe(true);
    expect(body.nextCursor).toBe(body.items[1].id);
  });
});
