import { cacheKeys, cacheNamespaces, pageCodec, type CachedReads } from '../../cache/index.js';
import { sqlState, type Database, type Queryable } from '../../db/index.js';
import { ConflictError, NotFoundError, UnprocessableError, ValidationError } from '../../shared/errors.js';
import { runIdempotent, type IdempotentRequest, type StoredResponse } from '../../shared/idempotency.js';
import type { RequestContext } from '../../shared/request-context.js';
import { updateRefusal } from '../../shared/versioned-update.js';
import type { AuditTrail } from '../audit/index.js';
import { findDepartmentById } from '../departments/index.js';
import {
  findDoctorById,
  insertDoctor,
  searchDoctors,
  setDoctorArchived,
  updateDoctorIfVersion,
  userExists,
  type DoctorRecord,
} from './doctors.repository.js';
import type { CreateDoctorInput, DoctorSearch, UpdateDoctorInput } from './doctors.schemas.js';
import { replaceWorkingHours } from './schedule.repository.js';
import { DEFAULT_WORKING_HOURS, parseWorkingHours } from './working-hours.js';

export interface DoctorPage {
  readonly items: DoctorRecord[];
  readonly total: number;
  readonly limit: number;
  readonly offset: number;
}

function trimmed<T extends Partial<CreateDoctorInput>>(input: T): T {
  const result = { ...input };
  for (const field of ['name', 'licenseNumber', 'specialization'] as const) {
    const value = result[field];
    if (value === undefined) continue;
    result[field] = value.trim();
    if (result[field] === '')
      throw new ValidationError(`The ${field} is empty.`, [{ field, message: 'must not be blank' }]);
  }
  return result;
}

const DOCTOR_PAGE_CODEC = pageCodec<DoctorRecord, DoctorPage>(['createdAt', 'updatedAt']);

/** Turns the unique indexes of doctors into 409s that say what is taken. */
async function uniqueFields<T>(input: Partial<CreateDoctorInput>, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (sqlState(error) !== '23505') throw error;
    const constraint = (error as { constraint?: string }).constraint ?? '';
    if (constraint === 'idx_doctors_user') {
      throw new ConflictError('This user account is already linked to another doctor.');
    }
    throw new ConflictError(
      `A doctor with the licence number ${input.licenseNumber ?? ''} is already registered.`,
    );
  }
}

/**
 * Doctors: registration (with Monday-Friday 08:00-17:00 when no hours are given), reads, search,
 * optimistic-locked updates and archiving. Every change is audited in its transaction. Lists are cached
 * (cache-aside) and every change drops them once committed, before answering.
 */
export class DoctorsService {
  constructor(
    private readonly db: Database,
    private readonly audit: AuditTrail,
    private readonly cache: CachedReads,
  ) {}

  async create(
    input: CreateDoctorInput,
    context: RequestContext,
    idempotency?: IdempotentRequest,
  ): Promise<StoredResponse<DoctorRecord>> {
    const doctor = trimmed(input);
    const hours =
      input.workingHours === undefined
        ? DEFAULT_WORKING_HOURS
        : parseWorkingHours(input.workingHours, 'workingHours');
    const result = await this.db.transaction((tx) =>
      runIdempotent(tx, idempotency, async () => {
        await this.checkReferences(tx, doctor);
        const created = await uniqueFields(doctor, () => insertDoctor(tx, doctor));
        await replaceWorkingHours(tx, created.id, hours);
        await this.audit.record(tx, context, {
          action: 'DOCTOR_CREATED',
          entityType: 'doctor',
          entityId: created.id,
          details: { departmentId: created.departmentId, defaultHours: input.workingHours === undefined },
        });
        return { status: 201, body: created };
      }),
    );
    await this.cache.invalidate([cacheNamespaces.doctors]);
    return result;
  }

  async get(id: string): Promise<DoctorRecord> {
    const doctor = await findDoctorById(this.db, id);
    if (!doctor) throw new NotFoundError('There is no doctor with this id.');
    return doctor;
  }

  async update(
    id: string,
    expectedVersion: number,
    changes: UpdateDoctorInput,
    context: RequestContext,
  ): Promise<DoctorRecord> {
    const normalised = trimmed(changes);
    const saved = await this.db.transaction(async (tx) => {
      await this.checkReferences(tx, normalised);
      const updated = await uniqueFields(normalised, () =>
        updateDoctorIfVersion(tx, id, expectedVersion, normalised),
      );
      if (!updated) {
        throw updateRefusal(await findDoctorById(tx, id), expectedVersion, {
          notFound: 'There is no doctor with this id.',
          archived: 'This doctor is archived; restore the record before editing.',
          subject: 'The doctor',
        });
      }
      await this.audit.record(tx, context, {
        action: 'DOCTOR_UPDATED',
        entityType: 'doctor',
        entityId: id,
        details: { fields: Object.keys(changes), version: updated.version },
      });
      return updated;
    });
    await this.cache.invalidate([cacheNamespaces.doctors]);
    return saved;
  }

  async setArchived(id: string, archived: boolean, context: RequestContext): Promise<DoctorRecord> {
    const doctor = await this.db.transaction(async (tx) => {
      const changed = await setDoctorArchived(tx, id, archived);
      if (!changed) {
        const current = await findDoctorById(tx, id);
        if (!current) throw new NotFoundError('There is no doctor with this id.');
        return current;
      }
      await this.audit.record(tx, context, {
        action: archived ? 'DOCTOR_ARCHIVED' : 'DOCTOR_RESTORED',
        entityType: 'doctor',
        entityId: id,
      });
      return changed;
    });
    await this.cache.invalidate([cacheNamespaces.doctors]);
    return doctor;
  }

  async search(query: DoctorSearch): Promise<DoctorPage> {
    const criteria = {
      q: query.q ?? '',
      specialization: query.specialization ?? '',
      departmentId: query.departmentId,
      includeArchived: query.includeArchived ?? false,
      limit: query.limit ?? 50,
      offset: query.offset ?? 0,
    };
    return this.cache.getOrLoad(cacheKeys.doctorList(criteria), DOCTOR_PAGE_CODEC, async () => {
      const { items, total } = await searchDoctors(this.db, criteria);
      return { items, total, limit: criteria.limit, offset: criteria.offset };
    });
  }

  private async checkReferences(db: Queryable, input: Partial<CreateDoctorInput>): Promise<void> {
    if (input.departmentId !== undefined) {
      const department = await findDepartmentById(db, input.departmentId);
      if (!department) throw new UnprocessableError('There is no department with this departmentId.');
      if (department.archived) throw new UnprocessableError('The department is archived.');
    }
    if (input.userId && !(await userExists(db, input.userId))) {
      throw new UnprocessableError('There is no user with this userId.');
    }
  }
}
