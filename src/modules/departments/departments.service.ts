import { cacheKeys, cacheNamespaces, pageCodec, type CachedReads } from '../../cache/index.js';
import { sqlState, type Database, type Queryable } from '../../db/index.js';
import { ConflictError, NotFoundError, UnprocessableError, ValidationError } from '../../shared/errors.js';
import { runIdempotent, type IdempotentRequest, type StoredResponse } from '../../shared/idempotency.js';
import type { RequestContext } from '../../shared/request-context.js';
import { updateRefusal } from '../../shared/versioned-update.js';
import type { AuditTrail } from '../audit/index.js';
import {
  deleteStaffMember,
  findStaffAssignmentId,
  findStaffOfDepartment,
  insertStaffMember,
  userExists,
  type StaffMemberRecord,
} from './department-staff.repository.js';
import {
  findDepartmentById,
  insertDepartment,
  isActiveDoctor,
  searchDepartments,
  setDepartmentArchived,
  updateDepartmentIfVersion,
  type DepartmentRecord,
} from './departments.repository.js';
import type {
  AssignStaffInput,
  CreateDepartmentInput,
  DepartmentSearch,
  StaffMemberSelector,
  UpdateDepartmentInput,
} from './departments.schemas.js';

export interface DepartmentPage {
  readonly items: DepartmentRecord[];
  readonly total: number;
  readonly limit: number;
  readonly offset: number;
}

function normalise<T extends Partial<CreateDepartmentInput>>(input: T): T {
  const result = { ...input };
  if (result.code !== undefined) result.code = result.code.toUpperCase();
  if (result.name !== undefined) {
    result.name = result.name.trim();
    if (result.name === '')
      throw new ValidationError('The name is empty.', [{ field: 'name', message: 'must not be blank' }]);
  }
  return result;
}

const DEPARTMENT_PAGE_CODEC = pageCodec<DepartmentRecord, DepartmentPage>(['createdAt', 'updatedAt']);

/** Runs `work`, turning a duplicate department code into a 409 that says which code. */
async function uniqueCode<T>(code: string | undefined, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (sqlState(error) === '23505' && code !== undefined) {
      throw new ConflictError(`A department with the code ${code} already exists.`);
    }
    throw error;
  }
}

/**
 * Departments: create, read, search, optimistic-locked update and archiving, and who works in each.
 * Every change is audited in its transaction. Lists are cached (cache-aside) and every change to a
 * department drops them once committed, before answering.
 */
export class DepartmentsService {
  constructor(
    private readonly db: Database,
    private readonly audit: AuditTrail,
    private readonly cache: CachedReads,
  ) {}

  async create(
    input: CreateDepartmentInput,
    context: RequestContext,
    idempotency?: IdempotentRequest,
  ): Promise<StoredResponse<DepartmentRecord>> {
    const department = normalise(input);
    const result = await this.db.transaction((tx) =>
      runIdempotent(tx, idempotency, async () => {
        await this.checkHeadDoctor(tx, department.headDoctorId);
        const created = await uniqueCode(department.code, () => insertDepartment(tx, department));
        await this.audit.record(tx, context, {
          action: 'DEPARTMENT_CREATED',
          entityType: 'department',
          entityId: created.id,
          details: { code: created.code },
        });
        return { status: 201, body: created };
      }),
    );
    await this.cache.invalidate([cacheNamespaces.departments]);
    return result;
  }

  async get(id: string): Promise<DepartmentRecord> {
    const department = await findDepartmentById(this.db, id);
    if (!department) throw new NotFoundError('There is no department with this id.');
    return department;
  }

  async update(
    id: string,
    expectedVersion: number,
    changes: UpdateDepartmentInput,
    context: RequestContext,
  ): Promise<DepartmentRecord> {
    const normalised = normalise(changes);
    const saved = await this.db.transaction(async (tx) => {
      await this.checkHeadDoctor(tx, normalised.headDoctorId);
      const updated = await uniqueCode(normalised.code, () =>
        updateDepartmentIfVersion(tx, id, expectedVersion, normalised),
      );
      if (!updated) {
        throw updateRefusal(await findDepartmentById(tx, id), expectedVersion, {
          notFound: 'There is no department with this id.',
          archived: 'This department is archived; restore it before editing.',
          subject: 'The department',
        });
      }
      await this.audit.record(tx, context, {
        action: 'DEPARTMENT_UPDATED',
        entityType: 'department',
        entityId: id,
        details: { fields: Object.keys(changes), version: updated.version },
      });
      return updated;
    });
    await this.cache.invalidate([cacheNamespaces.departments]);
    return saved;
  }

