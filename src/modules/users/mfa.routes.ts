import { Type } from 'typebox';
import { authOf, contextOf, type Api } from '../../server/types.js';
import {
  MfaCodeBody,
  MfaEnrolmentSchema,
  MfaStatusSchema,
  ProblemSchema,
  RecoveryCodesSchema,
  StepUpSchema,
} from './auth.schemas.js';
import type { MfaService } from './mfa.service.js';
import { UserIdParams } from './users.schemas.js';

const ENROLMENT = { permission: 'signed-in', allowDuringMfaEnrolment: true } as const;

/** Multi-factor sign-in: enrolment, step-up, turning it off, recovery codes, and the administrators' reset. */
export function registerMfaRoutes(api: Api, mfa: MfaService): void {
  api.get(
    '/api/v1/auth/mfa',
    {
      config: ENROLMENT,
      schema: {
        tags: ['auth'],
        summary: 'Whether multi-factor sign-in is on, required, or being enrolled',
        response: { 200: MfaStatusSchema },
      },
    },
    async (request) => {
      const status = await mfa.status(authOf(request).actor);
      return { ...status, enrolledAt: status.enrolledAt?.toISOString() ?? null };
    },
  );

  api.post(
    '/api/v1/auth/mfa/enrol',
    {
      config: ENROLMENT,
      schema: {
        tags: ['auth'],
        summary: 'Start enrolment: a new TOTP secret as an otpauth URI and a QR code (409 when MFA is on)',
        description:
          'Scan the QR code with an authenticator app, then confirm with POST /api/v1/auth/mfa/confirm within 15 minutes. Starting again replaces an unconfirmed secret.',
        response: { 200: MfaEnrolmentSchema, 409: ProblemSchema },
      },
    },
    async (request) => {
      const enrolment = await mfa.beginEnrolment(authOf(request).actor);
      return { ...enrolment, expiresAt: enrolment.expiresAt.toISOString() };
    },
  );

  api.post(
    '/api/v1/auth/mfa/confirm',
    {
      config: ENROLMENT,
      schema: {
        tags: ['auth'],
        summary: 'Confirm enrolment with a code from the app: MFA is on; returns the recovery codes, once',
        description:
          'Other sessions of the user end (they were opened without the second factor). A code that does not match is 400 with code MFA_INVALID.',
        body: MfaCodeBody,
        response: { 200: RecoveryCodesSchema, 400: ProblemSchema, 409: ProblemSchema },
      },
    },
    async (request) => mfa.confirmEnrolment(authOf(request), request.body.code, contextOf(request)),
  );

  api.post(
    '/api/v1/auth/mfa/verify',
    {
      config: { permission: 'signed-in' },
      schema: {
        tags: ['auth'],
        summary: 'Step-up: prove the second factor again, so that sensitive actions proceed for a while',
        description:
          'Exports (report CSV/PDF, claim batches), patient merges, role changes, MFA resets and break-the-glass need a code from within security.mfa.step-up-window. Instead of calling this first, the code may be sent with the action itself as X-MFA-Code. A wrong code is 403 MFA_INVALID and counts towards the lockout.',
        body: MfaCodeBody,
        response: { 200: StepUpSchema, 403: ProblemSchema, 409: ProblemSchema },
      },
    },
    async (request) => {
      const verifiedUntil = await mfa.stepUp(authOf(request), request.body.code, contextOf(request));
      return { verifiedUntil: verifiedUntil.toISOString() };
    },
  );

  api.post(
    '/api/v1/auth/mfa/disable',
    {
      config: { permission: 'signed-in' },
      schema: {
        tags: ['auth'],
        summary: 'Turn your own multi-factor sign-in off, with a current code or a recovery code',
        description:
          'For a role that requires MFA this leaves the user held at enrolment until they enrol again (the way to move to a new phone).',
        body: MfaCodeBody,
        response: { 204: Type.Null(), 403: ProblemSchema, 409: ProblemSchema },
      },
    },
    async (request, reply) => {
      await mfa.disableOwn(authOf(request), request.body.code, contextOf(request));
      return reply.code(204).send(null);
    },
  );

  api.post(
    '/api/v1/auth/mfa/recovery-codes',
    {
      config: { permission: 'signed-in' },
      schema: {
        tags: ['auth'],
        summary: 'Replace your recovery codes (the old ones stop working); needs a current code',
        body: MfaCodeBody,
        response: { 200: RecoveryCodesSchema, 403: ProblemSchema, 409: ProblemSchema },
      },
    },
    async (request) => mfa.renewRecoveryCodes(authOf(request), request.body.code, contextOf(request)),
  );

  api.delete(
    '/api/v1/users/:id/mfa',
    {
      config: { permission: 'users:manage', freshMfa: true },
      schema: {
        tags: ['users'],
        summary:
          "Reset a user's multi-factor sign-in (lost phone): it is off, and their sessions end (audited)",
        params: UserIdParams,
        response: { 204: Type.Null(), 403: ProblemSchema, 404: ProblemSchema },
      },
    },
    async (request, reply) => {
      await mfa.resetByAdministrator(request.params.id, contextOf(request));
      return reply.code(204).send(null);
    },
  );
}
