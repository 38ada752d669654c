import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DATABASE_KINDS } from '../../tests/support/databases.js';
import { buildTestApp, type TestApp } from '../../tests/support/test-app.js';

const POOL_METRICS = [
  'hikaricp.connections.active',
  'hikaricp.connections.idle',
  'hikaricp.connections.pending',
  'hikaricp.connections.max',
];

describe.each(DATABASE_KINDS)('management endpoints on %s', (kind) => {
  let t: TestApp;
  const get = (url: string) => t.app.management.inject({ method: 'GET', url });

  beforeAll(async () => {
    t = await buildTestApp(kind);
  });
  afterAll(async () => t?.close());

  it('reports health with db and diskSpace components, liveness and readiness', async () => {
    const health = await get('/actuator/health');
    expect(health.statusCode).toBe(200);
    expect(health.json()).toMatchObject({
      status: 'UP',
      components: {
        db: { status: 'UP' },
        diskSpace: { status: 'UP', details: { free: expect.any(Number) } },
      },
    });
    expect((await get('/actuator/health/liveness')).json()).toEqual({ status: 'UP' });
    expect((await get('/actuator/health/readiness')).json()).toEqual({ status: 'UP' });
    expect((await t.app.api.inject({ method: 'GET', url: '/api/health' })).json()).toEqual({ status: 'UP' });
  });

  it('turns readiness DOWN (and /api/health 503) once shutdown begins, while liveness stays UP', async () => {
    const other = await buildTestAppSharing(t);
    other.markShuttingDown();
    expect(
      (await other.management.inject({ method: 'GET', url: '/actuator/health/readiness' })).statusCode,
    ).toBe(503);
    expect(
      (await other.management.inject({ method: 'GET', url: '/actuator/health/liveness' })).statusCode,
    ).toBe(200);
    expect((await other.api.inject({ method: 'GET', url: '/api/health' })).json()).toEqual({
      status: 'DOWN',
    });
    await other.close();
  });

  it('lists the hikaricp pool metrics, each in the Actuator shape', async () => {
    const names = (await get('/actuator/metrics')).json().names as string[];
    expect(names).toEqual(
      expect.arrayContaining([
        ...POOL_METRICS,
        'http.server.requests',
        'process.cpu.usage',
        'process.memory.rss',
      ]),
    );
    for (const name of POOL_METRICS) {
      const metric = (await get(`/actuator/metrics/${name}`)).json();
      expect(metric).toEqual({
        name,
        description: expect.any(String),
        baseUnit: null,
        measurements: [{ statistic: 'VALUE', value: expect.any(Number) }],
        availableTags: [],
      });
    }
    const max = (await get('/actuator/metrics/hikaricp.connections.max')).json();
    expect(max.measurements[0].value).toBe(kind === 'embedded' ? 1 : 10);
    expect((await get('/actuator/metrics/no.such.metric')).statusCode).toBe(404);
  });

  it('counts HTTP requests by route template, in Prometheus text and Actuator JSON', async () => {
    const token = await t.adminToken();
    const missing = '00000000-0000-4000-8000-000000000000';
    await t.app.api.inject({
      method: 'GET',
      url: `/api/v1/patients/${missing}`,
      headers: { authorization: `Bearer ${token}` },
    });
    const text = (await get('/actuator/prometheus')).body;
    expect(text).toMatch(
      /http_requests_total\{method="GET",route="\/api\/v1\/patients\/:id",status="404"\} 1/,
    );
    expect(text).not.toContain(missing);
    for (const name of [
      'http_request_duration_seconds_bucket',
      'database_connections_failed_total',
      'hikaricp_connections_active',
      'hikaricp_connections_idle',
      'hikaricp_connections_pending',
      'hikaricp_connections_max',
      'medisys_logins_total{outcome="success"}',
      'medisys_logins_total{outcome="failure"}',
      'medisys_cache_requests_total',
      'process_resident_memory_bytes',
      'nodejs_eventloop_lag_seconds',
    ]) {
      expect(text).toContain(name);
    }
    expect((await get('/metrics')).body).toContain('http_requests_total');
    const requests = (await get('/actuator/metrics/http.server.requests?tag=status:404')).json();
    expect(requests.measurements.find((m: { statistic: string }) => m.statistic === 'COUNT').value).toBe(1);
    expect(requests.availableTags.find((tag: { tag: string }) => tag.tag === 'uri').values).toContain(
      '/api/v1/patients/:id',
    );
  });

  it('tells version, commit and schema version in /actuator/info', async () => {
    const info = (await get('/actuator/info')).json();
    expect(info.build.version).toMatch(/^\d+\.\d+\.\d+/);
    expect(info.database.schemaVersion).toBeGreaterThanOrEqual(5);
  });

  it('serves the OpenAPI document and the docs page', async () => {
    const document = (await t.app.api.inject({ method: 'GET', url: '/api/openapi.json' })).json();
    expect(document.openapi).toMatch(/^3\./);
    expect(Object.keys(document.paths)).toEqual(
      expect.arrayContaining(['/api/v1/patients', '/api/v1/patients/{id}', '/api/v1/auth/login']),
    );
    expect((await t.app.api.inject({ method: 'GET', url: '/api/docs/' })).statusCode).toBe(200);
  });
});

async function buildTestAppSharing(t: TestApp) {
  const { buildApp } = await import('./app.js');
  return buildApp(t.config, { db: t.database.db, loggers: t.loggers });
}
