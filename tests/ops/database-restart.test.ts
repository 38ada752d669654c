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
import { createStaffUser, signIn, writePatientsUntil } from '../support/fleet.js';
import { eventually, http, runMediSys, startMediSys, type RunningMediSys } from '../support/processes.js';
import { createScratchCluster, type ScratchCluster } from '../support/scratch-cluster.js';

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

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
    // Counted when a new connection is attempted (the next health probe), not when an open one breaks.
    expect(
      await eventually(async () => {
        await health();
        return (await failures()) > failuresBefore;
      }, 5000),
    ).toBe(true);

    const login = await app.api.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { username: 'admin', password: 'restart test passphrase' },
    });
    expect(login.statusCode).toBe(503);
    expect(login.headers['content-type']).toContain('application/problem+json');
    expect(login.headers['retry-after']).toBe('5');

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

/**
 * The same fault on real processes under load: two `medisys serve` on a scratch cluster, readers and
 * writers on both, PostgreSQL stopped and started again mid-load.
 */
describe.runIf(POSTGRES_AVAILABLE)('a database restart under load on running MediSys processes', () => {
  let cluster: ScratchCluster;
  let workDir: string;
  let token: string;
  const instances: RunningMediSys[] = [];
  const env = (): Record<string, string> => ({
    MEDISYS_DATASOURCE_URL: cluster.url('medisys'),
    MEDISYS_SECURITY_BOOTSTRAP_ADMIN_PASSWORD: 'restart under load passphrase',
    // Fail fast while the server is gone instead of queueing requests for the default 30 s.
    MEDISYS_DATASOURCE_POOL_CONNECTION_TIMEOUT: '2000',
  });

  beforeAll(async () => {
    cluster = await createScratchCluster();
    const admin = new pg.Client({ connectionString: cluster.url() });
    await admin.connect();
    await admin.query('CREATE DATABASE medisys');
    await admin.end();
    workDir = mkdtempSync(path.join(tmpdir(), 'medisys-restart-load-'));
    expect((await runMediSys(['migrate'], { cwd: workDir, env: env() })).status).toBe(0);
    // The first start writes the shared key file; the rest only read it, so they may run together.
    instances.push(await startMediSys({ cwd: workDir, env: env() }));
    const [second] = await Promise.all([
      startMediSys({ cwd: workDir, env: env() }),
      createStaffUser(workDir, env()),
    ]);
    instances.push(second);
    token = await signIn(instances[0]!.apiUrl);
    // Slow on a busy CI machine: two processes, a cluster and CLI commands start here.
  }, 180_000);
  afterAll(async () => {
    await Promise.all(instances.map((instance) => instance.stop('SIGKILL')));
    cluster?.destroy();
    if (workDir) rmSync(workDir, { recursive: true, force: true });
  });

  it('keeps the processes running, answers 503 with Retry-After during the outage, recovers by itself and keeps every acknowledged write', async () => {
    const [first, second] = instances as [RunningMediSys, RunningMediSys];
    const answers: { status: number; retryAfter: string | null }[] = [];
    const networkErrors: string[] = [];
    let lastAnswer = '';
    const healthy = async (instance: RunningMediSys): Promise<boolean> => {
      try {
        const response = await http(`${instance.apiUrl}/api/v1/patients?q=after&limit=1`, { token });
        lastAnswer = `${response.status} ${JSON.stringify(response.body)}`;
        return response.status === 200;
      } catch (error) {
        lastAnswer = `${(error as Error).message} (exit ${instance.child.exitCode}): ${instance.output().slice(-2000)}`;
        return false;
      }
    };
    const outage = (async () => {
      await sleep(1500);
      await cluster.stopAsync('fast');
      await sleep(3000);
      await cluster.startAsync();
      // Recovered by themselves: no restart of MediSys, only time.
      const recovered = await eventually(
        async () => (await healthy(first)) && (await healthy(second)),
        20_000,
      );
      expect(recovered, lastAnswer).toBe(true);
      await sleep(1000);
    })();
    let finished = false;
    // The outage's own failure is reported by the Promise.all below, not as an unhandled rejection.
    outage.finally(() => (finished = true)).catch(() => undefined);
    const reader = async (instance: RunningMediSys): Promise<void> => {
      while (!finished) {
        try {
          const response = await http(`${instance.apiUrl}/api/v1/patients?q=Restart&limit=5`, { token });
          answers.push({ status: response.status, retryAfter: response.headers.get('retry-after') });
        } catch (error) {
          networkErrors.push((error as Error).message);
        }
        await sleep(20);
      }
    };
    const writerOptions = { writers: 1, idempotencyKey: false, retry: false };
    const [writesFirst, writesSecond] = await Promise.all([
      writePatientsUntil(first.apiUrl, token, 'Restart Writer A', outage, writerOptions),
      writePatientsUntil(second.apiUrl, token, 'Restart Writer B', outage, writerOptions),
      reader(first),
      reader(second),
      outage,
    ]);

    expect(first.child.exitCode).toBeNull();
    expect(second.child.exitCode).toBeNull();
    expect(networkErrors).toEqual([]);
    const writes = [...writesFirst, ...writesSecond];
    for (const write of writes) {
      answers.push({
        status: write.status,
        retryAfter:
          write.status === 503 ? (/retry-after=(\S+)/.exec(write.problems[0] ?? '')?.[1] ?? null) : null,
      });
    }
    const unavailable = answers.filter((answer) => answer.status === 503);
    expect(unavailable.length).toBeGreaterThan(0);
    expect(unavailable.every((answer) => answer.retryAfter === '5')).toBe(true);
    expect(answers.filter((answer) => ![200, 201, 503].includes(answer.status))).toEqual([]);

    const acknowledged = writes.filter((write) => write.status === 201).map((write) => write.id);
    expect(acknowledged.length).toBeGreaterThan(0);
    const client = new pg.Client({ connectionString: cluster.url('medisys') });
    await client.connect();
    try {
      const stored = await client.query<{ id: string }>(
        'SELECT id FROM patients WHERE id = ANY($1::uuid[])',
        [acknowledged],
      );
      expect(stored.rows.length).toBe(acknowledged.length);
    } finally {
      await client.end();
    }
  });
});
