import type { Queryable } from '../../db/index.js';
import { insertAuditEvents, type AuditEventRow } from './audit.repository.js';

interface Pending {
  readonly row: AuditEventRow;
  resolve(): void;
  reject(error: unknown): void;
}

/** Rows per INSERT: 11 parameters each, well under PostgreSQL's 65,535. */
const MAX_BATCH = 500;

/**
 * Writes audit rows that stand alone (a read, a search: no change to commit them with) in batches, like
 * a group commit: while one INSERT is in flight the rows that arrive wait, then go together in the next.
 * Each caller's promise settles once its own row has committed, so a response still leaves only after
 * its audit row is stored; a row that arrives when nothing is in flight is written at once (no timer, no
 * added latency). Under load, one commit (one WAL flush) carries many reads' rows.
 * If a batch fails, its rows are written one by one, so that one bad row fails only its own request.
 */
export class AuditBatchWriter {
  private queue: Pending[] = [];
  private writing = false;

  constructor(private readonly db: Queryable) {}

  write(row: AuditEventRow): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.queue.push({ row, resolve, reject });
      if (!this.writing) void this.drain();
    });
  }

  private async drain(): Promise<void> {
    this.writing = true;
    try {
      while (this.queue.length > 0) {
        const batch = this.queue.splice(0, MAX_BATCH);
        try {
          await insertAuditEvents(
            this.db,
            batch.map((pending) => pending.row),
          );
          for (const pending of batch) pending.resolve();
        } catch (error) {
          if (batch.length === 1) batch[0]!.reject(error);
          else await this.oneByOne(batch);
        }
      }
    } finally {
      this.writing = false;
    }
  }

  private async oneByOne(batch: readonly Pending[]): Promise<void> {
    for (const pending of batch) {
      try {
        await insertAuditEvents(this.db, [pending.row]);
        pending.resolve();
      } catch (error) {
        pending.reject(error);
      }
    }
  }
}
