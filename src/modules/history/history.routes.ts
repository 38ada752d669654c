import { idempotencyOf } from '../../server/idempotency.js';
import { Type } from 'typebox';
import { contextOf, type Api } from '../../server/types.js';
import { etagOf, versionFromIfMatch } from '../../shared/etag.js';
import { renderHistoryPdf } from './history-export.js';
import {
  AddEntryBody,
  AmendEntryBody,
  EnteredInErrorBody,
  EntryParams,
  EntrySchema,
  EntryVersions,
  ExportQuery,
  PatientParams,
  Timeline,
  TimelineQuery,
} from './history.schemas.js';
import type { HistoryService } from './history.service.js';

const IfMatchHeaders = Type.Object({ 'if-match': Type.Optional(Type.String({ maxLength: 100 })) });
const PostHeaders = Type.Object({
  'idempotency-key': Type.Optional(Type.String({ maxLength: 200 })),
  'if-match': Type.Optional(Type.String({ maxLength: 100 })),
});

const base = '/api/v1/patients/:id/history';

export function registerHistoryRoutes(api: Api, history: HistoryService): void {
  api.get(
    base,
    {
      config: { permission: 'history:read' },
      schema: {
        tags: ['history'],
        summary: 'The medical history timeline: current versions, newest first (audited)',
        params: PatientParams,
        querystring: TimelineQuery,
        response: { 200: Timeline },
      },
    },
    async (request) => history.timeline(request.params.id, request.query, contextOf(request)),
  );

  api.post(
    base,
    {
      config: { permission: 'history:write' },
      schema: {
        tags: ['history'],
        summary: 'Add a diagnosis, allergy, medication, procedure, vital signs or clinical note',
        params: PatientParams,
        headers: PostHeaders,
        body: AddEntryBody,
        response: { 201: EntrySchema },
      },
    },
    async (request, reply) => {
      const context = contextOf(request);
      const result = await history.add(
        request.params.id,
        request.body,
        context,
        idempotencyOf(request, context),
      );
      if (result.replayed) void reply.header('idempotent-replayed', 'true');
      return reply
        .code(201)
        .header('location', `/api/v1/patients/${request.params.id}/history/${result.body.id}`)
        .header('etag', etagOf(result.body.version))
        .send(result.body);
    },
  );

  api.get(
    `${base}/:entryId`,
    {
      config: { permission: 'history:read' },
      schema: {
        tags: ['history'],
        summary: 'One history entry at its current version (audited)',
        params: EntryParams,
        response: { 200: EntrySchema },
      },
    },
    async (request, reply) => {
      const entry = await history.entry(request.params.id, request.params.entryId, contextOf(request));
      return reply.header('etag', etagOf(entry.version)).send(entry);
    },
  );

  api.get(
    `${base}/:entryId/versions`,
    {
      config: { permission: 'history:read' },
      schema: {
        tags: ['history'],
        summary: 'Every version of an entry, oldest first (audited)',
        params: EntryParams,
        response: { 200: EntryVersions },
      },
    },
    async (request) => history.versions(request.params.id, request.params.entryId, contextOf(request)),
  );

  api.post(
    `${base}/:entryId/amend`,
    {
      config: { permission: 'history:write' },
      schema: {
        tags: ['history'],
        summary: 'Amend an entry: a new version; the earlier stays readable. Send If-Match (412 when stale)',
        params: EntryParams,
        headers: PostHeaders,
        body: AmendEntryBody,
        response: { 200: EntrySchema },
      },
    },
    async (request, reply) => {
      const context = contextOf(request);
      const version = versionFromIfMatch(request.headers['if-match']);
      const result = await history.amend(
        request.params.id,
        request.params.entryId,
        version,
        request.body,
        context,
        idempotencyOf(request, context),
      );
      if (result.replayed) void reply.header('idempotent-replayed', 'true');
      return reply.header('etag', etagOf(result.body.version)).send(result.body);
    },
  );

  api.post(
    `${base}/:entryId/entered-in-error`,
    {
      config: { permission: 'history:write' },
      schema: {
        tags: ['history'],
        summary: 'Mark an entry entered in error (it is never deleted and stays readable)',
        params: EntryParams,
        headers: IfMatchHeaders,
        body: EnteredInErrorBody,
        response: { 200: EntrySchema },
      },
    },
    async (request, reply) => {
      const ifMatch = request.headers['if-match'];
      const entry = await history.markEnteredInError(
        request.params.id,
        request.params.entryId,
        request.body.reason,
        ifMatch === undefined ? undefined : versionFromIfMatch(ifMatch),
        contextOf(request),
      );
      return reply.header('etag', etagOf(entry.version)).send(entry);
    },
  );

  api.get(
    '/api/v1/patients/:id/history.pdf',
    {
      config: { permission: 'history:read' },
      schema: {
        tags: ['history'],
        summary: 'The medical history as a PDF (audited)',
        params: PatientParams,
        querystring: ExportQuery,
        produces: ['application/pdf'],
      },
    },
    async (request, reply) => {
      const data = await history.exportData(request.params.id, request.query, contextOf(request));
      return reply
        .type('application/pdf')
        .header('content-disposition', `attachment; filename="history-${data.patient.mrn}.pdf"`)
        .send(renderHistoryPdf(data));
    },
  );
}
