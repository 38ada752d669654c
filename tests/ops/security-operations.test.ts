import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createScratchPostgresDatabase, POSTGRES_AVAILABLE, servicesRequired } from '../support/databases.js';
import { http, runMediSys, startMediSys, type RunningMediSys } from '../support/processes.js';

/**
 * The manual's Security Operations through the `medisys` command, as an operator runs them against
 * PostgreSQL: the access review, audit verify after tampering, and a key rotation. Each test runs
 * several commands one after another (each a Node.js start), hence the longer per-test timeout.
 */
describe.runIf(POSTGRES_AVAILABLE || servicesRequired)(
  'security operations through the medisys command',
  () => {
    let workDir: string;
    let database: Awaited<ReturnType<typeof createScratchPostgresDatabase>>;
    let env: Record<string, string>;
    let server: RunningMediSys | undefined;

    const medisys = (args: string[]) => runMediSys(args, { cwd: workDir, env });

    async function sql<Row = Record<string, unknown>>(text: string, params: unknown[] = []): Promise<Row[]> {
      const client = new pg.Client({ connectionString: database.url });
      await client.connect();
      try {
        return (await client.query(text, params)).rows as Row[];
      } finally {
        await client.end();
      }
    }

    beforeAll(async () => {
      workDir = mkdtempSync(path.join(tmpdir(), 'medisys-secops-'));
      database = await createScratchPostgresDatabase();
      env = { MEDISYS_DATASOURCE_URL: database.url };
      expect((await medisys(['migrate'])).status).toBe(0);
      await sql(
        `INSERT INTO users (username, role, password_hash, last_login, created_date) VALUES
         ('recent.doc', 'doctor', 'x', now() - interval '5 days', now() - interval '400 days'),
         ('stale.nurse', 'staff', 'x', now() - interval '120 days', now() - interval '400 days'),
         ('old.admin', 'admin', 'x', now() - interval '300 days', now() - interval '900 days'),
         ('never.used', 'finance', 'x', NULL, now() - interval '250 days'),
         ('new.hire', 'staff', 'x', NULL, now() - interval '2 days')`,
      );
    });
    afterAll(async () => {
      await server?.stop();
      await database?.drop();
      rmSync(workDir, { recursive: true, force: true });
    });

    it('reviews access as table, CSV and JSON, and disables the inactive accounts (audited)', async () => {
      const json = await medisys(['access-review', '--format', 'json']);
      expect(json.status, json.stderr).toBe(0);
      // A command that encrypts nothing reads no key file and makes none.
      expect(existsSync(path.join(workDir, 'data', 'keys'))).toBe(false);
      const review = JSON.parse(json.stdout) as {
        activeUsers: { username: string }[];
        inactiveUsers: { username: string; daysInactive: number }[];
      };
      expect(review.activeUsers.map((user) => user.username)).toEqual([
        'recent.doc',
        'stale.nurse',
        'old.admin',
        'never.used',
        'new.hire',
      ]);
      expect(review.inactiveUsers.map((user) => user.username)).toEqual([
        'stale.nurse',
        'old.admin',
        'never.used',
      ]);

      const csv = await medisys(['access-review', '--inactive-days', '200', '--format', 'csv']);
      const lines = csv.stdout.trim().split('\n');
      expect(lines[0]).toBe(
        'username,role,last_login,created_date,days_inactive,inactive,locked,disabled_now',
      );
      expect(lines).toHaveLength(6);
      expect(lines.find((line) => line.startsWith('never.used,'))).toContain(',never,');
      expect(
        lines.filter((line) => line.includes(',true,false,false')).map((line) => line.split(',')[0]),
      ).toEqual(['old.admin', 'never.used']);

      const bad = await medisys(['access-review', '--inactive-days', 'soon']);
      expect(bad.status).toBe(2);
      expect(bad.stderr).toContain('--inactive-days must be a whole number');

      const disabling = await medisys(['access-review', '--disable-inactive']);
      expect(disabling.status, disabling.stderr).toBe(0);
      expect(disabling.stdout).toContain('=== User Access Review');
      expect(disabling.stdout).toContain('Inactive for more than 90 days (3):');
      expect(disabling.stdout).toContain('Disabled now: stale.nurse, never.used.');
      expect(disabling.stdout).toContain('Kept old.admin enabled: the last active administrator');
      const active = await sql<{ username: string; active: boolean }>(
        'SELECT username, active FROM users ORDER BY username',
      );
      expect(active.filter((user) => !user.active).map((user) => user.username)).toEqual([
        'never.used',
        'stale.nurse',
      ]);
      const audited = await sql<{ action: string; n: number }>(
        `SELECT action, count(*)::int AS n FROM audit_events
        WHERE action IN ('USER_DISABLED', 'ACCESS_REVIEW_PERFORMED') GROUP BY action ORDER BY action`,
      );
      expect(audited).toEqual([
        { action: 'ACCESS_REVIEW_PERFORMED', n: 3 },
        { action: 'USER_DISABLED', n: 2 },
      ]);
    }, 150_000);

    it('refuses edits and deletes of audit rows to the application role; audit verify names a superuser edit', async () => {
      const intact = await medisys(['audit', 'verify', '--progress']);
      expect(intact.status, intact.stderr).toBe(0);
      expect(intact.stdout).toMatch(
        /Audit trail intact: \d+ sealed event\(s\) checked; chain head: position \d+/,
      );
      expect(intact.stderr).toMatch(/checked \d+ of \d+/);

      const [target, deleted] = await sql<{ id: string }>(
        "SELECT id::text AS id FROM audit_events WHERE action = 'USER_DISABLED' ORDER BY id",
      );
      const asApplication = async (statement: string): Promise<string | undefined> => {
        try {
          await sql(`SET ROLE medisys_app; ${statement}`);
          return undefined;
        } catch (error) {
          return (error as { code?: string }).code;
        }
      };
      expect(await asApplication(`UPDATE audit_events SET details = '{}' WHERE id = ${target!.id}`)).toBe(
        '42501',
      );
      expect(await asApplication(`DELETE FROM audit_events WHERE id = ${target!.id}`)).toBe('42501');

      // A superuser can get past privileges and the trigger; the chain still tells.
      await sql(
        `SET session_replication_role = replica;
       UPDATE audit_events SET details = '{"username": "someone-else"}' WHERE id = ${target!.id};
       DELETE FROM audit_events WHERE id = ${deleted!.id};`,
      );
      const tampered = await medisys(['audit', 'verify']);
      expect(tampered.status).toBe(1);
      expect(tampered.stdout).toContain(`TAMPERED (edited): audit event ${target!.id} `);
      expect(tampered.stdout).toMatch(
        new RegExp(
          `TAMPERED \\(deleted\\): audit event ${deleted!.id} \\(chain position \\d+\\) was deleted after it was sealed`,
        ),
      );
      expect(tampered.stderr).toContain('The audit trail was tampered with');
      expect((await medisys(['audit', 'verify', '--anchor', 'nonsense'])).status).toBe(2);
    }, 150_000);

    it('encrypts plaintext and rotates to a new key with progress; the old key can then leave the file', async () => {
      await sql(
        `INSERT INTO patients (name, date_of_birth, insurance_number_plaintext)
       SELECT 'Legacy Patient' || n, date '1960-01-01' + n, 'LEGACY-' || n FROM generate_series(1, 5) AS n`,
      );
      const keyFile = path.join(workDir, 'data', 'keys', 'field-encryption.keys');

      const encrypted = await medisys(['security', 'rotate-key', '--batch-size', '2', '--progress']);
      expect(encrypted.status, encrypted.stderr).toBe(0);
      // The first command that needed a key made the key file, and said so once.
      expect(encrypted.stderr).toContain(`generated the field-encryption key`);
      expect(encrypted.stderr).toContain(keyFile);
      const firstKey = readFileSync(keyFile, 'utf8');
      expect(encrypted.stderr).toContain('patients.insurance_number: 2 of 5');
      expect(encrypted.stderr).toContain('patients.insurance_number: 5 of 5');
      expect(encrypted.stdout).toContain('5 value(s) re-encrypted');
      const stored = await sql<{ plain: string | null; sealed: string }>(
        `SELECT insurance_number_plaintext AS plain, insurance_number_encrypted AS sealed FROM patients
        WHERE name LIKE 'Legacy Patient%'`,
      );
      expect(
        stored.every(
          (row) => row.plain === null && row.sealed.startsWith('v1:') && !row.sealed.includes('LEGACY'),
        ),
      ).toBe(true);

      const added = await medisys(['security', 'add-key']);
      expect(added.status).toBe(0);
      const newKeyId = /Added key (\S+) /.exec(added.stdout)![1]!;
      const bothKeys = readFileSync(keyFile, 'utf8');
      const oldKeyId = bothKeys
        .split('\n')
        .find((line) => /^[A-Za-z0-9._-]+=/.test(line))!
        .split('=')[0]!;

      // Without the old key the values cannot be re-encrypted: refused, saying what to do.
      writeFileSync(
        keyFile,
        bothKeys
          .split('\n')
          .filter((line) => !line.startsWith(`${oldKeyId}=`))
          .join('\n'),
        {
          mode: 0o600,
        },
      );
      const refused = await medisys(['security', 'rotate-key']);
      expect(refused.status).toBe(1);
      expect(refused.stderr).toContain(`encrypted with key ${oldKeyId}, which is not in ${keyFile}`);
      writeFileSync(keyFile, bothKeys, { mode: 0o600 });

      const rotated = await medisys(['security', 'rotate-key']);
      expect(rotated.status, rotated.stderr).toBe(0);
      expect(rotated.stderr).not.toContain('generated the field-encryption key');
      expect(rotated.stdout).toContain(`No value needs key(s) ${oldKeyId} any more`);
      const keys = await sql<{ key: string }>(
        `SELECT DISTINCT split_part(insurance_number_encrypted, ':', 2) AS key FROM patients
        WHERE insurance_number_encrypted IS NOT NULL`,
      );
      expect(keys).toEqual([{ key: newKeyId }]);

      writeFileSync(
        keyFile,
        bothKeys
          .split('\n')
          .filter((line) => !line.startsWith(`${oldKeyId}=`))
          .join('\n'),
        {
          mode: 0o600,
        },
      );
      expect(readFileSync(keyFile, 'utf8')).not.toBe(firstKey);
      // A running MediSys on the new key alone answers the plaintext and finds by it.
      const passwordFile = path.join(workDir, 'reader-password');
      writeFileSync(passwordFile, 'a long reader password\n', { mode: 0o600 });
      const reader = await medisys([
        'users',
        'create',
        'front.desk',
        '--role',
        'staff',
        '--password-file',
        passwordFile,
      ]);
      expect(reader.status, reader.stderr).toBe(0);
      server = await startMediSys({ cwd: workDir, env });
      const login = await http(`${server.apiUrl}/api/v1/auth/login`, {
        body: { username: 'front.desk', password: 'a long reader password' },
      });
      expect(login.status).toBe(200);
      const token = (login.body as { token: string }).token;
      const found = await http(`${server.apiUrl}/api/v1/patients?q=legacy-3`, { token });
      const items = (found.body as { items: { id: string }[] }).items;
      expect(items).toHaveLength(1);
      const record = await http(`${server.apiUrl}/api/v1/patients/${items[0]!.id}`, { token });
      expect((record.body as { insuranceNumber: string }).insuranceNumber).toBe('LEGACY-3');
    }, 150_000);
  },
);
