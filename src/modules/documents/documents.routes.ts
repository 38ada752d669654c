import type { FastifyReply, FastifyRequest } from 'fastify';
import { contextOf, type Api } from '../../server/types.js';
import { validateIdempotencyKey } from '../../shared/idempotency.js';
import { ValidationError } from '../../shared/errors.js';
import { receiveUpload, type UploadableRequest } from './documents.multipart.js';
import { downloadFilename } from './documents.names.js';
import type { DocumentRecord } from './documents.repository.js';
import {
  DocumentList,
  DocumentListQuery,
  DocumentParams,
  DocumentSchema,
  PatientParams,
  UploadHeaders,
} from './documents.schemas.js';
import type { DocumentContent, DocumentsService } from './documents.service.js';

/** What an upload handler reads from the request, whichever route's schema typed it. */
type UploadRequestLike = UploadableRequest &
  Pick<FastifyRequest, 'auth' | 'ip' | 'id' | 'method'> & { readonly params: { readonly id: string } };

type DocumentView = Omit<DocumentRecord, 'uploadedAt' | 'archivedAt'> & {
  uploadedAt: string;
  archivedAt: string | null;
};

function present(document: DocumentRecord): DocumentView {
  return {
    ...document,
    uploadedAt: new Date(document.uploadedAt).toISOString(),
    archivedAt: document.archivedAt === null ? null : new Date(document.archivedAt).toISOString(),
  };
}

const UPLOAD_DESCRIPTION =
  'multipart/form-data with the file in the field `file`, and optionally `title` and `category`. ' +
  'The type is decided by the content, not the name: 415 for anything else, 413 above uploads.max-file-size.';

/** Sends a stored file; the handle closes when the stream ends or the client goes away. */
function sendContent(
  reply: FastifyReply,
  content: DocumentContent,
  disposition: 'attachment' | 'inline',
): FastifyReply {
  const { document, file } = content;
  const digest = Buffer.from(document.sha256, 'hex').toString('base64');
  return reply
    .type(document.contentType)
    .header('content-length', String(document.sizeBytes))
    .header('content-disposition', `${disposition}; filename="${downloadFilename(document)}"`)
    .header('x-content-type-options', 'nosniff')
    .header('content-security-policy', "default-src 'none'; sandbox")
    .header('etag', `"${document.sha256}"`)
    .header('repr-digest', `sha-256=:${digest}:`)
    .send(file.createReadStream());
}

export function registerDocumentRoutes(api: Api, documents: DocumentsService): void {
  async function upload(
    request: UploadRequestLike,
    reply: FastifyReply,
    photo: boolean,
  ): Promise<FastifyReply> {
    const context = contextOf(request);
    const patientId = request.params.id;
    const key = request.headers['idempotency-key'];
    if (Array.isArray(key)) throw new ValidationError('Send one Idempotency-Key header.');
    const idempotencyKey = key === undefined ? undefined : validateIdempotencyKey(key);
    const actor = await documents.assertCanWriteDocuments(context, patientId);
    const received = await receiveUpload(
      request,
      reply,
      documents.maxFileBytes,
      (file) => documents.stage(file, context, patientId),
      (staged) => documents.discard(staged),
    );
    const path = photo ? `/api/v1/patients/${patientId}/photo` : `/api/v1/patients/${patientId}/documents`;
    let result: Awaited<ReturnType<DocumentsService['store']>>;
    try {
      result = await documents.store(
        {
          patientId,
          ...received,
          photo,
          idempotency:
            idempotencyKey === undefined
              ? undefined
              : { key: idempotencyKey, userId: actor.userId, method: request.method, path },
        },
        context,
      );
    } finally {
      // Before answering, so a client that sees the response never sees a leftover temporary file.
      await documents.discard(received.staged);
    }
    const body = present(result.body);
    if (result.replayed) void reply.header('idempotent-replayed', 'true');
    return reply
      .code(201)
      .header('location', `/api/v1/patients/${patientId}/documents/${body.id}`)
      .send(body);
  }

  api.post(
    '/api/v1/patients/:id/documents',
    {
      config: { permission: 'documents:write' },
      schema: {
        tags: ['documents'],
        summary: "Upload a document to a patient's record",
        description: UPLOAD_DESCRIPTION,
        consumes: ['multipart/form-data'],
        params: PatientParams,
        headers: UploadHeaders,
        response: { 201: DocumentSchema },
      },
    },
    async (request, reply) => upload(request, reply, false),
  );

  api.get(
    '/api/v1/patients/:id/documents',
    {
      config: { permission: 'documents:read' },
      schema: {
        tags: ['documents'],
        summary: "A patient's documents, newest first (archived ones only with includeArchived=true)",
        params: PatientParams,
        querystring: DocumentListQuery,
        response: { 200: DocumentList },
      },
    },
    async (request) => {
      const page = await documents.list(request.params.id, request.query, contextOf(request));
      return { ...page, items: page.items.map(present) };
    },
  );

  api.get(
    '/api/v1/patients/:id/documents/:documentId',
    {
      config: { permission: 'documents:read' },
      schema: {
        tags: ['documents'],
        summary: "One document's metadata (audited)",
        params: DocumentParams,
        response: { 200: DocumentSchema },
      },
    },
    async (request) =>
      present(await documents.get(request.params.id, request.params.documentId, contextOf(request))),
  );

  api.get(
    '/api/v1/patients/:id/documents/:documentId/content',
    {
      config: { permission: 'documents:read' },
      schema: {
        tags: ['documents'],
        summary: 'Download a document (audited as DOCUMENT_DOWNLOADED)',
        params: DocumentParams,
        produces: [
          'application/pdf',
          'image/png',
          'image/jpeg',
          'image/webp',
          'image/tiff',
          'application/dicom',
        ],
      },
    },
    async (request, reply) => {
      const content = await documents.openContent(
        request.params.id,
        request.params.documentId,
        contextOf(request),
      );
      return sendContent(reply, content, 'attachment');
    },
  );

  for (const [action, archived] of [
    ['archive', true],
    ['restore', false],
  ] as const) {
    api.post(
      `/api/v1/patients/:id/documents/:documentId/${action}`,
      {
        config: { permission: 'documents:write' },
        schema: {
          tags: ['documents'],
          summary: archived
            ? 'Archive a document (documents are never deleted; archived ones leave the list)'
            : 'Restore an archived document',
          params: DocumentParams,
          response: { 200: DocumentSchema },
        },
      },
      async (request) =>
        present(
          await documents.setArchived(
            request.params.id,
            request.params.documentId,
            archived,
            contextOf(request),
          ),
        ),
    );
  }

  api.put(
    '/api/v1/patients/:id/photo',
    {
      config: { permission: 'documents:write' },
      schema: {
        tags: ['documents'],
        summary: "Set the patient's photo (PNG, JPEG or WebP); the previous one stays on file as a document",
        description: UPLOAD_DESCRIPTION,
        consumes: ['multipart/form-data'],
        params: PatientParams,
        headers: UploadHeaders,
        response: { 201: DocumentSchema },
      },
    },
    async (request, reply) => upload(request, reply, true),
  );

  api.get(
    '/api/v1/patients/:id/photo',
    {
      config: { permission: 'documents:read' },
      schema: {
        tags: ['documents'],
        summary: "The patient's current photo (audited as PATIENT_PHOTO_VIEWED)",
        params: PatientParams,
        produces: ['image/png', 'image/jpeg', 'image/webp'],
      },
    },
    async (request, reply) =>
      sendContent(reply, await documents.openPhoto(request.params.id, contextOf(request)), 'inline'),
  );
}
