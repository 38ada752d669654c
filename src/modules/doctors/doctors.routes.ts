import { answerIdempotent, IdempotencyHeaders } from '../../server/idempotency.js';
import { contextOf, type Api } from '../../server/types.js';
import { etagOf, IfMatchHeaders, versionFromIfMatch } from '../../shared/etag.js';
import type { DoctorRecord } from './doctors.repository.js';
import {
  CreateDoctorBody,
  DoctorIdParams,
  DoctorList,
  DoctorSchema,
  DoctorSearchQuery,
  UpdateDoctorBody,
} from './doctors.schemas.js';
import type { DoctorsService } from './doctors.service.js';

function present(
  doctor: DoctorRecord,
): Omit<DoctorRecord, 'createdAt' | 'updatedAt'> & { createdAt: string; updatedAt: string } {
  return {
    ...doctor,
    createdAt: new Date(doctor.createdAt).toISOString(),
    updatedAt: new Date(doctor.updatedAt).toISOString(),
  };
}

export function registerDoctorRoutes(api: Api, doctors: DoctorsService): void {
  api.get(
    '/api/v1/doctors',
    {
      config: { permission: 'doctors:read' },
      schema: {
        tags: ['doctors'],
        summary: 'Search doctors by part of the name, specialization or department',
        querystring: DoctorSearchQuery,
        response: { 200: DoctorList },
      },
    },
    async (request) => {
      const page = await doctors.search(request.query);
      return { ...page, items: page.items.map(present) };
    },
  );

  api.post(
    '/api/v1/doctors',
    {
      config: { permission: 'doctors:write' },
      schema: {
        tags: ['doctors'],
        summary: 'Register a doctor; without workingHours they work Monday-Friday 08:00-17:00',
        headers: IdempotencyHeaders,
        body: CreateDoctorBody,
        response: { 201: DoctorSchema },
      },
    },
    async (request, reply) =>
      answerIdempotent(
        request,
        reply,
        async (context, idempotency) => {
          const result = await doctors.create(request.body, context, idempotency);
          return { ...result, body: present(result.body) };
        },
        (doctor) => `/api/v1/doctors/${doctor.id}`,
      ),
  );

  api.get(
    '/api/v1/doctors/:id',
    {
      config: { permission: 'doctors:read' },
      schema: {
        tags: ['doctors'],
        summary: 'One doctor',
        params: DoctorIdParams,
        response: { 200: DoctorSchema },
      },
    },
    async (request, reply) => {
      const doctor = await doctors.get(request.params.id);
      return reply.header('etag', etagOf(doctor.version)).send(present(doctor));
    },
  );

  api.patch(
    '/api/v1/doctors/:id',
    {
      config: { permission: 'doctors:write' },
      schema: {
        tags: ['doctors'],
        summary: 'Update a doctor; send If-Match with the ETag of your read (412 when stale)',
        params: DoctorIdParams,
        headers: IfMatchHeaders,
        body: UpdateDoctorBody,
        response: { 200: DoctorSchema },
      },
    },
    async (request, reply) => {
      const version = versionFromIfMatch(request.headers['if-match']);
      const doctor = await doctors.update(request.params.id, version, request.body, contextOf(request));
      return reply.header('etag', etagOf(doctor.version)).send(present(doctor));
    },
  );

  for (const [action, archived] of [
    ['archive', true],
    ['restore', false],
  ] as const) {
    api.post(
      `/api/v1/doctors/:id/${action}`,
      {
        config: { permission: 'doctors:write' },
        schema: {
          tags: ['doctors'],
          summary: archived ? 'Archive a doctor (never deleted)' : 'Restore an archived doctor',
          params: DoctorIdParams,
          response: { 200: DoctorSchema },
        },
      },
      async (request, reply) => {
        const doctor = await doctors.setArchived(request.params.id, archived, contextOf(request));
        return reply.header('etag', etagOf(doctor.version)).send(present(doctor));
      },
    );
  }
}
