import { validateIdempotencyKey, type IdempotentRequest } from '../shared/idempotency.js';
import type { RequestContext } from '../shared/request-context.js';

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
