import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MediSysApp } from '../../src/server/app.js';
import { bearer } from '../support/clinical-factories.js';
import { POSTGRES_AVAILABLE, type DatabaseKind } from '../support/databases.js';
import { eventually } from '../support/processes.js';
import {
  prometheusSample,
  REDIS_SERVER_AVAILABLE,
  startRedisServer,
  type RedisServer,
} from '../support/redis.js';
import { freePort } from '../support/scratch-cluster.js';
import { buildTestApp, type TestApp } from '../support/test-app.js';

/** Redis away means "no cache": every request still answers from PostgreSQL, and health says why. */
const kind: DatabaseKind = POSTGRES_AVAILABLE ? 'postgres' : 'embedded';

async function health(app: MediSysApp) {
  const response = await app.management.inject({ method: 'GET', url: '/actuator/health' });
  return { statusCode: response.statusCode, body: response.json() };
}

const errors = (app: MediSysApp, operation: string): Promise<number> =>
  prometheusSample(app.management, `medisys_cache_errors_total{operation="${operation}"}`);
const lookups = (app: MediSysApp, cache: string, result: string): Promise<number> =>
  prometheusSample(app.management, `medisys_cache_requests_total{cache="${cache}",result="${result}"}`);

/** The reads and writes a front desk makes, each of which must succeed; returns the statuses seen. */
async function frontDeskRound(
  t: TestApp,
  token: string,
  patientId: string,
  round: number,
): Promise<number[]> {
  const api = t.app.api;
  const statuses: number[] = [];
  const get = await api.inject({
    method: 'GET',
    url: `/api/v1/patients/${patientId}`,
    headers: bearer(token),
  });
  statuses.push(get.statusCode);
  const patch = await api.inject({
    method: 'PATCH',
    url: `/api/v1/patients/${patientId}`,
    headers: { ...bearer(token), 'if-match': String(get.headers.etag) },
    payload: { phone: `+49 30 5550 ${1000 + round}` },
  });
  statuses.push(patch.statusCode);
  const reread = await api.inject({
    method: 'GET',
    url: `/api/v1/patients/${patientId}`,
    headers: bearer(token),
  });
  statuses.push(reread.statusCode);
  if (reread.json().phone !== `+49 30 5550 ${1000 + round}`) statuses.push(-1);
  for (const url of ['/api/v1/doctors', '/api/v1/departments', '/api/v1/dashboard']) {
    statuses.push((await api.inject({ method: 'GET', url, headers: bearer(token) })).statusCode);
  }
  const department = await api.inject({
    method: 'POST',
    url: '/api/v1/departments',
    headers: bearer(token),
    payload: { code: `R${round}${Date.now() % 100_000}`, name: `Outage ward ${round}` },
  });
  statuses.push(department.statusCode);
  const listed = await api.inject({
    method: 'GET',
    url: '/api/v1/departments?q=Outage',
    headers: bearer(token),
  });
  statuses.push(listed.statusCode);
  if (!listed.json().items.some((item: { id: string }) => item.id === department.json().id))
    statuses.push(-2);
  return statuses;
}

const ALL_OK = (statuses: number[]): boolean => statuses.every((status) => status === 200 || status === 201);

describe('MediSys with redis.url pointing at a closed port', () => {
  let t: TestApp;
  let token: string;
  let patientId: string;

  beforeAll(async () => {
    t = await buildTestApp(kind, { 'redis.url': `redis://127.0.0.1:${await freePort()}` });
    token = await t.adminToken();
    const registered = await t.app.api.inject({
      method: 'POST',
      url: '/api/v1/patients',
      headers: bearer(token),
      payload: { name: 'Nobody Cached', dateOfBirth: '1990-09-09' },
    });
    expect(registered.statusCode).toBe(201);
    patientId = registered.json().id;
  });
  afterAll(async () => t?.close());

  it('answers every request from the database, reports redis DOWN with the status UP, and counts errors', async () => {
    for (let round = 0; round < 3; round++) {
      expect(await frontDeskRound(t, token, patientId, round)).toSatisfy(ALL_OK);
    }
    const report = await health(t.app);
    expect(report.statusCode).toBe(200);
    expect(report.body).toMatchObject({
      status: 'UP',
      components: { db: { status: 'UP' }, redis: { status: 'DOWN', details: { mode: 'redis' } } },
    });
    expect(
      (await t.app.management.inject({ method: 'GET', url: '/actuator/health/readiness' })).statusCode,
    ).toBe(200);
    expect((await t.app.api.inject({ method: 'GET', url: '/api/health' })).statusCode).toBe(200);
    expect((await errors(t.app, 'read')) + (await errors(t.app, 'invalidate'))).toBeGreaterThan(0);
    expect(await lookups(t.app, 'patients', 'hit')).toBe(0);
  });
});

