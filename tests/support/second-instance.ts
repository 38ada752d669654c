import type { Cache } from '../../src/cache/index.js';
import { PostgresDatabase } from '../../src/db/index.js';
import { buildApp, type MediSysApp } from '../../src/server/app.js';
import type { TestApp } from './test-app.js';

/** Another MediSys instance on the same PostgreSQL database as `t`, as a second server behind HAProxy. */
export interface SecondInstance {
  readonly app: MediSysApp;
  close(): Promise<void>;
}

/**
 * Builds instance B beside the test app A: the same configuration, its own connection pool on A's
 * database, its own cache client. Postgres only: the embedded database belongs to one process.
 */
export async function buildSecondInstance(
  t: TestApp,
  options: { cacheStore?: Cache } = {},
): Promise<SecondInstance> {
  if (!t.database.url) throw new Error('a second instance needs a PostgreSQL test database');
  const db = new PostgresDatabase({
    url: t.database.url,
    maximumPoolSize: 5,
    minimumIdle: 0,
    connectionTimeoutMs: 5000,
    idleTimeoutMs: 10_000,
    maxLifetimeMs: 60_000,
    statementTimeoutMs: 30_000,
  });
  const app = await buildApp(t.config, { db, loggers: t.loggers, cacheStore: options.cacheStore });
  return {
    app,
    async close(): Promise<void> {
      await app.close();
      await db.close();
    },
  };
}
