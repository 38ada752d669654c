import type { Database, Transaction } from '../../db/index.js';
import { ConflictError, NotFoundError, ValidationError, type FieldError } from '../../shared/errors.js';
import { runIdempotent, type IdempotentRequest, type StoredResponse } from '../../shared/idempotency.js';
import type { RequestContext } from '../../shared/request-context.js';
import type { AuditTrail } from '../audit/index.js';
import { archiveAsMergedInto, findPatientState } from './admission-patients.repository.js';
import { canTransition, eventTime, eventTimeProblems } from './admission-rules.js';
import {
  actorId,
  assertPlaceFree,
  checkExpectedVersion,
  referenceProblems,
  throwIfProblems,
} from './admission-checks.js';
import {
  dischargeAdmission,
  findAdmissionDetail,
  findOpenAdmissionOfPatient,
  insertMovement,
  lockAdmission,
  moveAdmission,
  reassignAdmissions,
  type AdmissionDetail,
  type AdmissionState,
  type Place,
} from './admissions.repository.js';
import type { DischargeInput, TransferInput } from './admissions.schemas.js';

/**
 * Moves another module's records from a temporary patient to the registered patient it turned out to
 * be, in the caller's transaction, auditing what it moved; returns how many records moved.
 */
export type PatientRecordsMover = (
  tx: Transaction,
  fromPatientId: string,
  toPatientId: string,
  context: RequestContext,
) => Promise<number>;

function samePlace(a: Place, b: Place): boolean {
  return a.departmentId === b.departmentId && a.ward === b.ward && a.bed === b.bed;
}

/**
 * What happens to an admission after it starts: transfers (each logged as a movement), discharge, and
 * identification of an unknown patient. Only the transitions of canTransition are allowed (409 else).
 */
export class AdmissionTransitions {
  constructor(
    private readonly db: Database,
    private readonly audit: AuditTrail,
    private readonly movers: Readonly<Record<string, PatientRecordsMover>>,
    /** Told, after commit and before the answer, which patient records an identification changed. */
    private readonly patientsChanged: (patientIds: readonly string[]) => Promise<void>,
  ) {}

  async transfer(
    id: string,
    expectedVersion: number | undefined,
    input: TransferInput,
    context: RequestContext,
    idempotency?: IdempotentRequest,
  ): Promise<StoredResponse<AdmissionDetail>> {
    if (input.departmentId === undefined && input.ward === undefined && input.bed === undefined) {
      throw new ValidationError('A transfer names where the patient goes.', [
        { field: 'departmentId', message: 'name at least one of departmentId, ward, bed' },
      ]);
    }
    if (input.bed && !input.ward) {
      throw new ValidationError('A bed is only meaningful within a ward.', [
        { field: 'ward', message: 'is required with a bed' },
      ]);
    }
    const userId = actorId(context);
    return this.db.transaction((tx) =>
      runIdempotent(tx, idempotency, async () => {
        const state = await this.lockForTransition(tx, id, expectedVersion, 'transferred');
        // The destination is a new place: ward and bed not named are not yet assigned there.
        const destination: Place = {
          departmentId: input.departmentId ?? state.departmentId,
          doctorId: input.doctorId === undefined ? state.doctorId : input.doctorId,
          ward: input.ward?.trim() || null,
          bed: input.bed?.trim() || null,
        };
        if (samePlace(state, destination)) {
          throw new ConflictError('The patient is already in this department, ward and bed.');
        }
        const at = eventTime(input.at, state.lastMovedAt, new Date());
        const problems: FieldError[] = [
          ...eventTimeProblems(at, state.lastMovedAt, new Date()),
          ...(await referenceProblems(tx, { departmentId: input.departmentId, doctorId: input.doctorId })),
        ];
        throwIfProblems('The transfer is not valid.', problems);
        await assertPlaceFree(tx, state.patientId, destination, id);
        await moveAdmission(tx, id, destination, userId);
        await insertMovement(tx, id, 'transferred', at, destination, input.note?.trim() || null, userId);
        await this.audit.record(tx, context, {
          action: 'ADMISSION_TRANSFERRED',
          entityType: 'admission',
          entityId: id,
          patientId: state.patientId,
          details: {
            fromDepartmentId: state.departmentId,
            toDepartmentId: destination.departmentId,
            ward: destination.ward,
            bed: destination.bed,
          },
        });
        return { status: 200, body: await this.detail(tx, id) };
      }),
    );
  }

