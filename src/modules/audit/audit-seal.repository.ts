import type { Queryable } from '../../db/index.js';
import { CHAINED_COLUMNS, type ChainedRow } from './audit-chain.js';

/** Key of the advisory lock held while sealing: one sealer at a time across every instance. */
export const SEAL_LOCK_KEY = 0x6d656469_73656c31n;

export interface ChainHead {
  readonly chainSeq: number;
  readonly rowHash: string;
}

export interface Seal {
  readonly id: string;
  readonly chainSeq: number;
  readonly prevHash: string;
  readonly rowHash: string;
}

/** A seal in chain order with the audit row it seals, or `row: null` where that row is gone. */
export interface SealedRow {
  readonly eventId: string;
  readonly chainSeq: number;
  readonly prevHash: string;
  readonly rowHash: string;
  readonly row: ChainedRow | null;
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
    `SELECT chain_seq::text AS "chainSeq", row_hash AS "rowHash" FROM audit_seals
      ORDER BY chain_seq DESC LIMIT 1`,
  );
  const head = result.rows[0];
  return head ? { chainSeq: Number(head.chainSeq), rowHash: head.rowHash } : undefined;
}

/** The highest audit row id sealed so far ('0' before the first seal): newer rows lie above it. */
export async function findSealFrontier(db: Queryable): Promise<string> {
  const result = await db.query<{ id: string }>(
    'SELECT coalesce(max(event_id), 0)::text AS id FROM audit_seals',
  );
  return result.rows[0]!.id;
}

/** Committed rows above the frontier, oldest id first. */
export async function findUnsealedAfter(
  db: Queryable,
  frontier: string,
  limit: number,
): Promise<ChainedRow[]> {
  const result = await db.query<ChainedRow>(
    `SELECT ${CHAINED_COLUMNS} FROM audit_events WHERE id > $1 ORDER BY id LIMIT $2`,
    [frontier, limit],
  );
  return result.rows;
}

/** Rows that were not committed when the sealer passed their id and have committed since. */
export async function findCommittedGaps(db: Queryable): Promise<ChainedRow[]> {
  const result = await db.query<ChainedRow>(
    `SELECT ${CHAINED_COLUMNS} FROM audit_events
      WHERE id IN (SELECT event_id FROM audit_seal_gaps) ORDER BY id`,
  );
  return result.rows;
}

export async function storeSeals(db: Queryable, seals: readonly Seal[]): Promise<void> {
  await db.query(
    `INSERT INTO audit_seals (chain_seq, event_id, prev_hash, row_hash)
     SELECT s."chainSeq", s.id, s."prevHash", s."rowHash"
       FROM jsonb_to_recordset($1::jsonb) AS s(id bigint, "chainSeq" bigint, "prevHash" text, "rowHash" text)`,
    [JSON.stringify(seals)],
  );
}

/**
 * Remembers ids the sealer passed over with no committed row, with the first transaction id that was not
 * yet running at that moment: a transaction that could still commit such a row is older than that.
 */
export async function recordGaps(db: Queryable, ids: readonly string[]): Promise<void> {
  if (ids.length === 0) return;
  await db.query(
    `INSERT INTO audit_seal_gaps (event_id, running_before)
     SELECT id::bigint, pg_snapshot_xmax(pg_current_snapshot()) FROM jsonb_array_elements_text($1::jsonb) AS id
     ON CONFLICT (event_id) DO NOTHING`,
    [JSON.stringify(ids)],
  );
}

/**
 * Forgets gaps that are sealed now, and gaps whose row can no longer appear: it is not there, and every
 * transaction that was running when the gap was noticed has ended (one statement, one snapshot, so a
 * row committed in between is seen). The age condition covers the instant between a transaction taking
 * an id and taking a transaction id. Returns how many rolled-back ids were let go.
 */
export async function settleGaps(db: Queryable, minimumAgeSeconds: number): Promise<number> {
  await db.query('DELETE FROM audit_seal_gaps g USING audit_seals s WHERE s.event_id = g.event_id');
  const result = await db.query(
    `DELETE FROM audit_seal_gaps g
      WHERE g.running_before <= pg_snapshot_xmin(pg_current_snapshot())
        AND g.noticed_at < now() - make_interval(secs => $1)
        AND NOT EXISTS (SELECT 1 FROM audit_events e WHERE e.id = g.event_id)`,
    [minimumAgeSeconds],
  );
  return result.rowCount;
}

/** Seals after `afterSeq` with their rows, in chain order (keyset paging for the verifier). */
export async function findSealedAfter(db: Queryable, afterSeq: number, limit: number): Promise<SealedRow[]> {
  const result = await db.query<
    ChainedRow & { chainSeq: string; eventId: string; prevHash: string; rowHash: string; present: boolean }
  >(
    `SELECT ${CHAINED_COLUMNS}, s.chain_seq::text AS "chainSeq", s.event_id::text AS "eventId",
            s.prev_hash AS "prevHash", s.row_hash AS "rowHash", e.id IS NOT NULL AS present
       FROM audit_seals s LEFT JOIN audit_events e ON e.id = s.event_id
      WHERE s.chain_seq > $1 ORDER BY s.chain_seq LIMIT $2`,
    [afterSeq, limit],
  );
  return result.rows.map(({ chainSeq, eventId, prevHash, rowHash, present, ...row }) => ({
    eventId,
    chainSeq: Number(chainSeq),
    prevHash,
    rowHash,
    row: present ? row : null,
  }));
}

/** The seal whose own hash is `hash`, if any: where a row that names it as predecessor belongs. */
export async function findSealedByHash(
  db: Queryable,
  hash: string,
): Promise<{ id: string; chainSeq: number } | undefined> {
  const result = await db.query<{ id: string; chainSeq: string }>(
    `SELECT event_id::text AS id, chain_seq::text AS "chainSeq" FROM audit_seals WHERE row_hash = $1 LIMIT 1`,
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
    `SELECT event_id::text AS id, row_hash AS "rowHash" FROM audit_seals WHERE chain_seq = $1`,
    [chainSeq],
  );
  return result.rows[0];
}

export async function countChain(
  db: Queryable,
): Promise<{ sealed: number; unsealed: number; oldestUnsealedAt: Date | null }> {
  const result = await db.query<{ sealed: number; unsealed: number; oldestUnsealedAt: Date | null }>(
    `SELECT (SELECT count(*) FROM audit_seals)::int AS sealed, count(*)::int AS unsealed,
            min(e.occurred_at) AS "oldestUnsealedAt"
       FROM audit_events e WHERE NOT EXISTS (SELECT 1 FROM audit_seals s WHERE s.event_id = e.id)`,
  );
  return result.rows[0]!;
}
