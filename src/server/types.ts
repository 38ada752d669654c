import type {} from '@fastify/cookie';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type {
  FastifyBaseLogger,
  FastifyInstance,
  RawReplyDefaultExpression,
  RawRequestDefaultExpression,
  RawServerDefault,
} from 'fastify';
import type { Authenticated } from '../modules/users/auth.service.js';
import type { Permission } from '../modules/users/permissions.js';
import type { RequestContext } from '../shared/request-context.js';

/** The Fastify instance every module registers its routes on, typed by TypeBox schemas. */
export type Api = FastifyInstance<
  RawServerDefault,
  RawRequestDefaultExpression,
  RawReplyDefaultExpression,
  FastifyBaseLogger,
  TypeBoxTypeProvider
>;

declare module 'fastify' {
  interface FastifyContextConfig {
    /** The permission a route requires, or 'signed-in' for any signed-in user; checked before the handler runs. */
    permission?: Permission | 'signed-in';
    /** A route anyone may call without signing in. */
    public?: boolean;
    /** Reachable while the user must still change a generated or reset password. */
    allowDuringPasswordChange?: boolean;
    /** Reachable while the user's role requires MFA and they have not enrolled yet. */
    allowDuringMfaEnrolment?: boolean;
    /**
     * Needs a fresh second factor (step-up) from users with MFA on: always, or when the function says
     * so for this request (an export format, a role change in the body). Checked after validation.
     */
    freshMfa?: boolean | ((request: FastifyRequest) => boolean);
  }
  interface FastifyRequest {
    /** Set for every authenticated request. */
    auth: Authenticated | undefined;
  }
}

/** The request context a service needs: who, from where, which request. */
export function contextOf(request: {
  auth: Authenticated | undefined;
  ip: string;
  id: string;
}): RequestContext {
  return { actor: request.auth?.actor, clientAddress: request.ip, requestId: request.id };
}

/** The signed-in session of a route that requires one (every non-public route). */
export function authOf(request: { auth: Authenticated | undefined }): Authenticated {
  if (!request.auth) throw new Error('authOf called on a public route');
  return request.auth;
}

/**
 * A `freshMfa` rule for routes that answer JSON or a file: the file (format=csv or pdf, or the row-level
 * detail=rows export) leaves the system, so it needs a fresh second factor; the JSON view does not.
 */
export function isFileExport(request: { query: unknown }): boolean {
  const query = request.query as { format?: unknown; detail?: unknown } | undefined;
  return query?.format === 'csv' || query?.format === 'pdf' || query?.detail === 'rows';
}
