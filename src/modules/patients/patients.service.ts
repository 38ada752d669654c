import { cacheKeys, cacheNamespaces, recordCodec, type CachedReads } from '../../cache/index.js';
import { inOneStatement, type Database, type Transaction } from '../../db/index.js';
import { ConflictError, NotFoundError, ValidationError } from '../../shared/errors.js';
import { runIdempotent, type IdempotentRequest, type StoredResponse } from '../../shared/idempotency.js';
import type { RequestContext } from '../../shared/request-context.js';
import { updateRefusal } from '../../shared/versioned-update.js';
import type { AuditEvent, AuditTrail } from '../audit/index.js';
import { FieldDecryptionError, type FieldCipher } from '../security/index.js';
import {
  COUNT_CAP,
  findPatientById,
  registerPatient,
  searchPatients,
  setPatientArchived,
  updatePatientIfVersion,
  type PatientRecord,
  type PatientSummaryRecord,
  type SealedIdentifier,
  type SealedPatientIdentifiers,
  type StoredPatientRecord,
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

/** The audit event of a registration; its row is written by the registration's own statement. */
const REGISTERED = { action: 'PATIENT_REGISTERED', entityType: 'patient' } as const satisfies AuditEvent;

/**
 * How a patient record is kept in the cache (its timestamps come back as Dates). The record is cached
 * as stored, its national id and insurance number still encrypted: no plaintext identifier reaches Redis.
 */
export const PATIENT_RECORD_CODEC = recordCodec<StoredPatientRecord>(['createdAt', 'updatedAt']);

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
 * (never deletion) and search. Every read and change writes its audit record in the same transaction
 * (a registration: in the same statement).
 * A record read by id is cached (cache-aside); every change drops it once committed, before answering.
 */
export class PatientsService {
  constructor(
    private readonly db: Database,
    private readonly audit: AuditTrail,
    private readonly cache: CachedReads,
    private readonly cipher: FieldCipher,
    /** Where lists and searches read: the read replica when it is fresh enough, else the primary. */
    private readonly reads: Database = db,
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
    const register = async (tx: Transaction): Promise<{ status: number; body: RegisteredPatient }> => {
      const { patient: stored, likelyDuplicates: duplicates } = await registerPatient(
        tx,
        { ...input, name },
        this.seal(input),
        actorId(context),
        this.audit.rowFor(context, REGISTERED),
      );
      const patient = this.open(stored);
      tx.afterCommit(() =>
        this.audit.recorded(context, { ...REGISTERED, entityId: patient.id, patientId: patient.id }),
      );
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
    };
    // The statement writes the audit row too: alone, it needs no transaction; with an Idempotency-Key it
    // joins the transaction that claims the key and keeps the answer.
    if (idempotency) return this.db.transaction((tx) => runIdempotent(tx, idempotency, () => register(tx)));
    return { ...(await inOneStatement(this.db, register)), replayed: false };
  }

  /** One record; the audit row of the view is written whether the record came from the cache or not. */
  async get(id: string, context: RequestContext): Promise<PatientRecord> {
    const cached = await this.cache.lookup(cacheKeys.patientRecord(id), PATIENT_RECORD_CODEC);
    // A cached copy encrypted under a key removed since (after rotate-key) is read afresh instead.
    const usable = cached.value && this.opens(cached.value) ? cached.value : undefined;
    const patient = usable ?? (await findPatientById(this.db, id));
    if (!patient) throw new NotFoundError('There is no patient with this id.');
    // Stored before the record is answered; batched with other reads' rows under load (AuditBatchWriter).
    await this.audit.recordAlone(context, {
      action: 'PATIENT_RECORD_VIEWED',
      entityType: 'patient',
      entityId: id,
      patientId: id,
    });
    if (usable === undefined) await cached.store(patient);
    return this.open(patient);
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
    const saved = await this.db.transaction(async (tx) => {
      const updated = await updatePatientIfVersion(
        tx,
        id,
        expectedVersion,
        normalised,
        this.seal(changes),
        actorId(context),
      );
      if (!updated) {
        throw updateRefusal(await findPatientById(tx, id), expectedVersion, {
          notFound: 'There is no patient with this id.',
          archived: 'This patient record is archived; restore it before editing.',
          subject: 'The record',
        });
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
    await this.cache.invalidate([cacheNamespaces.patient(id)]);
    return this.open(saved);
  }

  async setArchived(id: string, archived: boolean, context: RequestContext): Promise<PatientRecord> {
    const patient = await this.db.transaction(async (tx) => {
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
    await this.cache.invalidate([cacheNamespaces.patient(id)]);
    return this.open(patient);
  }

  async search(query: PatientSearch, context: RequestContext): Promise<PatientPage> {
    const q = (query.q ?? '').trim();
    const criteria = {
      q,
      identifierHashes: {
        nationalId: q === '' ? [] : this.cipher.searchHashes('patients.national_id', q),
        insuranceNumber: q === '' ? [] : this.cipher.searchHashes('patients.insurance_number', q),
        policyNumber: q === '' ? [] : this.cipher.searchHashes('insurance_coverages.policy_number', q),
      },
      includeArchived: query.includeArchived ?? false,
      sort: query.sort ?? 'name',
      order: query.order ?? 'asc',
      limit: query.limit ?? 50,
      offset: query.offset ?? 0,
    } as const;
    // Read (on the replica when one serves), then audit on the primary before any result is answered.
    // No transaction: a search with a term is one statement, and the list without one reads its page
    // and its bounded count on two connections at once (a count a moment apart is no harm).
    const { items, total } = await searchPatients(this.reads, criteria);
    await this.audit.recordAlone(context, {
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
  }

  /** The national id and insurance number a client sent, encrypted, with their keyed hashes. */
  private seal(input: UpdatePatientInput): SealedPatientIdentifiers {
    const sealOne = (
      field: 'patients.national_id' | 'patients.insurance_number',
      value: string | null | undefined,
    ): SealedIdentifier | null | undefined => {
      if (value === undefined) return undefined;
      if (value === null) return null;
      const trimmed = value.trim();
      // Blank is refused like a blank name: accepting it and storing nothing would lose input silently.
      if (trimmed === '') {
        const name = field === 'patients.national_id' ? 'nationalId' : 'insuranceNumber';
        throw new ValidationError(`The ${name} is blank.`, [{ field: name, message: 'must not be blank' }]);
      }
      return { encrypted: this.cipher.encrypt(field, trimmed), hash: this.cipher.searchHash(field, trimmed) };
    };
    return {
      insuranceNumber: sealOne('patients.insurance_number', input.insuranceNumber),
      nationalId: sealOne('patients.national_id', input.nationalId),
    };
  }

  private opens(stored: StoredPatientRecord): boolean {
    try {
      this.open(stored);
      return true;
    } catch (error) {
      if (error instanceof FieldDecryptionError) return false;
      throw error;
    }
  }

  /** The record with its identifiers decrypted, as authorised users read it. */
  private open(stored: StoredPatientRecord): PatientRecord {
    const { insuranceNumberEncrypted, insuranceNumberPlaintext, nationalIdEncrypted, ...rest } = stored;
    return {
      ...rest,
      insuranceNumber:
        this.cipher.decryptOptional('patients.insurance_number', insuranceNumberEncrypted) ??
        insuranceNumberPlaintext,
      nationalId: this.cipher.decryptOptional('patients.national_id', nationalIdEncrypted),
    };
  }
}
