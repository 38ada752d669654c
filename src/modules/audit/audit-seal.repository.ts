import type { Queryable } from '../../db/index.js';
import { CHAINED_COLUMNS, type ChainedRow } from './audit-chain.js';

/** Key of the advisory lock held while sealing: one sealer at a time across every instance. */
export const SEAL_LOCK_KEY = 0x6d656469_73656c31n;

export interface ChainHead {
  readonly chainSeq: number;
  readonly rowHash: string;
}

export interface SealedRow extends ChainedRow {
  readonly chainSeq: number;
  readonly prevHash: string;
  readonly rowHash: string;
}

/** Takes the sealing lock for this transaction if no other sealer has it. */
export async function trySealLock(db: Queryable): Promise<boolean> {
  const result = await db.query<{ locked: boolean }>(
    'SELECT pg_try_advisory_xact_lock($1::bigint) AS locked',
    [SEAL_LOCK_KEY.toString()],
  );
  return result.rows[0]!.locked;
}

export async function findChainHead(db: Queryable): Promise<ChainHead | undefined> {
  const result = await db.query<{ chainSeq: string; rowHash: string }>(
    `SELECT chain_seq::text AS "chainSeq", row_hash AS "rowHash" FROM audit_events
      WHERE chain_seq IS NOT NULL ORDER BY chain_seq DESC LIMIT 1`,
  );
  const head = result.rows[0];
  return head ? { chainSeq: Number(head.chainSeq), rowHash: head.rowHash } : undefined;
}

/** Committed rows not yet sealed, oldest id first. */
export async function findUnsealed(db: Queryable, limit: number): Promise<ChainedRow[]> {
  const result = await db.query<ChainedRow>(
    `SELECT ${CHAINED_COLUMNS} FROM audit_events WHERE chain_seq IS NULL ORDER BY id LIMIT $1`,
    [limit],
  );
  return result.rows;
}

export async function storeSeals(
  db: Queryable,
  seals: readonly { id: string; chainSeq: number; prevHash: string; rowHash: string }[],
): Promise<void> {
  await db.query(
    `UPDATE audit_events AS e SET chain_seq = s."chainSeq", prev_hash = s."prevHash", row_hash = s."rowHash"
       FROM jsonb_to_recordset($1::jsonb) AS s(id bigint, "chainSeq" bigint, "prevHash" text, "rowHash" text)
      WHERE e.id = s.id AND e.chain_seq IS NULL`,
    [JSON.stringify(seals)],
  );
}

/** Sealed rows after `afterSeq`, in chain order (keyset paging for the verifier). */
export async function findSealedAfter(db: Queryable, afterSeq: number, limit: number): Promise<SealedRow[]> {
  const result = await db.query<SealedRow & { chainSeq: string }>(
    `SELECT ${CHAINED_COLUMNS}, chain_seq::text AS "chainSeq", prev_hash AS "prevHash", row_hash AS "rowHash"
       FROM audit_events WHERE chain_seq > $1 ORDER BY chain_seq LIMIT $2`,
    [afterSeq, limit],
  );
  return result.rows.map((row) => ({ ...row, chainSeq: Number(row.chainSeq) }));
}

/** The sealed row whose own hash is `hash`, if any: where a row that names it as predecessor belongs. */
export async function findSealedByHash(
  db: Queryable,
  hash: string,
): Promise<{ id: string; chainSeq: number } | undefined> {
  const result = await db.query<{ id: string; chainSeq: string }>(
    `SELECT id::text AS id, chain_seq::text AS "chainSeq" FROM audit_events WHERE row_hash = $1 LIMIT 1`,
    [hash],
  );
  const row = result.rows[0];
  return row ? { id: row.id, chainSeq: Number(row.chainSeq) } : undefined;
}

export async function findSealedAt(
  db: Queryable,
  chainSeq: number,
): Promise<{ id: string; rowHash: string } | undefined> {
  const result = await db.query<{ id: string; rowHash: string }>(
    `SELECT id::text AS id, row_hash AS "rowHash" FROM audit_events WHERE chain_seq = $1`,
    [chainSeq],
  );
  return result.rows[0];
}

export async function countChain(
  db: Queryable,
): Promise<{ sealed: number; unsealed: number; oldestUnsealedAt: Date | null }> {
  const result = await db.query<{ sealed: number; unsealed: number; oldestUnsealedAt: Date | null }>(
    `SELECT count(*) FILTER (WHERE chain_seq IS NOT NULL)::int AS sealed,
            count(*) FILTER (WHERE chain_seq IS NULL)::int AS unsealed,
            min(occurred_at) FILTER (WHERE chain_seq IS NULL) AS "oldestUnsealedAt"
       FROM audit_events`,
  );
  return result.rows[0]!;
}
