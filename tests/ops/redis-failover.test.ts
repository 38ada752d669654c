import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import autocannon from 'autocannon';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createScratchPostgresDatabase, POSTGRES_AVAILABLE } from '../support/databases.js';
import { createStaffUser, metricValue, signIn } from '../support/fleet.js';
import { eventually, http, runMediSys, startMediSys, type RunningMediSys } from '../support/processes.js';
import {
  REDIS_SERVER_AVAILABLE,
  startRedisCluster,
  startRedisServer,
  type RedisClusterOfThree,
  type RedisServer,
} from '../support/redis.js';

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

interface LoadOutcome {
  readonly requests: number;
  /** Requests answered after the fault was made. */
  readonly afterFault: number;
  /** Every answer that was not 2xx, and every connection error or timeout, as text. */
  readonly failures: string[];
}

/**
 * Two MediSys processes sharing a Redis Cluster (three masters, no replicas), then a standalone Redis,
 * under autocannon load (patient reads, doctor, department and dashboard reads, registrations). One
 * cluster node, and later the standalone Redis, is killed mid-load: every request still succeeds,
 * served from PostgreSQL, and the instances use Redis again once it is back.
 */
describe.runIf(POSTGRES_AVAILABLE && REDIS_SERVER_AVAILABLE)('MediSys under load while Redis fails', () => {
  let workDir: string;
  let database: Awaited<ReturnType<typeof createScratchPostgresDatabase>>;
  let cluster: RedisClusterOfThree | undefined;
  let standalone: RedisServer | undefined;
  let instances: RunningMediSys[] = [];
  let token: string;
  const patientIds: string[] = [];
  let registrations = 0;

  const env = (redis: Record<string, string> = {}): Record<string, string> => ({
    MEDISYS_DATASOURCE_URL: database.url,
    MEDISYS_SECURITY_BOOTSTRAP_ADMIN_PASSWORD: 'redis failover passphrase',
    // Every request of the load comes from one address: the throttles would answer 429 by design.
    MEDISYS_SECURITY_THROTTLE_ENABLED: 'false',
    // Two cores shared by every test worker: an event loop late by more than the 250 ms default would
    // time out answers that did arrive, and the cache-hit checks would see bypasses instead.
    MEDISYS_REDIS_COMMAND_TIMEOUT: '2s',
    ...redis,
  });

  async function startPair(redis: Record<string, string>): Promise<void> {
    await Promise.all(instances.map((instance) => instance.stop('SIGKILL')));
    instances = [
      await startMediSys({ cwd: workDir, env: env(redis), timeoutMs: 60_000 }),
      await startMediSys({ cwd: workDir, env: env(redis), timeoutMs: 60_000 }),
    ];
  }

  /** Load on both instances for `seconds`; `fault` runs alongside, after `faultAfterMs`. */
  async function loadBoth(
    seconds: number,
    faultAfterMs: number,
    fault: () => Promise<void>,
  ): Promise<LoadOutcome> {
    const failures: string[] = [];
    let requests = 0;
    let afterFault = 0;
    let faulted = false;
    const runs = instances.map(
      (instance) =>
        new Promise<void>((resolve, reject) => {
          let patient = 0;
          const run = autocannon(
            {
              url: instance.apiUrl,
              connections: 4,
              duration: seconds,
              timeout: 10,
              headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
              requests: [
                {
                  method: 'GET',
                  setupRequest: (request) => ({
                    ...request,
                    path: `/api/v1/patients/${patientIds[patient++ % patientIds.length]}`,
                  }),
                },
                { method: 'GET', path: '/api/v1/doctors?limit=20' },
                { method: 'GET', path: '/api/v1/departments' },
                { method: 'GET', path: '/api/v1/dashboard' },
                {
                  method: 'POST',
                  path: '/api/v1/patients',
                  setupRequest: (request) => ({
                    ...request,
                    body: JSON.stringify({
                      name: `Failover Load ${++registrations}`,
                      dateOfBirth: '1981-01-01',
                    }),
                  }),
                },
              ],
            },
            (error: Error | null) => (error ? reject(error) : resolve()),
          );
          run.on('response', (_client, statusCode) => {
            requests++;
            if (faulted) afterFault++;
            if (statusCode < 200 || statusCode > 299) failures.push(`HTTP ${statusCode}`);
          });
          run.on('reqError', (error) => failures.push(error.message));
        }),
    );
    const faultDone = (async () => {
      await sleep(faultAfterMs);
      await fault();
      faulted = true;
    })();
    await Promise.all([...runs, faultDone]);
    return { requests, afterFault, failures };
  }

  const redisHealth = async (instance: RunningMediSys): Promise<{ status: string; redis: string }> => {
    const health = await http(`${instance.managementUrl}/actuator/health`);
    return { status: health.body.status, redis: health.body.components.redis.status };
  };
  const cacheErrors = async (instance: RunningMediSys): Promise<number> =>
    ((await metricValue(instance.managementUrl, /^medisys_cache_errors_total\{operation="read"\}$/)) ?? 0) +
    ((await metricValue(instance.managementUrl, /^medisys_cache_errors_total\{operation="invalidate"\}$/)) ??
      0);
  /** Reads `url` through `instance` until one is a hit of `cache`: the instance uses Redis. */
  async function expectCached(instance: RunningMediSys, url: string, cache: string): Promise<void> {
    const hits = await cacheHits(instance, cache);
    const used = await eventually(async () => {
      expect((await http(`${instance.apiUrl}${url}`, { token })).status).toBe(200);
      return (await cacheHits(instance, cache)) > hits;
    }, 15_000);
    expect(used).toBe(true);
  }
  const cacheHits = async (instance: RunningMediSys, cache: string): Promise<number> =>
    (await metricValue(
      instance.managementUrl,
      new RegExp(`^medisys_cache_requests_total\\{cache="${cache}",result="hit"\\}$`),
    )) ?? 0;

  beforeAll(async () => {
    workDir = mkdtempSync(path.join(tmpdir(), 'medisys-redis-failover-'));
    database = await createScratchPostgresDatabase();
    expect((await runMediSys(['migrate'], { cwd: workDir, env: env() })).status).toBe(0);
    await createStaffUser(workDir, env());
    cluster = await startRedisCluster();
    await startPair({ MEDISYS_REDIS_CLUSTER_NODES: cluster.seeds });
    token = await signIn(instances[0]!.apiUrl);
    for (let index = 0; index < 5; index++) {
      const registered = await http(`${instances[0]!.apiUrl}/api/v1/patients`, {
        token,
        body: { name: `Cached Patient ${index}`, dateOfBirth: '1970-01-01' },
      });
      expect(registered.status).toBe(201);
      patientIds.push(registered.body.id);
    }
  });
  afterAll(async () => {
    await Promise.all(instances.map((instance) => instance.stop('SIGKILL')));
    await cluster?.destroy();
    await standalone?.destroy();
    await database?.drop();
    rmSync(workDir, { recursive: true, force: true });
  });

  it('answers every request while one node of the Redis Cluster is killed, and recovers when it returns', async () => {
    for (const instance of instances) {
      expect(await eventually(async () => (await redisHealth(instance)).redis === 'UP', 15_000)).toBe(true);
    }
    for (const instance of instances) await expectCached(instance, '/api/v1/doctors?limit=20', 'doctors');
    const errorsBefore = await cacheErrors(instances[0]!);

    const victim = cluster!.nodes[1]!;
    const outcome = await loadBoth(8, 2000, () => victim.stop('SIGKILL'));
    expect(outcome.failures).toEqual([]);
    expect(outcome.afterFault).toBeGreaterThan(10);
    for (const instance of instances) {
      expect(await eventually(async () => (await redisHealth(instance)).redis === 'DOWN', 10_000)).toBe(true);
      expect(await redisHealth(instance)).toEqual({ status: 'UP', redis: 'DOWN' });
    }
    expect(await cacheErrors(instances[0]!)).toBeGreaterThan(errorsBefore);

    await victim.start();
    for (const instance of instances) {
      expect(await eventually(async () => (await redisHealth(instance)).redis === 'UP', 30_000)).toBe(true);
    }
    for (const instance of instances) await expectCached(instance, '/api/v1/departments', 'departments');
  }, 90_000);

  it('answers every request while a standalone Redis is killed mid-load, and uses it again once back', async () => {
    standalone = await startRedisServer();
    await startPair({ MEDISYS_REDIS_URL: standalone.url });
    for (const instance of instances) {
      expect(await eventually(async () => (await redisHealth(instance)).redis === 'UP', 15_000)).toBe(true);
    }
    const errorsBefore = await cacheErrors(instances[1]!);
    for (const instance of instances) await expectCached(instance, '/api/v1/doctors?limit=20', 'doctors');
    const outcome = await loadBoth(8, 2000, () => standalone!.stop('SIGKILL'));
    expect(outcome.failures).toEqual([]);
    expect(outcome.afterFault).toBeGreaterThan(10);
    for (const instance of instances) {
      expect(await eventually(async () => (await redisHealth(instance)).redis === 'DOWN', 10_000)).toBe(true);
      expect(await redisHealth(instance)).toEqual({ status: 'UP', redis: 'DOWN' });
    }
    expect(await cacheErrors(instances[1]!)).toBeGreaterThan(errorsBefore);

    await standalone.start();
    for (const instance of instances) {
      expect(await eventually(async () => (await redisHealth(instance)).redis === 'UP', 15_000)).toBe(true);
    }
    for (const instance of instances) await expectCached(instance, '/api/v1/departments', 'departments');
  }, 90_000);
});
