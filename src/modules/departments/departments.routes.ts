import { Type } from 'typebox';
import { answerIdempotent, IdempotencyHeaders } from '../../server/idempotency.js';
import { contextOf, type Api } from '../../server/types.js';
import { etagOf, IfMatchHeaders, versionFromIfMatch } from '../../shared/etag.js';
import type { StaffMemberRecord } from './department-staff.repository.js';
import type { DepartmentRecord } from './departments.repository.js';
import {
  AssignStaffBody,
  CreateDepartmentBody,
  DepartmentIdParams,
  DepartmentList,
  DepartmentSchema,
  DepartmentSearchQuery,
  StaffList,
  StaffMemberParams,
  StaffMemberQuery,
  StaffMemberSchema,
  UpdateDepartmentBody,
} from './departments.schemas.js';
import type { DepartmentsService } from './departments.service.js';

type Presented<T> = Omit<T, 'createdAt' | 'updatedAt'> & { createdAt: string; updatedAt: string };

function present(department: DepartmentRecord): Presented<DepartmentRecord> {
  return {
    ...department,
    createdAt: new Date(department.createdAt).toISOString(),
    updatedAt: new Date(department.updatedAt).toISOString(),
  };
}

function presentMember(
  member: StaffMemberRecord,
): Omit<StaffMemberRecord, 'createdAt'> & { createdAt: string } {
  return { ...member, createdAt: new Date(member.createdAt).toISOString() };
}

export function registerDepartmentRoutes(api: Api, departments: DepartmentsService): void {
  api.get(
    '/api/v1/departments',
    {
      config: { permission: 'departments:read' },
      schema: {
        tags: ['departments'],
        summary: 'List departments; q searches part of the name or the exact code',
        querystring: DepartmentSearchQuery,
        response: { 200: DepartmentList },
      },
    },
    async (request) => {
      const page = await departments.search(request.query);
      return { ...page, items: page.items.map(present) };
    },
  );

  api.post(
    '/api/v1/departments',
    {
      config: { permission: 'departments:write' },
      schema: {
        tags: ['departments'],
        summary: 'Create a department (409 when the code is taken)',
        headers: IdempotencyHeaders,
        body: CreateDepartmentBody,
        response: { 201: DepartmentSchema },
      },
    },
    async (request, reply) =>
      answerIdempotent(
        request,
        reply,
        async (context, idempotency) => {
          const result = await departments.create(request.body, context, idempotency);
          return { ...result, body: present(result.body) };
        },
        (department) => `/api/v1/departments/${department.id}`,
      ),
  );

  api.get(
    '/api/v1/departments/:id',
    {
      config: { permission: 'departments:read' },
      schema: {
        tags: ['departments'],
        summary: 'One department',
        params: DepartmentIdParams,
        response: { 200: DepartmentSchema },
      },
    },
    async (request, reply) => {
      const department = await departments.get(request.params.id);
      return reply.header('etag', etagOf(department.version)).send(present(department));
    },
  );

  api.patch(
    '/api/v1/departments/:id',
    {
      config: { permission: 'departments:write' },
      schema: {
        tags: ['departments'],
        summary: 'Update a department; send If-Match with the ETag of your read (412 when stale)',
        params: DepartmentIdParams,
        headers: IfMatchHeaders,
        body: UpdateDepartmentBody,
        response: { 200: DepartmentSchema },
      },
    },
    async (request, reply) => {
      const version = versionFromIfMatch(request.headers['if-match']);
      const department = await departments.update(
        request.params.id,
        version,
        request.body,
        contextOf(request),
      );
      return reply.header('etag', etagOf(department.version)).send(present(department));
    },
  );

  for (const [action, archived] of [
    ['archive', true],
    ['restore', false],
  ] as const) {
    api.post(
      `/api/v1/departments/:id/${action}`,
      {
        config: { permission: 'departments:write' },
        schema: {
          tags: ['departments'],
          summary: archived ? 'Archive a department (never deleted)' : 'Restore an archived department',
          params: DepartmentIdParams,
          response: { 200: DepartmentSchema },
        },
      },
      async (request, reply) => {
        const department = await departments.setArchived(request.params.id, archived, contextOf(request));
        return reply.header('etag', etagOf(department.version)).send(present(department));
      },
    );
  }

  api.get(
    '/api/v1/departments/:id/staff',
    {
      config: { permission: 'departments:read' },
      schema: {
        tags: ['departments'],
        summary: 'Who works in the department, and as what',
        params: DepartmentIdParams,
        response: { 200: StaffList },
      },
    },
    async (request) => ({ items: (await departments.listStaff(request.params.id)).map(presentMember) }),
  );

  api.post(
    '/api/v1/departments/:id/staff',
    {
      config: { permission: 'departments:write' },
      schema: {
        tags: ['departments'],
        summary: 'Assign a user or a doctor to the department with a position',
        params: DepartmentIdParams,
        body: AssignStaffBody,
        response: { 201: StaffMemberSchema },
      },
    },
    async (request, reply) => {
      const member = await departments.assignStaff(request.params.id, request.body, contextOf(request));
      return reply.code(201).send(presentMember(member));
    },
  );

  api.delete(
    '/api/v1/departments/:id/staff/:assignmentId',
    {
      config: { permission: 'departments:write' },
      schema: {
        tags: ['departments'],
        summary: 'Remove a staff assignment',
        params: StaffMemberParams,
        response: { 204: Type.Null() },
      },
    },
    async (request, reply) => {
      await departments.removeStaff(request.params.id, request.params.assignmentId, contextOf(request));
      return reply.code(204).send(null);
    },
  );

  api.delete(
    '/api/v1/departments/:id/staff',
    {
      config: { permission: 'departments:write' },
      schema: {
        tags: ['departments'],
        summary: 'Remove the assignment of the user (?userId=) or doctor (?doctorId=)',
        params: DepartmentIdParams,
        querystring: StaffMemberQuery,
        response: { 204: Type.Null() },
      },
    },
    async (request, reply) => {
      await departments.removeStaffMember(request.params.id, request.query, contextOf(request));
      return reply.code(204).send(null);
    },
  );
}
