import type { Database, Queryable } from '../../db/index.js';
import type { Loggers } from '../../observability/logger.js';
import { GENESIS_HASH, rowHash, type ChainedRow } from './audit-chain.js';
import {
  findChainHead,
  findCommittedGaps,
  findSealFrontier,
  findUnsealedAfter,
  recordGaps,
  settleGaps,
  storeSeals,
  trySealLock,
  type ChainHead,
} from './audit-seal.repository.js';

const BATCH_SIZE = 1000;
/** More passed-over ids than this in one batch is a jump of the id sequence, not transactions in flight. */
const MAX_GAPS_PER_BATCH = 10_000;
/** A gap is let go no sooner than this after it was noticed (see `settleGaps`). */
const GAP_MINIMUM_AGE_SECONDS = 60;

export interface SealOptions {
  /** How long a passed-over id is remembered at least (default 60 s; tests use 0). */
  readonly gapMinimumAgeSeconds?: number;
}

export interface SealBatch {
  readonly count: number;
  readonly head: ChainHead;
  /** Rows above the frontier filled the batch: there may be more. */
  readonly more: boolean;
  /** Ids passed over beyond what is remembered as gaps (a jump of the sequence). */
  readonly gapsNotKept: number;
}

/**
 * One sealing batch, inside the caller's transaction (which must hold the sealing lock): up to
 * `BATCH_SIZE` rows above the highest sealed id, and every passed-over row that has committed since,
 * sealed in id order after the chain head; the ids passed over now are remembered as gaps.
 */
export async function sealBatch(tx: Queryable, options: SealOptions = {}): Promise<SealBatch> {
  const current = (await findChainHead(tx)) ?? { chainSeq: 0, rowHash: GENESIS_HASH };
  const frontier = await findSealFrontier(tx);
  const late = await findCommittedGaps(tx);
  const fresh = await findUnsealedAfter(tx, frontier, BATCH_SIZE);
  const rows = [...late, ...fresh].sort((a, b) => compareIds(a.id, b.id));
  let { chainSeq, rowHash: prevHash } = current;
  const seals = rows.map((row) => {
    chainSeq += 1;
    const seal = { id: row.id, chainSeq, prevHash, rowHash: rowHash(row, prevHash) };
    prevHash = seal.rowHash;
    return seal;
  });
  if (seals.length > 0) await storeSeals(tx, seals);
  const passed = passedOver(frontier, fresh);
  await recordGaps(tx, passed.ids);
  await settleGaps(tx, options.gapMinimumAgeSeconds ?? GAP_MINIMUM_AGE_SECONDS);
  return {
    count: seals.length,
    head: { chainSeq, rowHash: prevHash },
    more: fresh.length === BATCH_SIZE,
    gapsNotKept: passed.notKept,
  };
}

function compareIds(a: string, b: string): number {
  return a.length - b.length || (a < b ? -1 : a > b ? 1 : 0);
}

/**
 * Ids between the frontier and the last fresh row that have no committed row (yet), the lowest
 * `MAX_GAPS_PER_BATCH` of them, and how many more there were.
 */
function passedOver(frontier: string, fresh: readonly ChainedRow[]): { ids: string[]; notKept: number } {
  const ids: string[] = [];
  let notKept = 0n;
  let previous = BigInt(frontier);
  for (const row of fresh) {
    const id = BigInt(row.id);
    const span = id - previous - 1n;
    const room = BigInt(MAX_GAPS_PER_BATCH - ids.length);
    const kept = span < room ? span : room;
    for (let step = 1n; step <= kept; step++) ids.push((previous + step).toString());
    notKept += span - kept;
    previous = id;
  }
  return { ids, notKept: Number(notKept) };
}

/**
 * Seals committed audit rows into the hash chain (audit_seals), in id order, shortly after they commit.
 * Requests insert audit rows without touching the chain, so none waits on another, and a row is written
 * once: its seal is a row of its own. Sealing is a background pass under a transaction-scoped advisory
 * lock, so with several instances one seals and the others skip that round. A row that commits late (a
 * long transaction with a lower id) is found through the gap its id left and sealed in a later pass,
 * after rows with higher ids: the chain records seal order, which verify checks.
 */
export class AuditSealer {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<number> | undefined;

  constructor(
    private readonly db: Database,
    private readonly loggers: Loggers,
    private readonly options: SealOptions = {},
  ) {}

  /**
   * Seals everything committed so far (in batches). Returns how many rows this call sealed; 0 also
   * when another instance holds the lock.
   */
  async sealPending(): Promise<number> {
    let sealed = 0;
    let head: ChainHead | undefined;
    for (;;) {
      const batch = await this.db.transaction(async (tx) =>
        (await trySealLock(tx)) ? sealBatch(tx, this.options) : undefined,
      );
      if (!batch) break;
      if (batch.gapsNotKept > 0) {
        this.loggers.app.warn(
          { gapsNotKept: batch.gapsNotKept },
          'audit sealing: the id sequence jumped; rows that commit later in the jump are left to audit verify',
        );
      }
      if (batch.count === 0) break;
      sealed += batch.count;
      head = batch.head;
      if (!batch.more) break;
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
