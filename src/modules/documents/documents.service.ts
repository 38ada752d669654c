import { randomUUID } from 'node:crypto';
import type { FileHandle } from 'node:fs/promises';
import type { Database, Queryable, Transaction } from '../../db/index.js';
import { ConflictError, ForbiddenError, NotFoundError } from '../../shared/errors.js';
import { runIdempotent, type IdempotentRequest, type StoredResponse } from '../../shared/idempotency.js';
import type { Actor, RequestContext } from '../../shared/request-context.js';
import type { PatientAccessService } from '../access/index.js';
import type { AuditTrail } from '../audit/index.js';
import { roleAllows, type Permission } from '../users/index.js';
import { UploadTooLargeError } from './documents.errors.js';
import { validateUploadFields } from './documents.names.js';
import {
  clearProfilePhoto,
  findDocument,
  findPatientArchived,
  findProfilePhoto,
  insertDocument,
  listDocuments,
  lockPatient,
  reassignDocuments,
  setDocumentArchived,
  type DocumentRecord,
  type StoredDocument,
} from './documents.repository.js';
import { acceptedContentType, type DocumentContentType } from './documents.content-types.js';
import type { DocumentListInput, UploadFields } from './documents.schemas.js';
import type { DocumentStorage, StagedFile } from './documents.storage.js';

export interface DocumentPage {
  readonly items: DocumentRecord[];
  readonly total: number;
  readonly limit: number;
  readonly offset: number;
}

/** An open stored file and what it is; the caller streams `file` and it closes at the end. */
export interface DocumentContent {
  readonly document: DocumentRecord;
  readonly file: FileHandle;
}

export interface UploadRequest {
  readonly patientId: string;
  readonly staged: StagedFile;
  readonly fields: UploadFields;
  readonly originalFilename: string | null;
  /** The patient's photo (images only, replaces the current one) rather than a document. */
  readonly photo: boolean;
  /** An Idempotency-Key request; the service adds what identifies the upload (fields and hash). */
  readonly idempotency?: Omit<IdempotentRequest, 'body'> | undefined;
}

/** Where the bytes are stays inside the service. */
function toRecord({ storagePath, ...record }: StoredDocument): DocumentRecord {
  void storagePath;
  return record;
}

/**
 * Patient documents and photos: uploads checked by their content, stored atomically (a file is in
 * place only if its row commits), listed, downloaded and archived, every access audited in the same
 * transaction. Every patient-scoped read goes through assertCanReadDocuments.
 */
export class DocumentsService {
  constructor(
    private readonly db: Database,
    private readonly audit: AuditTrail,
    private readonly storage: DocumentStorage,
    readonly maxFileBytes: number,
    private readonly access: PatientAccessService,
  ) {}

  /** When an unknown emergency patient is identified: their documents go to the registered patient. */
  async movePatientRecords(
    tx: Transaction,
    fromPatientId: string,
    toPatientId: string,
    context: RequestContext,
  ): Promise<number> {
    const moved = await reassignDocuments(tx, fromPatientId, toPatientId);
    if (moved.length > 0) {
      await this.audit.record(tx, context, {
        action: 'DOCUMENTS_REASSIGNED',
        entityType: 'patient',
        entityId: toPatientId,
        patientId: toPatientId,
        details: { fromPatientId, documentIds: moved },
      });
    }
    return moved.length;
  }

  /**
   * The one gate for reading a patient's documents (and photo): the role's permission, then the
   * object-level care rule of the access module (a doctor reads only patients in their care).
   */
  async assertCanReadDocuments(
    context: RequestContext,
    patientId: string,
    db: Queryable = this.db,
  ): Promise<Actor> {
    const actor = this.requirePermission(context, 'documents:read');
    if (!(await findPatientArchived(db, patientId)))
      throw new NotFoundError('There is no patient with this id.');
    await this.access.assertCanAccessClinical(context, patientId, db, 'documents:read');
    return actor;
  }

  /** Checked before a file is received, so nothing is written for a patient who cannot take it. */
  async assertCanWriteDocuments(context: RequestContext, patientId: string): Promise<Actor> {
    const actor = this.requirePermission(context, 'documents:write');
    const patient = await findPatientArchived(this.db, patientId);
    if (!patient) throw new NotFoundError('There is no patient with this id.');
    await this.access.guard(context, () =>
      this.access.assertCanAccessClinical(context, patientId, this.db, 'documents:write'),
    );
    if (patient.archived) throw archivedPatient();
    return actor;
  }

