import type { Database, Transaction } from '../../db/index.js';
import type { Loggers } from '../../observability/logger.js';
import type { Metrics } from '../../observability/metrics.js';
import type { RequestContext } from '../../shared/request-context.js';
import { AuditBatchWriter } from './audit-batch-writer.js';
import {
  findAuditEvents,
  insertAuditEvent,
  type AuditEventFilter,
  type AuditEventRow,
  type StoredAuditEvent,
} from './audit.repository.js';

/** What happened to which record. `details` holds identifiers and field names, never clinical values. */
export interface AuditEvent {
  readonly action: string;
  readonly outcome?: 'success' | 'denied' | 'failure';
  readonly entityType?: string;
  readonly entityId?: string;
  readonly patientId?: string;
  readonly details?: Record<string, unknown>;
}

/**
 * The audit trail: a row in audit_events written in the caller's transaction (so the record of a
 * change commits or rolls back with the change), and an audit.log line once it has committed.
 */
export class AuditTrail {
  private readonly alone: AuditBatchWriter;

  constructor(
    private readonly db: Database,
    private readonly loggers: Loggers,
    private readonly metrics: Metrics,
  ) {
    this.alone = new AuditBatchWriter(db);
  }

  async record(tx: Transaction, context: RequestContext, event: AuditEvent): Promise<void> {
    await insertAuditEvent(tx, rowOf(context, event));
    tx.afterCommit(() => this.writeLine(context, event));
  }

  /**
   * The row of `event`, for a statement that inserts it with the change it records, in one round trip
   * and atomic without a transaction (registerPatient). Call `recorded` once that statement has committed.
   */
  rowFor(context: RequestContext, event: AuditEvent): AuditEventRow {
    return rowOf(context, event);
  }

  /** The audit.log line and count of an event whose row its own statement has committed (see rowFor). */
  recorded(context: RequestContext, event: AuditEvent): void {
    this.writeLine(context, event);
  }

  /**
   * Records an event that is not part of a change, such as a read or a refused request; resolves once
   * the row has committed (in a batch with others arriving at the same time: AuditBatchWriter).
   */
  async recordAlone(context: RequestContext, event: AuditEvent): Promise<void> {
    await this.alone.write(rowOf(context, event));
    this.writeLine(context, event);
  }

  async list(filter: AuditEventFilter): Promise<StoredAuditEvent[]> {
    return findAuditEvents(this.db, filter);
  }

  private writeLine(context: RequestContext, event: AuditEvent): void {
    this.metrics.auditEvents.inc({ action: event.action });
    this.loggers.audit.info(
      {
        event: event.action,
        outcome: event.outcome ?? 'success',
        userId: context.actor?.userId,
        username: context.actor?.username,
        role: context.actor?.role,
        entityType: event.entityType,
        entityId: event.entityId,
        patientId: event.patientId,
        clientAddress: context.clientAddress,
        requestId: context.requestId,
      },
      event.action,
    );
  }
}

function rowOf(context: RequestContext, event: AuditEvent): AuditEventRow {
  return {
    action: event.action,
    outcome: event.outcome ?? 'success',
    actorUserId: context.actor?.userId ?? null,
    actorUsername: context.actor?.username ?? null,
    actorRole: context.actor?.role ?? null,
    entityType: event.entityType ?? null,
    entityId: event.entityId ?? null,
    patientId: event.patientId ?? null,
    clientAddress: context.clientAddress,
    requestId: context.requestId,
    details: event.details ?? {},
  };
}
