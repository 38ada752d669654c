import type { Database, Queryable } from '../../db/index.js';
import type { Loggers } from '../../observability/logger.js';
import { ForbiddenError } from '../../shared/errors.js';
import type { Actor, RequestContext, Role } from '../../shared/request-context.js';
import type { AuditTrail } from '../audit/index.js';
import { roleAllows, type Permission } from '../users/index.js';
import { findCareRelationship, type CareRelationship } from './care-relationships.repository.js';

/**
 * How far a role's clinical reach goes once it holds the permission:
 * - `role`: every patient (admin; and staff, whose clinical reach is what their permissions give).
 * - `care`: patients in the user's own care (doctors).
 * - `care-or-department`: also patients seen in a department the user heads or staffs (department heads).
 */
export type ClinicalScope = 'role' | 'care' | 'care-or-department';

const SCOPES: Readonly<Record<Role, ClinicalScope>> = {
  admin: 'role',
  staff: 'role',
  finance: 'role',
  doctor: 'care',
  department_head: 'care-or-department',
};

export function clinicalScopeOf(role: Role): ClinicalScope {
  return SCOPES[role];
}

/** How long a past appointment or a discharge keeps a patient in a clinician's care. */
export const CARE_WINDOW = '2 years';

/** Why the access was allowed: the role alone, or the relationship with the patient. */
export type AccessBasis = 'role' | CareRelationship;

export type AccessDenialReason = 'role' | 'not_in_care';

/** A refused patient-scoped read or write; carries what the audit record needs after the rollback. */
export class PatientAccessDeniedError extends ForbiddenError {
  constructor(
    readonly patientId: string,
    readonly permission: Permission,
    readonly reason: AccessDenialReason,
    message: string,
  ) {
    super(message);
  }
}

export interface AccessOptions {
  /**
   * Whether an open break-the-glass grant counts (default true). Not when changing the care team: a
   * grant must not turn itself into a lasting membership.
   */
  readonly emergencyAccessCounts?: boolean;
}

function notInCareMessage(actor: Actor, patientId: string, emergencyAccessCounts: boolean): string {
  const base = 'This patient is not in your care (no current appointment, admission or care-team membership';
  const department = actor.role === 'department_head' ? ', and not seen in a department you belong to' : '';
  if (!emergencyAccessCounts) {
    return `${base}${department}). Emergency access does not allow this; ask the patient's care team or an administrator.`;
  }
  if (!roleAllows(actor.role, 'clinical:emergency-access')) return `${base}${department}).`;
  return (
    `${base}${department}). In an emergency you can break the glass: ` +
    `POST /api/v1/patients/${patientId}/emergency-access with {"reason": "..."} (10-500 characters). ` +
    'The access is time-limited, audited and reviewed.'
  );
}

/**
 * The one object-level rule for clinical records (history, its export, documents, an admission, a
 * patient's appointments and admissions): the role must hold the permission, and a doctor or a
 * department head must also have the patient in their care, or an open break-the-glass grant.
 */
export class PatientAccessService {
  constructor(
    private readonly db: Database,
    private readonly audit: AuditTrail,
    private readonly loggers: Loggers,
  ) {}

  /**
   * Throws PatientAccessDeniedError unless the actor may use `permission` on this patient. Runs in the
   * caller's transaction (`db`) so the answer is consistent with what the caller then reads.
   */
  async assertCanAccessClinical(
    context: RequestContext,
    patientId: string,
    db: Queryable = this.db,
    permission: Permission = 'history:read',
    options: AccessOptions = {},
  ): Promise<AccessBasis> {
    const emergencyAccessCounts = options.emergencyAccessCounts ?? true;
    const actor = context.actor;
    if (!actor || !roleAllows(actor.role, permission)) {
      throw new PatientAccessDeniedError(
        patientId,
        permission,
        'role',
        `Your role${actor ? ` (${actor.role})` : ''} does not allow this.`,
      );
    }
    const relationship = await this.relationshipOf(actor, patientId, db, { emergencyAccessCounts });
    if (relationship === undefined) {
      this.loggers.security('ACCESS_DENIED', {
        userId: actor.userId,
        username: actor.username,
        role: actor.role,
        clientAddress: context.clientAddress,
        requestId: context.requestId,
        patientId,
        reason: `patient not in care (${permission})`,
      });
      throw new PatientAccessDeniedError(
        patientId,
        permission,
        'not_in_care',
        notInCareMessage(actor, patientId, emergencyAccessCounts),
      );
    }
    return relationship;
  }

  /** What opens the patient's clinical record to this actor; undefined when nothing does. */
  async relationshipOf(
    actor: Actor,
    patientId: string,
    db: Queryable = this.db,
    options: AccessOptions = {},
  ): Promise<AccessBasis | undefined> {
    const scope = clinicalScopeOf(actor.role);
    if (scope === 'role') return 'role';
    return findCareRelationship(db, {
      patientId,
      userId: actor.userId,
      careWindow: CARE_WINDOW,
      includeDepartment: scope === 'care-or-department',
      includeEmergencyAccess: options.emergencyAccessCounts ?? true,
    });
  }

  /**
   * Runs work whose transaction may be refused by assertCanAccessClinical, and records the refusal once
   * that transaction has rolled back (the embedded database has one connection, so the record cannot
   * be written beside the open transaction).
   */
  async guard<T>(context: RequestContext, work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      if (error instanceof PatientAccessDeniedError) {
        await this.audit.recordAlone(context, {
          action: 'ACCESS_DENIED',
          outcome: 'denied',
          entityType: 'patient',
          entityId: error.patientId,
          patientId: error.patientId,
          details: { permission: error.permission, reason: error.reason },
        });
      }
      throw error;
    }
  }
}
