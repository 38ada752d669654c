import type { Queryable } from '../../db/index.js';
import { GENESIS_HASH, rowHash } from './audit-chain.js';
import {
  countChain,
  findSealedAfter,
  findSealedAt,
  findSealedByHash,
  type ChainHead,
} from './audit-seal.repository.js';

export type ChainFindingKind = 'edited' | 'deleted' | 'reordered' | 'replaced' | 'anchor';

/** One break in the chain, naming the row (audit_events.id) and its position (chain_seq). */
export interface ChainFinding {
  readonly kind: ChainFindingKind;
  readonly eventId: string | null;
  readonly chainSeq: number;
  readonly message: string;
}

export interface ChainVerification {
  readonly checked: number;
  readonly head: ChainHead | undefined;
  /** Rows not sealed yet (written since the last sealing pass); they are checked once sealed. */
  readonly unsealed: number;
  readonly oldestUnsealedAt: Date | null;
  readonly findings: readonly ChainFinding[];
}

export interface VerifyOptions {
  readonly batchSize?: number;
  readonly onProgress?: (checked: number, total: number) => void;
  /** A head logged earlier (AUDIT_CHAIN_SEALED in audit.log): the chain must still hold it. */
  readonly anchor?: ChainHead | undefined;
  /** Stop collecting after this many findings (one tampering can break many links). */
  readonly maxFindings?: number;
}

/**
 * Walks the sealed chain in order and reports every row whose content no longer matches its hash
 * (edited), every sealed row that is gone and every gap in positions (deleted), and every link that points elsewhere: to a row that sits
 * at another position (reordered) or to no row at all (the row before was replaced, or edited with its
 * hash recomputed). Removing the newest rows leaves no gap; a logged head given as `anchor` finds that.
 */
export async function verifyAuditChain(
  db: Queryable,
  options: VerifyOptions = {},
): Promise<ChainVerification> {
  const batchSize = options.batchSize ?? 5000;
  const maxFindings = options.maxFindings ?? 100;
  const counts = await countChain(db);
  const findings: ChainFinding[] = [];
  const report = (finding: ChainFinding): void => {
    if (findings.length < maxFindings) findings.push(finding);
  };
  let previous: { id: string | null; chainSeq: number; rowHash: string } = {
    id: null,
    chainSeq: 0,
    rowHash: GENESIS_HASH,
  };
  let checked = 0;
  for (;;) {
    const rows = await findSealedAfter(db, previous.chainSeq, batchSize);
    for (const seal of rows) {
      if (seal.row === null) {
        report({
          kind: 'deleted',
          eventId: seal.eventId,
          chainSeq: seal.chainSeq,
          message: `audit event ${seal.eventId} (chain position ${seal.chainSeq}) was deleted after it was sealed: its seal remains, the row is gone.`,
        });
      } else if (rowHash(seal.row, seal.prevHash) !== seal.rowHash) {
        report({
          kind: 'edited',
          eventId: seal.eventId,
          chainSeq: seal.chainSeq,
          message: `audit event ${seal.eventId} (chain position ${seal.chainSeq}) was edited after it was sealed: its content no longer matches its hash.`,
        });
      }
      const after = previous.id === null ? 'the start of the chain' : `audit event ${previous.id}`;
      if (seal.chainSeq !== previous.chainSeq + 1) {
        const missing = seal.chainSeq - previous.chainSeq - 1;
        report({
          kind: 'deleted',
          eventId: seal.eventId,
          chainSeq: seal.chainSeq,
          message: `${missing} audit event(s) deleted with their seals between ${after} and audit event ${seal.eventId} (chain positions ${previous.chainSeq + 1}-${seal.chainSeq - 1} are missing).`,
        });
      } else if (seal.prevHash !== previous.rowHash) {
        const linked = await findSealedByHash(db, seal.prevHash);
        report(
          linked
            ? {
                kind: 'reordered',
                eventId: seal.eventId,
                chainSeq: seal.chainSeq,
                message: `audit event ${seal.eventId} (chain position ${seal.chainSeq}) was reordered: it was sealed after audit event ${linked.id} (now at position ${linked.chainSeq}) but now follows ${after}.`,
              }
            : {
                kind: 'replaced',
                eventId: previous.id,
                chainSeq: previous.chainSeq,
                message: `${previous.id === null ? 'the first audit event' : `audit event ${previous.id} (chain position ${previous.chainSeq})`} is not the row audit event ${seal.eventId} was chained to: it was replaced, or edited with its hash recomputed.`,
              },
        );
      }
      previous = { id: seal.eventId, chainSeq: seal.chainSeq, rowHash: seal.rowHash };
    }
    checked += rows.length;
    options.onProgress?.(checked, counts.sealed);
    if (rows.length < batchSize) break;
  }
  if (options.anchor) {
    const anchored = await findSealedAt(db, options.anchor.chainSeq);
    if (!anchored || anchored.rowHash !== options.anchor.rowHash) {
      report({
        kind: 'anchor',
        eventId: anchored?.id ?? null,
        chainSeq: options.anchor.chainSeq,
        message: anchored
          ? `chain position ${options.anchor.chainSeq} (audit event ${anchored.id}) no longer has the logged hash: the chain was rewritten from there or before.`
          : `chain position ${options.anchor.chainSeq} was logged as sealed but is gone: the newest audit events were deleted.`,
      });
    }
  }
  return {
    checked,
    head: previous.chainSeq === 0 ? undefined : { chainSeq: previous.chainSeq, rowHash: previous.rowHash },
    unsealed: counts.unsealed,
    oldestUnsealedAt: counts.oldestUnsealedAt,
    findings,
  };
}
