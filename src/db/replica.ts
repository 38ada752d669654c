import type { AppConfig } from '../config/load.js';
import type { Database } from './database.js';
import { PostgresDatabase } from './postgres.js';

/**
 * A pool on `datasource.replica-url` for read-only work that may lag the primary by a moment (reports,
 * the dashboard), sized and timed like the primary's pool; undefined when no replica is configured,
 * and the caller reads from the primary instead. The caller owns it and closes it.
 */
export function openReplicaDatabase(
  config: AppConfig,
  onError?: (error: Error) => void,
): Database | undefined {
  if (!config.datasource.replicaUrl) return undefined;
  return new PostgresDatabase({
    url: config.datasource.replicaUrl,
    ...config.datasource.pool,
    // The replica only serves reads on demand; it keeps no idle connections open beyond the primary's need.
    minimumIdle: 0,
    statementTimeoutMs: config.datasource.statementTimeoutMs,
    applicationName: 'medisys-replica',
    ...(onError ? { onError } : {}),
  });
}
