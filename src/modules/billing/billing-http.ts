import type { FastifyReply } from 'fastify';
import { Type } from 'typebox';
import { etagOf, versionFromIfMatch } from '../../shared/etag.js';
import type { StoredResponse } from '../../shared/idempotency.js';

/** Headers of the billing and claims POSTs: a retry with the same Idempotency-Key replays the first answer. */
export const PostHeaders = Type.Object({
  'idempotency-key': Type.Optional(Type.String({ maxLength: 200 })),
  'if-match': Type.Optional(Type.String({ maxLength: 100 })),
});

/** If-Match is optional on transitions (the row lock already serialises them) but honoured when sent. */
export function optionalVersion(header: string | undefined): number | undefined {
  return header === undefined ? undefined : versionFromIfMatch(header);
}

/** Sends a (possibly replayed) stored response, with the ETag when the body is versioned. */
export function sendStored<T extends object>(
  reply: FastifyReply,
  result: StoredResponse<T>,
  location?: string,
): FastifyReply {
  if (result.replayed) void reply.header('idempotent-replayed', 'true');
  const version = (result.body as { version?: unknown }).version;
  if (typeof version === 'number') void reply.header('etag', etagOf(version));
  if (location !== undefined && result.status === 201) void reply.header('location', location);
  return reply.code(result.status).send(result.body);
}

/**
 * Sends a generated file (a CSV stream or a PDF document) as a download. Typed on the plain reply:
 * the route's response schema describes its JSON form, not the file.
 */
export function sendDownload(
  reply: FastifyReply,
  contentType: string,
  fileName: string,
  body: NodeJS.ReadableStream,
): FastifyReply {
  return reply
    .type(contentType)
    .header('content-disposition', `attachment; filename="${fileName}"`)
    .send(body);
}
