import pg from 'pg';
import { ServiceUnavailableError } from '../shared/errors.js';
import {
  beginStatement,
  withRetries,
  withTimeout,
  type Database,
  type PoolStatistics,
  AfterCommitQueue,
  type Queryable,
  type QueryResult,
  type Transaction,
  type TransactionOptions,
  checkedChannel,
  type ListenHandlers,
  type Subscription,
  type Statement,
} from './database.js';

export interface PostgresOptions {
  readonly url: string;
  readonly maximumPoolSize: number;
  readonly minimumIdle: number;
  readonly connectionTimeoutMs: number;
  readonly idleTimeoutMs: number;
  readonly maxLifetimeMs: number;
  readonly statementTimeoutMs: number;
  readonly applicationName?: string;
  readonly onError?: (error: Error) => void;
}

const DATE_OID = 1082;
const INT8_OID = 20;
const NUMERIC_OID = 1700;

/** Dates stay 'YYYY-MM-DD' strings (no time-zone shift); counts and sums come back as numbers. */
const typeOverrides = {
  getTypeParser(oid: number, format?: 'text' | 'binary'): (value: string) => unknown {
    if (oid === DATE_OID) return (value: string) => value;
    if (oid === INT8_OID || oid === NUMERIC_OID) return (value: string) => Number(value);
    return pg.types.getTypeParser(oid, format ?? 'text') as (value: string) => unknown;
  },
};

const CONNECTION_FAILURE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'ENOTFOUND',
  'EHOSTUNREACH',
  'EPIPE',
]);

function isConnectionFailure(error: unknown): boolean {
  const code = (error as { code?: string } | null)?.code;
  if (code && (CONNECTION_FAILURE_CODES.has(code) || code.startsWith('57P') || code.startsWith('08')))
    return true;
  const message = (error as Error | null)?.message ?? '';
  return /timeout exceeded when trying to connect|Connection terminated|connection closed|not queryable/i.test(
    message,
  );
}

/**
 * Settings of every pooled connection. A sequential scan of a table larger than a quarter of
 * shared_buffers starts where another scan of that table last was (synchronize_seqscans), which suits
 * whole-table reports and no search: a patient search that reads only the first few hundred matches of a
 * common name found them at a different place in the table each time (a different list for the same
 * term) and on pages no recent search had read. Off: 200 common-term searches a second at 1,000,000
 * patients took 5-6 ms instead of 9-10 (pgbench, four clients).
 */
export const SESSION_SETTINGS = 'SET synchronize_seqscans = off';

/** A node-postgres pool sized and timed by `datasource.pool.*`. */
export class PostgresDatabase implements Database {
  readonly kind = 'postgres' as const;
  private readonly pool: pg.Pool;
  private failures = 0;

  constructor(private readonly options: PostgresOptions) {
    this.pool = new pg.Pool({
      connectionString: options.url,
      max: options.maximumPoolSize,
      min: options.minimumIdle,
      connectionTimeoutMillis: options.connectionTimeoutMs,
      idleTimeoutMillis: options.idleTimeoutMs,
      maxLifetimeSeconds: Math.ceil(options.maxLifetimeMs / 1000),
      statement_timeout: options.statementTimeoutMs,
      application_name: options.applicationName ?? 'medisys',
      types: typeOverrides,
    });
    // An idle client whose server went away emits here; without a listener the process would crash.
    this.pool.on('error', (error) => options.onError?.(error));
    // Queued before the client's first query, so it runs first; were it to fail, that query fails too.
    this.pool.on('connect', (client) => void client.query(SESSION_SETTINGS).catch(() => undefined));
  }

  private async connect(): Promise<pg.PoolClient> {
    let client: pg.PoolClient;
    try {
      client = await this.pool.connect();
    } catch (error) {
      this.failures++;
      this.options.onError?.(error as Error);
      throw new ServiceUnavailableError();
    }
    // The pool listens for errors only on idle clients. A lent-out client whose server goes away
    // between two queries (a restart while a transaction waits on other work) emits 'error' with no
    // listener, which would crash the process; its next query fails anyway and is answered 503.
    const onError = (error: Error): void => this.options.onError?.(error);
    client.on('error', onError);
    const release = client.release.bind(client);
    client.release = (error?: Error | boolean): void => {
      client.removeListener('error', onError);
      release(error);
    };
    return client;
  }

  private translate(error: unknown): unknown {
    if (isConnectionFailure(error)) return new ServiceUnavailableError();
    return error;
  }

  async query<Row>(statement: Statement, params?: readonly unknown[]): Promise<QueryResult<Row>> {
    const client = await this.connect();
    let broken: Error | undefined;
    try {
      const result = await client.query(queryConfig(statement, params));
      return { rows: result.rows as Row[], rowCount: result.rowCount ?? 0 };
    } catch (error) {
      if (isConnectionFailure(error)) broken = error as Error;
      throw this.translate(error);
    } finally {
      client.release(broken);
    }
  }

