import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run } from '../support/backup-fixtures.js';
import { createScratchPostgresDatabase, POSTGRES_AVAILABLE } from '../support/databases.js';
import { eventually, ROOT, runMediSys, startMediSys, type RunningMediSys } from '../support/processes.js';

const SCRIPT = path.join(ROOT, 'scripts', 'daily-maintenance.sh');
const STARTUP_MS = 120_000;
const SLOW_TEST_MS = 300_000;
const DAY_MS = 86_400_000;

/** Writes `file` and dates it `ageMs` in the past. */
function fileAged(file: string, ageMs: number): void {
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, 'old content\n');
  const when = new Date(Date.now() - ageMs);
  utimesSync(file, when, when);
}

function todaysLog(workDir: string): string {
  const now = new Date();
  const pad = (value: number): string => String(value).padStart(2, '0');
  const name = `daily_${now.getFullYear()}${pad(now.getMonth() + 1)}${pad(now.getDate())}.log`;
  return path.join(workDir, 'logs', 'maintenance', name);
}

/** The environment of the script: this one's without the runner's MEDISYS_ settings, plus `extra`. */
function scriptEnvironment(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env = Object.fromEntries(
    Object.entries(process.env).filter(([name]) => !name.startsWith('MEDISYS_') && name !== 'DATABASE_URL'),
  );
  return { ...env, MEDISYS_HOME: '/nonexistent', ...extra };
}

describe.runIf(POSTGRES_AVAILABLE)('scripts/daily-maintenance.sh on PostgreSQL', () => {
  let workDir: string;
  let database: Awaited<ReturnType<typeof createScratchPostgresDatabase>>;
  let server: RunningMediSys | undefined;
  let env: Record<string, string>;

  beforeAll(async () => {
    workDir = mkdtempSync(path.join(tmpdir(), 'medisys-maintenance-pg-'));
    database = await createScratchPostgresDatabase();
    env = {
      MEDISYS_DATASOURCE_URL: database.url,
      MEDISYS_SECURITY_BOOTSTRAP_ADMIN_PASSWORD: 'maintenance test passphrase',
    };
    expect((await runMediSys(['migrate'], { cwd: workDir, env })).status).toBe(0);
    server = await startMediSys({ cwd: workDir, env, timeoutMs: STARTUP_MS });
  }, SLOW_TEST_MS);
  afterAll(async () => {
    await server?.stop();
    await database?.drop();
    rmSync(workDir, { recursive: true, force: true });
  });

  it(
    'removes old logs and unfinished uploads, vacuums, checks disk and health, and writes its dated log',
    async () => {
      const logs = path.join(workDir, 'logs');
      fileAged(path.join(logs, 'application.log.1'), 10 * DAY_MS);
      fileAged(path.join(logs, 'application.log-20200101.gz'), 10 * DAY_MS);
      fileAged(path.join(logs, 'security.log'), 10 * DAY_MS);
      fileAged(path.join(logs, 'audit.log.2'), 2 * DAY_MS);
      fileAged(path.join(logs, 'audit.log-20200101.gz'), 400 * DAY_MS);
      fileAged(path.join(logs, 'old-export.log'), 10 * DAY_MS);
      fileAged(path.join(logs, 'maintenance', 'daily_20200101.log'), 10 * DAY_MS);
      const incoming = path.join(workDir, 'data', 'uploads', '.incoming');
      fileAged(path.join(incoming, 'abandoned.part'), 2 * DAY_MS);
      fileAged(path.join(incoming, 'in-progress.part'), 60_000);

      const result = await run(SCRIPT, [], {
        cwd: workDir,
        env: scriptEnvironment({ ...env, MEDISYS_MANAGEMENT_URL: server!.managementUrl }),
      });
      expect(result.stderr).toBe('');
      expect(result.status).toBe(0);
      expect(result.stdout).toMatch(/\[OK\] logs: removed 4 log file\(s\) older than 7 days/);
      expect(result.stdout).toMatch(/\[OK\] uploads: removed 1 unfinished upload/);
      expect(result.stdout).toMatch(/\[OK\] database: VACUUM ANALYZE on PostgreSQL/);
      expect(result.stdout).toMatch(/\[OK\] disk: .* free of .*threshold 10%/);
      expect(result.stdout).toMatch(/\[OK\] health: .*\/actuator\/health: UP/);

      expect(existsSync(path.join(logs, 'application.log.1'))).toBe(false);
      expect(existsSync(path.join(logs, 'application.log-20200101.gz'))).toBe(false);
      expect(existsSync(path.join(logs, 'maintenance', 'daily_20200101.log'))).toBe(false);
      expect(existsSync(path.join(logs, 'security.log'))).toBe(true);
      expect(existsSync(path.join(logs, 'audit.log.2'))).toBe(true);
      expect(existsSync(path.join(logs, 'audit.log-20200101.gz'))).toBe(true);
      expect(existsSync(path.join(logs, 'old-export.log'))).toBe(false);
      expect(existsSync(path.join(incoming, 'abandoned.part'))).toBe(false);
      expect(existsSync(path.join(incoming, 'in-progress.part'))).toBe(true);

      const log = readFileSync(todaysLog(workDir), 'utf8');
      expect(log).toMatch(/^Starting daily maintenance - /);
      expect(log).toContain('[OK] database: VACUUM ANALYZE');
      expect(log).toMatch(/Daily maintenance completed - .*5 ok, 0 warning\(s\), 0 failure\(s\)\n$/);

      const client = new pg.Client({ connectionString: database.url });
      await client.connect();
      try {
        const vacuumed = await eventually(async () => {
          const stats = await client.query(
            "SELECT last_vacuum, last_analyze FROM pg_stat_user_tables WHERE relname = 'patients'",
          );
          return stats.rows[0]?.last_vacuum !== null && stats.rows[0]?.last_analyze !== null;
        }, 10_000);
        expect(vacuumed).toBe(true);
      } finally {
        await client.end();
      }
    },
    SLOW_TEST_MS,
  );

  it(
    'fails when free disk space is under the threshold, and when MediSys does not answer',
    async () => {
      const full = await run(SCRIPT, [], {
        cwd: workDir,
        env: scriptEnvironment({
          ...env,
          MEDISYS_MANAGEMENT_URL: server!.managementUrl,
          MEDISYS_MAINTENANCE_DISK_FREE_THRESHOLD_PERCENT: '100',
        }),
      });
      expect(full.status).toBe(1);
      expect(full.stdout).toMatch(/\[FAIL\] disk: .*threshold 100%: free space now/);
      expect(full.stderr).toMatch(/found problems \(disk\).*daily_\d{8}\.log/);

      expect(await server!.stop()).toBe(0);
      server = undefined;
      const down = await run(SCRIPT, [], {
        cwd: workDir,
        env: scriptEnvironment({ ...env, MEDISYS_MANAGEMENT_URL: 'http://127.0.0.1:9' }),
      });
      expect(down.status).toBe(1);
      expect(down.stdout).toMatch(/\[FAIL\] health: .* did not answer .*is MediSys running\?/);
      expect(down.stdout).toContain('[OK] database: VACUUM ANALYZE');
      expect(readFileSync(todaysLog(workDir), 'utf8')).toMatch(
        /Daily maintenance FAILED - .*1 failure\(s\)\n$/,
      );
    },
    SLOW_TEST_MS,
  );
});

