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
