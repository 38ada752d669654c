import type { FastifyReply, FastifyRequest, RouteOptions } from 'fastify';
import type { AuditTrail } from '../../modules/audit/index.js';
import { roleAllows, type AuthService } from '../../modules/users/index.js';
import type { Loggers } from '../../observability/logger.js';
import { ForbiddenError, UnauthorizedError } from '../../shared/errors.js';
import { contextOf, type Api } from '../types.js';

export const SESSION_COOKIE = 'medisys_session';

export interface AuthenticationDependencies {
  readonly auth: AuthService;
  readonly audit: AuditTrail;
  readonly loggers: Loggers;
}

function tokenOf(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization;
  if (header) {
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    return match?.[1];
  }
  return request.cookies[SESSION_COOKIE];
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
 * cookie; the route's declared permission is checked against the role; a signed-in user calling what
 * their role may not is answered 403 and recorded as PRIVILEGE_ESCALATION.
 */
export function registerAuthentication(api: Api, dependencies: AuthenticationDependencies): void {
  const { auth, audit, loggers } = dependencies;
  api.decorateRequest('auth', undefined);
  api.addHook('onRoute', requireDeclaredAccess);
  api.addHook('onRequest', async (request: FastifyRequest, _reply: FastifyReply) => {
    const config = request.routeOptions.config;
    if (!request.routeOptions.url?.startsWith('/api/v1') || config.public) return;
    const token = tokenOf(request);
    request.auth = token ? await auth.authenticate(token) : undefined;
    if (!request.auth) {
      loggers.security('ACCESS_DENIED', {
        clientAddress: request.ip,
        requestId: request.id,
        route: `${request.method} ${request.routeOptions.url}`,
        reason: token ? 'invalid or expired session' : 'not signed in',
      });
      throw new UnauthorizedError(token ? 'Your session has ended. Sign in again.' : 'Sign in to continue.');
    }
    const { actor, mustChangePassword } = request.auth;
    if (mustChangePassword && !config.allowDuringPasswordChange) {
      throw new ForbiddenError('Change your password before continuing (POST /api/v1/auth/password).');
    }
    const permission = config.permission;
    if (permission && permission !== 'signed-in' && !roleAllows(actor.role, permission)) {
      const route = `${request.method} ${request.routeOptions.url}`;
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
}
