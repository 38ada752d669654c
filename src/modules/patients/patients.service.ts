import type { Database } from '../../db/index.js';
import {
  ConflictError,
  NotFoundError,
  PreconditionFailedError,
  ValidationError,
} from '../../shared/errors.js';
import { runIdempotent, type IdempotentRequest, type StoredResponse } from '../../shared/idempotency.js';
import type { RequestContext } from '../../shared/request-context.js';
import type { AuditTrail } from '../audit/index.js';
import {
  COUNT_CAP,
  findLikelyDuplicates,
  findPatientById,
  insertPatient,
  searchPatients,
  setPatientArchived,
  updatePatientIfVersion,
  type PatientRecord,
  type PatientSummaryRecord,
} from './patients.repository.js';
import type { PatientSearch, RegisterPatientInput, UpdatePatientInput } from './patients.schemas.js';

export interface DuplicateWarning {
  readonly code: 'possible_duplicate';
  readonly message: string;
  readonly patients: PatientSummaryRecord[];
}

export interface RegisteredPatient extends PatientRecord {
  readonly warnings: DuplicateWarning[];
}

export interface PatientPage {
  readonly items: PatientSummaryRecord[];
  readonly total: number;
  readonly totalIsLowerBound: boolean;
  readonly limit: number;
  readonly offset: number;
}

const OLDEST_PLAUSIBLE_BIRTH = '1880-01-01';

function todayUtc(): string {
  return new Date().toISOString().slice(0, 10);
}

function checkDateOfBirth(dateOfBirth: string | undefined): void {
  if (dateOfBirth === undefined) return;
  if (dateOfBirth > todayUtc() || dateOfBirth < OLDEST_PLAUSIBLE_BIRTH) {
    throw new ValidationError('The date of birth is not plausible.', [
      { field: 'dateOfBirth', message: `must be between ${OLDEST_PLAUSIBLE_BIRTH} and today` },
    ]);
  }
}

function actorId(context: RequestContext): string {
  if (!context.actor) throw new Error('patient changes need a signed-in actor');
  return context.actor.userId;
}

/**
 * Patient records: registration with duplicate detection, reads, optimistic-locked updates, archiving
 * (never deletion) and search. Every read and change writes its audit record in the same transaction.
 */
export class PatientsService {
  constructor(
    private readonly db: Database,
    private readonly audit: AuditTrail,
  ) {}

  async register(
    input: RegisterPatientInput,
    context: RequestContext,
    idempotency?: IdempotentRequest,
  ): Promise<StoredResponse<RegisteredPatient>> {
    checkDateOfBirth(input.dateOfBirth);
    const name = input.name.trim();
    if (name === '')
      throw new ValidationError('The name is empty.', [{ field: 'name', message: 'must not be blank' }]);
    return this.db.transaction((tx) =>
      runIdempotent(tx, idempotency, async () => {
        const duplicates = await findLikelyDuplicates(tx, name, input.dateOfBirth, input.phone, null);
        const patient = await insertPatient(tx, { ...input, name }, actorId(context));
        await this.audit.record(tx, context, {
          action: 'PATIENT_REGISTERED',
          entityType: 'patient',
          entityId: patient.id,
          patientId: patient.id,
          details: { mrn: patient.mrn, possibleDuplicates: duplicates.map((duplicate) => duplicate.id) },
        });
        const warnings: DuplicateWarning[] =
          duplicates.length === 0
            ? []
            : [
                {
                  code: 'possible_duplicate',
                  message: `${duplicates.length} registered patient(s) have a similar name and the same date of birth or phone. Check that this is not the same person.`,
                  patients: duplicates,
                },
              ];
        return { status: 201, body: { ...patient, warnings } };
      }),
    );
  }

  async get(id: string, context: RequestContext): Promise<PatientRecord> {
    return this.db.transaction(async (tx) => {
      const patient = await findPatientById(tx, id);
      if (!patient) throw new NotFoundError('There is no patient with this id.');
      await this.audit.record(tx, context, {
        action: 'PATIENT_RECORD_VIEWED',
        entityType: 'patient',
        entityId: id,
        patientId: id,
      });
      return patient;
    });
  }

  async update(
    id: string,
    expectedVersion: number,
    changes: UpdatePatientInput,
    context: RequestContext,
  ): Promise<PatientRecord> {
    checkDateOfBirth(changes.dateOfBirth);
    if (changes.name !== undefined && changes.name.trim() === '') {
      throw new ValidationError('The name is empty.', [{ field: 'name', message: 'must not be blank' }]);
    }
    const normalised = changes.name !== undefined ? { ...changes, name: changes.name.trim() } : changes;
    return this.db.transaction(async (tx) => {
      const updated = await updatePatientIfVersion(tx, id, expectedVersion, normalised, actorId(context));
      if (!updated) {
        const current = await findPatientById(tx, id);
        if (!current) throw new NotFoundError('There is no patient with this id.');
        if (current.archived)
          throw new PreconditionFailedError('This patient record is archived; restore it before editing.');
        throw new PreconditionFailedError(
          `The record was changed by someone else (now version ${current.version}, you edited version ${expectedVersion}). Reload it and apply your change again.`,
        );
      }
      await this.audit.record(tx, context, {
        action: 'PATIENT_UPDATED',
        entityType: 'patient',
        entityId: id,
        patientId: id,
        details: { fields: Object.keys(changes), version: updated.version },
      });
      return updated;
    });
  }

  async setArchived(id: string, archived: boolean, context: RequestContext): Promise<PatientRecord> {
    return this.db.transaction(async (tx) => {
      const changed = await setPatientArchived(tx, id, archived, actorId(context));
      if (!changed) {
        const current = await findPatientById(tx, id);
        if (!current) throw new NotFoundError('There is no patient with this id.');
        if (!archived && current.archived) {
          // Only a record merged into another stays archived here: restoring it would orphan the merge.
          throw new ConflictError(
            'This record was merged into another patient record and cannot be restored on its own; if the merge was a mistake, undo it (POST /api/v1/patients/merges/{id}/undo).',
          );
        }
        return current;
      }
      await this.audit.record(tx, context, {
        action: archived ? 'PATIENT_ARCHIVED' : 'PATIENT_RESTORED',
        entityType: 'patient',
        entityId: id,
        patientId: id,
      });
      return changed;
    });
  }

  async search(query: PatientSearch, context: RequestContext): Promise<PatientPage> {
    const criteria = {
      q: query.q ?? '',
      includeArchived: query.includeArchived ?? false,
      sort: query.sort ?? 'name',
      order: query.order ?? 'asc',
      limit: query.limit ?? 50,
      offset: query.offset ?? 0,
    } as const;
    return this.db.transaction(async (tx) => {
      const { items, total } = await searchPatients(tx, criteria);
      await this.audit.record(tx, context, {
        action: 'PATIENT_SEARCHED',
        entityType: 'patient',
        details: { resultCount: items.length, patientIds: items.map((item) => item.id) },
      });
      return {
        items,
        total: Math.min(total, COUNT_CAP),
        totalIsLowerBound: total > COUNT_CAP,
        limit: criteria.limit,
        offset: criteria.offset,
      };
    });
  }
}
