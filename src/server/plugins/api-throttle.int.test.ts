import Fastify from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../../tests/support/scratch-cluster.js';
import { buildTestApp, type TestApp } from '../../../tests/support/test-app.js';
import type { Throttling } from '../../modules/throttling/index.js';
import type { Loggers } from '../../observability/logger.js';
import { Metrics } from '../../observability/metrics.js';
import type { Api } from '../types.js';
import { registerThrottling } from './throttling.js';

async function scopeCount(metrics: Metrics, scope: string): Promise<number> {
  const metric = await metrics.throttledRequests.get();
  return metric.values.find((value) => value.labels['scope'] === scope)?.value ?? 0;
}

describe('API throttle', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await buildTestApp('embedded', {
      'security.throttle.enabled': 'true',
      'security.throttle.api.per-user': '5',
      'security.throttle.api.per-address': '40',
      'server.trust-proxy': '127.0.0.1',
    });
  });
  afterAll(async () => t?.close());

  const get = (token: string | undefined, address: string) =>
    t.app.api.inject({
      method: 'GET',
      url: '/api/v1/auth/me',
      headers: { 'x-forwarded-for': address, ...(token ? { authorization: `Bearer ${token}` } : {}) },
    });

  it('answers a user over the limit 429 with Retry-After, and leaves other users alone', async () => {
    const busy = await t.userToken('staff');
    const other = await t.userToken('staff');
    const statuses: number[] = [];
    for (let request = 0; request < 7; request++) statuses.push((await get(busy, '10.1.0.1')).statusCode);
    expect(statuses).toEqual([200, 200, 200, 200, 200, 429, 429]);
    const refused = await get(busy, '10.1.0.2');
    expect(refused.statusCode).toBe(429);
    expect(refused.headers['content-type']).toContain('application/problem+json');
    expect(Number(refused.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expect(Number(refused.headers['retry-after'])).toBeLessThanOrEqual(60);
    expect(refused.json()).toMatchObject({ status: 429, title: 'Too many requests' });
    expect((await get(other, '10.1.0.1')).statusCode).toBe(200);
    expect(await scopeCount(t.app.metrics, 'api-user')).toBe(3);
  });

  it('counts every request of an address, signed in or not, before authentication', async () => {
    const statuses: number[] = [];
    for (let request = 0; request < 42; request++)
      statuses.push((await get(undefined, '10.1.9.9')).statusCode);
    expect(statuses.slice(0, 40).every((status) => status === 401)).toBe(true);
    expect(statuses.slice(40)).toEqual([429, 429]);
    expect(await scopeCount(t.app.metrics, 'api-address')).toBe(2);
    // /api/health is not part of the API throttle: load balancers poll it.
    expect(
      (
        await t.app.api.inject({
          method: 'GET',
          url: '/api/health',
          headers: { 'x-forwarded-for': '10.1.9.9' },
        })
      ).statusCode,
    ).toBe(200);
  });
});

describe('throttle store failures', () => {
  it('counts sign-ins in PostgreSQL while Redis is down, and says so in a metric', async () => {
    const t = await buildTestApp('embedded', {
      'security.throttle.enabled': 'true',
      'redis.url': `redis://127.0.0.1:${await freePort()}`,
    });
    try {
      const statuses: number[] = [];
      for (let attempt = 1; attempt <= 5; attempt++) {
        const response = await t.app.api.inject({
          method: 'POST',
          url: '/api/v1/auth/login',
          payload: { username: 'admin', password: `not it ${attempt}` },
        });
        statuses.push(response.statusCode);
      }
      expect(statuses).toEqual([401, 401, 401, 401, 429]);
      const failures = await t.app.metrics.throttleStoreFailures.get();
      expect(failures.values.find((value) => value.labels['store'] === 'redis')?.value).toBeGreaterThan(0);
      const rows = await t.database.db.query<{ count: number }>(
        'SELECT count(*)::int AS count FROM throttle_counters',
      );
      expect(rows.rows[0]!.count).toBeGreaterThan(0);
    } finally {
      await t.close();
    }
  });

  it('lets requests through when no store can count (fail open), counted as store=all', async () => {
    const broken = async (): Promise<never> => {
      throw new Error('database down');
    };
    const throttling = {
      signIn: { begin: broken, settle: broken },
      api: { hitAddress: broken, hitUser: broken },
    } as unknown as Throttling;
    const metrics = new Metrics({
      poolStatistics: () => ({ active: 0, idle: 0, pending: 0, max: 1 }),
      connectionFailures: () => 0,
    });
    const warnings: string[] = [];
    const loggers = {
      app: { warn: (_fields: unknown, message: string) => warnings.push(message) },
    } as unknown as Loggers;
    const api = Fastify() as unknown as Api;
    registerThrottling(api, { throttling, metrics, loggers });
    api.post('/api/v1/auth/login', async () => ({ ok: true }));
    api.get('/api/v1/things', async () => ({ ok: true }));
    try {
      expect((await api.inject({ method: 'GET', url: '/api/v1/things' })).statusCode).toBe(200);
      expect(
        (await api.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username: 'x' } }))
          .statusCode,
      ).toBe(200);
      const failures = await metrics.throttleStoreFailures.get();
      expect(failures.values.find((value) => value.labels['store'] === 'all')?.value).toBeGreaterThanOrEqual(
        2,
      );
      expect(warnings[0]).toContain('let through');
    } finally {
      await api.close();
    }
  });
});