describe.runIf(REDIS_SERVER_AVAILABLE)('MediSys when its Redis stops and comes back', () => {
  let redis: RedisServer;
  let t: TestApp;
  let token: string;
  let patientId: string;

  beforeAll(async () => {
    redis = await startRedisServer();
    t = await buildTestApp(kind, { 'redis.url': redis.url });
    token = await t.adminToken();
    const registered = await t.app.api.inject({
      method: 'POST',
      url: '/api/v1/patients',
      headers: bearer(token),
      payload: { name: 'Redis Outage', dateOfBirth: '1975-05-05' },
    });
    patientId = registered.json().id;
  });
  afterAll(async () => {
    await t?.close();
    await redis?.destroy();
  });

  const read = (): Promise<LightMyRequestResponse> =>
    t.app.api.inject({ method: 'GET', url: `/api/v1/patients/${patientId}`, headers: bearer(token) });
  const redisStatus = async (): Promise<string> => (await health(t.app)).body.components.redis.status;

  it('serves from the cache while Redis runs', async () => {
    expect(await eventually(async () => (await redisStatus()) === 'UP', 10_000)).toBe(true);
    await read();
    const hits = await lookups(t.app, 'patients', 'hit');
    expect((await read()).statusCode).toBe(200);
    expect(await lookups(t.app, 'patients', 'hit')).toBe(hits + 1);
  });

  it('keeps answering every request after Redis is killed, with redis DOWN and the status UP', async () => {
    const errorsBefore = (await errors(t.app, 'read')) + (await errors(t.app, 'invalidate'));
    await redis.stop('SIGKILL');
    for (let round = 0; round < 5; round++) {
      expect(await frontDeskRound(t, token, patientId, round)).toSatisfy(ALL_OK);
    }
    expect(await eventually(async () => (await redisStatus()) === 'DOWN', 10_000)).toBe(true);
    const report = await health(t.app);
    expect(report.statusCode).toBe(200);
    expect(report.body.status).toBe('UP');
    expect((await errors(t.app, 'read')) + (await errors(t.app, 'invalidate'))).toBeGreaterThan(errorsBefore);
  });

  it('uses Redis again by itself once it is back, and makes the invalidations it missed', async () => {
    await redis.start();
    expect(await eventually(async () => (await redisStatus()) === 'UP', 15_000)).toBe(true);
    expect(await eventually(async () => t.app.cache.pendingInvalidations === 0, 10_000)).toBe(true);
    const hits = await lookups(t.app, 'patients', 'hit');
    expect(
      await eventually(async () => {
        expect((await read()).statusCode).toBe(200);
        return (await lookups(t.app, 'patients', 'hit')) > hits;
      }, 10_000),
    ).toBe(true);
    expect((await read()).json().phone).toBe('+49 30 5550 1004');
  });

  it('answers every request while Redis hangs (SIGSTOP), and reads stay fresh after it resumes', async () => {
    const before = await read();
    await read();
    const pid = redis.pid()!;
    process.kill(pid, 'SIGSTOP');
    try {
      for (let round = 10; round < 12; round++) {
        expect(await frontDeskRound(t, token, patientId, round)).toSatisfy(ALL_OK);
      }
      expect((await read()).json().phone).toBe('+49 30 5550 1011');
    } finally {
      process.kill(pid, 'SIGCONT');
    }
    expect(before.statusCode).toBe(200);
    const consulted = async (): Promise<number> =>
      (await lookups(t.app, 'patients', 'hit')) + (await lookups(t.app, 'patients', 'miss'));
    const consultedBefore = await consulted();
    const phones: string[] = [];
    expect(
      await eventually(async () => {
        phones.push((await read()).json().phone);
        return (await consulted()) > consultedBefore;
      }, 10_000),
    ).toBe(true);
    phones.push((await read()).json().phone);
    expect(new Set(phones)).toEqual(new Set(['+49 30 5550 1011']));
  });
});

describe.runIf(REDIS_SERVER_AVAILABLE)(
  'MediSys when a Redis with persistence restarts with old entries',
  () => {
    let redis: RedisServer;
    let t: TestApp;
    let token: string;

    beforeAll(async () => {
      redis = await startRedisServer({ persistent: true });
      t = await buildTestApp(kind, { 'redis.url': redis.url });
      token = await t.adminToken();
    });
    afterAll(async () => {
      await t?.close();
      await redis?.destroy();
    });

    it('never serves an entry that a write made while Redis was down should have dropped', async () => {
      expect(
        await eventually(async () => (await health(t.app)).body.components.redis.status === 'UP', 10_000),
      ).toBe(true);
      const registered = await t.app.api.inject({
        method: 'POST',
        url: '/api/v1/patients',
        headers: bearer(token),
        payload: { name: 'Persistent Entry', dateOfBirth: '1966-06-06' },
      });
      const patientId = registered.json().id as string;
      const read = (): Promise<LightMyRequestResponse> =>
        t.app.api.inject({ method: 'GET', url: `/api/v1/patients/${patientId}`, headers: bearer(token) });
      const cached = await read();
      const hits = await lookups(t.app, 'patients', 'hit');
      await read();
      expect(await lookups(t.app, 'patients', 'hit')).toBe(hits + 1);

      // The entry is on disk; Redis dies; the write's invalidation cannot reach it.
      await redis.stop('SIGKILL');
      const patched = await t.app.api.inject({
        method: 'PATCH',
        url: `/api/v1/patients/${patientId}`,
        headers: { ...bearer(token), 'if-match': String(cached.headers.etag) },
        payload: { name: 'Persistent Entry Renamed' },
      });
      expect(patched.statusCode).toBe(200);
      expect(t.app.cache.pendingInvalidations).toBeGreaterThan(0);

      // Redis comes back with the old entry; the missed invalidation is made before it is read again.
      await redis.start();
      const consulted = async (): Promise<number> =>
        (await lookups(t.app, 'patients', 'hit')) + (await lookups(t.app, 'patients', 'miss'));
      const consultedBefore = await consulted();
      const names: string[] = [];
      expect(
        await eventually(async () => {
          names.push((await read()).json().name);
          return (await consulted()) > consultedBefore;
        }, 15_000),
      ).toBe(true);
      names.push((await read()).json().name);
      expect(new Set(names)).toEqual(new Set(['Persistent Entry Renamed']));
      expect(t.app.cache.pendingInvalidations).toBe(0);
    });
  },
);
