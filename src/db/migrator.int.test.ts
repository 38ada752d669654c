import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createScratchPostgresDatabase,
  POSTGRES_AVAILABLE,
  servicesRequired,
} from '../../tests/support/databases.js';
import { checksumOf, migrate, readMigrationFiles, type MigrationFile } from './migrator.js';
import { PostgresDatabase } from './postgres.js';

function migrationOf(version: number, name: string, body: string): MigrationFile {
  const sql = `BEGIN;\n${body}\nINSERT INTO schema_version (version, description) VALUES (${version}, '${name}');\nCOMMIT;\n`;
  return { version, description: name, fileName: `${version}_${name}.sql`, sql, checksum: checksumOf(sql) };
}

describe.runIf(POSTGRES_AVAILABLE || servicesRequired)('migrating a large database on PostgreSQL', () => {
  let scratch: Awaited<ReturnType<typeof createScratchPostgresDatabase>>;
  let db: PostgresDatabase;

  beforeAll(async () => {
    scratch = await createScratchPostgresDatabase();
    db = new PostgresDatabase({
      url: scratch.url,
      maximumPoolSize: 1,
      minimumIdle: 0,
      connectionTimeoutMs: 5000,
      idleTimeoutMs: 10_000,
      maxLifetimeMs: 60_000,
      statementTimeoutMs: 300,
    });
  });
  afterAll(async () => {
    await db?.close();
    await scratch?.drop();
  });

  it('runs a migration longer than the statement timeout, and gives the connection back with it', async () => {
    const slow = migrationOf(9001, 'rewrite_slowly', 'SELECT pg_sleep(1);');
    const applied = await migrate(db, { files: [...readMigrationFiles(), slow] });
    expect(applied.map((file) => file.version)).toContain(9001);
    // The pool holds one connection: the one the migration used.
    const timeout = await db.query<{ statement_timeout: string }>('SHOW statement_timeout');
    expect(timeout.rows[0]!.statement_timeout).toBe('300ms');
    await expect(db.query('SELECT pg_sleep(1)')).rejects.toThrow(/statement timeout/);
  });
});
