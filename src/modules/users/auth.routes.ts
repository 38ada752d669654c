import { Type } from 'typebox';
import { clearSessionCookies, setSessionCookie } from '../../server/plugins/authentication.js';
import { authOf, contextOf, type Api } from '../../server/types.js';
import {
  ChangePasswordBody,
  LoginBody,
  LoginResponse,
  MeResponse,
  OwnSessionList,
  ProblemSchema,
  SessionIdParams,
} from './auth.schemas.js';
import type { AuthService } from './auth.service.js';
import { ROLE_PERMISSIONS } from './permissions.js';
import type { MfaService } from './mfa.service.js';
import type { SessionsService } from './sessions.service.js';

export interface AuthRouteServices {
  readonly auth: AuthService;
  readonly mfa: MfaService;
  readonly sessions: SessionsService;
}

/** Routes a user whose role still needs MFA may call: the ones that get them enrolled or out. */
const SELF_SERVICE = { permission: 'signed-in', allowDuringMfaEnrolment: true } as const;

export function registerAuthRoutes(api: Api, services: AuthRouteServices): void {
  const { auth, mfa, sessions } = services;
  api.post(
    '/api/v1/auth/login',
    {
      config: { public: true },
      schema: {
        tags: ['auth'],
        summary: 'Sign in; returns a bearer token and sets the session cookie',
        description:
          'With MFA on, send "totp" too: without it the answer is 401 with code MFA_REQUIRED (not counted as a failed sign-in); a wrong code is 401 MFA_INVALID and counts. The cookie is __Host-medisys_session (Secure) over HTTPS, medisys_session over plain HTTP.',
        body: LoginBody,
        response: { 200: LoginResponse, 401: ProblemSchema, 403: ProblemSchema, 423: ProblemSchema },
      },
    },
    async (request, reply) => {
      const signedIn = await auth.login(
        request.body.username,
        request.body.password,
        contextOf(request),
        request.headers['user-agent'] ?? null,
        request.body.totp,
      );
      setSessionCookie(request, reply, signedIn.token, signedIn.expiresAt);
      return { ...signedIn, expiresAt: signedIn.expiresAt.toISOString() };
    },
  );

  api.post(
    '/api/v1/auth/logout',
    {
      config: { ...SELF_SERVICE, allowDuringPasswordChange: true },
      schema: { tags: ['auth'], summary: 'End the current session', response: { 204: Type.Null() } },
    },
    async (request, reply) => {
      await auth.logout(authOf(request));
      clearSessionCookies(request, reply);
      return reply.code(204).send(null);
    },
  );

  api.get(
    '/api/v1/auth/me',
    {
      config: { ...SELF_SERVICE, allowDuringPasswordChange: true },
      schema: {
        tags: ['auth'],
        summary: 'The signed-in user, the CSRF token of the session and what they must do first',
        response: { 200: MeResponse },
      },
    },
    async (request) => {
      const authenticated = authOf(request);
      const { actor } = authenticated;
      return {
        id: actor.userId,
        username: actor.username,
        role: actor.role,
        mfaEnabled: authenticated.mfaEnabled,
        csrfToken: authenticated.csrfToken,
        mustChangePassword: authenticated.mustChangePassword,
        mfaEnrolmentRequired: authenticated.mfaEnrolmentRequired,
        sessionId: authenticated.sessionId,
        mfaFreshUntil: mfa.freshUntil(authenticated)?.toISOString() ?? null,
        permissions: [...ROLE_PERMISSIONS[actor.role]],
        sessionIdleTimeoutSeconds: auth.sessionIdleTimeoutSeconds,
      };
    },
  );

  api.post(
    '/api/v1/auth/password',
    {
      config: { ...SELF_SERVICE, allowDuringPasswordChange: true },
      schema: {
        tags: ['auth'],
        summary: "Change the signed-in user's password; their other sessions end",
        description:
          'Refused with 400 and an errors entry for newPassword saying why: shorter than 12 or longer than 128 characters, a common password, or containing the username.',
        body: ChangePasswordBody,
        response: { 204: Type.Null(), 400: ProblemSchema },
      },
    },
    async (request, reply) => {
      await auth.changePassword(
        authOf(request),
        request.body.currentPassword,
        request.body.newPassword,
        contextOf(request),
      );
      return reply.code(204).send(null);
    },
  );

  api.get(
    '/api/v1/auth/sessions',
    {
      config: SELF_SERVICE,
      schema: {
        tags: ['auth'],
        summary: "The signed-in user's open sessions (where they are signed in)",
        response: { 200: OwnSessionList },
      },
    },
    async (request) => {
      const items = await sessions.listOwn(authOf(request));
      return {
        items: items.map((session) => ({
          ...session,
          createdAt: session.createdAt.toISOString(),
          lastSeenAt: session.lastSeenAt.toISOString(),
          expiresAt: session.expiresAt.toISOString(),
        })),
      };
    },
  );

  api.delete(
    '/api/v1/auth/sessions/:id',
    {
      config: SELF_SERVICE,
      schema: {
        tags: ['auth'],
        summary: 'End one of your own sessions (404 for any other)',
        params: SessionIdParams,
        response: { 204: Type.Null(), 404: ProblemSchema },
      },
    },
    async (request, reply) => {
      const authenticated = authOf(request);
      await sessions.revokeOwn(authenticated, request.params.id, contextOf(request));
      if (request.params.id === authenticated.sessionId) clearSessionCookies(request, reply);
      return reply.code(204).send(null);
    },
  );
}
