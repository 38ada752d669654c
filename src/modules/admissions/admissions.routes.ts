import { answerIdempotent, answerTransition, PostHeaders } from '../../server/idempotency.js';
import { contextOf, type Api } from '../../server/types.js';
import { etagOf, versionFromIfMatch } from '../../shared/etag.js';
import {
  AdmissionDetail,
  AdmissionIdParams,
  AdmissionList,
  AdmissionListQuery,
  AdmitBody,
  Board,
  BoardQuery,
  DischargeBody,
  IdentifyBody,
  TransferBody,
  UpdateAdmissionBody,
} from './admissions.schemas.js';
import type { AdmissionsService } from './admissions.service.js';

export function registerAdmissionRoutes(api: Api, admissions: AdmissionsService): void {
  api.get(
    '/api/v1/admissions',
    {
      config: { permission: 'admissions:read' },
      schema: {
        tags: ['admissions'],
        summary: 'Admissions by status ("open": not discharged), department, patient or doctor; newest first',
        querystring: AdmissionListQuery,
        response: { 200: AdmissionList },
      },
    },
    async (request) => admissions.list(request.query, contextOf(request)),
  );

  api.get(
    '/api/v1/admissions/board',
    {
      config: { permission: 'admissions:read' },
      schema: {
        tags: ['admissions'],
        summary: 'The live board: open admissions, most urgent (ESI 1) first, then longest waiting',
        querystring: BoardQuery,
        response: { 200: Board },
      },
    },
    async (request) => admissions.board(request.query, contextOf(request)),
  );

  api.post(
    '/api/v1/admissions',
    {
      config: { permission: 'admissions:write' },
      schema: {
        tags: ['admissions'],
        summary: 'Emergency admission of a registered patient (patientId) or an unidentified one',
        headers: PostHeaders,
        body: AdmitBody,
        response: { 201: AdmissionDetail },
      },
    },
    async (request, reply) =>
      answerIdempotent(
        request,
        reply,
        (context, idempotency) => admissions.admit(request.body, context, idempotency),
        (admission) => `/api/v1/admissions/${admission.id}`,
      ),
  );

  api.get(
    '/api/v1/admissions/:id',
    {
      config: { permission: 'admissions:read' },
      schema: {
        tags: ['admissions'],
        summary: 'One admission with its movement log (audited)',
        params: AdmissionIdParams,
        response: { 200: AdmissionDetail },
      },
    },
    async (request, reply) => {
      const admission = await admissions.get(request.params.id, contextOf(request));
      return reply.header('etag', etagOf(admission.version)).send(admission);
    },
  );

  api.patch(
    '/api/v1/admissions/:id',
    {
      config: { permission: 'admissions:write' },
      schema: {
        tags: ['admissions'],
        summary: 'Re-triage: priority, chief complaint, doctor. Send If-Match (412 when stale)',
        params: AdmissionIdParams,
        headers: PostHeaders,
        body: UpdateAdmissionBody,
        response: { 200: AdmissionDetail },
      },
    },
    async (request, reply) => {
      const version = versionFromIfMatch(request.headers['if-match']);
      const admission = await admissions.update(request.params.id, version, request.body, contextOf(request));
      return reply.header('etag', etagOf(admission.version)).send(admission);
    },
  );

  api.post(
    '/api/v1/admissions/:id/transfer',
    {
      config: { permission: 'admissions:write' },
      schema: {
        tags: ['admissions'],
        summary: 'Move the patient to another department, ward or bed (logged); 409 once discharged',
        params: AdmissionIdParams,
        headers: PostHeaders,
        body: TransferBody,
        response: { 200: AdmissionDetail },
      },
    },
    async (request, reply) =>
      answerTransition(request, reply, (version, context, idempotency) =>
        admissions.transitions.transfer(request.params.id, version, request.body, context, idempotency),
      ),
  );

  api.post(
    '/api/v1/admissions/:id/discharge',
    {
      config: { permission: 'admissions:write' },
      schema: {
        tags: ['admissions'],
        summary: 'Discharge; 409 when already discharged',
        params: AdmissionIdParams,
        headers: PostHeaders,
        body: DischargeBody,
        response: { 200: AdmissionDetail },
      },
    },
    async (request, reply) =>
      answerTransition(request, reply, (version, context, idempotency) =>
        admissions.transitions.discharge(request.params.id, version, request.body, context, idempotency),
      ),
  );

  api.post(
    '/api/v1/admissions/:id/identify',
    {
      config: { permission: 'admissions:write' },
      schema: {
        tags: ['admissions'],
        summary:
          'Name the registered patient an unidentified patient turned out to be; merges the temporary record',
        params: AdmissionIdParams,
        headers: PostHeaders,
        body: IdentifyBody,
        response: { 200: AdmissionDetail },
      },
    },
    async (request, reply) =>
      answerIdempotent(request, reply, (context, idempotency) =>
        admissions.transitions.identify(request.params.id, request.body.patientId, context, idempotency),
      ),
  );
}
