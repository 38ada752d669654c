import { execSync, spawnSync } from 'node:child_process';
import {
  chmodSync,
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  truncateSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  adminQuery,
  createScratchPostgresDatabase,
  POSTGRES_AVAILABLE,
  POSTGRES_ADMIN_URL,
} from '../support/databases.js';
import { runMediSys } from '../support/processes.js';

/** Each test runs several medisys processes; generous, since a busy machine must not fail them. */
const SLOW_TEST_MS = 240_000;

function psql(database: string, sql: string): string {
  const url = new URL(POSTGRES_ADMIN_URL);
  url.pathname = `/${database}`;
  return execSync(`psql -X -At -v ON_ERROR_STOP=1 ${JSON.stringify(url.toString())}`, {
    input: sql,
    encoding: 'utf8',
  }).trim();
}

/** What must come back from a backup: every table's row count and the patients checksum. */
function fingerprint(database: string): string {
  return psql(
    database,
    `SELECT string_agg(format('%s=%s', relname, n_live), ',' ORDER BY relname) FROM (
       SELECT c.relname, (xpath('/row/c/text()', query_to_xml(format('SELECT count(*) AS c FROM public.%I', c.relname), false, true, '')))[1]::text::int AS n_live
         FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'public' AND c.relkind = 'r') t;
     SELECT md5(string_agg(id::text || name || date_of_birth, ',' ORDER BY id)) FROM patients;`,
  );
}

