import type { FastifyReply } from 'fastify';
import { Type } from 'typebox';
import { contextOf, type Api } from '../../server/types.js';
import { DEFAULT_LIMIT, MAX_LIMIT } from '../../shared/pagination.js';
import { renderAccessLogPdf } from './access-log.pdf.js';
import type { AccessLogExport, AccessLogService } from './access-log.service.js';

const Nullable = <T extends ReturnType<typeof Type.String>>(schema: T) => Type.Union([schema, Type.Null()]);

const AccessEntry = Type.Object({
  id: Type.Integer({ description: 'The audit event' }),
  occurredAt: Type.String({ format: 'date-time' }),
  action: Type.String(),
  description: Type.String({ description: 'What was done, in words' }),
  outcome: Type.String(),
  actorUserId: Nullable(Type.String()),
  actorUsername: Nullable(Type.String()),
  actorRole: Nullable(Type.String()),
  entityType: Nullable(Type.String()),
  entityId: Nullable(Type.String()),
  inSearchResults: Type.Boolean({ description: 'The patient only appeared in a search result list' }),
  emergencyAccessId: Nullable(Type.String()),
  emergencyReason: Nullable(Type.String({ description: 'The reason given when the glass was broken' })),
});

const AccessLogQuery = Type.Object(
  {
    format: Type.Optional(Type.Union([Type.Literal('json'), Type.Literal('pdf')], { default: 'json' })),
    from: Type.Optional(Type.String({ format: 'date-time', description: 'Accesses at or after this time' })),
    to: Type.Optional(Type.String({ format: 'date-time', description: 'Accesses before this time' })),
    before: Type.Optional(
      Type.Integer({ minimum: 1, description: 'Cursor: accesses older than this event' }),
    ),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: MAX_LIMIT, default: DEFAULT_LIMIT })),
  },
  { additionalProperties: false },
);

/** The PDF goes out as a stream, past the JSON response schema (which guards the JSON answer). */
function sendPdf(reply: FastifyReply, data: AccessLogExport): FastifyReply {
  return reply
    .type('application/pdf')
    .header('content-disposition', `attachment; filename="access-log-${data.patient.mrn}.pdf"`)
    .send(renderAccessLogPdf(data));
}

export function registerAccessLogRoutes(api: Api, accessLog: AccessLogService): void {
  api.get(
    '/api/v1/patients/:id/access-log',
    {
      config: { permission: 'patients:access-log' },
      schema: {
        tags: ['audit'],
        summary:
          "Accounting of disclosures: every access to the patient's record, newest first (JSON pages, or ?format=pdf); audited",
        params: Type.Object({ id: Type.String({ format: 'uuid' }) }),
        querystring: AccessLogQuery,
        produces: ['application/json', 'application/pdf'],
        response: {
          200: Type.Object({
            patientId: Type.String({ format: 'uuid' }),
            items: Type.Array(AccessEntry),
            nextCursor: Type.Union([Type.Integer(), Type.Null()]),
          }),
        },
      },
    },
    async (request, reply) => {
      const context = contextOf(request);
      if (request.query.format === 'pdf') {
        return sendPdf(reply, await accessLog.export(request.params.id, request.query, context));
      }
      const page = await accessLog.page(request.params.id, request.query, context);
      return reply.send({
        ...page,
        items: page.items.map((item) => ({ ...item, occurredAt: new Date(item.occurredAt).toISOString() })),
      });
    },
  );
}