  async discharge(
    id: string,
    expectedVersion: number | undefined,
    input: DischargeInput,
    context: RequestContext,
    idempotency?: IdempotentRequest,
  ): Promise<StoredResponse<AdmissionDetail>> {
    const userId = actorId(context);
    return this.db.transaction((tx) =>
      runIdempotent(tx, idempotency, async () => {
        const state = await this.lockForTransition(tx, id, expectedVersion, 'discharged');
        const at = eventTime(input.at, state.lastMovedAt, new Date());
        throwIfProblems('The discharge is not valid.', eventTimeProblems(at, state.lastMovedAt, new Date()));
        const note = input.note?.trim() || null;
        await dischargeAdmission(tx, id, at, input.disposition ?? null, note, userId);
        await insertMovement(tx, id, 'discharged', at, state, note, userId);
        await this.audit.record(tx, context, {
          action: 'ADMISSION_DISCHARGED',
          entityType: 'admission',
          entityId: id,
          patientId: state.patientId,
          details: { disposition: input.disposition ?? null },
        });
        return { status: 200, body: await this.detail(tx, id) };
      }),
    );
  }

  /**
   * The unknown patient of an admission turns out to be `patientId`: every admission of the temporary
   * record, and every record other modules keep under it, moves to the registered patient; the
   * temporary record is archived, pointing at it.
   */
  async identify(
    id: string,
    patientId: string,
    context: RequestContext,
    idempotency?: IdempotentRequest,
  ): Promise<StoredResponse<AdmissionDetail>> {
    const userId = actorId(context);
    let changed: string[] = [];
    const result = await this.db.transaction((tx) =>
      runIdempotent(tx, idempotency, async () => {
        const state = await lockAdmission(tx, id);
        if (!state) throw new NotFoundError('There is no admission with this id.');
        const temporary = (await findPatientState(tx, state.patientId, { forUpdate: true }))!;
        if (!temporary.unidentified || temporary.archived) {
          throw new ConflictError("This admission's patient is already identified.");
        }
        const registered = await findPatientState(tx, patientId, { forUpdate: true });
        if (!registered) {
          throw new ValidationError('The identification names an unknown patient.', [
            { field: 'patientId', message: 'no patient has this id' },
          ]);
        }
        if (registered.unidentified) {
          throw new ConflictError(
            'The named patient is itself an unidentified temporary record; name a registered patient.',
          );
        }
        if (registered.archived)
          throw new ConflictError('The named patient record is archived; restore it first.');
        if (
          (await findOpenAdmissionOfPatient(tx, temporary.id, null)) &&
          (await findOpenAdmissionOfPatient(tx, registered.id, null))
        ) {
          throw new ConflictError(
            'The named patient is already admitted; discharge one of the two admissions first.',
          );
        }
        const admissionIds = await reassignAdmissions(tx, temporary.id, registered.id, userId);
        const moved: Record<string, number> = { admissions: admissionIds.length };
        for (const [kind, move] of Object.entries(this.movers)) {
          moved[kind] = await move(tx, temporary.id, registered.id, context);
        }
        await archiveAsMergedInto(tx, temporary.id, registered.id, userId);
        await this.audit.record(tx, context, {
          action: 'ADMISSION_PATIENT_IDENTIFIED',
          entityType: 'admission',
          entityId: id,
          patientId: registered.id,
          details: { temporaryPatientId: temporary.id, admissionIds },
        });
        await this.audit.record(tx, context, {
          action: 'PATIENT_MERGED',
          entityType: 'patient',
          entityId: temporary.id,
          patientId: temporary.id,
          details: { mergedIntoPatientId: registered.id, moved },
        });
        changed = [temporary.id, registered.id];
        return { status: 200, body: await this.detail(tx, id) };
      }),
    );
    await this.patientsChanged(changed);
    return result;
  }

  private async detail(tx: Transaction, id: string): Promise<AdmissionDetail> {
    const detail = await findAdmissionDetail(tx, id);
    if (!detail) throw new NotFoundError('There is no admission with this id.');
    return detail;
  }

  private async lockForTransition(
    tx: Transaction,
    id: string,
    expectedVersion: number | undefined,
    next: 'transferred' | 'discharged',
  ): Promise<AdmissionState> {
    const state = await lockAdmission(tx, id);
    if (!state) throw new NotFoundError('There is no admission with this id.');
    checkExpectedVersion(state, expectedVersion);
    if (!canTransition(state.status, next)) {
      throw new ConflictError(
        `An admission that is ${state.status} cannot be ${next}${state.status === 'discharged' ? '; a returning patient is a new admission' : ''}.`,
      );
    }
    return state;
  }
}
