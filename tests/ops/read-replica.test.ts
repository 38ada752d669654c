import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { POSTGRES_AVAILABLE } from '../support/databases.js';
import { createStaffUser, metricValue, signIn } from '../support/fleet.js';
import { eventually, http, runMediSys, startMediSys, type RunningMediSys } from '../support/processes.js';
import {
  createScratchCluster,
  createStreamingReplica,
  type ScratchCluster,
} from '../support/scratch-cluster.js';

/**
 * A real streaming replica (pg_basebackup -R from a scratch primary) under two MediSys instances with
 * datasource.replica-url: searches are served by the replica, a patient registered through one
 * instance is found at once through the other, and a stopped replica only sends reads to the primary.
 */
describe.runIf(POSTGRES_AVAILABLE)('a streaming read replica', () => {
  let primary: ScratchCluster;
  let replica: ScratchCluster;
  let workDir: string;
  let token: string;
  let financeToken: string;
  const instances: RunningMediSys[] = [];
  const env = (): Record<string, string> => ({
    MEDISYS_DATASOURCE_URL: primary.url('medisys'),
    MEDISYS_DATASOURCE_REPLICA_URL: replica.url('medisys'),
    MEDISYS_DATASOURCE_REPLICA_MAX_LAG: '2s',
    MEDISYS_SECURITY_BOOTSTRAP_ADMIN_PASSWORD: 'streaming standby passphrase 42',
  });

  async function onReplica<T extends pg.QueryResultRow>(sql: string): Promise<T[]> {
    const client = new pg.Client({ connectionString: replica.url('medisys') });
    await client.connect();
    try {
      return (await client.query<T>(sql)).rows;
    } finally {
      await client.end();
    }
  }

  /** Scans of the patients table that ran on the replica (its own statistics, not the primary's). */
  async function replicaPatientScans(): Promise<number> {
    const rows = await onReplica<{ scans: string }>(
      `SELECT coalesce(seq_scan, 0) + coalesce(idx_scan, 0) AS scans FROM pg_stat_user_tables WHERE relname = 'patients'`,
    );
    return Number(rows[0]?.scans ?? 0);
  }

  const health = async (instance: RunningMediSys): Promise<any> =>
    (await http(`${instance.managementUrl}/actuator/health`)).body;

  const search = async (instance: RunningMediSys, q: string): Promise<{ status: number; body: any }> =>
    http(`${instance.apiUrl}/api/v1/patients?q=${encodeURIComponent(q)}&limit=5`, { token });

  beforeAll(async () => {
    primary = await createScratchCluster();
    const admin = new pg.Client({ connectionString: primary.url() });
    await admin.connect();
    await admin.query('CREATE DATABASE medisys');
    await admin.end();
    replica = await createStreamingReplica(primary);
    workDir = mkdtempSync(path.join(tmpdir(), 'medisys-replica-'));
    expect((await runMediSys(['migrate'], { cwd: workDir, env: env() })).status).toBe(0);
    // The first start writes the shared key file; the rest only read it, so they may run together.
    instances.push(await startMediSys({ cwd: workDir, env: env() }));
    const [second] = await Promise.all([
      startMediSys({ cwd: workDir, env: env() }),
      createStaffUser(workDir, env()),
      createStaffUser(workDir, env(), 'auditor', 'finance'),
    ]);
    instances.push(second);
    token = await signIn(instances[0]!.apiUrl);
    financeToken = await signIn(instances[0]!.apiUrl, 'auditor');
    // Slow on a busy CI machine: two processes, a cluster and CLI commands start here.
  }, 180_000);
  afterAll(async () => {
    await Promise.all(instances.map((instance) => instance.stop('SIGKILL')));
    replica?.destroy();
    primary?.destroy();
    if (workDir) rmSync(workDir, { recursive: true, force: true });
  });

  it('serves searches from the replica, as its own statistics show, and reports the replica UP with its lag', async () => {
    const [first, second] = instances as [RunningMediSys, RunningMediSys];
    expect(
      await eventually(async () => (await health(first)).components?.replica?.status === 'UP', 10_000),
    ).toBe(true);
    const component = (await health(first)).components.replica;
    expect(component.details).toMatchObject({ servingReads: true });
    expect(component.details.lagSeconds).toBeGreaterThanOrEqual(0);

    const scansBefore = await replicaPatientScans();
    for (let index = 0; index < 20; index++) {
      const response = await search(index % 2 === 0 ? first : second, `nobody-${index}`);
      expect(response.status).toBe(200);
    }
    // A standby keeps statistics of the queries it ran itself; backends report them within seconds.
    expect(await eventually(async () => (await replicaPatientScans()) >= scansBefore + 10, 20_000, 500)).toBe(
      true,
    );
    const servedByReplica = await metricValue(
      first.managementUrl,
      /^medisys_db_replica_reads_total\{.*source="replica"/,
    );
    expect(servedByReplica).toBeGreaterThan(0);
    const lag = await metricValue(
      first.managementUrl,
      /^medisys_db_replica_lag_seconds\{replica="127\.0\.0\.1:/,
    );
    expect(lag).toBeGreaterThanOrEqual(0);
    expect(await metricValue(first.managementUrl, /^medisys_db_replica_up\{/)).toBe(1);
  });

  it('reads report figures and the dashboard from the replica', async () => {
    const first = instances[0]!;
    const servedByReplica = async (): Promise<number> =>
      (await metricValue(first.managementUrl, /^medisys_db_replica_reads_total\{source="replica"/)) ?? 0;
    const beforeReport = await servedByReplica();
    const report = await http(`${first.apiUrl}/api/v1/reports/patients?from=2025-01-01&to=2025-12-31`, {
      token: financeToken,
    });
    expect(report.status).toBe(200);
    const afterReport = await servedByReplica();
    expect(afterReport).toBeGreaterThan(beforeReport);
    const dashboard = await http(`${first.apiUrl}/api/v1/dashboard`, { token: financeToken });
    expect(dashboard.status).toBe(200);
    expect(await servedByReplica()).toBeGreaterThan(afterReport);
  });

  it('always finds a patient registered through one instance when searched at once through the other', async () => {
    const [first, second] = instances as [RunningMediSys, RunningMediSys];
    for (let index = 0; index < 25; index++) {
      const name = `Readyourwrites Patient ${index} ${Date.now().toString(36)}`;
      const created = await http(`${first.apiUrl}/api/v1/patients`, {
        token,
        body: { name, dateOfBirth: '1980-02-03' },
      });
      expect(created.status).toBe(201);
      const found = await search(second, name);
      expect(found.status).toBe(200);
      expect(found.body.items.map((item: { id: string }) => item.id)).toEqual([created.body.id]);
    }
  });

  it('reads from the primary while the replica applies late, and stops using it beyond replica-max-lag', async () => {
    const [first, second] = instances as [RunningMediSys, RunningMediSys];
    await onReplica(`ALTER SYSTEM SET recovery_min_apply_delay = '4s'`);
    await onReplica('SELECT pg_reload_conf()');
    try {
      const name = `Delayed Replica Patient ${Date.now().toString(36)}`;
      const created = await http(`${first.apiUrl}/api/v1/patients`, {
        token,
        body: { name, dateOfBirth: '1975-05-06' },
      });
      expect(created.status).toBe(201);
      // The replica does not have it yet: a read served by it would miss the patient.
      const onStandby = await onReplica<{ count: string }>(
        `SELECT count(*) AS count FROM patients WHERE id = '${created.body.id as string}'`,
      );
      expect(Number(onStandby[0]!.count)).toBe(0);
      const found = await search(second, name);
      expect(found.body.items.map((item: { id: string }) => item.id)).toEqual([created.body.id]);

      // Keep writing: the replica falls more than 2 s behind and is taken out of use.
      const lagging = await eventually(
        async () => {
          await http(`${first.apiUrl}/api/v1/patients`, {
            token,
            body: { name: `Filler ${Date.now()}`, dateOfBirth: '1990-01-01' },
          });
          return (await health(second)).components?.replica?.details?.reason === 'lagging';
        },
        15_000,
        300,
      );
      expect(lagging).toBe(true);
      expect((await health(second)).status).toBe('UP');
      expect((await search(second, 'Filler')).status).toBe(200);
    } finally {
      await onReplica(`ALTER SYSTEM RESET recovery_min_apply_delay`);
      await onReplica('SELECT pg_reload_conf()');
    }
    expect(
      await eventually(async () => (await health(second)).components?.replica?.status === 'UP', 15_000),
    ).toBe(true);
  });

  it('falls back to the primary when the replica is stopped: every request succeeds, health and gauges say so', async () => {
    const [first, second] = instances as [RunningMediSys, RunningMediSys];
    await replica.stopAsync('fast');
    const statuses: number[] = [];
    for (let index = 0; index < 20; index++) {
      statuses.push((await search(index % 2 === 0 ? first : second, 'Readyourwrites')).status);
      statuses.push((await http(`${second.apiUrl}/api/v1/dashboard`, { token })).status);
    }
    expect(statuses.every((status) => status === 200)).toBe(true);
    expect(
      await eventually(
        async () => (await health(first)).components?.replica?.details?.reason === 'down',
        5000,
      ),
    ).toBe(true);
    const report = await health(first);
    expect(report.status).toBe('UP');
    expect(report.components.replica.status).toBe('DOWN');
    expect(await metricValue(first.managementUrl, /^medisys_db_replica_up\{/)).toBe(0);
    expect(await metricValue(first.managementUrl, /^medisys_db_replica_lag_seconds\{/)).toBeNaN();
    const fallbacks = await metricValue(
      first.managementUrl,
      /^medisys_db_replica_reads_total\{.*source="primary".*reason="(down|failed)"/,
    );
    expect(fallbacks).toBeGreaterThan(0);
    const readiness = await http(`${first.managementUrl}/actuator/health/readiness`);
    expect(readiness.status).toBe(200);

    await replica.startAsync();
    expect(
      await eventually(async () => (await health(first)).components?.replica?.status === 'UP', 15_000),
    ).toBe(true);
  });
});
