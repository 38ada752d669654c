import { Type } from 'typebox';
import type { Api } from '../../server/types.js';
import { MAX_LIMIT, DEFAULT_LIMIT } from '../../shared/pagination.js';
import type { AuditTrail } from './audit.service.js';

const AuditEventSchema = Type.Object({
  id: Type.Integer(),
  occurredAt: Type.String({ format: 'date-time' }),
  action: Type.String(),
  outcome: Type.String(),
  actorUserId: Type.Union([Type.String(), Type.Null()]),
  actorUsername: Type.Union([Type.String(), Type.Null()]),
  actorRole: Type.Union([Type.String(), Type.Null()]),
  entityType: Type.Union([Type.String(), Type.Null()]),
  entityId: Type.Union([Type.String(), Type.Null()]),
  patientId: Type.Union([Type.String(), Type.Null()]),
  clientAddress: Type.Union([Type.String(), Type.Null()]),
  requestId: Type.Union([Type.String(), Type.Null()]),
  details: Type.Record(Type.String(), Type.Unknown()),
});

const AuditQuery = Type.Object(
  {
    userId: Type.Optional(Type.String({ format: 'uuid' })),
    username: Type.Optional(Type.String({ maxLength: 63 })),
    patientId: Type.Optional(Type.String({ format: 'uuid' })),
    action: Type.Optional(Type.String({ maxLength: 64, pattern: '^[A-Z_]+$' })),
    from: Type.Optional(Type.String({ format: 'date-time' })),
    to: Type.Optional(Type.String({ format: 'date-time' })),
    before: Type.Optional(
      Type.Integer({ minimum: 1, description: 'Cursor: return events older than this id' }),
    ),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: MAX_LIMIT, default: DEFAULT_LIMIT })),
  },
  { additionalProperties: false },
);

export function registerAuditRoutes(api: Api, audit: AuditTrail): void {
  api.get(
    '/api/v1/audit-events',
    {
      config: { permission: 'audit:read' },
      schema: {
        tags: ['audit'],
        summary: 'The audit trail, newest first, filterable by user, patient, action and time',
        querystring: AuditQuery,
        response: {
          200: Type.Object({
            items: Type.Array(AuditEventSchema),
            nextCursor: Type.Union([Type.Integer(), Type.Null()]),
          }),
        },
      },
    },
    async (request) => {
      const limit = request.query.limit ?? DEFAULT_LIMIT;
      const events = await audit.list({ ...request.query, beforeId: request.query.before, limit });
      return {
        items: events.map((event) => ({ ...event, occurredAt: event.occurredAt.toISOString() })),
        nextCursor: events.length === limit ? events[events.length - 1]!.id : null,
      };
    },
  );
}
