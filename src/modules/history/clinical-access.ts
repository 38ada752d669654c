import type { Transaction } from '../../db/index.js';
import type { RequestContext } from '../../shared/request-context.js';
import { PatientAccessDeniedError, type PatientAccessService } from '../access/index.js';

/** The permissions that open a patient's clinical record: history, or the admissions that hold complaints. */
export type ClinicalReadPermission = 'history:read' | 'admissions:read';

/** Refused clinical access (by role, or because the patient is not in the user's care). */
export { PatientAccessDeniedError as ClinicalAccessDeniedError };

/**
 * The one gate of every patient-scoped clinical read (history, its export, an admission) and of
 * history writes. The rule itself (role permission, then care relationship or break-the-glass) lives
 * in the access module; it takes the transaction because it reads the database.
 */
export class ClinicalAccess {
  constructor(private readonly patients: PatientAccessService) {}

  async assertCanReadClinical(
    context: RequestContext,
    patientId: string,
    tx: Transaction,
    permission: ClinicalReadPermission = 'history:read',
  ): Promise<void> {
    await this.patients.assertCanAccessClinical(context, patientId, tx, permission);
  }

  /** Writing history follows the same care rule as reading it. */
  async assertCanWriteClinical(context: RequestContext, patientId: string, tx: Transaction): Promise<void> {
    await this.patients.assertCanAccessClinical(context, patientId, tx, 'history:write');
  }

  /**
   * Runs work whose transaction may be refused by the checks above, and records the refusal after that
   * transaction has rolled back.
   */
  async guard<T>(context: RequestContext, work: () => Promise<T>): Promise<T> {
    return this.patients.guard(context, work);
  }
}