  async transaction<T>(work: (tx: Transaction) => Promise<T>, options?: TransactionOptions): Promise<T> {
    return withRetries(async () => {
      const client = await this.connect();
      let broken: Error | undefined;
      try {
        await client.query(beginStatement(options));
        const afterCommit = new AfterCommitQueue();
        const result = await work({
          ...clientQueryable(client),
          afterCommit: (callback) => afterCommit.add(callback),
        });
        await client.query('COMMIT');
        afterCommit.run();
        return result;
      } catch (error) {
        if (isConnectionFailure(error)) broken = error as Error;
        else await client.query('ROLLBACK').catch((rollbackError: Error) => (broken = rollbackError));
        throw this.translate(error);
      } finally {
        client.release(broken);
      }
    });
  }

  async executeScript(sql: string): Promise<void> {
    await this.withConnection((connection) => connection.executeScript(sql));
  }

  async withConnection<T>(
    work: (connection: Queryable & { executeScript(sql: string): Promise<void> }) => Promise<T>,
  ): Promise<T> {
    const client = await this.connect();
    let broken: Error | undefined;
    try {
      return await work({
        ...clientQueryable(client),
        executeScript: async (sql: string) => {
          await client.query(sql);
        },
      });
    } catch (error) {
      if (isConnectionFailure(error)) broken = error as Error;
      throw this.translate(error);
    } finally {
      client.release(broken);
    }
  }

  async ping(timeoutMs: number): Promise<number> {
    const started = performance.now();
    await withTimeout(this.query('SELECT 1'), timeoutMs, `database did not answer within ${timeoutMs} ms`);
    return performance.now() - started;
  }

  statistics(): PoolStatistics {
    const total = this.pool.totalCount;
    const idle = this.pool.idleCount;
    return { active: total - idle, idle, pending: this.pool.waitingCount, max: this.options.maximumPoolSize };
  }

  connectionFailures(): number {
    return this.failures;
  }

  listen(channel: string, handlers: ListenHandlers): Subscription {
    const listener = new Listener(
      {
        connectionString: this.options.url,
        connectionTimeoutMillis: this.options.connectionTimeoutMs,
        application_name: `${this.options.applicationName ?? 'medisys'}-listen`,
      },
      checkedChannel(channel),
      handlers,
    );
    listener.start();
    return listener;
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}

const RECONNECT_MIN_MS = 250;
const RECONNECT_MAX_MS = 5_000;

/**
 * A connection of its own, outside the pool, that holds `LISTEN channel`. When it is lost (a database
 * restart, a terminated backend) the subscriber hears `onState(false)` at once and the listener
 * reconnects with a growing pause; `onState(true)` comes only once LISTEN is in place again.
 */
class Listener implements Subscription {
  private client: pg.Client | undefined;
  private closed = false;
  private pauseMs = RECONNECT_MIN_MS;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly config: pg.ClientConfig,
    private readonly channel: string,
    private readonly handlers: ListenHandlers,
  ) {}

  start(): void {
    void this.connect();
  }

  private async connect(): Promise<void> {
    if (this.closed) return;
    const client = new pg.Client(this.config);
    this.client = client;
    let lost = false;
    const onLoss = (): void => {
      if (lost) return;
      lost = true;
      this.handlers.onState(false);
      client.removeAllListeners('notification');
      void client.end().catch(() => undefined);
      this.retry();
    };
    client.on('error', onLoss);
    client.on('end', onLoss);
    client.on('notification', (message) => {
      if (message.channel === this.channel) this.handlers.onMessage(message.payload ?? '');
    });
    try {
      await client.connect();
      await client.query(`LISTEN ${this.channel}`);
    } catch {
      onLoss();
      return;
    }
    if (this.closed || lost) return;
    this.pauseMs = RECONNECT_MIN_MS;
    this.handlers.onState(true);
  }

  private retry(): void {
    if (this.closed) return;
    this.timer = setTimeout(() => void this.connect(), this.pauseMs);
    this.timer.unref();
    this.pauseMs = Math.min(this.pauseMs * 2, RECONNECT_MAX_MS);
  }

  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.timer);
    const client = this.client;
    this.client = undefined;
    if (!client) return;
    client.removeAllListeners('end');
    client.removeAllListeners('error');
    client.on('error', () => undefined);
    this.handlers.onState(false);
    await client.end().catch(() => undefined);
  }
}

/** node-postgres prepares a named statement on each connection the first time it runs there. */
function queryConfig(statement: Statement, params?: readonly unknown[]): pg.QueryConfig {
  const values = params as unknown[] | undefined;
  return typeof statement === 'string'
    ? { text: statement, values }
    : { name: statement.name, text: statement.text, values };
}

function clientQueryable(client: pg.PoolClient): Queryable {
  return {
    async query<Row>(statement: Statement, params?: readonly unknown[]): Promise<QueryResult<Row>> {
      const result = await client.query(queryConfig(statement, params));
      return { rows: result.rows as Row[], rowCount: result.rowCount ?? 0 };
    },
  };
}
