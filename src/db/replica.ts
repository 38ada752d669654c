import type { AppConfig } from '../config/load.js';
import { ServiceUnavailableError } from '../shared/errors.js';
import {
  AfterCommitQueue,
  beginStatement,
  sqlState,
  type Database,
  type PoolStatistics,
  type Queryable,
  type QueryResult,
  type Transaction,
  type TransactionOptions,
  type ListenHandlers,
  type Subscription,
  type Statement,
} from './database.js';
import { PostgresDatabase } from './postgres.js';
import { ReplicaMonitor, type ReplicaStatus, type ReplicaUnusableReason } from './replica-monitor.js';

export type { ReplicaStatus, ReplicaUnusableReason } from './replica-monitor.js';

/** The replica is optional: a read waits this long for a connection to it before using the primary. */
const REPLICA_CONNECTION_TIMEOUT_MS = 1000;
/** How long a read waits for the replica to replay what the primary had flushed when the read began. */
const CATCH_UP_WAIT_MS = 50;

/** Where one routed read went, and why: for the reads counter and for tests. */
export type ReadRoute =
  | { readonly source: 'replica' }
  | { readonly source: 'primary'; readonly reason: ReplicaUnusableReason | 'behind' | 'failed' };

/**
 * A pool on `datasource.replica-url`, sized like the primary's but opening connections only on demand;
 * undefined when no replica is configured. The caller owns it and closes it.
 */
export function openReplicaDatabase(
  config: AppConfig,
  onError?: (error: Error) => void,
): Database | undefined {
  if (!config.datasource.replicaUrl) return undefined;
  return new PostgresDatabase({
    url: config.datasource.replicaUrl,
    ...config.datasource.pool,
    minimumIdle: 0,
    connectionTimeoutMs: Math.min(config.datasource.pool.connectionTimeoutMs, REPLICA_CONNECTION_TIMEOUT_MS),
    statementTimeoutMs: config.datasource.statementTimeoutMs,
    applicationName: 'medisys-replica',
    ...(onError ? { onError } : {}),
  });
}

