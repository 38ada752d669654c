import type { Database, Queryable, Transaction } from '../../db/index.js';
import { ConflictError, NotFoundError, UnprocessableError, ValidationError } from '../../shared/errors.js';
import { runIdempotent, type IdempotentRequest, type StoredResponse } from '../../shared/idempotency.js';
import type { RequestContext } from '../../shared/request-context.js';
import type { AuditTrail } from '../audit/index.js';
import type { AddCareTeamMemberInput, CareTeamFilter } from './access.schemas.js';
import {
  endMember,
  findCurrentMembershipId,
  findMember,
  findPatientState,
  insertMember,
  isActiveUser,
  listMembers,
  reassignMembers,
  type CareTeamMemberRecord,
} from './care-team.repository.js';
import type { PatientAccessService } from './patient-access.service.js';

export interface CareTeamPage {
  readonly items: CareTeamMemberRecord[];
  readonly total: number;
  readonly limit: number;
  readonly offset: number;
}

function actorId(context: RequestContext): string {
  if (!context.actor) throw new Error('care-team changes need a signed-in actor');
  return context.actor.userId;
}

/**
 * A patient's care team: explicit memberships that put the patient in a user's care beside their
 * appointments and admissions. Reading it takes the clinical care rule; changing it takes a
 * relationship of one's own (break-the-glass does not count). Memberships are ended, never deleted.
 */
export class CareTeamService {
  constructor(
    private readonly db: Database,
    private readonly audit: AuditTrail,
    private readonly access: PatientAccessService,
  ) {}

  async list(patientId: string, filter: CareTeamFilter, context: RequestContext): Promise<CareTeamPage> {
    const criteria = {
      patientId,
      includeEnded: filter.includeEnded ?? false,
      limit: filter.limit ?? 50,
      offset: filter.offset ?? 0,
    };
    return this.access.guard(context, () =>
      this.db.transaction(async (tx) => {
        await this.existingPatient(tx, patientId);
        await this.access.assertCanAccessClinical(context, patientId, tx, 'appointments:read');
        const { items, total } = await listMembers(tx, criteria);
        await this.audit.record(tx, context, {
          action: 'CARE_TEAM_VIEWED',
          entityType: 'patient',
          entityId: patientId,
          patientId,
          details: { resultCount: items.length },
        });
        return { items, total, limit: criteria.limit, offset: criteria.offset };
      }),
    );
  }

  async add(
    patientId: string,
    input: AddCareTeamMemberInput,
    context: RequestContext,
    idempotency?: IdempotentRequest,
  ): Promise<StoredResponse<CareTeamMemberRecord>> {
    const userId = actorId(context);
    const role = input.role.trim();
    if (!role) {
      throw new ValidationError('The care-team role must not be blank.', [
        { field: 'role', message: 'must not be blank' },
      ]);
    }
    return this.access.guard(context, () =>
      this.db.transaction((tx) =>
        runIdempotent(tx, idempotency, async () => {
          await this.changeablePatient(tx, context, patientId);
          if (!(await isActiveUser(tx, input.userId))) {
            throw new UnprocessableError('There is no active user with this userId.');
          }
          if (await findCurrentMembershipId(tx, patientId, input.userId)) {
            throw new ConflictError("This user is already on the patient's care team.");
          }
          const member = await insertMember(tx, { patientId, userId: input.userId, role, addedBy: userId });
          await this.audit.record(tx, context, {
            action: 'CARE_TEAM_MEMBER_ADDED',
            entityType: 'care_team_member',
            entityId: member.id,
            patientId,
            details: { memberUserId: input.userId },
          });
          return { status: 201, body: member };
        }),
      ),
    );
  }

  /** Ends a membership; ending one that has already ended changes nothing and answers the same. */
  async end(patientId: string, memberId: string, context: RequestContext): Promise<CareTeamMemberRecord> {
    const userId = actorId(context);
    return this.access.guard(context, () =>
      this.db.transaction(async (tx) => {
        await this.existingPatient(tx, patientId);
        await this.assertMayChange(tx, context, patientId);
        const member = await findMember(tx, patientId, memberId);
        if (!member) throw new NotFoundError("This patient's care team has no member with this id.");
        if (!(await endMember(tx, patientId, memberId, userId))) return member;
        await this.audit.record(tx, context, {
          action: 'CARE_TEAM_MEMBER_ENDED',
          entityType: 'care_team_member',
          entityId: memberId,
          patientId,
          details: { memberUserId: member.user.id },
        });
        return (await findMember(tx, patientId, memberId))!;
      }),
    );
  }

  /**
   * Moves a temporary patient's memberships to the registered patient (the identification of an unknown
   * emergency patient), in the caller's transaction. Returns how many moved.
   */
  async movePatientRecords(
    tx: Transaction,
    fromPatientId: string,
    toPatientId: string,
    context: RequestContext,
  ): Promise<number> {
    const moved = await reassignMembers(tx, fromPatientId, toPatientId, actorId(context));
    if (moved.length > 0) {
      await this.audit.record(tx, context, {
        action: 'CARE_TEAM_MEMBERS_REASSIGNED',
        entityType: 'patient',
        entityId: toPatientId,
        patientId: toPatientId,
        details: { fromPatientId, memberIds: moved },
      });
    }
    return moved.length;
  }

  private async existingPatient(db: Queryable, patientId: string): Promise<void> {
    if (!(await findPatientState(db, patientId)))
      throw new NotFoundError('There is no patient with this id.');
  }

  private async changeablePatient(
    tx: Transaction,
    context: RequestContext,
    patientId: string,
  ): Promise<void> {
    const patient = await findPatientState(tx, patientId);
    if (!patient) throw new NotFoundError('There is no patient with this id.');
    await this.assertMayChange(tx, context, patientId);
    if (patient.mergedIntoPatientId) {
      throw new ConflictError(
        `This record was merged into patient ${patient.mergedIntoPatientId}; change that patient's care team.`,
      );
    }
    if (patient.archived) throw new ConflictError('This patient record is archived; restore it first.');
  }

  private async assertMayChange(tx: Transaction, context: RequestContext, patientId: string): Promise<void> {
    await this.access.assertCanAccessClinical(context, patientId, tx, 'patients:write', {
      emergencyAccessCounts: false,
    });
  }
}
