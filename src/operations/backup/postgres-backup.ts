import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import pg from 'pg';
import type { BackupFormat } from './backup-files.js';
import { portableSql, REPLACE_PUBLIC_SCHEMA } from './plain-sql.js';
import { libpqEnvironment, runTool, withDatabase } from './processes.js';
import { readSnapshot, type DatabaseSnapshot } from './snapshot.js';
import { allOrCause, counting, type EncryptedFile, type Producer, writeEncrypted } from './streams.js';

export interface ToolOptions {
  readonly env?: NodeJS.ProcessEnv;
  readonly onProgress?: ((bytes: number) => void) | undefined;
}

async function withClient<T>(url: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** The snapshot of the database at `url` (row counts, patients checksum, schema version). */
export async function snapshotOf(url: string): Promise<DatabaseSnapshot> {
  return withClient(url, (client) =>
    readSnapshot(async <Row>(sql: string) => (await client.query(sql)).rows as Row[]),
  );
}

/**
 * `pg_dump -Fc | gpg` into `file`. The manifest's counts come from the same snapshot as the dump
 * (pg_export_snapshot), so they describe exactly what was dumped while MediSys keeps writing.
 */
export async function dumpPostgres(
  url: string,
  file: string,
  passphraseFile: string,
  options: ToolOptions,
): Promise<{ encrypted: EncryptedFile; snapshot: DatabaseSnapshot }> {
  return withClient(url, async (client) => {
    await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
    const snapshotId = (await client.query<{ id: string }>('SELECT pg_export_snapshot() AS id')).rows[0]!.id;
    const snapshot = await readSnapshot(async <Row>(sql: string) => (await client.query(sql)).rows as Row[]);
    const dump = runTool(
      'pg_dump',
      ['--format=custom', '--no-owner', '--no-privileges', `--snapshot=${snapshotId}`],
      libpqEnvironment(url, options.env),
      'ignore',
    );
    const encrypted = await writeEncrypted(
      file,
      passphraseFile,
      { stream: dump.child.stdout!, done: dump.done },
      options,
    );
    await client.query('COMMIT');
    return { encrypted, snapshot };
  });
}

/**
 * Restores a decrypted backup into the database at `targetUrl` in one transaction, so a failure
 * leaves it as it was. A custom archive goes to pg_restore; plain SQL (from the embedded database,
 * PostgreSQL 18) goes to psql after `portableSql` has made its settings safe for an older server.
 */
export async function restoreIntoPostgres(
  targetUrl: string,
  format: BackupFormat,
  decrypted: Producer,
  options: ToolOptions & { replace: boolean },
): Promise<void> {
  const env = libpqEnvironment(targetUrl, options.env);
  if (format === 'pg_dump-custom') {
    const args = ['--single-transaction', '--exit-on-error', '--no-owner', '--no-privileges'];
    if (options.replace) args.push('--clean', '--if-exists');
    const restore = runTool('pg_restore', [...args, '--dbname', env['PGDATABASE']!], env);
    restore.child.stdout!.resume();
    await allOrCause(
      [pipeline(decrypted.stream, counting(options.onProgress), restore.child.stdin!)],
      [restore.done, decrypted.done],
    );
    return;
  }
  const psql = runTool(
    'psql',
    ['-X', '-q', '-v', 'ON_ERROR_STOP=1', '--single-transaction', '-o', '/dev/null', '-f', '-'],
    env,
  );
  psql.child.stdout!.resume();
  // The settings are made portable before the optional schema replacement goes in front of them.
  const portable = portableSql();
  const prefix = options.replace ? [Buffer.from(REPLACE_PUBLIC_SCHEMA)] : [];
  const script = Readable.from(
    (async function* () {
      yield* prefix;
      yield* portable;
    })(),
  );
  await allOrCause(
    [pipeline(decrypted.stream, portable), pipeline(script, counting(options.onProgress), psql.child.stdin!)],
    [psql.done, decrypted.done],
  );
}

/** Databases on the configured server, reached through its `postgres` maintenance database. */
export class PostgresServer {
  constructor(private readonly url: string) {}

  urlOf(database: string): string {
    return withDatabase(this.url, database);
  }

  private async admin<Row extends pg.QueryResultRow>(sql: string): Promise<Row[]> {
    return withClient(this.urlOf('postgres'), async (client) => (await client.query<Row>(sql)).rows);
  }

  async exists(name: string): Promise<boolean> {
    const rows = await this.admin(`SELECT 1 FROM pg_database WHERE datname = ${pg.escapeLiteral(name)}`);
    return rows.length > 0;
  }

  async create(name: string): Promise<void> {
    await this.admin(`CREATE DATABASE ${pg.escapeIdentifier(name)}`);
  }

  async drop(name: string): Promise<void> {
    await this.admin(`DROP DATABASE IF EXISTS ${pg.escapeIdentifier(name)} WITH (FORCE)`).catch(
      () => undefined,
    );
  }

  async tableCount(name: string): Promise<number> {
    return withClient(this.urlOf(name), async (client) => {
      const result = await client.query<{ count: string }>(
        "SELECT count(*) AS count FROM pg_tables WHERE schemaname = 'public'",
      );
      return Number(result.rows[0]!.count);
    });
  }
}
