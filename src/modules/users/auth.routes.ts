import { Type } from 'typebox';
import { SESSION_COOKIE } from '../../server/plugins/authentication.js';
import { authOf, contextOf, type Api } from '../../server/types.js';
import type { AuthService } from './auth.service.js';
import { findUserById } from './users.repository.js';
import { ChangePasswordBody, LoginBody, LoginResponse, SessionUser } from './users.schemas.js';
import type { Database } from '../../db/index.js';

const Problem = Type.Object({}, { additionalProperties: true, description: 'application/problem+json' });

export function registerAuthRoutes(api: Api, auth: AuthService, db: Database, secureCookie: boolean): void {
  api.post(
    '/api/v1/auth/login',
    {
      config: { public: true },
      schema: {
        tags: ['auth'],
        summary: 'Sign in; returns a bearer token and sets the session cookie',
        body: LoginBody,
        response: { 200: LoginResponse, 401: Problem, 423: Problem },
      },
    },
    async (request, reply) => {
      const signedIn = await auth.login(
        request.body.username,
        request.body.password,
        contextOf(request),
        request.headers['user-agent'] ?? null,
      );
      void reply.setCookie(SESSION_COOKIE, signedIn.token, {
        httpOnly: true,
        sameSite: 'strict',
        secure: secureCookie,
        path: '/',
        expires: signedIn.expiresAt,
      });
      return { ...signedIn, expiresAt: signedIn.expiresAt.toISOString() };
    },
  );

  api.post(
    '/api/v1/auth/logout',
    {
      config: { permission: 'signed-in', allowDuringPasswordChange: true },
      schema: { tags: ['auth'], summary: 'End the current session', response: { 204: Type.Null() } },
    },
    async (request, reply) => {
      await auth.logout(authOf(request).sessionId);
      void reply.clearCookie(SESSION_COOKIE, { path: '/' });
      return reply.code(204).send(null);
    },
  );

  api.get(
    '/api/v1/auth/me',
    {
      config: { permission: 'signed-in', allowDuringPasswordChange: true },
      schema: { tags: ['auth'], summary: 'The signed-in user', response: { 200: SessionUser } },
    },
    async (request) => {
      const { actor, mustChangePassword } = authOf(request);
      const user = await findUserById(db, actor.userId);
      return {
        id: actor.userId,
        username: actor.username,
        role: user?.role ?? actor.role,
        mustChangePassword,
      };
    },
  );

  api.post(
    '/api/v1/auth/password',
    {
      config: { permission: 'signed-in', allowDuringPasswordChange: true },
      schema: {
        tags: ['auth'],
        summary: "Change the signed-in user's password; their other sessions end",
        body: ChangePasswordBody,
        response: { 204: Type.Null() },
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
}
