import {
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EmbeddedDatabase } from '../../src/db/index.js';
import { backupSecrets, databaseFingerprint, postgresFingerprint, run } from '../support/backup-fixtures.js';
import { adminQuery, POSTGRES_ADMIN_URL, POSTGRES_AVAILABLE } from '../support/databases.js';
import { http, runMediSys, startMediSys } from '../support/processes.js';

/** Generous: the machine these run on may be busy, and nothing here measures speed. */
const STARTUP_MS = 120_000;
const SLOW_TEST_MS = 300_000;

function serverUrl(database: string): string {
  const url = new URL(POSTGRES_ADMIN_URL);
  url.pathname = `/${database}`;
  return url.toString();
}

/** Every file under `dir` (recursively) whose content contains `text`. */
function filesContaining(dir: string, text: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => path.join(entry.parentPath, entry.name))
    .filter((file) => readFileSync(file).includes(text));
}

describe('medisys backup on the embedded database', () => {
  let workDir: string;
  let backupDir: string;
  let env: Record<string, string>;
  let demoPassword = '';
  let backupFile = '';
  let source: Awaited<ReturnType<typeof databaseFingerprint>>;
  const databases: string[] = [];

  beforeAll(async () => {
    workDir = mkdtempSync(path.join(tmpdir(), 'medisys-embedded-backup-'));
    backupDir = path.join(workDir, 'backups');
    const { gnupgHome, passphraseFile } = backupSecrets(workDir);
    // A configuration file, so `--app` has a config folder to archive as the manual's backup does.
    mkdirSync(path.join(workDir, 'config'));
    writeFileSync(
      path.join(workDir, 'config', 'application.properties'),
      `backup.dir=${backupDir}\nbackup.passphrase-file=${passphraseFile}\nhospital.timezone=UTC\n`,
    );
    env = {
      GNUPGHOME: gnupgHome,
      MEDISYS_SECURITY_BOOTSTRAP_ADMIN_PASSWORD: 'a first-start passphrase for backups',
    };
    const first = await startMediSys({ cwd: workDir, env, timeoutMs: STARTUP_MS });
    expect(await first.stop(), first.output()).toBe(0);
    const seeded = await runMediSys(['seed', 'demo'], { cwd: workDir, env });
    expect(seeded.status, seeded.stderr).toBe(0);
    demoPassword = /password for all, shown once\): (\S+)/.exec(seeded.stdout)![1]!;
    mkdirSync(path.join(workDir, 'data', 'uploads', '.incoming'), { recursive: true });
    writeFileSync(path.join(workDir, 'data', 'uploads', 'scan.pdf'), '%PDF-1.4 a scanned referral');
    writeFileSync(path.join(workDir, 'data', 'uploads', '.incoming', 'x.part'), 'half an upload');
  }, SLOW_TEST_MS);
  afterAll(async () => {
    for (const name of databases) await adminQuery(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    rmSync(workDir, { recursive: true, force: true });
  });

  it(
    'refuses while medisys serve holds the embedded database, and says to stop it',
    async () => {
      const server = await startMediSys({ cwd: workDir, env, timeoutMs: STARTUP_MS });
      try {
        const refused = await runMediSys(['backup', 'create'], { cwd: workDir, env });
        expect(refused.status).toBe(1);
        expect(refused.stderr).toMatch(/MediSys \(pid \d+\) is serving from the embedded database.*Stop it/);
        expect(readdirSync(backupDir).filter((file) => file.startsWith('medisys_'))).toEqual([]);
      } finally {
        expect(await server.stop()).toBe(0);
      }
    },
    SLOW_TEST_MS,
  );

  it(
    'writes an encrypted plain-SQL dump and application archive, each with a sha256, and no plaintext',
    async () => {
      source = await embeddedFingerprint(path.join(workDir, 'data', 'db'));
      expect(source.rowCounts['patients']).toBe(61);
      const created = await runMediSys(['backup', 'create', '--app'], { cwd: workDir, env });
      expect(created.stderr).toBe('');
      expect(created.status).toBe(0);
      expect(created.stdout).toMatch(/Application archive written: .*config, logs, uploads, keys/);
      const files = readdirSync(backupDir).filter((file) => file.startsWith('medisys_'));
      expect(files.map((file) => file.replace(/^medisys_\d{8}_\d{6}/, 'X')).sort()).toEqual([
        'X.app.tar.gz.gpg',
        'X.app.tar.gz.gpg.sha256',
        'X.dump.gpg',
        'X.dump.gpg.sha256',
        'X.manifest.json',
      ]);
      backupFile = path.join(
        backupDir,
        files.find((file) => file.endsWith('.dump.gpg'))!,
      );
      const manifest = JSON.parse(readFileSync(backupFile.replace('.dump.gpg', '.manifest.json'), 'utf8'));
      expect(manifest).toMatchObject({ format: 'pg_dump-plain-sql', source: 'embedded' });
      expect(manifest.serverVersion).toMatch(/^18/);
      expect(manifest.rowCounts).toEqual(source.rowCounts);
      expect(manifest.application.parts).toHaveProperty('uploads');
      const sums = await run('sha256sum', ['-c', `${path.basename(backupFile)}.sha256`], { cwd: backupDir });
      expect(sums.status, sums.stdout + sums.stderr).toBe(0);
      // Neither the dump's text nor a patient's name is readable in any file outside the database folder.
      const patientName = await aPatientName(workDir);
      for (const text of ['PostgreSQL database dump', patientName]) {
        expect(
          filesContaining(workDir, text).filter((file) => !file.includes(`${path.sep}db${path.sep}`)),
        ).toEqual([]);
      }
    },
    SLOW_TEST_MS,
  );

  it(
    'lists and verifies both the dump and the application archive, deeply in a scratch database',
    async () => {
      const listed = await runMediSys(['backup', 'list'], { cwd: workDir, env });
      expect(listed.status).toBe(0);
      expect(listed.stdout).toMatch(
        new RegExp(`${path.basename(backupFile)}.*embedded\\s+sql\\s+\\d+\\s+yes\\s+yes`),
      );
      const verified = await runMediSys(['backup', 'verify', '--deep'], { cwd: workDir, env });
      expect(verified.stderr).toBe('');
      expect(verified.status).toBe(0);
      expect(verified.stdout).toContain('decrypts to a complete plain-SQL dump');
      expect(verified.stdout).toMatch(
        /app\.tar\.gz\.gpg decrypts and lists \d+ entries \(config, keys, logs, uploads\)/,
      );
      expect(verified.stdout).toContain('match the manifest');
      const listing = await run(
        'sh',
        [
          '-c',
          `gpg --batch --quiet --pinentry-mode loopback --passphrase-file "$1" --decrypt "$2" | tar -tzf -`,
          'sh',
          path.join(workDir, 'backup.passphrase'),
          backupFile.replace('.dump.gpg', '.app.tar.gz.gpg'),
        ],
        { env: { ...process.env, ...env } },
      );
      expect(listing.stdout).toContain('uploads/scan.pdf');
      expect(listing.stdout).toContain('keys/field-encryption.keys');
      expect(listing.stdout).not.toContain('.incoming');
    },
    SLOW_TEST_MS,
  );

  it.runIf(POSTGRES_AVAILABLE)(
    'restores into real PostgreSQL with the same data, and MediSys then serves from that database',
    async () => {
      const target = `medisys_from_embedded_${Date.now()}`;
      databases.push(target);
      const pgEnv = { ...env, MEDISYS_DATASOURCE_URL: serverUrl(target) };
      const restored = await runMediSys(['backup', 'restore', backupFile, '--target', target], {
        cwd: workDir,
        env: pgEnv,
      });
      expect(restored.stderr).toBe('');
      expect(restored.status).toBe(0);
      expect(restored.stdout).toContain('match the manifest');
      expect(await postgresFingerprint(serverUrl(target))).toEqual(source);

      const server = await startMediSys({ cwd: workDir, env: pgEnv, timeoutMs: STARTUP_MS });
      try {
        expect(server.output()).toContain('PostgreSQL');
        const login = await http(`${server.apiUrl}/api/v1/auth/login`, {
          body: { username: 'demo.staff', password: demoPassword },
        });
        expect(login.status).toBe(200);
        const token = login.body.token as string;
        const patients = await http(`${server.apiUrl}/api/v1/patients?limit=500`, { token });
        expect(patients.body.total).toBe(61);
        const someone = patients.body.items[0];
        const found = await http(
          `${server.apiUrl}/api/v1/patients?q=${encodeURIComponent(someone.name.slice(1, 5))}`,
          { token },
        );
        expect(found.body.items.map((item: { id: string }) => item.id)).toContain(someone.id);
        const record = await http(`${server.apiUrl}/api/v1/patients/${someone.id}`, { token });
        expect(record.body.mrn).toBe(someone.mrn);
        const appointments = await http(`${server.apiUrl}/api/v1/appointments?limit=1`, { token });
        expect(appointments.body.total).toBe(source.rowCounts['appointments']);
      } finally {
        expect(await server.stop()).toBe(0);
      }

      const again = await runMediSys(['backup', 'restore', backupFile, '--target', target], {
        cwd: workDir,
        env: pgEnv,
      });
      expect(again.status).toBe(1);
      expect(again.stderr).toMatch(/not empty.*--force/);
      const forced = await runMediSys(['backup', 'restore', backupFile, '--target', target, '--force'], {
        cwd: workDir,
        env: pgEnv,
      });
      expect(forced.stderr).toBe('');
      expect(forced.status).toBe(0);
      expect(await postgresFingerprint(serverUrl(target))).toEqual(source);
    },
    SLOW_TEST_MS,
  );

  it.runIf(POSTGRES_AVAILABLE)(
    "restores with the manual's own pipe, gpg --decrypt | psql",
    async () => {
      const target = `medisys_manual_sql_${Date.now()}`;
      databases.push(target);
      await adminQuery(`CREATE DATABASE ${target}`);
      const piped = await run(
        'sh',
        [
          '-c',
          'gpg --batch --quiet --pinentry-mode loopback --passphrase-file "$1" --decrypt "$2" | psql -X -q -o /dev/null "$3"',
          'sh',
          path.join(workDir, 'backup.passphrase'),
          backupFile,
          serverUrl(target),
        ],
        { env: { ...process.env, ...env } },
      );
      expect(piped.status).toBe(0);
      // PostgreSQL 15 does not know PostgreSQL 18's transaction_timeout: psql reports it and goes on.
      expect(piped.stderr.trim().split('\n')).toEqual([expect.stringMatching(/transaction_timeout/)]);
      expect(await postgresFingerprint(serverUrl(target))).toEqual(source);
    },
    SLOW_TEST_MS,
  );

  it.runIf(POSTGRES_AVAILABLE)(
    'refuses a dump that pg_dump did not finish, in verify and restore, and creates no database',
    async () => {
      const damagedDir = path.join(workDir, 'damaged');
      mkdirSync(damagedDir);
      const damaged = path.join(damagedDir, path.basename(backupFile));
      const passphrase = path.join(workDir, 'backup.passphrase');
      const cut = await run(
        'sh',
        [
          '-c',
          'gpg --batch --quiet --pinentry-mode loopback --passphrase-file "$1" --decrypt "$2" | head -c 20000 | ' +
            'gpg --batch --quiet --pinentry-mode loopback --passphrase-file "$1" --symmetric --cipher-algo AES256 -o "$3"',
          'sh',
          passphrase,
          backupFile,
          damaged,
        ],
        { env: { ...process.env, ...env } },
      );
      expect(cut.status, cut.stderr).toBe(0);
      const verified = await runMediSys(['backup', 'verify', damaged], { cwd: workDir, env });
      expect(verified.status).toBe(1);
      expect(verified.stderr).toMatch(
        /cannot be decrypted and read: the SQL dump ends before pg_dump finished it/,
      );
      const target = `medisys_unfinished_${Date.now()}`;
      databases.push(target);
      const restored = await runMediSys(['backup', 'restore', damaged, '--target', target], {
        cwd: workDir,
        env: { ...env, MEDISYS_DATASOURCE_URL: serverUrl(target) },
      });
      expect(restored.status).toBe(1);
      expect((await adminQuery('SELECT 1 FROM pg_database WHERE datname = $1', [target])).rowCount).toBe(0);
    },
    SLOW_TEST_MS,
  );

  it(
    'restores into a new embedded database folder, and refuses a folder that is not empty',
    async () => {
      const folder = path.join(workDir, 'restored-db');
      const restored = await runMediSys(['backup', 'restore', backupFile, '--target', folder], {
        cwd: workDir,
        env,
      });
      expect(restored.stderr).toBe('');
      expect(restored.status).toBe(0);
      expect(restored.stdout).toContain('match the manifest');
      expect(await embeddedFingerprint(folder)).toEqual(source);
      const again = await runMediSys(['backup', 'restore', backupFile, '--target', folder], {
        cwd: workDir,
        env,
      });
      expect(again.status).toBe(1);
      expect(again.stderr).toMatch(/is not empty/);
    },
    SLOW_TEST_MS,
  );

  it(
    'prunes an old backup together with its application archive',
    async () => {
      const old = path.join(backupDir, 'medisys_20000101_000000.dump.gpg');
      copyFileSync(backupFile, old);
      copyFileSync(
        backupFile.replace('.dump.gpg', '.app.tar.gz.gpg'),
        old.replace('.dump.gpg', '.app.tar.gz.gpg'),
      );
      const pruned = await runMediSys(['backup', 'prune', '--keep-days', '30'], { cwd: workDir, env });
      expect(pruned.status).toBe(0);
      expect(readdirSync(backupDir).filter((file) => file.startsWith('medisys_2000'))).toEqual([]);
      expect(readdirSync(backupDir)).toContain(path.basename(backupFile));
    },
    SLOW_TEST_MS,
  );
});

async function embeddedFingerprint(dataDir: string): ReturnType<typeof databaseFingerprint> {
  const db = await EmbeddedDatabase.open({ dataDir });
  try {
    return await databaseFingerprint(async (sql) => (await db.query<Record<string, unknown>>(sql)).rows);
  } finally {
    await db.close();
  }
}

/** A patient's name from the embedded database, read with MediSys stopped. */
async function aPatientName(workDir: string): Promise<string> {
  const db = await EmbeddedDatabase.open({ dataDir: path.join(workDir, 'data', 'db') });
  try {
    const rows = await db.query<{ name: string }>('SELECT name FROM patients ORDER BY name LIMIT 1');
    return rows.rows[0]!.name;
  } finally {
    await db.close();
  }
}
