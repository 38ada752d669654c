import type { FastifyReply } from 'fastify';

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