  /** Receives a file into temporary storage; audits and rethrows a refusal for size. */
  async stage(
    source: AsyncIterable<Uint8Array>,
    context: RequestContext,
    patientId: string,
  ): Promise<StagedFile> {
    try {
      return await this.storage.stage(source, this.maxFileBytes);
    } catch (error) {
      if (error instanceof UploadTooLargeError) {
        await this.recordRefusal(context, patientId, { reason: 'too_large', maxBytes: this.maxFileBytes });
      }
      throw error;
    }
  }

  async discard(staged: StagedFile | undefined): Promise<void> {
    await this.storage.discard(staged);
  }

  /**
   * Keeps a staged upload: checks its detected type, inserts the row and its audit record, and moves
   * the file into place as the last step before commit. If anything fails, the moved file is removed.
   */
  async store(upload: UploadRequest, context: RequestContext): Promise<StoredResponse<DocumentRecord>> {
    const actor = this.requirePermission(context, 'documents:write');
    const { patientId, staged, photo } = upload;
    let contentType: DocumentContentType;
    try {
      contentType = acceptedContentType(staged.detectedType, photo);
    } catch (error) {
      const detectedType = staged.detectedType ?? null;
      await this.recordRefusal(context, patientId, { reason: 'unsupported_type', detectedType });
      throw error;
    }
    const { title, category } = validateUploadFields(upload.fields, upload.originalFilename, photo);
    const documentId = randomUUID();
    const storagePath = this.storage.relativePathOf(patientId, documentId);
    const idempotency = upload.idempotency && {
      ...upload.idempotency,
      body: { title, category, photo, sha256: staged.sha256, sizeBytes: staged.sizeBytes },
    };
    let placed = false;
    try {
      const result = await this.db.transaction((tx) =>
        runIdempotent(tx, idempotency, async () => {
          const patient = await lockPatient(tx, patientId, photo ? 'update' : 'share');
          if (!patient) throw new NotFoundError('There is no patient with this id.');
          if (patient.archived) throw archivedPatient();
          const replacedPhotoIds = photo ? await clearProfilePhoto(tx, patientId) : [];
          const document = await insertDocument(tx, {
            id: documentId,
            patientId,
            title,
            category,
            contentType,
            sizeBytes: staged.sizeBytes,
            sha256: staged.sha256,
            originalFilename: upload.originalFilename,
            storagePath,
            profilePhoto: photo,
            uploadedBy: actor.userId,
          });
          await this.audit.record(tx, context, {
            action: photo ? 'PATIENT_PHOTO_UPDATED' : 'DOCUMENT_UPLOADED',
            entityType: 'document',
            entityId: documentId,
            patientId,
            details: {
              category,
              contentType,
              sizeBytes: staged.sizeBytes,
              sha256: staged.sha256,
              ...(photo ? { replacedPhotoIds } : {}),
            },
          });
          // A retried transaction (serialization failure) finds the file already in place.
          if (!placed) {
            await this.storage.place(staged, storagePath);
            placed = true;
          }
          return { status: 201, body: toRecord(document) };
        }),
      );
      if (placed && result.body.id !== documentId) await this.storage.remove(storagePath);
      return result;
    } catch (error) {
      if (placed) await this.storage.remove(storagePath);
      throw error;
    }
  }

  async list(patientId: string, query: DocumentListInput, context: RequestContext): Promise<DocumentPage> {
    const criteria = {
      includeArchived: query.includeArchived ?? false,
      category: query.category,
      limit: query.limit ?? 50,
      offset: query.offset ?? 0,
    };
    return this.access.guard(context, () =>
      this.db.transaction(async (tx) => {
        await this.assertCanReadDocuments(context, patientId, tx);
        const { items, total } = await listDocuments(tx, patientId, criteria);
        await this.audit.record(tx, context, {
          action: 'DOCUMENTS_LISTED',
          entityType: 'document',
          patientId,
          details: { resultCount: items.length, documentIds: items.map((item) => item.id) },
        });
        return { items: items.map(toRecord), total, limit: criteria.limit, offset: criteria.offset };
      }),
    );
  }

