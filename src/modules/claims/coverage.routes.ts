import { answerIdempotent, PostHeaders } from '../../server/idempotency.js';
import { contextOf, type Api } from '../../server/types.js';
import { etagOf, IfMatchHeaders, versionFromIfMatch } from '../../shared/etag.js';
import {
  AddCoverageBody,
  CoverageList,
  CoverageParams,
  CoverageSchema,
  EligibilityQuery,
  EligibilitySchema,
  PatientParams,
  UpdateCoverageBody,
} from './coverage.schemas.js';
import type { CoverageService } from './coverage.service.js';

export function registerCoverageRoutes(api: Api, coverage: CoverageService): void {
  api.get(
    '/api/v1/patients/:id/coverages',
    {
      config: { permission: 'claims:read' },
      schema: {
        tags: ['claims'],
        summary: "The patient's insurance coverages, newest first (audited)",
        params: PatientParams,
        response: { 200: CoverageList },
      },
    },
    async (request) => coverage.list(request.params.id, contextOf(request)),
  );

  api.post(
    '/api/v1/patients/:id/coverages',
    {
      config: { permission: 'claims:write' },
      schema: {
        tags: ['claims'],
        summary:
          'Record an insurance coverage: provider, policy number, share in basis points, validity dates',
        params: PatientParams,
        headers: PostHeaders,
        body: AddCoverageBody,
        response: { 201: CoverageSchema },
      },
    },
    async (request, reply) =>
      answerIdempotent(
        request,
        reply,
        (context, idempotency) => coverage.add(request.params.id, request.body, context, idempotency),
        (added) => `/api/v1/coverages/${added.id}`,
      ),
  );

  api.patch(
    '/api/v1/coverages/:id',
    {
      config: { permission: 'claims:write' },
      schema: {
        tags: ['claims'],
        summary: 'Change a coverage, e.g. end it (If-Match required)',
        params: CoverageParams,
        headers: IfMatchHeaders,
        body: UpdateCoverageBody,
        response: { 200: CoverageSchema },
      },
    },
    async (request, reply) => {
      const version = versionFromIfMatch(request.headers['if-match']);
      const updated = await coverage.update(request.params.id, version, request.body, contextOf(request));
      return reply.header('etag', etagOf(updated.version)).send(updated);
    },
  );

  api.get(
    '/api/v1/patients/:id/eligibility',
    {
      config: { permission: 'claims:read' },
      schema: {
        tags: ['claims'],
        summary: 'Is the patient covered on a day (default today)? Checked against validity dates',
        params: PatientParams,
        querystring: EligibilityQuery,
        response: { 200: EligibilitySchema },
      },
    },
    async (request) => coverage.eligibility(request.params.id, request.query, contextOf(request)),
  );
}
