import type { Queryable } from '../../db/index.js';

export interface AuditEventRow {
  readonly action: string;
  readonly outcome: 'success' | 'denied' | 'failure';
  readonly actorUserId: string | null;
  readonly actorUsername: string | null;
  readonly actorRole: string | null;
  readonly entityType: string | null;
  readonly entityId: string | null;
  readonly patientId: string | null;
  readonly clientAddress: string | null;
  readonly requestId: string | null;
  readonly details: Record<string, unknown>;
}

export interface StoredAuditEvent extends AuditEventRow {
  readonly id: number;
  readonly occurredAt: Date;
}

export interface AuditEventFilter {
  readonly userId?: string | undefined;
  readonly username?: string | undefined;
  readonly patientId?: string | undefined;
  readonly action?: string | undefined;
  readonly from?: string | undefined;
  readonly to?: string | undefined;
  /** Return events with ids below this (keyset paging, newest first). */
  readonly beforeId?: number | undefined;
  readonly limit: number;
}

const COLUMNS = `id, occurred_at AS "occurredAt", action, outcome, actor_user_id AS "actorUserId",
  actor_username AS "actorUsername", actor_role AS "actorRole", entity_type AS "entityType",
  entity_id AS "entityId", patient_id AS "patientId", client_address AS "clientAddress",
  request_id AS "requestId", details`;

const INSERT_COLUMNS = `action, outcome, actor_user_id, actor_username, actor_role, entity_type, entity_id,
  patient_id, client_address, request_id, details`;
const COLUMNS_PER_ROW = 11;

function valuesOf(event: AuditEventRow): unknown[] {
  return [
    event.action,
    event.outcome,
    event.actorUserId,
    event.actorUsername,
    event.actorRole,
    event.entityType,
    event.entityId,
    event.patientId,
    event.clientAddress,
    event.requestId,
    JSON.stringify(event.details),
  ];
}

export async function insertAuditEvent(db: Queryable, event: AuditEventRow): Promise<void> {
  await insertAuditEvents(db, [event]);
}

/** Several rows in one statement (and so in one commit), in the order given. */
export async function insertAuditEvents(db: Queryable, events: readonly AuditEventRow[]): Promise<void> {
  if (events.length === 0) return;
  const rows = events.map(
    (_event, row) =>
      `(${Array.from({ length: COLUMNS_PER_ROW }, (_unused, column) => `$${row * COLUMNS_PER_ROW + column + 1}`).join(', ')})`,
  );
  await db.query(
    `INSERT INTO audit_events (${INSERT_COLUMNS}) VALUES ${rows.join(', ')}`,
    events.flatMap(valuesOf),
  );
}

export async function findAuditEvents(db: Queryable, filter: AuditEventFilter): Promise<StoredAuditEvent[]> {
  const conditions: string[] = [];
  const params: unknown[] = [];
  const add = (condition: string, value: unknown): void => {
    params.push(value);
    conditions.push(condition.replace('?', `$${params.length}`));
  };
  if (filter.userId) add('actor_user_id = ?', filter.userId);
  if (filter.username) add('actor_username = ?', filter.username);
  if (filter.patientId) add('patient_id = ?', filter.patientId);
  if (filter.action) add('action = ?', filter.action);
  if (filter.from) add('occurred_at >= ?', filter.from);
  if (filter.to) add('occurred_at < ?', filter.to);
  if (filter.beforeId !== undefined) add('id < ?', filter.beforeId);
  params.push(filter.limit);
  const where = conditions.length > 0 ? `WHERE ${conditions.join(' AND ')}` : '';
  const result = await db.query<StoredAuditEvent>(
    `SELECT ${COLUMNS} FROM audit_events ${where} ORDER BY id DESC LIMIT $${params.length}`,
    params,
  );
  return result.rows;
}
