import { answerIdempotent, IdempotencyHeaders } from '../../server/idempotency.js';
import { contextOf, type Api } from '../../server/types.js';
import { etagOf, IfMatchHeaders, versionFromIfMatch } from '../../shared/etag.js';
import type { PatientRecord } from './patients.repository.js';
import {
  PatientIdParams,
  PatientList,
  PatientSchema,
  PatientSearchQuery,
  RegisteredPatient,
  RegisterPatientBody,
  UpdatePatientBody,
} from './patients.schemas.js';
import type { PatientsService } from './patients.service.js';

function present<T extends PatientRecord>(
  patient: T,
): Omit<T, 'createdAt' | 'updatedAt'> & { createdAt: string; updatedAt: string } {
  return {
    ...patient,
    createdAt: new Date(patient.createdAt).toISOString(),
    updatedAt: new Date(patient.updatedAt).toISOString(),
  };
}

export function registerPatientRoutes(api: Api, patients: PatientsService): void {
  api.get(
    '/api/v1/patients',
    {
      config: { permission: 'patients:read' },
      schema: {
        tags: ['patients'],
        summary: 'Search patients by part of the name, exact MRN or phone',
        querystring: PatientSearchQuery,
        response: { 200: PatientList },
      },
    },
    async (request) => patients.search(request.query, contextOf(request)),
  );

  api.post(
    '/api/v1/patients',
    {
      config: { permission: 'patients:write' },
      schema: {
        tags: ['patients'],
        summary: 'Register a patient; warns of likely duplicates',
        headers: IdempotencyHeaders,
        body: RegisterPatientBody,
        response: { 201: RegisteredPatient },
      },
    },
    async (request, reply) =>
      answerIdempotent(
        request,
        reply,
        async (context, idempotency) => {
          const result = await patients.register(request.body, context, idempotency);
          return { ...result, body: present(result.body) };
        },
        (patient) => `/api/v1/patients/${patient.id}`,
      ),
  );

  api.get(
    '/api/v1/patients/:id',
    {
      config: { permission: 'patients:read' },
      schema: {
        tags: ['patients'],
        summary: 'One patient record (audited)',
        params: PatientIdParams,
        response: { 200: PatientSchema },
      },
    },
    async (request, reply) => {
      const patient = await patients.get(request.params.id, contextOf(request));
      return reply.header('etag', etagOf(patient.version)).send(present(patient));
    },
  );

  api.patch(
    '/api/v1/patients/:id',
    {
      config: { permission: 'patients:write' },
      schema: {
        tags: ['patients'],
        summary: 'Update demographics; send If-Match with the ETag of your read (412 when stale)',
        params: PatientIdParams,
        headers: IfMatchHeaders,
        body: UpdatePatientBody,
        response: { 200: PatientSchema },
      },
    },
    async (request, reply) => {
      const version = versionFromIfMatch(request.headers['if-match']);
      const patient = await patients.update(request.params.id, version, request.body, contextOf(request));
      return reply.header('etag', etagOf(patient.version)).send(present(patient));
    },
  );

  for (const [action, archived] of [
    ['archive', true],
    ['restore', false],
  ] as const) {
    api.post(
      `/api/v1/patients/:id/${action}`,
      {
        config: { permission: 'patients:archive' },
        schema: {
          tags: ['patients'],
          summary: archived
            ? 'Archive a patient record (records are never deleted)'
            : 'Restore an archived record',
          params: PatientIdParams,
          response: { 200: PatientSchema },
        },
      },
      async (request, reply) => {
        const patient = await patients.setArchived(request.params.id, archived, contextOf(request));
        return reply.header('etag', etagOf(patient.version)).send(present(patient));
      },
    );
  }
}
