import type { Database } from '../../db/index.js';
import type { Loggers } from '../../observability/logger.js';
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from '../../shared/errors.js';
import { runIdempotent, type IdempotentRequest, type StoredResponse } from '../../shared/idempotency.js';
import type { Actor, RequestContext } from '../../shared/request-context.js';
import type { AuditTrail } from '../audit/index.js';
import {
  REASON_MAX_LENGTH,
  REASON_MIN_LENGTH,
  type GrantFilter,
  type ReviewInput,
} from './access.schemas.js';
import { patientExists } from './care-relationships.repository.js';
import {
  findGrant,
  insertGrant,
  listGrants,
  lockGrant,
  reviewGrant,
  type GrantRecord,
} from './emergency-access.repository.js';
import type { PatientAccessService } from './patient-access.service.js';

export interface GrantPage {
  readonly items: GrantRecord[];
  readonly total: number;
  readonly limit: number;
  readonly offset: number;
}

function requireActor(context: RequestContext): Actor {
  if (!context.actor) throw new Error('emergency access needs a signed-in actor');
  return context.actor;
}

/**
 * Break the glass: a clinician opens one patient's record outside their care, for a limited time
 * (security.break-glass.duration), with a reason. Each grant is audited (BREAK_THE_GLASS in
 * audit_events, audit.log and security.log) and waits in a review queue until someone else judges it;
 * an access judged unjustified while still open is closed at once.
 */
export class EmergencyAccessService {
  constructor(
    private readonly db: Database,
    private readonly audit: AuditTrail,
    private readonly loggers: Loggers,
    private readonly access: PatientAccessService,
    private readonly durationMs: number,
  ) {}

  async breakGlass(
    patientId: string,
    reason: string,
    context: RequestContext,
    idempotency?: IdempotentRequest,
  ): Promise<StoredResponse<GrantRecord>> {
    const actor = requireActor(context);
    const trimmed = reason.trim();
    if (trimmed.length < REASON_MIN_LENGTH || trimmed.length > REASON_MAX_LENGTH) {
      throw new ValidationError('Say why you need this record now.', [
        {
          field: 'reason',
          message: `must be ${REASON_MIN_LENGTH}-${REASON_MAX_LENGTH} characters, not counting surrounding spaces`,
        },
      ]);
    }
    return this.db.transaction((tx) =>
      runIdempotent(tx, idempotency, async () => {
        if (!(await patientExists(tx, patientId)))
          throw new NotFoundError('There is no patient with this id.');
        // For the reviewer: whether the user could already read the record without the glass.
        const before = await this.access.relationshipOf(actor, patientId, tx);
        const grantId = await insertGrant(tx, {
          patientId,
          userId: actor.userId,
          reason: trimmed,
          durationMs: this.durationMs,
        });
        const grant = (await findGrant(tx, grantId))!;
        // The reason is free text that may hold clinical detail: it stays in the grant, out of the logs.
        await this.audit.record(tx, context, {
          action: 'BREAK_THE_GLASS',
          entityType: 'emergency_access',
          entityId: grantId,
          patientId,
          details: { expiresAt: grant.expiresAt, durationMs: this.durationMs, accessBefore: before ?? null },
        });
        tx.afterCommit(() =>
          this.loggers.security('BREAK_THE_GLASS', {
            userId: actor.userId,
            username: actor.username,
            role: actor.role,
            clientAddress: context.clientAddress,
            requestId: context.requestId,
            patientId,
            grantId,
            expiresAt: grant.expiresAt,
            reason: 'emergency access to a patient record outside the care relationship',
          }),
        );
        return { status: 201, body: grant };
      }),
    );
  }

  async list(filter: GrantFilter, context: RequestContext): Promise<GrantPage> {
    const criteria = {
      reviewed: filter.reviewed,
      userId: filter.userId,
      patientId: filter.patientId,
      limit: filter.limit ?? 50,
      offset: filter.offset ?? 0,
    };
    return this.db.transaction(async (tx) => {
      const { items, total } = await listGrants(tx, criteria);
      await this.audit.record(tx, context, {
        action: 'EMERGENCY_ACCESS_LISTED',
        entityType: 'emergency_access',
        ...(criteria.patientId ? { patientId: criteria.patientId } : {}),
        details: {
          resultCount: items.length,
          grantIds: items.map((item) => item.id),
          patientIds: [...new Set(items.map((item) => item.patient.id))],
          reviewed: criteria.reviewed ?? null,
        },
      });
      return { items, total, limit: criteria.limit, offset: criteria.offset };
    });
  }

  async review(id: string, input: ReviewInput, context: RequestContext): Promise<GrantRecord> {
    const actor = requireActor(context);
    const note = input.note?.trim() || null;
    return this.db.transaction(async (tx) => {
      const grant = await lockGrant(tx, id);
      if (!grant) throw new NotFoundError('There is no emergency access with this id.');
      if (grant.userId === actor.userId) {
        throw new ForbiddenError('Someone else must review your own emergency access.');
      }
      if (grant.reviewed) throw new ConflictError('This emergency access has already been reviewed.');
      const revoke = input.outcome === 'unjustified' && grant.active;
      await reviewGrant(tx, id, { outcome: input.outcome, note, reviewedBy: actor.userId, revoke });
      await this.audit.record(tx, context, {
        action: 'EMERGENCY_ACCESS_REVIEWED',
        entityType: 'emergency_access',
        entityId: id,
        patientId: grant.patientId,
        details: { outcome: input.outcome, grantUserId: grant.userId, revoked: revoke },
      });
      return (await findGrant(tx, id))!;
    });
  }
}
