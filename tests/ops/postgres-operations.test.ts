import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createScratchPostgresDatabase, POSTGRES_AVAILABLE } from '../support/databases.js';
import { http, ROOT, runMediSys, startMediSys, type RunningMediSys } from '../support/processes.js';

function psql(url: string, args: string[]): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync('psql', [url, '-X', '-v', 'ON_ERROR_STOP=1', ...args], { encoding: 'utf8' });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

const MIGRATION_VERSIONS = readdirSync(path.join(ROOT, 'migrations'))
  .filter((file) => file.endsWith('.sql'))
  .map((file) => String(Number(file.slice(0, 4))));

/** The operations manual's procedures against a real PostgreSQL, through the `medisys` command and psql. */
describe.runIf(POSTGRES_AVAILABLE)('operating MediSys on PostgreSQL', () => {
  let workDir: string;
  let database: Awaited<ReturnType<typeof createScratchPostgresDatabase>>;
  let env: Record<string, string>;
  const servers: RunningMediSys[] = [];

  beforeAll(async () => {
    workDir = mkdtempSync(path.join(tmpdir(), 'medisys-pg-'));
    database = await createScratchPostgresDatabase();
    env = {
      MEDISYS_DATASOURCE_URL: database.url,
      MEDISYS_SECURITY_BOOTSTRAP_ADMIN_PASSWORD: 'the first ward passphrase',
    };
  });
  afterAll(async () => {
    await Promise.all(servers.map((server) => server.stop('SIGKILL')));
    await database?.drop();
    rmSync(workDir, { recursive: true, force: true });
  });

  it('refuses to serve a database with pending migrations, saying what to run', async () => {
    const result = await runMediSys(['serve'], { cwd: workDir, env });
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/pending migration.*medisys migrate/s);
  });

  it('migrates with `medisys migrate`; psql lists the versions and runs the access-review queries', async () => {
    const migrated = await runMediSys(['migrate'], { cwd: workDir, env });
    expect(migrated.stderr).toBe('');
    expect(migrated.status).toBe(0);
    expect(migrated.stdout).toMatch(/Applied \d+ migration/);

    const versions = psql(database.url, ['-Atc', 'SELECT version FROM schema_version;']);
    expect(versions.status).toBe(0);
    expect(versions.stdout.trim().split('\n')).toEqual(MIGRATION_VERSIONS);

    const review = psql(database.url, [
      '-c',
      'SELECT username, role, last_login, created_date FROM users WHERE active = true ORDER BY last_login DESC;',
      '-c',
      "SELECT username, last_login FROM users WHERE last_login < NOW() - INTERVAL '90 days' AND active = true;",
    ]);
    expect(review.stderr).toBe('');
    expect(review.status).toBe(0);

    const again = await runMediSys(['migrate', '--status'], { cwd: workDir, env });
    expect(again.status).toBe(0);
    expect(again.stdout).toContain('0 pending');
  });

  it('refuses a schema newer than the code, and an applied migration whose file changed', async () => {
    psql(database.url, [
      '-c',
      "INSERT INTO schema_version (version, description) VALUES (9999, 'from the future')",
    ]);
    const newer = await runMediSys(['serve'], { cwd: workDir, env });
    expect(newer.status).toBe(1);
    expect(newer.stderr).toMatch(/newer than this MediSys build/);
    psql(database.url, ['-c', 'DELETE FROM schema_version WHERE version = 9999']);

    psql(database.url, ['-c', "UPDATE schema_version SET checksum = 'edited' WHERE version = 3"]);
    const changed = await runMediSys(['migrate'], { cwd: workDir, env });
    expect(changed.status).toBe(1);
    expect(changed.stderr).toMatch(/0003_create_patients\.sql/);
    psql(database.url, ['-c', 'UPDATE schema_version SET checksum = NULL WHERE version = 3']);
    expect((await runMediSys(['migrate'], { cwd: workDir, env })).status).toBe(0);
    const adopted = psql(database.url, [
      '-Atc',
      'SELECT count(*) FROM schema_version WHERE checksum IS NULL',
    ]);
    expect(adopted.stdout.trim()).toBe('0');
  });

  it('applies every migration file with plain `psql -f`, and medisys agrees the schema is current', async () => {
    const other = await createScratchPostgresDatabase();
    try {
      for (const file of readdirSync(path.join(ROOT, 'migrations')).sort()) {
        const applied = psql(other.url, ['-q', '-f', path.join(ROOT, 'migrations', file)]);
        expect(applied.stderr).toBe('');
        expect(applied.status).toBe(0);
      }
      const status = await runMediSys(['migrate', '--status'], {
        cwd: workDir,
        env: { ...env, MEDISYS_DATASOURCE_URL: other.url },
      });
      expect(status.status).toBe(0);
      expect(status.stdout).toContain(`Schema version ${MIGRATION_VERSIONS.at(-1)}; 0 pending`);
    } finally {
      await other.drop();
    }
  });

  it('serves name LIKE and ILIKE searches over 100,000 patients from idx_patients_name', async () => {
    const load = psql(database.url, [
      '-c',
      `INSERT INTO patients (name, date_of_birth)
       SELECT CASE WHEN i % 100 = 0 THEN 'John' ELSE (ARRAY['Maria','Mary','Ahmed','Li','Olga','Pedro','Fatima','Kenji','Anna','Yusuf','Grace','Ivan',
                     'Sofia','Omar','Chen','Laura','Mateo','Aisha','Noah','Elena'])[1 + i % 20] END
              || ' ' ||
              (ARRAY['Smith','Garcia','Nguyen','Kowalski','Okafor','Tanaka','Muller','Rossi','Silva','Haddad',
                     'Novak','Khan','Dubois','Larsen','Moreau','Papadopoulos','Jensen','Costa','Ibrahim','Walker',
                     'Fischer','Lopez','Yilmaz','Kim','Brown'])[1 + (i / 20) % 25] || ' ' || i,
              date '1940-01-01' + (i % 25000)
         FROM generate_series(1, 100000) AS i;`,
      '-c',
      'VACUUM ANALYZE patients;',
    ]);
    expect(load.stderr).toBe('');
    for (const query of [
      "SELECT * FROM patients WHERE name LIKE '%John%';",
      "SELECT * FROM patients WHERE name ILIKE '%john%';",
    ]) {
      const plan = psql(database.url, ['-Atc', `EXPLAIN ${query}`]);
      expect(plan.status).toBe(0);
      expect(plan.stdout).toContain('idx_patients_name');
    }
  });

  it('locks an account after 5 failures spread over two MediSys processes on one database', async () => {
    // The lockout is what is shared here; sign-in throttling (which answers 429 from one address
    // before the fifth failure) has its own tests.
    const lockoutEnv = { ...env, MEDISYS_SECURITY_THROTTLE_ENABLED: 'false' };
    servers.push(await startMediSys({ cwd: workDir, env: lockoutEnv }));
    servers.push(await startMediSys({ cwd: workDir, env: lockoutEnv }));
    const [first, second] = servers as [RunningMediSys, RunningMediSys];
    const admin = await http(`${first.apiUrl}/api/v1/auth/login`, {
      body: { username: 'admin', password: 'the first ward passphrase' },
    });
    expect(admin.status).toBe(200);
    const created = await http(`${first.apiUrl}/api/v1/users`, {
      token: admin.body.token,
      body: { username: 'ward-clerk', password: 'clerk passphrase 77', role: 'staff' },
    });
    expect(created.status).toBe(201);
    for (let attempt = 0; attempt < 5; attempt++) {
      const target = attempt % 2 === 0 ? first : second;
      const failed = await http(`${target.apiUrl}/api/v1/auth/login`, {
        body: { username: 'ward-clerk', password: `wrong ${attempt}` },
      });
      expect(failed.status).toBe(401);
    }
    for (const server of [first, second]) {
      const locked = await http(`${server.apiUrl}/api/v1/auth/login`, {
        body: { username: 'ward-clerk', password: 'clerk passphrase 77' },
      });
      expect(locked.status).toBe(423);
    }
  });
});