  async setArchived(id: string, archived: boolean, context: RequestContext): Promise<DepartmentRecord> {
    const department = await this.db.transaction(async (tx) => {
      const changed = await setDepartmentArchived(tx, id, archived);
      if (!changed) {
        const current = await findDepartmentById(tx, id);
        if (!current) throw new NotFoundError('There is no department with this id.');
        return current;
      }
      await this.audit.record(tx, context, {
        action: archived ? 'DEPARTMENT_ARCHIVED' : 'DEPARTMENT_RESTORED',
        entityType: 'department',
        entityId: id,
      });
      return changed;
    });
    await this.cache.invalidate([cacheNamespaces.departments]);
    return department;
  }

  async search(query: DepartmentSearch): Promise<DepartmentPage> {
    const criteria = {
      q: query.q ?? '',
      includeArchived: query.includeArchived ?? false,
      limit: query.limit ?? 50,
      offset: query.offset ?? 0,
    };
    return this.cache.getOrLoad(cacheKeys.departmentList(criteria), DEPARTMENT_PAGE_CODEC, async () => {
      const { items, total } = await searchDepartments(this.db, criteria);
      return { items, total, limit: criteria.limit, offset: criteria.offset };
    });
  }

  async assignStaff(
    departmentId: string,
    input: AssignStaffInput,
    context: RequestContext,
  ): Promise<StaffMemberRecord> {
    const userId = input.userId ?? null;
    const doctorId = input.doctorId ?? null;
    if ((userId === null) === (doctorId === null)) {
      throw new ValidationError('Send exactly one of userId and doctorId.', [
        {
          field: userId === null ? 'userId' : 'doctorId',
          message: 'send exactly one of userId and doctorId',
        },
      ]);
    }
    const position = input.position.trim();
    if (position === '')
      throw new ValidationError('The position is empty.', [
        { field: 'position', message: 'must not be blank' },
      ]);
    return this.db.transaction(async (tx) => {
      const department = await findDepartmentById(tx, departmentId);
      if (!department) throw new NotFoundError('There is no department with this id.');
      if (department.archived) throw new UnprocessableError('This department is archived.');
      if (userId !== null && !(await userExists(tx, userId)))
        throw new UnprocessableError('There is no user with this userId.');
      if (doctorId !== null && !(await isActiveDoctor(tx, doctorId)))
        throw new UnprocessableError('There is no active doctor with this doctorId.');
      let member: StaffMemberRecord;
      try {
        member = await insertStaffMember(tx, departmentId, { userId, doctorId, position });
      } catch (error) {
        if (sqlState(error) === '23505')
          throw new ConflictError('This person is already on the staff of the department.');
        throw error;
      }
      await this.audit.record(tx, context, {
        action: 'DEPARTMENT_STAFF_ASSIGNED',
        entityType: 'department',
        entityId: departmentId,
        details: { assignmentId: member.id, userId, doctorId, position },
      });
      return member;
    });
  }

  async listStaff(departmentId: string): Promise<StaffMemberRecord[]> {
    await this.get(departmentId);
    return findStaffOfDepartment(this.db, departmentId);
  }

  async removeStaff(departmentId: string, assignmentId: string, context: RequestContext): Promise<void> {
    await this.db.transaction(async (tx) => {
      const removed = await deleteStaffMember(tx, departmentId, assignmentId);
      if (!removed) throw new NotFoundError('This department has no staff assignment with this id.');
      await this.audit.record(tx, context, {
        action: 'DEPARTMENT_STAFF_REMOVED',
        entityType: 'department',
        entityId: departmentId,
        details: { assignmentId, ...removed },
      });
    });
  }

  /** Removes the assignment of the user or the doctor named in `selector`. */
  async removeStaffMember(
    departmentId: string,
    selector: StaffMemberSelector,
    context: RequestContext,
  ): Promise<void> {
    const member = { userId: selector.userId ?? null, doctorId: selector.doctorId ?? null };
    if ((member.userId === null) === (member.doctorId === null)) {
      throw new ValidationError('Name exactly one of userId and doctorId.', [
        { field: 'userId', message: 'send exactly one of userId and doctorId' },
      ]);
    }
    const assignmentId = await findStaffAssignmentId(this.db, departmentId, member);
    if (!assignmentId) throw new NotFoundError('This person is not on the staff of the department.');
    await this.removeStaff(departmentId, assignmentId, context);
  }

  private async checkHeadDoctor(db: Queryable, headDoctorId: string | null | undefined): Promise<void> {
    if (headDoctorId && !(await isActiveDoctor(db, headDoctorId))) {
      throw new UnprocessableError('There is no active doctor with this headDoctorId.');
    }
  }
}