describe.runIf(POSTGRES_AVAILABLE)('medisys backup on PostgreSQL', () => {
  let workDir: string;
  let backupDir: string;
  let source: Awaited<ReturnType<typeof createScratchPostgresDatabase>>;
  let env: Record<string, string>;
  const extraDatabases: string[] = [];
  let backupFile = '';

  beforeAll(async () => {
    workDir = mkdtempSync(path.join(tmpdir(), 'medisys-backup-'));
    backupDir = path.join(workDir, 'backups');
    const gnupgHome = path.join(workDir, 'gnupg');
    mkdirSync(gnupgHome, { mode: 0o700 });
    const passphraseFile = path.join(workDir, 'passphrase');
    writeFileSync(passphraseFile, 'a long backup passphrase for tests\n');
    chmodSync(passphraseFile, 0o600);
    source = await createScratchPostgresDatabase();
    env = {
      MEDISYS_DATASOURCE_URL: source.url,
      MEDISYS_BACKUP_DIR: backupDir,
      MEDISYS_BACKUP_PASSPHRASE_FILE: passphraseFile,
      GNUPGHOME: gnupgHome,
    };
    expect((await runMediSys(['migrate'], { cwd: workDir, env })).status).toBe(0);
    expect(
      (await runMediSys(['users', 'create', 'clerk', '--role', 'staff'], { cwd: workDir, env })).status,
    ).toBe(0);
    psql(
      source.name,
      `INSERT INTO patients (name, date_of_birth, phone) SELECT 'Patient ' || i, date '1950-01-01' + i, '555' || i FROM generate_series(1, 2000) i;`,
    );
  });
  afterAll(async () => {
    for (const name of extraDatabases) await adminQuery(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await source?.drop();
    rmSync(workDir, { recursive: true, force: true });
  });

  it(
    'creates an encrypted backup with a sha256 and a manifest, and leaves no unencrypted dump',
    async () => {
      const created = await runMediSys(['backup', 'create'], { cwd: workDir, env });
      expect(created.stderr).toBe('');
      expect(created.status).toBe(0);
      const files = readdirSync(backupDir).sort();
      const dump = files.find((file) => /^medisys_\d{8}_\d{6}\.dump\.gpg$/.test(file));
      expect(dump).toBeDefined();
      backupFile = path.join(backupDir, dump!);
      expect(
        files
          .filter((file) => file !== 'last-successful-backup.json')
          .map((file) => file.replace(/^medisys_\d{8}_\d{6}/, 'X')),
      ).toEqual(['X.dump.gpg', 'X.dump.gpg.sha256', 'X.manifest.json']);
      expect(readFileSync(backupFile).subarray(0, 5).toString()).not.toBe('PGDMP');
      const manifest = JSON.parse(readFileSync(backupFile.replace('.dump.gpg', '.manifest.json'), 'utf8'));
      expect(manifest.rowCounts.patients).toBe(2000);
      expect(manifest.rowCounts.users).toBe(1);
      expect(manifest.schemaVersion).toBeGreaterThanOrEqual(6);
      const check = spawnSync('sha256sum', ['-c', `${dump}.sha256`], { cwd: backupDir, encoding: 'utf8' });
      expect(check.status).toBe(0);
    },
    SLOW_TEST_MS,
  );

  it("decrypts with the manual's own command into an identical database", async () => {
    const target = `medisys_manual_${Date.now()}`;
    extraDatabases.push(target);
    await adminQuery(`CREATE DATABASE ${target}`);
    const url = new URL(POSTGRES_ADMIN_URL);
    url.pathname = `/${target}`;
    const command = `gpg --batch --pinentry-mode loopback --passphrase-file ${env['MEDISYS_BACKUP_PASSPHRASE_FILE']} --decrypt ${backupFile} | pg_restore -d ${JSON.stringify(url.toString())}`;
    execSync(command, { env: { ...process.env, GNUPGHOME: env['GNUPGHOME'] }, stdio: 'pipe' });
    expect(fingerprint(target)).toBe(fingerprint(source.name));
  });

  it(
    'restores into a new database with `backup restore`, and refuses a non-empty one without --force',
    async () => {
      const target = `medisys_recovery_${Date.now()}`;
      extraDatabases.push(target);
      const restored = await runMediSys(['backup', 'restore', backupFile, '--target', target], {
        cwd: workDir,
        env,
      });
      expect(restored.stderr).toBe('');
      expect(restored.status).toBe(0);
      expect(restored.stdout).toContain('match the manifest');
      expect(fingerprint(target)).toBe(fingerprint(source.name));

      const again = await runMediSys(['backup', 'restore', backupFile, '--target', target], {
        cwd: workDir,
        env,
      });
      expect(again.status).toBe(1);
      expect(again.stderr).toMatch(/not empty.*--force/);
      const forced = await runMediSys(['backup', 'restore', backupFile, '--target', target, '--force'], {
        cwd: workDir,
        env,
      });
      expect(forced.status).toBe(0);
      expect(fingerprint(target)).toBe(fingerprint(source.name));
    },
    SLOW_TEST_MS,
  );

  it(
    'verifies the newest backup, and deeply by restoring it into a scratch database',
    async () => {
      const verified = await runMediSys(['backup', 'verify'], { cwd: workDir, env });
      expect(verified.status).toBe(0);
      expect(verified.stdout).toContain('sha256 matches');
      const deep = await runMediSys(['backup', 'verify', backupFile, '--deep'], { cwd: workDir, env });
      expect(deep.stderr).toBe('');
      expect(deep.status).toBe(0);
      expect(deep.stdout).toContain('match the manifest');
    },
    SLOW_TEST_MS,
  );

  it.each([
    [
      'corrupted in the middle',
      (file: string) => {
        const bytes = readFileSync(file);
        bytes[Math.floor(bytes.length / 2)]! ^= 0xff;
        writeFileSync(file, bytes);
      },
    ],
    ['truncated', (file: string) => truncateSync(file, Math.floor(readFileSync(file).length / 2))],
  ])(
    'refuses a backup %s in verify and restore, leaving the target untouched',
    async (_label, damage) => {
      for (const withChecksum of [true, false]) {
        const copy = path.join(workDir, `damaged-${withChecksum}`, path.basename(backupFile));
        mkdirSync(path.dirname(copy), { recursive: true });
        copyFileSync(backupFile, copy);
        copyFileSync(
          backupFile.replace('.dump.gpg', '.manifest.json'),
          copy.replace('.dump.gpg', '.manifest.json'),
        );
        if (withChecksum) copyFileSync(`${backupFile}.sha256`, `${copy}.sha256`);
        damage(copy);
        const verified = await runMediSys(['backup', 'verify', copy], { cwd: workDir, env });
        expect(verified.status).toBe(1);
        expect(verified.stderr).toMatch(withChecksum ? /corrupted or truncated/ : /cannot be decrypted/);
        const target = `medisys_damaged_${Date.now()}`;
        extraDatabases.push(target);
        const restored = await runMediSys(['backup', 'restore', copy, '--target', target], {
          cwd: workDir,
          env,
        });
        expect(restored.status).toBe(1);
        const exists = psql('postgres', `SELECT count(*) FROM pg_database WHERE datname = '${target}'`);
        expect(exists).toBe('0');
        rmSync(path.dirname(copy), { recursive: true });
      }
    },
    SLOW_TEST_MS,
  );

  it('prunes backups older than the retention period and keeps the rest', async () => {
    const old = path.join(backupDir, 'medisys_20000101_000000.dump.gpg');
    copyFileSync(backupFile, old);
    writeFileSync(`${old}.sha256`, 'x');
    const pruned = await runMediSys(['backup', 'prune', '--keep-days', '30'], { cwd: workDir, env });
    expect(pruned.status).toBe(0);
    expect(pruned.stdout).toContain('medisys_20000101_000000.dump.gpg');
    const left = readdirSync(backupDir);
    expect(left).not.toContain('medisys_20000101_000000.dump.gpg');
    expect(left).not.toContain('medisys_20000101_000000.dump.gpg.sha256');
    expect(left).toContain(path.basename(backupFile));
  });

  it('says what to do without a passphrase file', async () => {
    const result = await runMediSys(['backup', 'create'], {
      cwd: workDir,
      env: { ...env, MEDISYS_BACKUP_PASSPHRASE_FILE: '' },
    });
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/Set backup\.passphrase-file/);
  });
});
