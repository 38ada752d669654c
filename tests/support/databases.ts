import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { EmbeddedDatabase, migrate, PostgresDatabase, type Database } from '../../src/db/index.js';

export type DatabaseKind = 'embedded' | 'postgres';

/** Where the real PostgreSQL server for tests is; each test creates and drops its own database on it. */
export const POSTGRES_ADMIN_URL =
  process.env['MEDISYS_TEST_POSTGRES_URL'] ?? 'postgres://postgres@127.0.0.1:5432/postgres';

export const servicesRequired = process.env['MEDISYS_REQUIRE_SERVICES'] === '1';

async function postgresReachable(): Promise<boolean> {
  const client = new pg.Client({ connectionString: POSTGRES_ADMIN_URL, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    await client.query('SELECT 1');
    return true;
  } catch (error) {
    if (servicesRequired) {
      throw new Error(
        `MEDISYS_REQUIRE_SERVICES=1 but PostgreSQL at ${POSTGRES_ADMIN_URL} is unreachable: ${(error as Error).message}`,
      );
    }
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

const postgresAvailable = await postgresReachable();

/** Every database kind this machine can test: embedded always, PostgreSQL when reachable (required in CI). */
export const DATABASE_KINDS: DatabaseKind[] = postgresAvailable ? ['embedded', 'postgres'] : ['embedded'];

/** True when real PostgreSQL tests run here; with MEDISYS_REQUIRE_SERVICES=1 an absent server fails above. */
export const POSTGRES_AVAILABLE = postgresAvailable;

export async function adminQuery(sql: string, params: unknown[] = []): Promise<pg.QueryResult> {
  const client = new pg.Client({ connectionString: POSTGRES_ADMIN_URL });
  await client.connect();
  try {
    return await client.query(sql, params);
  } finally {
    await client.end();
  }
}

/** A fresh empty PostgreSQL database; returns its URL and a function that drops it. */
export async function createScratchPostgresDatabase(): Promise<{
  url: string;
  name: string;
  drop(): Promise<void>;
}> {
  const name = `medisys_test_${randomBytes(6).toString('hex')}`;
  await adminQuery(`CREATE DATABASE ${name}`);
  const url = new URL(POSTGRES_ADMIN_URL);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    name,
    async drop(): Promise<void> {
      await adminQuery(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    },
  };
}

let embeddedTemplate: Promise<Blob> | undefined;

/** A migrated embedded data folder image, made once per test worker (initdb is the slow part). */
function migratedEmbeddedImage(): Promise<Blob> {
  embeddedTemplate ??= (async () => {
    const db = await EmbeddedDatabase.open({});
    await migrate(db);
    const image = await db.dumpImage();
    await db.close();
    return image;
  })();
  return embeddedTemplate;
}

export interface TestDatabase {
  readonly db: Database;
  /** The PostgreSQL URL (postgres kind only), for processes and psql. */
  readonly url: string | undefined;
  close(): Promise<void>;
}

/**
 * A migrated database of the given kind that the calling test owns and drops. On PostgreSQL, a pool of
 * 10 connections with a 30 s statement timeout unless told otherwise.
 */
export async function createTestDatabase(
  kind: DatabaseKind,
  options: { migrated?: boolean; maximumPoolSize?: number; statementTimeoutMs?: number } = {},
): Promise<TestDatabase> {
  const migrated = options.migrated ?? true;
  if (kind === 'embedded') {
    const db = await EmbeddedDatabase.open(migrated ? { image: await migratedEmbeddedImage() } : {});
    return { db, url: undefined, close: () => db.close() };
  }
  const scratch = await createScratchPostgresDatabase();
  const db = new PostgresDatabase({
    url: scratch.url,
    maximumPoolSize: options.maximumPoolSize ?? 10,
    minimumIdle: 0,
    connectionTimeoutMs: 5000,
    idleTimeoutMs: 10_000,
    maxLifetimeMs: 60_000,
    statementTimeoutMs: options.statementTimeoutMs ?? 30_000,
  });
  if (migrated) await migrate(db);
  return {
    db,
    url: scratch.url,
    async close(): Promise<void> {
      await db.close();
      await scratch.drop();
    },
  };
}
