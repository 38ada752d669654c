import { createHash } from 'node:crypto';

/** The prev_hash of the first row of the chain. */
export const GENESIS_HASH = '0'.repeat(64);

/**
 * An audit row as the chain hashes it: every recorded column as PostgreSQL prints it (timestamps in
 * UTC with microseconds, details as jsonb text), so sealer and verifier agree on any machine.
 */
export interface ChainedRow {
  readonly id: string;
  readonly occurredAt: string;
  readonly action: string;
  readonly outcome: string;
  readonly actorUserId: string | null;
  readonly actorUsername: string | null;
  readonly actorRole: string | null;
  readonly entityType: string | null;
  readonly entityId: string | null;
  readonly patientId: string | null;
  readonly clientAddress: string | null;
  readonly requestId: string | null;
  readonly details: string;
}

/** The SELECT list that reads a row in the form `rowHash` hashes. */
export const CHAINED_COLUMNS = `id::text AS id,
  to_char(occurred_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS "occurredAt",
  action, outcome, actor_user_id::text AS "actorUserId", actor_username AS "actorUsername",
  actor_role AS "actorRole", entity_type AS "entityType", entity_id AS "entityId",
  patient_id::text AS "patientId", client_address AS "clientAddress", request_id AS "requestId",
  details::text AS details`;

/**
 * SHA-256 over the row's recorded columns and the hash of the row before it. The position in the
 * chain is not hashed: moving a row shows as a broken link rather than as an edit, so verify can say
 * "reordered" and name both rows.
 */
export function rowHash(row: ChainedRow, prevHash: string): string {
  const canonical = JSON.stringify([
    'medisys-audit-v1',
    row.id,
    row.occurredAt,
    row.action,
    row.outcome,
    row.actorUserId,
    row.actorUsername,
    row.actorRole,
    row.entityType,
    row.entityId,
    row.patientId,
    row.clientAddress,
    row.requestId,
    row.details,
    prevHash,
  ]);
  return createHash('sha256').update(canonical).digest('hex');
}
