import { idempotencyOf } from '../../server/idempotency.js';
import { contextOf, type Api } from '../../server/types.js';
import {
  AddCareTeamMemberBody,
  BreakGlassBody,
  CareTeamList,
  CareTeamMemberParams,
  CareTeamMemberSchema,
  CareTeamQuery,
  GrantList,
  GrantListQuery,
  GrantParams,
  GrantSchema,
  IdempotencyHeaders,
  PatientParams,
  ReviewBody,
} from './access.schemas.js';
import type { CareTeamService } from './care-team.service.js';
import type { EmergencyAccessService } from './emergency-access.service.js';

const careTeam = '/api/v1/patients/:id/care-team';

/** Care teams, break-the-glass and its review. */
export function registerAccessRoutes(
  api: Api,
  services: { careTeam: CareTeamService; emergencyAccess: EmergencyAccessService },
): void {
  api.get(
    careTeam,
    {
      config: { permission: 'appointments:read' },
      schema: {
        tags: ['access'],
        summary: "The patient's care team (current members; ended ones with includeEnded=true; audited)",
        description:
          'Who looks after the patient. Doctors and department heads see it for patients in their care.',
        params: PatientParams,
        querystring: CareTeamQuery,
        response: { 200: CareTeamList },
      },
    },
    async (request) => services.careTeam.list(request.params.id, request.query, contextOf(request)),
  );

  api.post(
    careTeam,
    {
      config: { permission: 'patients:write' },
      schema: {
        tags: ['access'],
        summary: "Add a user to the patient's care team, which opens the clinical record to them",
        description:
          'Staff and admins for any patient; a doctor for a patient in their own care (break-the-glass does not count).',
        params: PatientParams,
        headers: IdempotencyHeaders,
        body: AddCareTeamMemberBody,
        response: { 201: CareTeamMemberSchema },
      },
    },
    async (request, reply) => {
      const context = contextOf(request);
      const result = await services.careTeam.add(
        request.params.id,
        request.body,
        context,
        idempotencyOf(request, context),
      );
      if (result.replayed) void reply.header('idempotent-replayed', 'true');
      return reply
        .code(201)
        .header('location', `/api/v1/patients/${request.params.id}/care-team/${result.body.id}`)
        .send(result.body);
    },
  );

  api.delete(
    `${careTeam}/:memberId`,
    {
      config: { permission: 'patients:write' },
      schema: {
        tags: ['access'],
        summary: 'End a care-team membership (kept as history, never deleted)',
        params: CareTeamMemberParams,
        response: { 200: CareTeamMemberSchema },
      },
    },
    async (request) => services.careTeam.end(request.params.id, request.params.memberId, contextOf(request)),
  );

  api.post(
    '/api/v1/patients/:id/emergency-access',
    {
      config: { permission: 'clinical:emergency-access', freshMfa: true },
      schema: {
        tags: ['access'],
        summary: "Break the glass: open a patient's clinical record outside your care, for a limited time",
        description:
          'Needs a reason (10-500 characters). Lasts security.break-glass.duration; audited as BREAK_THE_GLASS and reviewed.',
        params: PatientParams,
        headers: IdempotencyHeaders,
        body: BreakGlassBody,
        response: { 201: GrantSchema },
      },
    },
    async (request, reply) => {
      const context = contextOf(request);
      const result = await services.emergencyAccess.breakGlass(
        request.params.id,
        request.body.reason,
        context,
        idempotencyOf(request, context),
      );
      if (result.replayed) void reply.header('idempotent-replayed', 'true');
      return reply.code(201).send(result.body);
    },
  );

  api.get(
    '/api/v1/emergency-access',
    {
      config: { permission: 'clinical:access-review' },
      schema: {
        tags: ['access'],
        summary: 'Break-the-glass accesses, newest first; reviewed=false is the review queue (audited)',
        querystring: GrantListQuery,
        response: { 200: GrantList },
      },
    },
    async (request) => services.emergencyAccess.list(request.query, contextOf(request)),
  );

  api.post(
    '/api/v1/emergency-access/:id/review',
    {
      config: { permission: 'clinical:access-review' },
      schema: {
        tags: ['access'],
        summary: 'Review a break-the-glass access once; unjustified closes it if still open',
        params: GrantParams,
        body: ReviewBody,
        response: { 200: GrantSchema },
      },
    },
    async (request) => services.emergencyAccess.review(request.params.id, request.body, contextOf(request)),
  );
}
