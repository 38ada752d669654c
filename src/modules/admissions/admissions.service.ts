import type { Database, Transaction } from '../../db/index.js';
import { ConflictError, NotFoundError, ValidationError } from '../../shared/errors.js';
import { runIdempotent, type IdempotentRequest, type StoredResponse } from '../../shared/idempotency.js';
import type { RequestContext } from '../../shared/request-context.js';
import type { AuditTrail } from '../audit/index.js';
import type { ClinicalAccess } from '../history/index.js';
import {
  actorId,
  assertPlaceFree,
  checkExpectedVersion,
  referenceProblems,
  throwIfProblems,
} from './admission-checks.js';
import { findPatientState, insertUnidentifiedPatient } from './admission-patients.repository.js';
import { arrivalProblems } from './admission-rules.js';
import { findBoard, listAdmissions } from './admission-lists.repository.js';
import { AdmissionTransitions, type PatientRecordsMover } from './admission-transitions.js';
import {
  findAdmission,
  findAdmissionDetail,
  findMovements,
  insertAdmission,
  insertMovement,
  lockAdmission,
  updateTriage,
  type AdmissionDetail,
  type AdmissionRecord,
  type Place,
} from './admissions.repository.js';
import type {
  AdmissionListFilter,
  AdmitInput,
  BoardFilter,
  UpdateAdmissionInput,
} from './admissions.schemas.js';

export interface AdmissionPage {
  readonly items: AdmissionRecord[];
  readonly total: number;
  readonly limit: number;
  readonly offset: number;
}

export interface BoardView extends AdmissionPage {
  readonly generatedAt: string;
  readonly items: (AdmissionRecord & { minutesSinceArrival: number })[];
}

/**
 * Emergency admissions: quick admission of a known or an unidentified patient, triage, the live board,
 * and reads. Transfer, discharge and identification are in `transitions`. Every read
 * and change is audited in its transaction with the patient's id.
 */
export class AdmissionsService {
  /** Transfer, discharge and identification of an admission. */
  readonly transitions: AdmissionTransitions;

  /**
   * @param movers Other modules' records kept under a patient id, moved with the admissions when an
   *   unknown patient is identified (keyed by what they move, for the audit record).
   * @param patientsChanged Told after commit which patient records an identification changed (the
   *   temporary record is archived), so that cached copies are dropped before the answer.
   */
  constructor(
    private readonly db: Database,
    private readonly audit: AuditTrail,
    private readonly access: ClinicalAccess,
    private readonly timeZone: string,
    movers: Readonly<Record<string, PatientRecordsMover>>,
    patientsChanged: (patientIds: readonly string[]) => Promise<void>,
  ) {
    this.transitions = new AdmissionTransitions(db, audit, movers, patientsChanged);
  }

  async admit(
    input: AdmitInput,
    context: RequestContext,
    idempotency?: IdempotentRequest,
  ): Promise<StoredResponse<AdmissionDetail>> {
    const arrivedAt = input.arrivedAt ? new Date(input.arrivedAt).toISOString() : new Date().toISOString();
    const problems = arrivalProblems(arrivedAt, new Date());
    if (input.patientId === undefined && input.unidentifiedPatient === undefined) {
      problems.push({
        field: 'patientId',
        message: 'is required unless unidentifiedPatient describes an unknown patient',
      });
    }
    if (input.patientId !== undefined && input.unidentifiedPatient !== undefined) {
      problems.push({
        field: 'unidentifiedPatient',
        message: 'send either patientId or unidentifiedPatient, not both',
      });
    }
    if (input.bed !== undefined && input.ward === undefined) {
      problems.push({ field: 'ward', message: 'is required with a bed' });
    }
    throwIfProblems('The admission is not valid.', problems);
    const userId = actorId(context);
    const place: Place = {
      departmentId: input.departmentId ?? null,
      doctorId: input.doctorId ?? null,
      ward: input.ward?.trim() || null,
      bed: input.bed?.trim() || null,
    };
    return this.db.transaction((tx) =>
      runIdempotent(tx, idempotency, async () => {
        throwIfProblems(
          'The admission names an unknown department or doctor.',
          await referenceProblems(tx, input),
        );
        const patientId = input.unidentifiedPatient
          ? await this.registerUnidentified(tx, input.unidentifiedPatient, arrivedAt, context)
          : await this.admissiblePatient(tx, input.patientId!);
        await assertPlaceFree(tx, patientId, place, null);
        const admissionId = await insertAdmission(
          tx,
          {
            patientId,
            triagePriority: input.triagePriority,
            chiefComplaint: input.chiefComplaint.trim(),
            arrivedAt,
            ...place,
          },
          userId,
        );
        await insertMovement(tx, admissionId, 'admitted', arrivedAt, place, null, userId);
        await this.audit.record(tx, context, {
          action: 'ADMISSION_CREATED',
          entityType: 'admission',
          entityId: admissionId,
          patientId,
          details: {
            triagePriority: input.triagePriority,
            unidentified: input.unidentifiedPatient !== undefined,
            departmentId: place.departmentId,
          },
        });
        return { status: 201, body: await this.detail(tx, admissionId) };
      }),
    );
  }

