import path from 'node:path';
import type { AppConfig } from '../config/load.js';
import type { Database } from './database.js';
import { EmbeddedDatabase } from './embedded.js';
import { PostgresDatabase } from './postgres.js';

export type {
  Database,
  Queryable,
  Transaction,
  QueryResult,
  PoolStatistics,
  PreparedStatement,
  Statement,
} from './database.js';
export { inOneStatement, prepared, sqlState, statementText, withRetries } from './database.js';
export { EmbeddedDatabase } from './embedded.js';
export { PostgresDatabase } from './postgres.js';
export { DirectoryLockedError } from './directory-lock.js';
export {
  migrate,
  migrationStatus,
  assertConsistent,
  MigrationError,
  readMigrationFiles,
} from './migrator.js';

/** Where the embedded database keeps its files. */
export function embeddedDataDir(config: AppConfig): string {
  return path.join(config.dataDir, 'db');
}

/** Opens the configured database: PostgreSQL when `datasource.url` is set, else the embedded one. */
export async function openDatabase(config: AppConfig, onError?: (error: Error) => void): Promise<Database> {
  if (config.datasource.url) {
    return new PostgresDatabase({
      url: config.datasource.url,
      ...config.datasource.pool,
      statementTimeoutMs: config.datasource.statementTimeoutMs,
      ...(onError ? { onError } : {}),
    });
  }
  return EmbeddedDatabase.open({ dataDir: embeddedDataDir(config) });
}
