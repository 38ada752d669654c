import { prepared, type Queryable } from '../../db/index.js';

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

/**
 * The columns an audit row is written with, in AuditEventRow's order; for INSERT_EVENTS and for a
 * statement that writes the row of its own change (see registerPatient).
 */
export const AUDIT_EVENT_COLUMNS = `action, outcome, actor_user_id, actor_username, actor_role, entity_type,
  entity_id, patient_id, client_address, request_id, details`;

/**
 * One text for any number of rows (a column per array, in the order given), so that it is prepared once
 * per connection: planning the INSERT cost as much as running it (eleven columns, six indexes).
 */
const INSERT_EVENTS = prepared(
  'audit.insert-events',
  `INSERT INTO audit_events (${AUDIT_EVENT_COLUMNS})
   SELECT ${AUDIT_EVENT_COLUMNS}
     FROM unnest($1::text[], $2::text[], $3::uuid[], $4::text[], $5::text[], $6::text[], $7::text[],
                 $8::uuid[], $9::text[], $10::text[], $11::jsonb[])
          WITH ORDINALITY AS row(action, outcome, actor_user_id, actor_username, actor_role, entity_type,
                                 entity_id, patient_id, client_address, request_id, details, position)
    ORDER BY position`,
);

export async function insertAuditEvent(db: Queryable, event: AuditEventRow): Promise<void> {
  await insertAuditEvents(db, [event]);
}

/** Several rows in one statement (and so in one commit), in the order given. */
export async function insertAuditEvents(db: Queryable, events: readonly AuditEventRow[]): Promise<void> {
  if (events.length === 0) return;
  const column = <T>(value: (event: AuditEventRow) => T): T[] => events.map(value);
  await db.query(INSERT_EVENTS, [
    column((event) => event.action),
    column((event) => event.outcome),
    column((event) => event.actorUserId),
    column((event) => event.actorUsername),
    column((event) => event.actorRole),
    column((event) => event.entityType),
    column((event) => event.entityId),
    column((event) => event.patientId),
    column((event) => event.clientAddress),
    column((event) => event.requestId),
    column((event) => JSON.stringify(event.details)),
  ]);
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
