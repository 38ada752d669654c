import type { Database, Queryable, Transaction } from '../../db/index.js';
import type { Loggers } from '../../observability/logger.js';
import type { Metrics } from '../../observability/metrics.js';
import type { RequestContext } from '../../shared/request-context.js';
import {
  findAuditEvents,
  insertAuditEvent,
  type AuditEventFilter,
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
  constructor(
    private readonly db: Database,
    private readonly loggers: Loggers,
    private readonly metrics: Metrics,
  ) {}

  async record(tx: Transaction, context: RequestContext, event: AuditEvent): Promise<void> {
    await this.insert(tx, context, event);
    tx.afterCommit(() => this.writeLine(context, event));
  }

  /** Records an event that is not part of a change, such as a refused request. */
  async recordAlone(context: RequestContext, event: AuditEvent): Promise<void> {
    await this.insert(this.db, context, event);
    this.writeLine(context, event);
  }

  async list(filter: AuditEventFilter): Promise<StoredAuditEvent[]> {
    return findAuditEvents(this.db, filter);
  }

  private async insert(db: Queryable, context: RequestContext, event: AuditEvent): Promise<void> {
    await insertAuditEvent(db, {
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
    });
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
