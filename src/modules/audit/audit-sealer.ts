import type { Database } from '../../db/index.js';
import type { Loggers } from '../../observability/logger.js';
import { GENESIS_HASH, rowHash } from './audit-chain.js';
import { findChainHead, findUnsealed, storeSeals, trySealLock } from './audit-seal.repository.js';

const BATCH_SIZE = 1000;

/**
 * Seals committed audit rows into the hash chain, in id order, shortly after they commit. Requests
 * insert audit rows without touching the chain, so none waits on another; sealing is a background
 * pass under a transaction-scoped advisory lock, so with several instances one seals and the others
 * skip that round. A row that commits late (a long transaction with a lower id) is simply sealed in a
 * later pass, after rows with higher ids: the chain records seal order, which verify checks.
 */
export class AuditSealer {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<number> | undefined;

  constructor(
    private readonly db: Database,
    private readonly loggers: Loggers,
  ) {}

  /**
   * Seals everything committed so far (in batches). Returns how many rows this call sealed; 0 also
   * when another instance holds the lock.
   */
  async sealPending(): Promise<number> {
    let sealed = 0;
    let head: { chainSeq: number; rowHash: string } | undefined;
    for (;;) {
      const batch = await this.db.transaction(async (tx) => {
        if (!(await trySealLock(tx))) return undefined;
        const current = (await findChainHead(tx)) ?? { chainSeq: 0, rowHash: GENESIS_HASH };
        const rows = await findUnsealed(tx, BATCH_SIZE);
        let { chainSeq, rowHash: prevHash } = current;
        const seals = rows.map((row) => {
          chainSeq += 1;
          const seal = { id: row.id, chainSeq, prevHash, rowHash: rowHash(row, prevHash) };
          prevHash = seal.rowHash;
          return seal;
        });
        if (seals.length > 0) await storeSeals(tx, seals);
        return { count: seals.length, head: { chainSeq, rowHash: prevHash } };
      });
      if (!batch || batch.count === 0) break;
      sealed += batch.count;
      head = batch.head;
      if (batch.count < BATCH_SIZE) break;
    }
    // The chain head in audit.log (shipped off the machine) anchors the chain: rewriting the database's
    // chain from some row onward no longer matches the heads logged before.
    if (head) this.loggers.audit.info({ event: 'AUDIT_CHAIN_SEALED', sealed, ...head }, 'AUDIT_CHAIN_SEALED');
    return sealed;
  }

  /** Seals every `intervalMs` until stopped; a failed pass is logged and retried on the next tick. */
  start(intervalMs: number): void {
    if (this.timer) return;
    this.timer = setInterval(() => {
      if (this.running) return;
      this.running = this.sealPending()
        .catch((error: unknown) => {
          this.loggers.app.warn({ err: { message: (error as Error).message } }, 'audit sealing failed');
          return 0;
        })
        .finally(() => {
          this.running = undefined;
        });
    }, intervalMs);
    this.timer.unref();
  }

  /** Stops the timer and waits for a pass in progress, so the pool can close under it. */
  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.running;
  }
}