  async get(patientId: string, documentId: string, context: RequestContext): Promise<DocumentRecord> {
    return this.access.guard(context, () =>
      this.db.transaction(async (tx) => {
        await this.assertCanReadDocuments(context, patientId, tx);
        const document = await findDocument(tx, patientId, documentId);
        if (!document) throw new NotFoundError('This patient has no document with this id.');
        await this.audit.record(tx, context, {
          action: 'DOCUMENT_VIEWED',
          entityType: 'document',
          entityId: documentId,
          patientId,
        });
        return toRecord(document);
      }),
    );
  }

  /** Opens a document's content for download; the download is audited once the file is open. */
  async openContent(
    patientId: string,
    documentId: string,
    context: RequestContext,
  ): Promise<DocumentContent> {
    return this.openAudited(context, patientId, 'DOCUMENT_DOWNLOADED', async (tx) => {
      const document = await findDocument(tx, patientId, documentId);
      if (!document) throw new NotFoundError('This patient has no document with this id.');
      return document;
    });
  }

  async openPhoto(patientId: string, context: RequestContext): Promise<DocumentContent> {
    return this.openAudited(context, patientId, 'PATIENT_PHOTO_VIEWED', async (tx) => {
      const photo = await findProfilePhoto(tx, patientId);
      if (!photo) throw new NotFoundError('This patient has no photo.');
      return photo;
    });
  }

  async setArchived(
    patientId: string,
    documentId: string,
    archived: boolean,
    context: RequestContext,
  ): Promise<DocumentRecord> {
    const actor = this.requirePermission(context, 'documents:write');
    return this.access.guard(context, () =>
      this.db.transaction(async (tx) => {
        if (!(await findPatientArchived(tx, patientId)))
          throw new NotFoundError('There is no patient with this id.');
        await this.access.assertCanAccessClinical(context, patientId, tx, 'documents:write');
        const changed = await setDocumentArchived(tx, patientId, documentId, archived, actor.userId);
        if (!changed) {
          const current = await findDocument(tx, patientId, documentId);
          if (!current) throw new NotFoundError('This patient has no document with this id.');
          return toRecord(current);
        }
        await this.audit.record(tx, context, {
          action: archived ? 'DOCUMENT_ARCHIVED' : 'DOCUMENT_RESTORED',
          entityType: 'document',
          entityId: documentId,
          patientId,
        });
        return toRecord(changed);
      }),
    );
  }

  private async openAudited(
    context: RequestContext,
    patientId: string,
    action: string,
    find: (tx: Queryable) => Promise<StoredDocument>,
  ): Promise<DocumentContent> {
    let file: FileHandle | undefined;
    try {
      const document = await this.access.guard(context, () =>
        this.db.transaction(async (tx) => {
          await this.assertCanReadDocuments(context, patientId, tx);
          const found = await find(tx);
          file ??= await this.storage.open(found.storagePath).catch((error: NodeJS.ErrnoException) => {
            throw new Error(`The stored file of document ${found.id} cannot be opened (${error.code}).`);
          });
          await this.audit.record(tx, context, {
            action,
            entityType: 'document',
            entityId: found.id,
            patientId,
          });
          return toRecord(found);
        }),
      );
      return { document, file: file! };
    } catch (error) {
      await file?.close();
      throw error;
    }
  }

  private async recordRefusal(
    context: RequestContext,
    patientId: string,
    details: Record<string, unknown>,
  ): Promise<void> {
    await this.audit.recordAlone(context, {
      action: 'DOCUMENT_UPLOAD_REFUSED',
      outcome: 'failure',
      entityType: 'document',
      patientId,
      details,
    });
  }

  private requirePermission(context: RequestContext, permission: Permission): Actor {
    const actor = context.actor;
    if (!actor || !roleAllows(actor.role, permission)) {
      throw new ForbiddenError(`Your role${actor ? ` (${actor.role})` : ''} does not allow this.`);
    }
    return actor;
  }
}

function archivedPatient(): ConflictError {
  return new ConflictError('This patient record is archived; restore it before adding documents.');
}
