import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createTestDatabase,
  POSTGRES_AVAILABLE,
  type TestDatabase,
} from '../../../tests/support/databases.js';
import { main } from '../main.js';

/**
 * `medisys users` in-process against a scratch PostgreSQL: the password rules and the MFA reset apply
 * to operators as to the API. (The embedded database is one process's; the process tests cover it.)
 */
describe.runIf(POSTGRES_AVAILABLE)('medisys users: password rules and reset-mfa', () => {
  let database: TestDatabase;
  let workDir: string;
  let configFile: string;

  beforeAll(async () => {
    database = await createTestDatabase('postgres');
    workDir = mkdtempSync(path.join(tmpdir(), 'medisys-cli-users-'));
    configFile = path.join(workDir, 'medisys.properties');
    writeFileSync(
      configFile,
      [
        `datasource.url=${database.url}`,
        `data.dir=${workDir}/data`,
        `logging.dir=${workDir}/logs`,
        'logging.console=false',
      ].join('\n'),
    );
  });
  afterAll(async () => {
    await database?.close();
    if (workDir) rmSync(workDir, { recursive: true, force: true });
  });

  async function run(...args: string[]): Promise<{ code: number; out: string; err: string }> {
    let out = '';
    let err = '';
    const code = await main(['--config', configFile, ...args], {
      out: (line) => (out += `${line}\n`),
      err: (line) => (err += `${line}\n`),
    });
    return { code, out, err };
  }

  it('refuses a common or short password from --password-file, saying which rule, and exits 1', async () => {
    const common = path.join(workDir, 'common');
    writeFileSync(common, 'Administrator\n');
    const refused = await run(
      'users',
      'create',
      'nurse.ratched',
      '--role',
      'staff',
      '--password-file',
      common,
    );
    expect(refused.code).toBe(1);
    expect(refused.err).toMatch(/password is one of the most common passwords/);
    const short = path.join(workDir, 'short');
    writeFileSync(short, 'elevenchars\n');
    const tooShort = await run(
      'users',
      'create',
      'nurse.ratched',
      '--role',
      'staff',
      '--password-file',
      short,
    );
    expect(tooShort.code).toBe(1);
    expect(tooShort.err).toMatch(/password must be at least 12 characters/);
    const good = path.join(workDir, 'good');
    writeFileSync(good, 'a calm and quiet ward\n');
    const created = await run('users', 'create', 'nurse.ratched', '--role', 'staff', '--password-file', good);
    expect(created.code).toBe(0);
  });

  it('resets multi-factor sign-in of a user, ending their sessions, and audits it', async () => {
    const user = await database.db.query<{ id: string }>(
      "UPDATE users SET mfa_enabled = true, mfa_secret = 'JBSWY3DPEHPK3PXP' WHERE username = 'nurse.ratched' RETURNING id",
    );
    const userId = user.rows[0]!.id;
    await database.db.query(
      `INSERT INTO sessions (user_id, token_hash, expires_at) VALUES ($1, 'cli-test-hash', now() + interval '1 hour')`,
      [userId],
    );
    const reset = await run('users', 'reset-mfa', 'nurse.ratched');
    expect(reset.code).toBe(0);
    expect(reset.out).toMatch(/Multi-factor sign-in of nurse.ratched is off/);
    const after = await database.db.query<{ mfa_enabled: boolean; mfa_secret: string | null }>(
      'SELECT mfa_enabled, mfa_secret FROM users WHERE id = $1',
      [userId],
    );
    expect(after.rows[0]).toEqual({ mfa_enabled: false, mfa_secret: null });
    const open = await database.db.query('SELECT 1 FROM sessions WHERE user_id = $1 AND ended_at IS NULL', [
      userId,
    ]);
    expect(open.rows).toHaveLength(0);
    const audit = await database.db.query<{ action: string }>(
      "SELECT action FROM audit_events WHERE entity_id = $1 AND action = 'USER_MFA_RESET'",
      [userId],
    );
    expect(audit.rows).toHaveLength(1);
    expect((await run('users', 'reset-mfa', 'nobody')).code).toBe(1);
  });
});
