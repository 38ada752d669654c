import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load.js';
import { migrate, PostgresDatabase } from '../../src/db/index.js';
import { createLoggers, type Loggers } from '../../src/observability/logger.js';
import { buildApp, type MediSysApp } from '../../src/server/app.js';
import { commandLineContext } from '../../src/shared/request-context.js';
import { POSTGRES_AVAILABLE } from '../support/databases.js';
import { eventually } from '../support/processes.js';
import { createScratchCluster, type ScratchCluster } from '../support/scratch-cluster.js';

/** Stop PostgreSQL under a running MediSys, then start it again: no restart of MediSys needed. */
describe.runIf(POSTGRES_AVAILABLE)('a database restart under a running MediSys', () => {
  let cluster: ScratchCluster;
  let app: MediSysApp;
  let db: PostgresDatabase;
  let loggers: Loggers;
  let workDir: string;

  beforeAll(async () => {
    cluster = await createScratchCluster();
    const admin = new pg.Client({ connectionString: cluster.url() });
    await admin.connect();
    await admin.query('CREATE DATABASE medisys');
    await admin.end();
    workDir = mkdtempSync(path.join(tmpdir(), 'medisys-restart-'));
    const config = loadConfig({
      env: {},
      cwd: workDir,
      overrides: {
        'datasource.url': cluster.url('medisys'),
        'logging.console': 'false',
        'logging.level': 'error',
      },
    });
    db = new PostgresDatabase({
      url: config.datasource.url,
      ...config.datasource.pool,
      connectionTimeoutMs: 2000,
      statementTimeoutMs: 30_000,
    });
    await migrate(db);
    loggers = createLoggers(config.logging);
    app = await buildApp(config, { db, loggers });
    await app.services.users.ensureBootstrapAdmin(
      'restart test passphrase',
      config.dataDir,
      commandLineContext('test'),
    );
  });
  afterAll(async () => {
    await app?.close();
    await db?.close();
    await loggers?.close();
    cluster?.destroy();
    rmSync(workDir, { recursive: true, force: true });
  });

  const health = async () => app.management.inject({ method: 'GET', url: '/actuator/health' });
  const failures = async (): Promise<number> => {
    const text = (await app.management.inject({ method: 'GET', url: '/actuator/prometheus' })).body;
    return Number(/^database_connections_failed_total (\d+)/m.exec(text)?.[1] ?? NaN);
  };

  it('turns health DOWN within 5 s, counts failed connections, answers the API with 503, and recovers by itself', async () => {
    expect((await health()).json()).toMatchObject({ status: 'UP', components: { db: { status: 'UP' } } });
    const failuresBefore = await failures();

    cluster.stop('fast');
    const stoppedAt = Date.now();
    expect(await eventually(async () => (await health()).statusCode === 503, 5000)).toBe(true);
    expect(Date.now() - stoppedAt).toBeLessThan(5000);
    const down = (await health()).json();
    expect(down).toMatchObject({ status: 'DOWN', components: { db: { status: 'DOWN' } } });
    expect(await failures()).toBeGreaterThan(failuresBefore);

    const login = await app.api.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { username: 'admin', password: 'restart test passphrase' },
    });
    expect(login.statusCode).toBe(503);
    expect(login.headers['content-type']).toContain('application/problem+json');

    cluster.start();
    expect(await eventually(async () => (await health()).statusCode === 200, 15_000)).toBe(true);
    const again = await app.api.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { username: 'admin', password: 'restart test passphrase' },
    });
    expect(again.statusCode).toBe(200);
  });
});