/** host:port of a PostgreSQL URL, without user or password. */
export function replicaName(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.hostname}:${parsed.port || '5432'}`;
  } catch {
    return 'replica';
  }
}

export interface ReplicaRoutingOptions {
  readonly name: string;
  readonly maxLagMs: number;
  readonly monitorIntervalMs?: number;
  /** Told where each read went. */
  readonly onRead?: (route: ReadRoute) => void;
  /** Told when the replica stops or starts serving reads (for one log line per change, not per read). */
  readonly onStateChange?: (status: ReplicaStatus) => void;
}

class ReplicaNotFresh extends Error {}

/**
 * The database that read-mostly services read from when a replica is configured. Every read goes to
 * the replica only if the replica has replayed everything the primary had flushed when the read began
 * (checked on the very connection that then runs the read), so a user's own write, made through any
 * instance, is always seen; otherwise, and whenever the replica is down, lagging beyond
 * `datasource.replica-max-lag` or not a standby, the read runs on the primary.
 */
export class ReplicaRoutedDatabase implements Database {
  readonly kind = 'postgres' as const;
  readonly monitor: ReplicaMonitor;

  constructor(
    private readonly primary: Database,
    private readonly replica: Database,
    private readonly options: ReplicaRoutingOptions,
  ) {
    this.monitor = new ReplicaMonitor(primary, replica, {
      name: options.name,
      maxLagMs: options.maxLagMs,
      ...(options.monitorIntervalMs === undefined ? {} : { intervalMs: options.monitorIntervalMs }),
      ...(options.onStateChange ? { onChange: options.onStateChange } : {}),
    });
  }

  start(): void {
    this.monitor.start();
  }

  status(): ReplicaStatus {
    return this.monitor.status();
  }

  async query<Row>(statement: Statement, params?: readonly unknown[]): Promise<QueryResult<Row>> {
    return this.route((db) => db.query<Row>(statement, params));
  }

  async transaction<T>(work: (tx: Transaction) => Promise<T>, options?: TransactionOptions): Promise<T> {
    // A hot standby refuses SERIALIZABLE transactions.
    if (options?.isolation === 'serializable') return this.primary.transaction(work, options);
    return this.route(
      async (connection) => {
        // BEGIN comes after the freshness check, so the snapshot includes what the check saw replayed.
        await connection.query(beginStatement(options));
        const afterCommit = new AfterCommitQueue();
        try {
          const result = await work({ ...connection, afterCommit: (callback) => afterCommit.add(callback) });
          await connection.query('COMMIT');
          afterCommit.run();
          return result;
        } catch (error) {
          await connection.query('ROLLBACK').catch(() => undefined);
          throw error;
        }
      },
      () => this.primary.transaction(work, options),
    );
  }

  listen(channel: string, handlers: ListenHandlers): Subscription {
    return this.primary.listen(channel, handlers);
  }

  async withConnection<T>(
    work: (connection: Queryable & { executeScript(sql: string): Promise<void> }) => Promise<T>,
  ): Promise<T> {
    return this.route(
      (connection) =>
        work({
          ...connection,
          executeScript: async (sql: string) => {
            await connection.query(sql);
          },
        }),
      () => this.primary.withConnection(work),
    );
  }

  /** Scripts change the schema: only ever on the primary. */
  async executeScript(sql: string): Promise<void> {
    await this.primary.executeScript(sql);
  }

  async ping(timeoutMs: number): Promise<number> {
    return this.replica.ping(timeoutMs);
  }

  statistics(): PoolStatistics {
    return this.replica.statistics();
  }

  connectionFailures(): number {
    return this.replica.connectionFailures();
  }

  /** Closes the replica's pool (the primary belongs to the caller). */
  async close(): Promise<void> {
    this.monitor.stop();
    await this.replica.close();
  }

  /**
   * Runs `work` on a fresh-enough replica connection, else on the primary (`onPrimary`, by default the
   * same work on a primary connection). Only reads come here, so running one twice is harmless.
   */
  private async route<T>(work: (db: Queryable) => Promise<T>, onPrimary?: () => Promise<T>): Promise<T> {
    const fallback = (reason: ReplicaUnusableReason | 'behind' | 'failed'): Promise<T> => {
      this.options.onRead?.({ source: 'primary', reason });
      return onPrimary ? onPrimary() : this.primary.withConnection((connection) => work(connection));
    };
    const unusable = this.monitor.status().unusable;
    if (unusable) return fallback(unusable);
    const target = await this.primaryPosition();
    try {
      const result = await this.replica.withConnection(async (connection) => {
        if (!(await this.caughtUp(connection, target))) throw new ReplicaNotFresh();
        return work(connection);
      });
      this.options.onRead?.({ source: 'replica' });
      return result;
    } catch (error) {
      if (error instanceof ReplicaNotFresh) return fallback('behind');
      if (error instanceof ServiceUnavailableError) {
        this.monitor.reportUnreachable(error);
        return fallback('failed');
      }
      // A standby cancels queries that conflict with replay (40001); the primary has no such conflict.
      if (sqlState(error) === '40001') return fallback('failed');
      throw error;
    }
  }

  /** The primary's flushed WAL position now: any write acknowledged before this read lies at or before it. */
  private async primaryPosition(): Promise<string> {
    const result = await this.primary.query<{ lsn: string }>(
      'SELECT pg_current_wal_flush_lsn()::text AS lsn',
    );
    return result.rows[0]!.lsn;
  }

  private async caughtUp(connection: Queryable, target: string): Promise<boolean> {
    const deadline = performance.now() + CATCH_UP_WAIT_MS;
    for (let delayMs = 1; ; delayMs *= 2) {
      const result = await connection.query<{ caughtUp: boolean | null }>(
        'SELECT pg_last_wal_replay_lsn() >= $1::pg_lsn AS "caughtUp"',
        [target],
      );
      if (result.rows[0]?.caughtUp === true) return true;
      if (performance.now() + delayMs > deadline) return false;
      await new Promise((resolve) => setTimeout(resolve, delayMs));
    }
  }
}
