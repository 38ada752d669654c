import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createTestDatabase,
  POSTGRES_AVAILABLE,
  servicesRequired,
  type TestDatabase,
} from '../../tests/support/databases.js';
import { checksumOf, migrate, readMigrationFiles, type MigrationFile } from './migrator.js';
import type { Database } from './database.js';

function migrationOf(version: number, name: string, body: string): MigrationFile {
  const sql = `BEGIN;\n${body}\nINSERT INTO schema_version (version, description) VALUES (${version}, '${name}');\nCOMMIT;\n`;
  return { version, description: name, fileName: `${version}_${name}.sql`, sql, checksum: checksumOf(sql) };
}

describe.runIf(POSTGRES_AVAILABLE || servicesRequired)('migrating a large database on PostgreSQL', () => {
  let pool: TestDatabase;
  let db: Database;

  beforeAll(async () => {
    pool = await createTestDatabase('postgres', {
      migrated: false,
      maximumPoolSize: 1,
      statementTimeoutMs: 300,
    });
    db = pool.db;
  });
  afterAll(async () => pool?.close());

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
