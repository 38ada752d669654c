import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { PGlite, types, type Transaction as PGliteTransaction } from '@electric-sql/pglite';
import { btree_gist } from '@electric-sql/pglite/contrib/btree_gist';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
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
  statementText,
} from './database.js';
import { acquireDirectoryLock, type DirectoryLock } from './directory-lock.js';
import { migrate } from './migrator.js';

export interface EmbeddedOptions {
  /** Folder of the database files; undefined keeps the database in memory (tests). */
  readonly dataDir?: string;
  /** A data folder image from `dumpDataDir()` to start from (tests start from a migrated template). */
  readonly image?: Blob;
}

/**
 * A data folder made at build time (`npm run build`): initialised and migrated to this build's schema,
 * so a first start loads it in about a second instead of running initdb and every migration. It is
 * made by the installed PGlite, so it always matches its version; without it, PGlite runs initdb and
 * the migrator applies the schema as usual.
 */
export const EMBEDDED_TEMPLATE = fileURLToPath(new URL('../../dist/embedded-template.tar', import.meta.url));

function isInitialised(dataDir: string): boolean {
  return existsSync(path.join(dataDir, 'PG_VERSION'));
}

function templateImage(): Blob | undefined {
  return existsSync(EMBEDDED_TEMPLATE) ? new Blob([readFileSync(EMBEDDED_TEMPLATE)]) : undefined;
}

const parsers = {
  [types.DATE]: (value: string): string => value,
  [types.INT8]: (value: string): number => Number(value),
  [types.NUMERIC]: (value: string): number => Number(value),
};

/**
 * Embedded PostgreSQL (PGlite, PostgreSQL compiled to WebAssembly) for a first run with no server.
 * It has a single connection, so every query and transaction runs one at a time; the statistics
 * report that as a pool of one.
 */
export class EmbeddedDatabase implements Database {
  readonly kind = 'embedded' as const;
  /** Queries and transactions started and not yet finished; PGlite runs them one at a time. */
  private inFlight = 0;

  private constructor(
    private readonly pglite: PGlite,
    private readonly lock: DirectoryLock | undefined,
  ) {}

  static async open(options: EmbeddedOptions): Promise<EmbeddedDatabase> {
    let lock: DirectoryLock | undefined;
    if (options.dataDir) {
      mkdirSync(options.dataDir, { recursive: true });
      lock = acquireDirectoryLock(options.dataDir);
    }
    try {
      const fresh = options.dataDir === undefined || !isInitialised(options.dataDir);
      const image = options.image ?? (fresh ? templateImage() : undefined);
      const pglite = await PGlite.create({
        ...(options.dataDir ? { dataDir: options.dataDir } : {}),
        ...(image ? { loadDataDir: image } : {}),
        extensions: { pg_trgm, btree_gist },
        parsers,
      });
      return new EmbeddedDatabase(pglite, lock);
    } catch (error) {
      lock?.release();
      throw error;
    }
  }

  private async track<T>(work: () => Promise<T>): Promise<T> {
    this.inFlight++;
    try {
      return await work();
    } finally {
      this.inFlight--;
    }
  }

  async query<Row>(statement: Statement, params?: readonly unknown[]): Promise<QueryResult<Row>> {
    return this.track(async () => {
      const result = await this.pglite.query<Row>(statementText(statement), params as unknown[]);
      return { rows: result.rows, rowCount: result.affectedRows || result.rows.length };
    });
  }

  async transaction<T>(work: (tx: Transaction) => Promise<T>, options?: TransactionOptions): Promise<T> {
    return withRetries(async () => {
      const afterCommit = new AfterCommitQueue();
      const result = await this.track(() =>
        this.pglite.transaction(async (tx) => {
          if (options?.isolation || options?.readOnly) {
            await tx.query(beginStatement(options).replace('BEGIN', 'SET TRANSACTION'));
          }
          return work({ ...transactionQueryable(tx), afterCommit: (callback) => afterCommit.add(callback) });
        }),
      );
      afterCommit.run();
      return result;
    });
  }

  async executeScript(sql: string): Promise<void> {
    await this.pglite.exec(sql);
  }

  async withConnection<T>(
    work: (connection: Queryable & { executeScript(sql: string): Promise<void> }) => Promise<T>,
  ): Promise<T> {
    return work({
      query: (text, params) => this.query(text, params),
      executeScript: (sql) => this.executeScript(sql),
    });
  }

  listen(channel: string, handlers: ListenHandlers): Subscription {
    // One process owns the data directory, so every change is made here and notified in-process.
    const subscribed = this.pglite.listen(checkedChannel(channel), handlers.onMessage).then(
      (unlisten) => {
        handlers.onState(true);
        return unlisten;
      },
      () => {
        // Without the subscription nothing may rely on hearing changes: the subscriber stays told so.
        handlers.onState(false);
        return async () => undefined;
      },
    );
    return {
      close: async () => {
        handlers.onState(false);
        if (!this.pglite.closed) await (await subscribed)();
      },
    };
  }

  async ping(timeoutMs: number): Promise<number> {
    const started = performance.now();
    await withTimeout(this.query('SELECT 1'), timeoutMs, `database did not answer within ${timeoutMs} ms`);
    return performance.now() - started;
  }

  statistics(): PoolStatistics {
    const active = Math.min(this.inFlight, 1);
    return { active, idle: 1 - active, pending: Math.max(0, this.inFlight - 1), max: 1 };
  }

  connectionFailures(): number {
    return 0;
  }

  /** The data folder as an image, for test templates and embedded backups. */
  async dumpImage(): Promise<Blob> {
    return this.pglite.dumpDataDir('none');
  }

  /**
   * A plain-SQL dump by PGlite's own pg_dump (WebAssembly; it writes into an in-memory file system,
   * so no unencrypted copy touches the disk). `args` are pg_dump options; PGlite's pg_dump always
   * adds `--inserts`, since it has no COPY stream.
   */
  async dumpSql(args: readonly string[]): Promise<string> {
    const { pgDump } = await import('@electric-sql/pglite-tools/pg_dump');
    const file = await this.track(() => pgDump({ pg: this.pglite, args: [...args] }));
    return file.text();
  }

  /**
   * Writes an initialised data folder with this build's migrations applied to `file` (see
   * EMBEDDED_TEMPLATE), so a first start neither runs initdb nor migrates.
   */
  static async writeTemplate(file: string): Promise<void> {
    const db = new EmbeddedDatabase(
      await PGlite.create({ extensions: { pg_trgm, btree_gist }, parsers }),
      undefined,
    );
    try {
      await migrate(db);
      const image = await db.pglite.dumpDataDir('none');
      writeFileSync(file, Buffer.from(await image.arrayBuffer()));
    } finally {
      await db.close();
    }
  }

  async close(): Promise<void> {
    try {
      if (!this.pglite.closed) await this.pglite.close();
    } finally {
      this.lock?.release();
    }
  }
}

function transactionQueryable(tx: PGliteTransaction): Queryable {
  return {
    async query<Row>(statement: Statement, params?: readonly unknown[]): Promise<QueryResult<Row>> {
      const result = await tx.query<Row>(statementText(statement), params as unknown[]);
      return { rows: result.rows, rowCount: result.affectedRows || result.rows.length };
    },
  };
}
