import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer } from '../../../tests/support/clinical-factories.js';
import { adminQuery, DATABASE_KINDS } from '../../../tests/support/databases.js';
import { eventually } from '../../../tests/support/processes.js';
import { buildTestApp, type TestApp } from '../../../tests/support/test-app.js';
import { PostgresDatabase } from '../../db/postgres.js';
import { buildApp, type MediSysApp } from '../../server/app.js';
import { commandLineContext } from '../../shared/request-context.js';
import { hashToken } from './auth.service.js';

// Far longer than any wait below: whatever ends a cached session here, it is the notification, not age.
const TTL = '10m';
const NOTIFIED_WITHIN_MS = 3_000;

function me(app: MediSysApp, token: string) {
  return app.api.inject({ method: 'GET', url: '/api/v1/auth/me', headers: bearer(token) });
}

async function sessionLookups(app: MediSysApp, result: 'hit' | 'miss' | 'bypass'): Promise<number> {
  const metric = await app.metrics.cacheRequests.get();
  return (
    metric.values.find((value) => value.labels['cache'] === 'sessions' && value.labels['result'] === result)
      ?.value ?? 0
  );
}

/** Until the instance listens for changes it remembers nothing; a second request then hits. */
async function untilRemembering(app: MediSysApp, token: string): Promise<void> {
  const remembering = await eventually(async () => {
    const hits = await sessionLookups(app, 'hit');
    await me(app, token);
    await me(app, token);
    return (await sessionLookups(app, 'hit')) > hits;
  }, NOTIFIED_WITHIN_MS);
  expect(remembering).toBe(true);
}

describe.each(DATABASE_KINDS)('session cache on %s', (kind) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await buildTestApp(kind, { 'security.session.cache-ttl': TTL });
  });
  afterAll(async () => t?.close());

  it('authenticates a session in use from memory: requests after the first do not read it again', async () => {
    const token = await t.userToken('staff');
    await untilRemembering(t.app, token);
    const [hits, misses] = [await sessionLookups(t.app, 'hit'), await sessionLookups(t.app, 'miss')];
    for (let request = 0; request < 5; request++) expect((await me(t.app, token)).statusCode).toBe(200);
    expect((await sessionLookups(t.app, 'hit')) - hits).toBe(5);
    expect(await sessionLookups(t.app, 'miss')).toBe(misses);
  });

  it('forgets a session as soon as the database changes it, even when MediSys did not make the change', async () => {
    const token = await t.userToken('staff');
    await untilRemembering(t.app, token);
    // What `medisys users set-role` in another process, or another instance, amounts to.
    const { rows } = await t.database.db.query<{ user_id: string }>(
      'SELECT user_id FROM sessions WHERE token_hash = $1',
      [hashToken(token)],
    );
    await t.database.db.query(`UPDATE users SET role = 'finance' WHERE id = $1`, [rows[0]!.user_id]);
    expect(
      await eventually(
        async () => (await me(t.app, token)).json().role === 'finance',
        NOTIFIED_WITHIN_MS,
        10,
      ),
    ).toBe(true);

    await t.database.db.query(
      `UPDATE sessions SET ended_at = now(), end_reason = 'test' WHERE token_hash = $1`,
      [hashToken(token)],
    );
    expect(
      await eventually(async () => (await me(t.app, token)).statusCode === 401, NOTIFIED_WITHIN_MS, 10),
    ).toBe(true);
  });

  it('ends a locked user’s cached session on the very next request', async () => {
    const token = await t.userToken('staff');
    await untilRemembering(t.app, token);
    const userId = (await me(t.app, token)).json().id as string;
    await t.app.services.users.lock(userId, commandLineContext('test'));
    expect((await me(t.app, token)).statusCode).toBe(401);
  });
});

describe.runIf(DATABASE_KINDS.includes('postgres'))('session cache across instances (PostgreSQL)', () => {
  let t: TestApp;
  let second: MediSysApp;
  let secondPool: PostgresDatabase;
  beforeAll(async () => {
    t = await buildTestApp('postgres', { 'security.session.cache-ttl': TTL });
    secondPool = new PostgresDatabase({
      url: t.database.url!,
      maximumPoolSize: 5,
      minimumIdle: 0,
      connectionTimeoutMs: 5000,
      idleTimeoutMs: 10_000,
      maxLifetimeMs: 60_000,
      statementTimeoutMs: 30_000,
      applicationName: 'medisys-second',
    });
    second = await buildApp(t.config, { db: secondPool, loggers: t.loggers });
  });
  afterAll(async () => {
    await second?.close();
    await secondPool?.close();
    await t?.close();
  });

  it('ends on every instance a session signed out through one of them', async () => {
    const token = await t.userToken('staff');
    await untilRemembering(second, token);
    const signOut = await t.app.api.inject({
      method: 'POST',
      url: '/api/v1/auth/logout',
      headers: bearer(token),
    });
    expect(signOut.statusCode).toBe(204);
    expect((await me(t.app, token)).statusCode).toBe(401);
    expect(
      await eventually(async () => (await me(second, token)).statusCode === 401, NOTIFIED_WITHIN_MS, 10),
    ).toBe(true);
  });

  it('trusts nothing from memory while its notifications are lost, and remembers again once they are back', async () => {
    const token = await t.userToken('staff');
    await untilRemembering(second, token);
    const database = (await t.database.db.query<{ name: string }>('SELECT current_database() AS name'))
      .rows[0]!;
    const terminated = await adminQuery(
      `SELECT pg_terminate_backend(pid) FROM pg_stat_activity
        WHERE datname = $1 AND application_name = 'medisys-second-listen'`,
      [database.name],
    );
    expect(terminated.rowCount).toBe(1);
    // A change made while nobody listens: the second instance must not answer from memory.
    await t.database.db.query(`UPDATE sessions SET ended_at = now() WHERE token_hash = $1`, [
      hashToken(token),
    ]);
    expect(
      await eventually(async () => (await me(second, token)).statusCode === 401, NOTIFIED_WITHIN_MS, 10),
    ).toBe(true);
    expect(await sessionLookups(second, 'bypass')).toBeGreaterThan(0);

    const fresh = await t.userToken('staff');
    await untilRemembering(second, fresh);
  });
});