describe('medisys maintenance daily on the embedded database', () => {
  let workDir: string;
  const env = { MEDISYS_SECURITY_BOOTSTRAP_ADMIN_PASSWORD: 'maintenance test passphrase' };

  beforeAll(() => {
    workDir = mkdtempSync(path.join(tmpdir(), 'medisys-maintenance-embedded-'));
  });
  afterAll(() => rmSync(workDir, { recursive: true, force: true }));

  it(
    'leaves the database to a running server with a warning, and vacuums it once MediSys is stopped',
    async () => {
      const server = await startMediSys({ cwd: workDir, env, timeoutMs: STARTUP_MS });
      try {
        const serving = await runMediSys(['maintenance', 'daily'], {
          cwd: workDir,
          env: { ...env, MEDISYS_MANAGEMENT_URL: server.managementUrl },
        });
        expect(serving.stderr).toBe('');
        expect(serving.status).toBe(0);
        expect(serving.stdout).toMatch(
          new RegExp(
            `\\[WARN\\] database: VACUUM ANALYZE skipped: MediSys \\(pid ${server.child.pid}\\) is serving`,
          ),
        );
        expect(serving.stdout).toMatch(/\[OK\] health: .*UP/);
      } finally {
        expect(await server.stop()).toBe(0);
      }

      const stopped = await runMediSys(['maintenance', 'daily', '--skip-health'], { cwd: workDir, env });
      expect(stopped.status).toBe(0);
      expect(stopped.stdout).toContain('[OK] database: VACUUM ANALYZE on the embedded database');
      expect(stopped.stdout).toContain('[WARN] health: skipped (--skip-health)');

      const unanswered = await runMediSys(['maintenance', 'daily'], {
        cwd: workDir,
        env: { ...env, MEDISYS_MANAGEMENT_URL: 'http://127.0.0.1:9' },
      });
      expect(unanswered.status).toBe(1);
      expect(unanswered.stderr).toMatch(/found problems \(health\)/);

      const usage = await runMediSys(['maintenance', 'weekly'], { cwd: workDir, env });
      expect(usage.status).toBe(2);
    },
    SLOW_TEST_MS,
  );
});
