import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MediSysApp } from '../../src/server/app.js';
import { bearer } from '../support/clinical-factories.js';
import { POSTGRES_AVAILABLE } from '../support/databases.js';
import { prometheusSample, REDIS_AVAILABLE, REDIS_TEST_URL } from '../support/redis.js';
import { buildSecondInstance, type SecondInstance } from '../support/second-instance.js';
import { buildTestApp, type TestApp } from '../support/test-app.js';

async function cacheLookups(app: MediSysApp, cache: string, result: string): Promise<number> {
  return prometheusSample(
    app.management,
    `medisys_cache_requests_total{cache="${cache}",result="${result}"}`,
  );
}

/**
 * Two MediSys instances (A and B) on one PostgreSQL database and one Redis, as behind HAProxy: a write
 * through A is never followed by a stale read through B, and B's reads are served by the shared cache.
 */
describe.runIf(POSTGRES_AVAILABLE && REDIS_AVAILABLE)('two instances sharing one Redis cache', () => {
  const prefix = `medisys-test:${randomUUID()}:`;
  let t: TestApp;
  let a: MediSysApp;
  let b: SecondInstance;
  let admin: string;
  let staff: string;
  let redis: Redis;

  beforeAll(async () => {
    t = await buildTestApp('postgres', {
      'redis.url': REDIS_TEST_URL,
      'cache.key-prefix': prefix,
      'cache.ttl.dashboard': '10m',
    });
    a = t.app;
    b = await buildSecondInstance(t);
    admin = await t.adminToken();
    staff = await t.userToken('staff');
    redis = new Redis(REDIS_TEST_URL);
  });
  afterAll(async () => {
    const keys = (await redis?.keys(`${prefix}*`)) ?? [];
    if (keys.length > 0) await redis.del(...keys);
    redis?.disconnect();
    await b?.close();
    await t?.close();
  });

  async function call(
    app: MediSysApp,
    method: 'GET' | 'POST' | 'PATCH',
    url: string,
    options: { payload?: object; headers?: Record<string, string>; token?: string } = {},
  ) {
    return app.api.inject({
      method,
      url,
      headers: { ...bearer(options.token ?? admin), ...options.headers },
      ...(options.payload ? { payload: options.payload } : {}),
    });
  }

  async function register(name: string): Promise<{ id: string }> {
    const response = await call(a, 'POST', '/api/v1/patients', {
      payload: { name, dateOfBirth: '1980-02-03' },
    });
    expect(response.statusCode).toBe(201);
    return response.json();
  }

  async function viewsOf(patientId: string): Promise<number> {
    const result = await t.database.db.query<{ views: number }>(
      `SELECT count(*)::int AS views FROM audit_events WHERE patient_id = $1 AND action = 'PATIENT_RECORD_VIEWED'`,
      [patientId],
    );
    return result.rows[0]!.views;
  }

  it('reads a patient updated through A fresh through B, with the right ETag and an audit row per read', async () => {
    expect(a.cache.mode).toBe('redis');
    const health = await b.app.management.inject({ method: 'GET', url: '/actuator/health' });
    expect(health.json()).toMatchObject({
      status: 'UP',
      components: { redis: { status: 'UP', details: { mode: 'redis' } } },
    });
    const patient = await register('Amelia Cachewright');
    const first = await call(b.app, 'GET', `/api/v1/patients/${patient.id}`);
    expect(first.statusCode).toBe(200);
    const hitsBefore = await cacheLookups(b.app, 'patients', 'hit');
    const second = await call(b.app, 'GET', `/api/v1/patients/${patient.id}`);
    expect(second.json()).toEqual(first.json());
    expect(second.headers.etag).toBe(first.headers.etag);
    expect(await cacheLookups(b.app, 'patients', 'hit')).toBe(hitsBefore + 1);
    // The entry lives in Redis, under the patient's own namespace.
    expect(await redis.exists(`${prefix}{patient:${patient.id}}`)).toBe(1);

    const updated = await call(a, 'PATCH', `/api/v1/patients/${patient.id}`, {
      payload: { name: 'Amelia Freshwater' },
      headers: { 'if-match': String(first.headers.etag) },
    });
    expect(updated.statusCode).toBe(200);

    const afterUpdate = await call(b.app, 'GET', `/api/v1/patients/${patient.id}`);
    expect(afterUpdate.json()).toMatchObject({ name: 'Amelia Freshwater', version: 2 });
    expect(afterUpdate.headers.etag).toBe(updated.headers.etag);
    const stale = await call(b.app, 'PATCH', `/api/v1/patients/${patient.id}`, {
      payload: { name: 'Lost Update' },
      headers: { 'if-match': String(first.headers.etag) },
    });
    expect(stale.statusCode).toBe(412);
    // Three reads through B (one from the cache) and none lost from the audit trail.
    expect(await viewsOf(patient.id)).toBe(3);
  });

  it('shows an archive and a restore made through A at once through B', async () => {
    const patient = await register('Bartholomew Archer');
    expect((await call(b.app, 'GET', `/api/v1/patients/${patient.id}`)).json().archived).toBe(false);
    expect((await call(a, 'POST', `/api/v1/patients/${patient.id}/archive`)).statusCode).toBe(200);
    expect((await call(b.app, 'GET', `/api/v1/patients/${patient.id}`)).json().archived).toBe(true);
    expect((await call(a, 'POST', `/api/v1/patients/${patient.id}/restore`)).statusCode).toBe(200);
    const restored = await call(b.app, 'GET', `/api/v1/patients/${patient.id}`);
    expect(restored.json()).toMatchObject({ archived: false, version: 3 });
    expect(restored.headers.etag).toBe('"3"');
  });

  it('shows a merge through A on every record it changed, including one merged earlier into the duplicate', async () => {
    const survivor = await register('Cecilia Mergeford');
    const duplicate = await register('Cecilia Mergeforde');
    const older = await register('Cecilia Merg');
    const merge = (survivorId: string, mergedId: string) =>
      call(a, 'POST', '/api/v1/patients/merges', {
        payload: { survivorId, mergedId, reason: 'Registered twice at the front desk' },
      });
    expect((await merge(duplicate.id, older.id)).statusCode).toBe(201);
    const olderBefore = await call(b.app, 'GET', `/api/v1/patients/${older.id}`);
    expect((await call(b.app, 'GET', `/api/v1/patients/${duplicate.id}`)).json().archived).toBe(false);

    const merged = await merge(survivor.id, duplicate.id);
    expect(merged.statusCode).toBe(201);
    expect((await call(b.app, 'GET', `/api/v1/patients/${duplicate.id}`)).json().archived).toBe(true);
    // The older record now points at the survivor: its version (ETag) moved with the merge.
    const olderAfter = await call(b.app, 'GET', `/api/v1/patients/${older.id}`);
    expect(olderAfter.json().version).toBe(olderBefore.json().version + 1);
    expect(olderAfter.headers.etag).not.toBe(olderBefore.headers.etag);

    const undone = await call(a, 'POST', `/api/v1/patients/merges/${merged.json().id}/undo`);
    expect(undone.statusCode).toBe(200);
    expect((await call(b.app, 'GET', `/api/v1/patients/${duplicate.id}`)).json().archived).toBe(false);
  });

  it('shows an unknown emergency patient identified through A as archived through B', async () => {
    const admitted = await call(a, 'POST', '/api/v1/admissions', {
      token: staff,
      payload: {
        unidentifiedPatient: { sex: 'female', estimatedAgeYears: 30 },
        triagePriority: 2,
        chiefComplaint: 'Brought in by ambulance',
      },
    });
    expect(admitted.statusCode).toBe(201);
    const temporaryId = admitted.json().patient.id as string;
    expect((await call(b.app, 'GET', `/api/v1/patients/${temporaryId}`)).json().archived).toBe(false);
    const registered = await register('Dorothea Identified');
    const identified = await call(a, 'POST', `/api/v1/admissions/${admitted.json().id}/identify`, {
      token: staff,
      payload: { patientId: registered.id },
    });
    expect(identified.statusCode).toBe(200);
    expect((await call(b.app, 'GET', `/api/v1/patients/${temporaryId}`)).json().archived).toBe(true);
  });

  it('lists a doctor created, changed or archived through A at once through B', async () => {
    const department = await call(a, 'POST', '/api/v1/departments', {
      payload: { code: 'CARD', name: 'Cardiology' },
    });
    expect(department.statusCode).toBe(201);
    const list = async () =>
      (await call(b.app, 'GET', '/api/v1/doctors?q=Listwell'))
        .json()
        .items.map((doctor: { name: string }) => doctor.name);
    expect(await list()).toEqual([]);
    const hitsBefore = await cacheLookups(b.app, 'doctors', 'hit');
    expect(await list()).toEqual([]);
    expect(await cacheLookups(b.app, 'doctors', 'hit')).toBe(hitsBefore + 1);

    const created = await call(a, 'POST', '/api/v1/doctors', {
      payload: {
        name: 'Dr Eliza Listwell',
        licenseNumber: `LIC-${randomUUID().slice(0, 8)}`,
        specialization: 'Cardiology',
        departmentId: department.json().id,
      },
    });
    expect(created.statusCode).toBe(201);
    expect(await list()).toEqual(['Dr Eliza Listwell']);

    const renamed = await call(a, 'PATCH', `/api/v1/doctors/${created.json().id}`, {
      payload: { name: 'Dr Eliza Listwell-Jones' },
      headers: { 'if-match': String(created.headers.etag) },
    });
    expect(renamed.statusCode).toBe(200);
    expect(await list()).toEqual(['Dr Eliza Listwell-Jones']);
    expect((await call(a, 'POST', `/api/v1/doctors/${created.json().id}/archive`)).statusCode).toBe(200);
    expect(await list()).toEqual([]);
  });

  it('lists a department created or changed through A at once through B', async () => {
    const list = async () =>
      (await call(b.app, 'GET', '/api/v1/departments?q=Radiology'))
        .json()
        .items.map((department: { name: string }) => department.name);
    expect(await list()).toEqual([]);
    const created = await call(a, 'POST', '/api/v1/departments', {
      payload: { code: 'RAD', name: 'Radiology' },
    });
    expect(created.statusCode).toBe(201);
    expect(await list()).toEqual(['Radiology']);
    const renamed = await call(a, 'PATCH', `/api/v1/departments/${created.json().id}`, {
      payload: { name: 'Radiology and Imaging' },
      headers: { 'if-match': String(created.headers.etag) },
    });
    expect(renamed.statusCode).toBe(200);
    expect(await list()).toEqual(['Radiology and Imaging']);
  });

  it('serves B the dashboard A computed: one shared entry, not one per instance', async () => {
    expect((await call(a, 'GET', '/api/v1/dashboard')).statusCode).toBe(200);
    const hitsBefore = await cacheLookups(b.app, 'dashboard', 'hit');
    expect((await call(b.app, 'GET', '/api/v1/dashboard')).statusCode).toBe(200);
    expect(await cacheLookups(b.app, 'dashboard', 'hit')).toBe(hitsBefore + 1);
  });

  it('counts a patient registered through A on the dashboard read through B, despite a 10-minute TTL', async () => {
    const total = async (app: MediSysApp): Promise<number> => {
      const response = await call(app, 'GET', '/api/v1/dashboard');
      expect(response.statusCode).toBe(200);
      return response.json().patients.total;
    };
    const before = await total(b.app);
    expect(await total(a)).toBe(before);
    await register('Dashboard Counted');
    expect(await total(b.app)).toBe(before + 1);
    // A refused write (400) changes nothing and leaves the cached figures in place.
    const hits = await cacheLookups(b.app, 'dashboard', 'hit');
    expect((await call(a, 'POST', '/api/v1/patients', { payload: { name: '' } })).statusCode).toBe(400);
    expect(await total(b.app)).toBe(before + 1);
    expect(await cacheLookups(b.app, 'dashboard', 'hit')).toBe(hits + 1);
  });
});
