import { timingSafeEqual } from 'node:crypto';
import type { FastifyReply, FastifyRequest, RouteOptions } from 'fastify';
import type { AuditTrail } from '../../modules/audit/index.js';
import { roleAllows, type AuthService, type MfaService } from '../../modules/users/index.js';
import type { Loggers } from '../../observability/logger.js';
import { ForbiddenError, UnauthorizedError } from '../../shared/errors.js';
import { contextOf, type Api } from '../types.js';

/** The session cookie over plain HTTP (browsers refuse a __Host- cookie without Secure). */
export const SESSION_COOKIE = 'medisys_session';
/** The session cookie over TLS: __Host- makes browsers insist on Secure, Path=/ and no Domain. */
export const SECURE_SESSION_COOKIE = '__Host-medisys_session';
export const CSRF_HEADER = 'x-csrf-token';
export const MFA_CODE_HEADER = 'x-mfa-code';

const STATE_CHANGING_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

export interface AuthenticationDependencies {
  readonly auth: AuthService;
  readonly mfa: MfaService;
  readonly audit: AuditTrail;
  readonly loggers: Loggers;
}

interface Credential {
  readonly token: string;
  readonly via: 'bearer' | 'cookie';
}

function credentialOf(request: FastifyRequest): Credential | undefined {
  const header = request.headers.authorization;
  if (header) {
    const token = /^Bearer\s+(\S+)$/i.exec(header)?.[1];
    return token ? { token, via: 'bearer' } : undefined;
  }
  const token = request.cookies[SECURE_SESSION_COOKIE] ?? request.cookies[SESSION_COOKIE];
  return token ? { token, via: 'cookie' } : undefined;
}

/** Whether the request reached us over TLS, directly or through a trusted proxy (X-Forwarded-Proto). */
function overTls(request: FastifyRequest): boolean {
  return request.protocol === 'https';
}

/** Sets the session cookie: __Host-medisys_session with Secure over TLS, medisys_session otherwise. */
export function setSessionCookie(
  request: FastifyRequest,
  reply: FastifyReply,
  token: string,
  expiresAt: Date,
): void {
  const secure = overTls(request);
  void reply.setCookie(secure ? SECURE_SESSION_COOKIE : SESSION_COOKIE, token, {
    httpOnly: true,
    sameSite: 'strict',
    secure,
    path: '/',
    expires: expiresAt,
  });
}

export function clearSessionCookies(request: FastifyRequest, reply: FastifyReply): void {
  const secure = overTls(request);
  void reply.clearCookie(SESSION_COOKIE, { path: '/', httpOnly: true, sameSite: 'strict' });
  if (secure || request.cookies[SECURE_SESSION_COOKIE] !== undefined) {
    void reply.clearCookie(SECURE_SESSION_COOKIE, {
      path: '/',
      httpOnly: true,
      sameSite: 'strict',
      secure: true,
    });
  }
}

function sameToken(sent: string | string[] | undefined, expected: string): boolean {
  if (typeof sent !== 'string') return false;
  const a = Buffer.from(sent);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** Every /api/v1 route must say who may call it; a route that forgets refuses to register. */
function requireDeclaredAccess(route: RouteOptions): void {
  if (!route.url.startsWith('/api/v1')) return;
  const config = route.config as { permission?: string; public?: boolean } | undefined;
  if (!config?.public && !config?.permission) {
    throw new Error(
      `Route ${[route.method].flat().join(',')} ${route.url} declares neither a permission nor public access.`,
    );
  }
}

/**
 * Authentication and role checks for the API: the session comes from the Bearer token or the session
 * cookie; a cookie-authenticated write must carry the session's CSRF token; a forced password change
 * or a missing required MFA enrolment holds the user to the routes that resolve it; the route's
 * declared permission is checked against the role (403 and PRIVILEGE_ESCALATION when lacking); and a
 * route that declares `freshMfa` needs a recent second factor from users who have one.
 */
export function registerAuthentication(api: Api, dependencies: AuthenticationDependencies): void {
  const { auth, mfa, audit, loggers } = dependencies;
  api.decorateRequest('auth', undefined);
  api.addHook('onRoute', requireDeclaredAccess);
  api.addHook('onRequest', async (request: FastifyRequest, _reply: FastifyReply) => {
    const config = request.routeOptions.config;
    if (!request.routeOptions.url?.startsWith('/api/v1') || config.public) return;
    const credential = credentialOf(request);
    request.auth = credential ? await auth.authenticate(credential.token) : undefined;
    const route = `${request.method} ${request.routeOptions.url}`;
    if (!request.auth) {
      loggers.security('ACCESS_DENIED', {
        clientAddress: request.ip,
        requestId: request.id,
        route,
        reason: credential ? 'invalid or expired session' : 'not signed in',
      });
      throw new UnauthorizedError(
        credential ? 'Your session has ended. Sign in again.' : 'Sign in to continue.',
      );
    }
    const { actor, mustChangePassword, mfaEnrolmentRequired } = request.auth;
    if (
      credential?.via === 'cookie' &&
      STATE_CHANGING_METHODS.has(request.method) &&
      !sameToken(request.headers[CSRF_HEADER], request.auth.csrfToken)
    ) {
      loggers.security('CSRF_TOKEN_INVALID', {
        userId: actor.userId,
        username: actor.username,
        clientAddress: request.ip,
        requestId: request.id,
        route,
        reason: request.headers[CSRF_HEADER] === undefined ? 'no X-CSRF-Token header' : 'wrong token',
      });
      throw new ForbiddenError(
        'This change was sent with the session cookie but without its CSRF token. Send the csrfToken from sign-in or GET /api/v1/auth/me as the X-CSRF-Token header.',
        'CSRF_TOKEN_INVALID',
      );
    }
    if (mustChangePassword && !config.allowDuringPasswordChange) {
      throw new ForbiddenError(
        'Change your password before continuing (POST /api/v1/auth/password).',
        'PASSWORD_CHANGE_REQUIRED',
      );
    }
    if (mfaEnrolmentRequired && !config.allowDuringMfaEnrolment) {
      throw new ForbiddenError(
        `Your role (${actor.role}) requires multi-factor sign-in. Enrol first: POST /api/v1/auth/mfa/enrol, then POST /api/v1/auth/mfa/confirm with a code.`,
        'MFA_ENROLMENT_REQUIRED',
      );
    }
    const permission = config.permission;
    if (permission && permission !== 'signed-in' && !roleAllows(actor.role, permission)) {
      loggers.security('PRIVILEGE_ESCALATION', {
        userId: actor.userId,
        username: actor.username,
        role: actor.role,
        clientAddress: request.ip,
        requestId: request.id,
        route,
        reason: `role ${actor.role} lacks ${permission}`,
      });
      await audit.recordAlone(contextOf(request), {
        action: 'PRIVILEGE_ESCALATION',
        outcome: 'denied',
        details: { route, permission },
      });
      throw new ForbiddenError(`Your role (${actor.role}) does not allow this.`);
    }
  });
  // After validation, so that a rule may look at the parsed query or body (format=csv, a role change).
  api.addHook('preHandler', async (request: FastifyRequest) => {
    const rule = request.routeOptions.config.freshMfa;
    if (!rule || !request.auth) return;
    if (typeof rule === 'function' && !rule(request)) return;
    const code = request.headers[MFA_CODE_HEADER];
    await mfa.requireFresh(request.auth, typeof code === 'string' ? code : undefined, contextOf(request));
  });
}
