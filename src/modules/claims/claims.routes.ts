import { answerIdempotent, answerTransition, PostHeaders } from '../../server/idempotency.js';
import { contextOf, type Api } from '../../server/types.js';
import { etagOf } from '../../shared/etag.js';
import { sendDownload } from '../billing/index.js';
import type { ClaimWorkflowService } from './claim-workflow.service.js';
import type { ClaimExportService } from './claims-export.js';
import {
  AppealBody,
  ClaimExportQuery,
  ClaimIdParams,
  ClaimList,
  ClaimListQuery,
  ClaimPaymentBody,
  ClaimSchema,
  CreateClaimBody,
  DecisionBody,
} from './claims.schemas.js';
import type { ClaimsService } from './claims.service.js';

export interface ClaimServices {
  readonly claims: ClaimsService;
  readonly workflow: ClaimWorkflowService;
  readonly exports: ClaimExportService;
}

export function registerClaimRoutes(api: Api, services: ClaimServices): void {
  const { claims, workflow, exports } = services;

  api.get(
    '/api/v1/claims',
    {
      config: { permission: 'claims:read' },
      schema: {
        tags: ['claims'],
        summary: 'Claims by status, payer, patient or invoice; newest first',
        querystring: ClaimListQuery,
        response: { 200: ClaimList },
      },
    },
    async (request) => claims.list(request.query, contextOf(request)),
  );

  api.get(
    '/api/v1/claims/export',
    {
      // A payer batch leaves the system: a fresh second factor for users with MFA (docs/decisions/authentication.md).
      config: { permission: 'claims:read', freshMfa: true },
      schema: {
        tags: ['claims'],
        summary: "A payer's batch of claims (default: submitted ones) as CSV, streamed (audited)",
        querystring: ClaimExportQuery,
        produces: ['text/csv'],
      },
    },
    async (request, reply) => {
      const csv = await exports.export(request.query, contextOf(request));
      const name =
        request.query.payer
          .trim()
          .replace(/[^A-Za-z0-9_-]+/g, '-')
          .slice(0, 60) || 'payer';
      const status = request.query.status ?? 'submitted';
      return sendDownload(reply, 'text/csv; charset=utf-8', `claims-${name}-${status}.csv`, csv);
    },
  );

  api.post(
    '/api/v1/claims',
    {
      config: { permission: 'claims:write' },
      schema: {
        tags: ['claims'],
        summary: 'Submit a claim for an issued invoice to the coverage valid on its date',
        headers: PostHeaders,
        body: CreateClaimBody,
        response: { 201: ClaimSchema },
      },
    },
    async (request, reply) =>
      answerIdempotent(
        request,
        reply,
        (context, idempotency) => claims.create(request.body, context, idempotency),
        (claim) => `/api/v1/claims/${claim.id}`,
      ),
  );

  api.get(
    '/api/v1/claims/:id',
    {
      config: { permission: 'claims:read' },
      schema: {
        tags: ['claims'],
        summary: 'One claim with its history (audited)',
        params: ClaimIdParams,
        response: { 200: ClaimSchema },
      },
    },
    async (request, reply) => {
      const claim = await claims.get(request.params.id, contextOf(request));
      return reply.header('etag', etagOf(claim.version)).send(claim);
    },
  );

  api.post(
    '/api/v1/claims/:id/review',
    {
      config: { permission: 'claims:write' },
      schema: {
        tags: ['claims'],
        summary: 'The payer has the claim in review (submitted -> in_review)',
        params: ClaimIdParams,
        headers: PostHeaders,
        response: { 200: ClaimSchema },
      },
    },
    async (request, reply) =>
      answerTransition(request, reply, (version, context, idempotency) =>
        workflow.review(request.params.id, version, context, idempotency),
      ),
  );

  api.post(
    '/api/v1/claims/:id/decision',
    {
      config: { permission: 'claims:write' },
      schema: {
        tags: ['claims'],
        summary:
          "The payer's decision: approved, partially_approved (with approvedCents) or rejected (with reason)",
        params: ClaimIdParams,
        headers: PostHeaders,
        body: DecisionBody,
        response: { 200: ClaimSchema },
      },
    },
    async (request, reply) =>
      answerTransition(request, reply, (version, context, idempotency) =>
        workflow.decide(request.params.id, request.body, version, context, idempotency),
      ),
  );

  api.post(
    '/api/v1/claims/:id/appeal',
    {
      config: { permission: 'claims:write' },
      schema: {
        tags: ['claims'],
        summary: 'Appeal a rejection: back to in_review with the appeal note',
        params: ClaimIdParams,
        headers: PostHeaders,
        body: AppealBody,
        response: { 200: ClaimSchema },
      },
    },
    async (request, reply) =>
      answerTransition(request, reply, (version, context, idempotency) =>
        workflow.appeal(request.params.id, request.body.note, version, context, idempotency),
      ),
  );

  api.post(
    '/api/v1/claims/:id/payment',
    {
      config: { permission: 'claims:write' },
      schema: {
        tags: ['claims'],
        summary:
          'Record the payer paying an approved claim: posts an insurance payment to the invoice (409 when more than outstanding)',
        params: ClaimIdParams,
        headers: PostHeaders,
        body: ClaimPaymentBody,
        response: { 200: ClaimSchema },
      },
    },
    async (request, reply) =>
      answerTransition(request, reply, (version, context, idempotency) =>
        workflow.pay(request.params.id, request.body, version, context, idempotency),
      ),
  );
}
