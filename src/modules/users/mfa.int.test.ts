import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer } from '../../../tests/support/clinical-factories.js';
import { DATABASE_KINDS } from '../../../tests/support/databases.js';
import { FakeClock } from '../../../tests/support/fake-clock.js';
import { buildTestApp, type TestApp } from '../../../tests/support/test-app.js';
import { totpAt } from '../../../tests/support/totp.js';
import { commandLineContext, type Role } from '../../shared/request-context.js';

const STEP_MS = 30_000;

describe.each(DATABASE_KINDS)('multi-factor sign-in on %s', (kind) => {
  let t: TestApp;
  // A step boundary plus one second: codes of "now" stay valid while the test runs.
  const clock = new FakeClock(Math.floor(Date.now() / STEP_MS) * STEP_MS + 1000);
  const secrets = new Map<string, string>();
  const recovery = new Map<string, string[]>();

  beforeAll(async () => {
    t = await buildTestApp(
      kind,
      { 'security.mfa.required-roles': 'admin', 'security.mfa.step-up-window': '5m' },
      { clock },
    );
  });
  afterAll(async () => t?.close());

  const password = (_username: string): string => 'the long and private passphrase';
  const login = (username: string, totp?: string) =>
    t.app.api.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { username, password: password(username), ...(totp === undefined ? {} : { totp }) },
    });
  const call = (method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, token: string, extra = {}) =>
    t.app.api.inject({ method, url, headers: bearer(token), ...extra });
  const code = (username: string, offsetSteps = 0): string =>
    totpAt(secrets.get(username)!, new Date(clock.now().getTime() + offsetSteps * STEP_MS));
  const nextStep = (): void => clock.advance(STEP_MS);
  const userRow = async (username: string) =>
    (
      await t.database.db.query<{ id: string; failed_attempts: number; mfa_enabled: boolean }>(
        'SELECT id, failed_attempts, mfa_enabled FROM users WHERE username = $1',
        [username],
      )
    ).rows[0]!;

  async function createUser(username: string, role: Role): Promise<string> {
    const user = await t.app.services.users.create(
      { username, password: password(username), role },
      commandLineContext('test'),
    );
    return user.id;
  }

  /** Enrols through the API with a code computed from the otpauth URI; returns the session token. */
  async function enrol(username: string, token: string): Promise<void> {
    const started = await call('POST', '/api/v1/auth/mfa/enrol', token);
    expect(started.statusCode).toBe(200);
    secrets.set(username, new URL(started.json().otpauthUri).searchParams.get('secret')!);
    const confirmed = await call('POST', '/api/v1/auth/mfa/confirm', token, {
      payload: { code: code(username) },
    });
    expect(confirmed.statusCode).toBe(200);
    recovery.set(username, confirmed.json().recoveryCodes);
  }

  it('enrols by QR code and confirms with a code: recovery codes are shown once and stored hashed', async () => {
    const userId = await createUser('mfa.doctor', 'doctor');
    const token = (await login('mfa.doctor')).json().token as string;
    const before = await login('mfa.doctor');
    expect((await call('GET', '/api/v1/auth/mfa', token)).json()).toMatchObject({
      enabled: false,
      enrolmentRequired: false,
    });

    const started = await call('POST', '/api/v1/auth/mfa/enrol', token);
    expect(started.statusCode).toBe(200);
    const enrolment = started.json();
    const uri = new URL(enrolment.otpauthUri);
    expect(uri.protocol).toBe('otpauth:');
    expect(uri.searchParams.get('secret')).toBe(enrolment.secret);
    expect(uri.searchParams.get('issuer')).toBe('MediSys');
    expect(enrolment.qrCodeSvg).toMatch(/^<svg/);
    expect(enrolment.qrCodeDataUrl).toMatch(/^data:image\/svg\+xml;base64,/);
    secrets.set('mfa.doctor', enrolment.secret);
    expect((await userRow('mfa.doctor')).mfa_enabled).toBe(false);

    const wrong = await call('POST', '/api/v1/auth/mfa/confirm', token, {
      payload: { code: code('mfa.doctor', 5) },
    });
    expect(wrong.statusCode).toBe(400);
    expect(wrong.headers['content-type']).toContain('application/problem+json');
    expect(wrong.json()).toMatchObject({ code: 'MFA_INVALID', errors: [{ field: 'code' }] });

    const confirmed = await call('POST', '/api/v1/auth/mfa/confirm', token, {
      payload: { code: code('mfa.doctor') },
    });
    expect(confirmed.statusCode).toBe(200);
    const codes = confirmed.json().recoveryCodes as string[];
    expect(codes).toHaveLength(10);
    recovery.set('mfa.doctor', codes);

    const stored = await t.database.db.query<{ code_hash: string }>(
      'SELECT code_hash FROM mfa_recovery_codes WHERE user_id = $1',
      [userId],
    );
    expect(stored.rows).toHaveLength(10);
    const hashes = stored.rows.map((row) => row.code_hash).join(' ');
    for (const recoveryCode of codes) expect(hashes).not.toContain(recoveryCode.replace(/-/g, ''));
    expect((await userRow('mfa.doctor')).mfa_enabled).toBe(true);
    // The session opened before MFA was on ends; the one that enrolled stays.
    expect((await call('GET', '/api/v1/auth/me', before.json().token)).statusCode).toBe(401);
    expect((await call('GET', '/api/v1/auth/me', token)).statusCode).toBe(200);
    const audit = await t.database.db.query<{ action: string }>(
      "SELECT action FROM audit_events WHERE entity_id = $1 AND action = 'USER_MFA_ENABLED'",
      [userId],
    );
    expect(audit.rows).toHaveLength(1);
    expect((await t.logLines('security')).some((line) => /\bMFA_ENABLED\b/.test(line))).toBe(true);
  });

  it('asks for the code after a right password without counting a failure or opening a session', async () => {
    nextStep();
    const { id } = await userRow('mfa.doctor');
    const sessions = async (): Promise<number> =>
      (
        await t.database.db.query<{ count: number }>(
          'SELECT count(*)::int AS count FROM sessions WHERE user_id = $1',
          [id],
        )
      ).rows[0]!.count;
    const before = await sessions();

    const missing = await login('mfa.doctor');
    expect(missing.statusCode).toBe(401);
    expect(missing.headers['content-type']).toContain('application/problem+json');
    expect(missing.json().code).toBe('MFA_REQUIRED');
    expect(missing.json()).not.toHaveProperty('token');
    expect(await sessions()).toBe(before);
    expect((await userRow('mfa.doctor')).failed_attempts).toBe(0);

    const invalid = await login('mfa.doctor', code('mfa.doctor', 4));
    expect(invalid.statusCode).toBe(401);
    expect(invalid.json().code).toBe('MFA_INVALID');
    expect(await sessions()).toBe(before);
    expect((await userRow('mfa.doctor')).failed_attempts).toBe(1);

    const signedIn = await login('mfa.doctor', code('mfa.doctor'));
    expect(signedIn.statusCode).toBe(200);
    expect(signedIn.json().user.mfaEnabled).toBe(true);
    expect(await sessions()).toBe(before + 1);
    expect((await userRow('mfa.doctor')).failed_attempts).toBe(0);
  });

  it('accepts each code once: the same code again, or an older step after a newer one, is refused', async () => {
    nextStep();
    const current = code('mfa.doctor');
    expect((await login('mfa.doctor', current)).statusCode).toBe(200);
    const reused = await login('mfa.doctor', current);
    expect(reused.statusCode).toBe(401);
    expect(reused.json()).toMatchObject({
      code: 'MFA_INVALID',
      detail: expect.stringMatching(/used already/),
    });

    nextStep();
    // One step ahead is inside the window; afterwards the current step's code is older, so refused.
    expect((await login('mfa.doctor', code('mfa.doctor', 1))).statusCode).toBe(200);
    expect((await login('mfa.doctor', code('mfa.doctor'))).json().code).toBe('MFA_INVALID');
    nextStep();
    nextStep();
    expect((await login('mfa.doctor', code('mfa.doctor', 2))).statusCode).toBe(401);
    expect((await login('mfa.doctor', code('mfa.doctor'))).statusCode).toBe(200);
  });

  it('signs in with a recovery code in place of the code, once per recovery code', async () => {
    const [first, second] = recovery.get('mfa.doctor')!;
    const withRecovery = await login('mfa.doctor', first);
    expect(withRecovery.statusCode).toBe(200);
    expect((await login('mfa.doctor', first)).json().code).toBe('MFA_INVALID');
    expect((await login('mfa.doctor', second!.toLowerCase().replace(/-/g, ' '))).statusCode).toBe(200);
    const status = await call('GET', '/api/v1/auth/mfa', withRecovery.json().token);
    expect(status.json()).toMatchObject({ enabled: true, recoveryCodesRemaining: 8 });
    const lines = await t.logLines('security');
    expect(lines.filter((line) => /\bMFA_RECOVERY_CODE_USED\b/.test(line))).toHaveLength(2);
    expect(lines.join('\n')).not.toContain(first);
  });

  it('lets a user with MFA lift a lock set by failed sign-ins with password and code; never an admin lock', async () => {
    const wrong = { username: 'mfa.doctor', password: 'somebody guessing' };
    for (let attempt = 0; attempt < 5; attempt++) {
      await t.app.api.inject({ method: 'POST', url: '/api/v1/auth/login', payload: wrong });
    }
    const locked = await login('mfa.doctor');
    expect(locked.statusCode).toBe(423);
    expect(locked.json().detail).toMatch(/password and authenticator code/);
    // While locked, a wrong password or a wrong code with the attempt keeps the same 423: no oracle.
    nextStep();
    const wrongPassword = await t.app.api.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { ...wrong, totp: code('mfa.doctor') },
    });
    expect(wrongPassword.statusCode).toBe(423);
    expect((await login('mfa.doctor', '000000')).statusCode).toBe(423);
    nextStep();
    const lifted = await login('mfa.doctor', code('mfa.doctor'));
    expect(lifted.statusCode).toBe(200);
    expect((await userRow('mfa.doctor')).failed_attempts).toBe(0);
    const unlocked = (await t.logLines('security')).filter((line) => /\bACCOUNT_UNLOCKED\b/.test(line));
    expect(unlocked.at(-1)).toMatch(/password and MFA code/);

    const { id } = await userRow('mfa.doctor');
    await t.app.services.users.lock(id, commandLineContext('test'));
    nextStep();
    expect((await login('mfa.doctor', code('mfa.doctor'))).statusCode).toBe(423);
    await t.app.services.users.unlock(id, commandLineContext('test'));
    nextStep();
    expect((await login('mfa.doctor', code('mfa.doctor'))).statusCode).toBe(200);
  });

  it('holds a role that must use MFA at enrolment until it has: everything else answers 403', async () => {
    await createUser('mfa.admin', 'admin');
    const signedIn = await login('mfa.admin');
    expect(signedIn.statusCode).toBe(200);
    expect(signedIn.json()).toMatchObject({ mfaEnrolmentRequired: true, mustChangePassword: false });
    const token = signedIn.json().token as string;
    expect((await call('GET', '/api/v1/auth/me', token)).json()).toMatchObject({
      mfaEnrolmentRequired: true,
      mfaEnabled: false,
    });
    const blocked = await call('GET', '/api/v1/patients', token);
    expect(blocked.statusCode).toBe(403);
    expect(blocked.json().code).toBe('MFA_ENROLMENT_REQUIRED');
    expect((await call('GET', '/api/v1/users', token)).json().code).toBe('MFA_ENROLMENT_REQUIRED');
    expect((await call('GET', '/api/v1/auth/sessions', token)).statusCode).toBe(200);
    expect((await call('GET', '/api/v1/auth/mfa', token)).json().enrolmentRequired).toBe(true);

    await enrol('mfa.admin', token);
    expect((await call('GET', '/api/v1/patients', token)).statusCode).toBe(200);
    expect((await call('GET', '/api/v1/auth/me', token)).json().mfaEnrolmentRequired).toBe(false);
  });

  it('needs a fresh code for role changes and exports from a user with MFA: by header or by verify', async () => {
    nextStep();
    const token = (await login('mfa.admin', code('mfa.admin'))).json().token as string;
    const targetId = await createUser('mfa.target', 'staff');
    // Fresh right after sign-in with a code.
    expect((await call('GET', '/api/v1/auth/me', token)).json().mfaFreshUntil).not.toBeNull();
    expect(
      (await call('PATCH', `/api/v1/users/${targetId}`, token, { payload: { role: 'finance' } })).statusCode,
    ).toBe(200);

    clock.advance(6 * 60_000);
    expect((await call('GET', '/api/v1/auth/me', token)).json().mfaFreshUntil).toBeNull();
    const stale = await call('PATCH', `/api/v1/users/${targetId}`, token, { payload: { role: 'staff' } });
    expect(stale.statusCode).toBe(403);
    expect(stale.json().code).toBe('MFA_STEP_UP_REQUIRED');
    // Not a role change: no step-up.
    expect(
      (await call('PATCH', `/api/v1/users/${targetId}`, token, { payload: { active: true } })).statusCode,
    ).toBe(200);
    const wrongHeader = await call('PATCH', `/api/v1/users/${targetId}`, token, {
      payload: { role: 'staff' },
      headers: { ...bearer(token), 'x-mfa-code': code('mfa.admin', 3) },
    });
    expect(wrongHeader.json().code).toBe('MFA_INVALID');
    expect((await userRow('mfa.admin')).failed_attempts).toBe(1);
    const withHeader = await call('PATCH', `/api/v1/users/${targetId}`, token, {
      payload: { role: 'staff' },
      headers: { ...bearer(token), 'x-mfa-code': code('mfa.admin') },
    });
    expect(withHeader.statusCode).toBe(200);
    expect(withHeader.json().role).toBe('staff');

    clock.advance(6 * 60_000);
    const report = '/api/v1/reports/patients?from=2024-01-01&to=2024-01-31';
    expect((await call('GET', `${report}&format=json`, token)).statusCode).toBe(200);
    expect((await call('GET', `${report}&format=csv`, token)).json().code).toBe('MFA_STEP_UP_REQUIRED');
    const stepUps: [string, string, Record<string, unknown>?][] = [
      ['GET', `${report}&format=pdf`],
      ['GET', '/api/v1/reports/finance?from=2024-01-01&to=2024-01-31&format=csv'],
      ['GET', '/api/v1/claims/export?payer=Acme'],
      ['POST', '/api/v1/patients/merges', { survivorId: targetId, mergedId: targetId, reason: 'test' }],
      ['POST', `/api/v1/patients/merges/${targetId}/undo`],
      ['POST', `/api/v1/patients/${targetId}/emergency-access`, { reason: 'Unconscious in the ER' }],
      ['DELETE', `/api/v1/users/${targetId}/mfa`],
    ];
    for (const [method, url, payload] of stepUps) {
      const response = await call(method as 'GET', url, token, payload ? { payload } : {});
      expect(`${method} ${url} ${response.statusCode} ${response.json().code}`).toBe(
        `${method} ${url} 403 MFA_STEP_UP_REQUIRED`,
      );
    }
    nextStep();
    const verified = await call('POST', '/api/v1/auth/mfa/verify', token, {
      payload: { code: code('mfa.admin') },
    });
    expect(verified.statusCode).toBe(200);
    expect(new Date(verified.json().verifiedUntil).getTime()).toBe(clock.now().getTime() + 5 * 60_000);
    const csv = await call('GET', `${report}&format=csv`, token);
    expect(csv.statusCode).toBe(200);
    expect(csv.headers['content-type']).toContain('text/csv');
    expect((await t.logLines('security')).some((line) => /\bMFA_VERIFIED\b/.test(line))).toBe(true);
  });

  it('lets a user without MFA export without a step-up', async () => {
    await createUser('plain.finance', 'finance');
    const token = (await login('plain.finance')).json().token as string;
    const csv = await call('GET', '/api/v1/reports/finance?from=2024-01-01&to=2024-01-31&format=csv', token);
    expect(csv.statusCode).toBe(200);
  });

  it('turns MFA off by the user with a code, or by an administrator reset that ends the sessions', async () => {
    nextStep();
    const doctor = (await login('mfa.doctor', code('mfa.doctor'))).json().token as string;
    const wrong = await call('POST', '/api/v1/auth/mfa/disable', doctor, {
      payload: { code: code('mfa.doctor', -3) },
    });
    expect(wrong.statusCode).toBe(403);
    expect(wrong.json().code).toBe('MFA_INVALID');
    nextStep();
    const disabled = await call('POST', '/api/v1/auth/mfa/disable', doctor, {
      payload: { code: code('mfa.doctor') },
    });
    expect(disabled.statusCode).toBe(204);
    expect((await login('mfa.doctor')).statusCode).toBe(200);

    const nurseId = await createUser('mfa.nurse', 'staff');
    const nurse = (await login('mfa.nurse')).json().token as string;
    await enrol('mfa.nurse', nurse);
    nextStep();
    const admin = (await login('mfa.admin', code('mfa.admin'))).json().token as string;
    const reset = await call('DELETE', `/api/v1/users/${nurseId}/mfa`, admin);
    expect(reset.statusCode).toBe(204);
    expect((await call('GET', '/api/v1/auth/me', nurse)).statusCode).toBe(401);
    expect((await login('mfa.nurse')).statusCode).toBe(200);
    const audit = await t.database.db.query<{ action: string; actor_username: string }>(
      "SELECT action, actor_username FROM audit_events WHERE entity_id = $1 AND action = 'USER_MFA_RESET'",
      [nurseId],
    );
    expect(audit.rows).toEqual([{ action: 'USER_MFA_RESET', actor_username: 'mfa.admin' }]);
    const codes = await t.database.db.query('SELECT 1 FROM mfa_recovery_codes WHERE user_id = $1', [nurseId]);
    expect(codes.rows).toHaveLength(0);
  });
});
