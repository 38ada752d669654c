import type { Transaction } from '../../db/index.js';
import { ForbiddenError } from '../../shared/errors.js';
import type { RequestContext } from '../../shared/request-context.js';
import type { AuditTrail } from '../audit/index.js';
import { roleAllows } from '../users/index.js';

/** The permissions that open a patient's clinical record: history, or the admissions that hold complaints. */
export type ClinicalReadPermission = 'history:read' | 'admissions:read';

/** Refused clinical read; carries what the audit record of the refusal needs once the transaction is gone. */
export class ClinicalAccessDeniedError extends ForbiddenError {
  constructor(
    readonly patientId: string,
    readonly permission: ClinicalReadPermission,
  ) {
    super('You may not read the clinical record of this patient.');
  }
}

/**
 * The one gate of every patient-scoped clinical read (history, its export, an admission). For now it
 * allows what the role's permission allows; care-relationship rules and break-the-glass belong here,
 * which is why it takes the transaction: such rules read the database.
 */
export class ClinicalAccess {
  constructor(private readonly audit: AuditTrail) {}

  async assertCanReadClinical(
    context: RequestContext,
    patientId: string,
    _tx: Transaction,
    permission: ClinicalReadPermission = 'history:read',
  ): Promise<void> {
    const actor = context.actor;
    if (!actor || !roleAllows(actor.role, permission)) {
      throw new ClinicalAccessDeniedError(patientId, permission);
    }
  }

  /**
   * Runs a read whose transaction may be refused by assertCanReadClinical, and records the refusal
   * after that transaction has rolled back (the embedded database has one connection, so the record
   * cannot be written beside the open transaction).
   */
  async guard<T>(context: RequestContext, read: () => Promise<T>): Promise<T> {
    try {
      return await read();
    } catch (error) {
      if (error instanceof ClinicalAccessDeniedError) {
        await this.audit.recordAlone(context, {
          action: 'ACCESS_DENIED',
          outcome: 'denied',
          entityType: 'patient',
          entityId: error.patientId,
          patientId: error.patientId,
          details: { permission: error.permission, reason: 'clinical record' },
        });
      }
      throw error;
    }
  }
}