  async get(id: string, context: RequestContext): Promise<AdmissionDetail> {
    return this.access.guard(context, () =>
      this.db.transaction(async (tx) => {
        const admission = await findAdmission(tx, id);
        if (!admission) throw new NotFoundError('There is no admission with this id.');
        await this.access.assertCanReadClinical(context, admission.patient.id, tx, 'admissions:read');
        await this.audit.record(tx, context, {
          action: 'ADMISSION_VIEWED',
          entityType: 'admission',
          entityId: id,
          patientId: admission.patient.id,
        });
        return { ...admission, movements: await findMovements(tx, id) };
      }),
    );
  }

  async list(filter: AdmissionListFilter, context: RequestContext): Promise<AdmissionPage> {
    const criteria = {
      status: filter.status,
      departmentId: filter.departmentId,
      patientId: filter.patientId,
      doctorId: filter.doctorId,
      limit: filter.limit ?? 50,
      offset: filter.offset ?? 0,
    };
    return this.access.guard(context, () =>
      this.db.transaction(async (tx) => {
        if (criteria.patientId) {
          await this.access.assertCanReadClinical(context, criteria.patientId, tx, 'admissions:read');
        }
        const { items, total } = await listAdmissions(tx, criteria);
        await this.audit.record(tx, context, {
          action: 'ADMISSIONS_LISTED',
          entityType: 'admission',
          ...(criteria.patientId ? { patientId: criteria.patientId } : {}),
          details: {
            resultCount: items.length,
            patientIds: items.map((item) => item.patient.id),
            status: criteria.status ?? null,
          },
        });
        return { items, total, limit: criteria.limit, offset: criteria.offset };
      }),
    );
  }

  async board(filter: BoardFilter, context: RequestContext): Promise<BoardView> {
    const limit = filter.limit ?? 50;
    const offset = filter.offset ?? 0;
    return this.db.transaction(async (tx) => {
      const { items, total } = await findBoard(tx, filter.departmentId, limit, offset);
      await this.audit.record(tx, context, {
        action: 'ADMISSION_BOARD_VIEWED',
        entityType: 'admission',
        details: { resultCount: items.length, patientIds: items.map((item) => item.patient.id) },
      });
      const now = Date.now();
      return {
        generatedAt: new Date(now).toISOString(),
        items: items.map((item) => ({
          ...item,
          minutesSinceArrival: Math.max(0, Math.floor((now - Date.parse(item.arrivedAt)) / 60_000)),
        })),
        total,
        limit,
        offset,
      };
    });
  }

  /** Re-triage: priority, complaint, responsible doctor. Optimistically locked by If-Match. */
  async update(
    id: string,
    expectedVersion: number,
    changes: UpdateAdmissionInput,
    context: RequestContext,
  ): Promise<AdmissionDetail> {
    const userId = actorId(context);
    return this.db.transaction(async (tx) => {
      const state = await lockAdmission(tx, id);
      if (!state) throw new NotFoundError('There is no admission with this id.');
      checkExpectedVersion(state, expectedVersion);
      if (state.status === 'discharged')
        throw new ConflictError('A discharged admission can no longer be changed.');
      throwIfProblems(
        'The change names an unknown doctor.',
        await referenceProblems(tx, { doctorId: changes.doctorId }),
      );
      const chiefComplaint = changes.chiefComplaint?.trim();
      await updateTriage(tx, id, { ...changes, ...(chiefComplaint ? { chiefComplaint } : {}) }, userId);
      await this.audit.record(tx, context, {
        action: 'ADMISSION_UPDATED',
        entityType: 'admission',
        entityId: id,
        patientId: state.patientId,
        details: { fields: Object.keys(changes), triagePriority: changes.triagePriority ?? null },
      });
      return this.detail(tx, id);
    });
  }

  private async detail(tx: Transaction, id: string): Promise<AdmissionDetail> {
    const detail = await findAdmissionDetail(tx, id);
    if (!detail) throw new NotFoundError('There is no admission with this id.');
    return detail;
  }

  private async registerUnidentified(
    tx: Transaction,
    description: NonNullable<AdmitInput['unidentifiedPatient']>,
    arrivedAt: string,
    context: RequestContext,
  ): Promise<string> {
    const patient = await insertUnidentifiedPatient(tx, {
      sex: description.sex ?? 'unknown',
      estimatedAgeYears: description.estimatedAgeYears,
      arrivedAt,
      timeZone: this.timeZone,
      userId: actorId(context),
    });
    await this.audit.record(tx, context, {
      action: 'UNIDENTIFIED_PATIENT_REGISTERED',
      entityType: 'patient',
      entityId: patient.id,
      patientId: patient.id,
      details: { mrn: patient.mrn },
    });
    return patient.id;
  }

  private async admissiblePatient(tx: Transaction, patientId: string): Promise<string> {
    const patient = await findPatientState(tx, patientId);
    if (!patient) {
      throw new ValidationError('The admission names an unknown patient.', [
        { field: 'patientId', message: 'no patient has this id' },
      ]);
    }
    if (patient.mergedIntoPatientId) {
      throw new ConflictError(
        `This temporary record was merged into patient ${patient.mergedIntoPatientId}; admit that patient.`,
      );
    }
    if (patient.archived)
      throw new ConflictError('This patient record is archived; restore it before admitting.');
    return patient.id;
  }
}
