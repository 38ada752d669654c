import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Database, Queryable } from './database.js';

/** The migrations shipped with this build (src/db and dist/db both sit two levels below the root). */
export const MIGRATIONS_DIR = fileURLToPath(new URL('../../migrations', import.meta.url));

export interface MigrationFile {
  readonly version: number;
  readonly description: string;
  readonly fileName: string;
  readonly sql: string;
  readonly checksum: string;
}

export interface AppliedMigration {
  readonly version: number;
  readonly description: string;
  readonly checksum: string | null;
  readonly installedOn: Date;
}

export interface MigrationStatus {
  readonly applied: readonly AppliedMigration[];
  readonly pending: readonly MigrationFile[];
  /** Applied versions this build does not know: the schema is newer than the code. */
  readonly unknown: readonly AppliedMigration[];
  /** Applied files whose content changed since. */
  readonly modified: readonly MigrationFile[];
  readonly currentVersion: number;
}

export class MigrationError extends Error {
  override name = 'MigrationError';
}

const FILE_PATTERN = /^(\d{4})_([a-z0-9_]+)\.sql$/;

export function checksumOf(sql: string): string {
  return createHash('sha256').update(sql.replace(/\r\n/g, '\n')).digest('hex');
}

export function readMigrationFiles(directory = MIGRATIONS_DIR): MigrationFile[] {
  return readdirSync(directory)
    .filter((fileName) => fileName.endsWith('.sql'))
    .sort()
    .map((fileName) => {
      const match = FILE_PATTERN.exec(fileName);
      if (!match) throw new MigrationError(`Migration file ${fileName} is not named NNNN_verb_object.sql.`);
      const sql = readFileSync(path.join(directory, fileName), 'utf8');
      return {
        version: Number(match[1]),
        description: match[2]!.replace(/_/g, ' '),
        fileName,
        sql,
        checksum: checksumOf(sql),
      };
    });
}

async function readApplied(db: Queryable): Promise<AppliedMigration[]> {
  const exists = await db.query<{ present: boolean }>(
    "SELECT to_regclass('public.schema_version') IS NOT NULL AS present",
  );
  if (!exists.rows[0]?.present) return [];
  const result = await db.query<AppliedMigration>(
    `SELECT version, description, checksum, installed_on AS "installedOn"
       FROM schema_version ORDER BY version`,
  );
  return result.rows;
}

export async function migrationStatus(db: Queryable, files = readMigrationFiles()): Promise<MigrationStatus> {
  const applied = await readApplied(db);
  const appliedByVersion = new Map(applied.map((migration) => [migration.version, migration]));
  const known = new Set(files.map((file) => file.version));
  return {
    applied,
    pending: files.filter((file) => !appliedByVersion.has(file.version)),
    unknown: applied.filter((migration) => !known.has(migration.version)),
    modified: files.filter((file) => {
      const recorded = appliedByVersion.get(file.version)?.checksum;
      return recorded !== undefined && recorded !== null && recorded !== file.checksum;
    }),
    currentVersion: applied.reduce((highest, migration) => Math.max(highest, migration.version), 0),
  };
}

/** 64-bit key of the advisory lock that serialises concurrent `migrate` runs across instances. */
const MIGRATION_LOCK_KEY = 4_242_001;

export interface MigrateOptions {
  readonly files?: readonly MigrationFile[];
  readonly onApply?: (file: MigrationFile) => void;
}

/**
 * Applies pending migrations in order, each file as its own transaction (the file holds BEGIN/COMMIT
 * and records itself, so it means the same under `psql -f`). Refuses when an applied file changed
 * or the database holds versions this build does not know.
 */
export async function migrate(db: Database, options: MigrateOptions = {}): Promise<MigrationFile[]> {
  const files = options.files ? [...options.files] : readMigrationFiles();
  return db.withConnection(async (connection) => {
    await connection.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
    // A migration rewrites whole tables (10,000,000 audit rows take minutes): the statement timeout that
    // guards requests does not apply to it. The connection goes back to the pool with it restored.
    await connection.query('SET statement_timeout = 0');
    try {
      const status = await migrationStatus(connection, files);
      assertConsistent(status);
      const applied: MigrationFile[] = [];
      for (const file of status.pending) {
        try {
          await connection.executeScript(file.sql);
        } catch (error) {
          await connection.executeScript('ROLLBACK').catch(() => undefined);
          throw new MigrationError(
            `Migration ${file.fileName} failed and was rolled back: ${(error as Error).message}`,
          );
        }
        const recorded = await connection.query(
          'UPDATE schema_version SET checksum = $1 WHERE version = $2',
          [file.checksum, file.version],
        );
        if (recorded.rowCount !== 1) {
          throw new MigrationError(
            `Migration ${file.fileName} ran but did not record itself in schema_version.`,
          );
        }
        applied.push(file);
        options.onApply?.(file);
      }
      // Files applied by hand with psql have no checksum yet: adopt the current content.
      for (const migration of status.applied) {
        const file = files.find((candidate) => candidate.version === migration.version);
        if (file && migration.checksum === null) {
          await connection.query('UPDATE schema_version SET checksum = $1 WHERE version = $2', [
            file.checksum,
            file.version,
          ]);
        }
      }
      return applied;
    } finally {
      await connection.query('RESET statement_timeout');
      await connection.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]);
    }
  });
}

export function assertConsistent(status: MigrationStatus): void {
  if (status.unknown.length > 0) {
    throw new MigrationError(
      `The database schema (version ${status.currentVersion}) is newer than this MediSys build, which knows up to ` +
        `${Math.max(0, ...status.applied.filter((m) => !status.unknown.includes(m)).map((m) => m.version))}. ` +
        'Run the MediSys release that matches the database, or restore a backup taken before the upgrade.',
    );
  }
  if (status.modified.length > 0) {
    throw new MigrationError(
      `Applied migration file(s) changed since they ran: ${status.modified.map((file) => file.fileName).join(', ')}. ` +
        'Restore the original file(s); schema changes go in a new migration.',
    );
  }
}
