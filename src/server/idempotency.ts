import type { FastifyReply } from 'fastify';
import { Type } from 'typebox';
import { etagOf, IfMatchHeaders, versionFromOptionalIfMatch } from '../shared/etag.js';
import {
  validateIdempotencyKey,
  type IdempotentRequest,
  type StoredResponse,
} from '../shared/idempotency.js';
import type { RequestContext } from '../shared/request-context.js';
import { contextOf } from './types.js';

/** Headers of a create POST: a retry with the same Idempotency-Key replays the first answer. */
export const IdempotencyHeaders = Type.Object({
  'idempotency-key': Type.Optional(Type.String({ maxLength: 200 })),
});

/** Headers of a transition POST on a versioned record: Idempotency-Key, and If-Match honoured when sent. */
export const PostHeaders = Type.Object({
  ...IdempotencyHeaders.properties,
  ...IfMatchHeaders.properties,
});

/** The Idempotency-Key of a POST, as services take it; undefined when the client sent none. */
export function idempotencyOf(
  request: { headers: { 'idempotency-key'?: string | undefined }; url: string; body: unknown },
  context: RequestContext,
): IdempotentRequest | undefined {
  const key = request.headers['idempotency-key'];
  if (key === undefined) return undefined;
  if (!context.actor) throw new Error('idempotency keys belong to a signed-in user');
  return {
    key: validateIdempotencyKey(key),
    userId: context.actor.userId,
    method: 'POST',
    path: request.url.split('?')[0]!,
    body: request.body ?? null,
  };
}

type PostRequest = Parameters<typeof idempotencyOf>[0] & Parameters<typeof contextOf>[0];

/**
 * Runs a POST's work with its request context and Idempotency-Key, then answers the stored (possibly
 * replayed) response: its status, `Idempotent-Replayed: true` on a replay, the ETag when the body is
 * versioned, and on a 201 the Location that `location` names.
 */
export async function answerIdempotent<T extends object>(
  request: PostRequest,
  reply: FastifyReply,
  work: (context: RequestContext, idempotency: IdempotentRequest | undefined) => Promise<StoredResponse<T>>,
  location?: (body: T) => string,
): Promise<FastifyReply> {
  const context = contextOf(request);
  const result = await work(context, idempotencyOf(request, context));
  if (result.replayed) void reply.header('idempotent-replayed', 'true');
  const version = (result.body as { version?: unknown }).version;
  if (typeof version === 'number') void reply.header('etag', etagOf(version));
  if (location !== undefined && result.status === 201) void reply.header('location', location(result.body));
  return reply.code(result.status).send(result.body);
}

/**
 * `answerIdempotent` for a transition of a versioned record: the work gets the version of the If-Match
 * header when one was sent (read first, so a malformed one is refused before the Idempotency-Key is).
 */
export async function answerTransition<T extends object>(
  request: PostRequest & { headers: { 'if-match'?: string | undefined } },
  reply: FastifyReply,
  work: (
    version: number | undefined,
    context: RequestContext,
    idempotency: IdempotentRequest | undefined,
  ) => Promise<StoredResponse<T>>,
): Promise<FastifyReply> {
  const version = versionFromOptionalIfMatch(request.headers['if-match']);
  return answerIdempotent(request, reply, (context, idempotency) => work(version, context, idempotency));
}
