import type { Queryable } from '../../db/index.js';
import type { DocumentContentType } from './documents.content-types.js';
import type { DocumentCategory } from './documents.schemas.js';

export interface DocumentRecord {
  readonly id: string;
  readonly patientId: string;
  readonly title: string;
  readonly category: DocumentCategory;
  readonly contentType: DocumentContentType;
  readonly sizeBytes: number;
  readonly sha256: string;
  readonly originalFilename: string | null;
  readonly profilePhoto: boolean;
  readonly uploadedBy: string;
  /** A Date from the database; an RFC 3339 string when replayed from an idempotency record. */
  readonly uploadedAt: Date | string;
  readonly archived: boolean;
  readonly archivedAt: Date | string | null;
}

/** A document with where its bytes are, for the service only (never sent to clients). */
export interface StoredDocument extends DocumentRecord {
  readonly storagePath: string;
}

const COLUMNS = `id, patient_id AS "patientId", title, category, content_type AS "contentType",
  size_bytes AS "sizeBytes", sha256, original_filename AS "originalFilename", profile_photo AS "profilePhoto",
  uploaded_by AS "uploadedBy", uploaded_at AS "uploadedAt", archived, archived_at AS "archivedAt",
  storage_path AS "storagePath"`;

export interface NewDocument {
  readonly id: string;
  readonly patientId: string;
  readonly title: string;
  readonly category: DocumentCategory;
  readonly contentType: DocumentContentType;
  readonly sizeBytes: number;
  readonly sha256: string;
  readonly originalFilename: string | null;
  readonly storagePath: string;
  readonly profilePhoto: boolean;
  readonly uploadedBy: string;
}

/**
 * Locks the patient row for the rest of the transaction (FOR SHARE for documents, FOR UPDATE to
 * replace the photo, so two photo uploads queue instead of colliding) and says whether it is archived.
 */
export async function lockPatient(
  db: Queryable,
  patientId: string,
  mode: 'share' | 'update',
): Promise<{ archived: boolean } | undefined> {
  const result = await db.query<{ archived: boolean }>(
    `SELECT archived FROM patients WHERE id = $1 ${mode === 'update' ? 'FOR UPDATE' : 'FOR SHARE'}`,
    [patientId],
  );
  return result.rows[0];
}

export async function findPatientArchived(
  db: Queryable,
  patientId: string,
): Promise<{ archived: boolean } | undefined> {
  const result = await db.query<{ archived: boolean }>('SELECT archived FROM patients WHERE id = $1', [
    patientId,
  ]);
  return result.rows[0];
}

export async function insertDocument(db: Queryable, document: NewDocument): Promise<StoredDocument> {
  const result = await db.query<StoredDocument>(
    `INSERT INTO documents (id, patient_id, title, category, content_type, size_bytes, sha256,
       original_filename, storage_path, profile_photo, uploaded_by)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
     RETURNING ${COLUMNS}`,
    [
      document.id,
      document.patientId,
      document.title,
      document.category,
      document.contentType,
      document.sizeBytes,
      document.sha256,
      document.originalFilename,
      document.storagePath,
      document.profilePhoto,
      document.uploadedBy,
    ],
  );
  return result.rows[0]!;
}

/** The previous photo stays on file as a document; it just stops being the current one. */
export async function clearProfilePhoto(db: Queryable, patientId: string): Promise<string[]> {
  const result = await db.query<{ id: string }>(
    'UPDATE documents SET profile_photo = false WHERE patient_id = $1 AND profile_photo RETURNING id',
    [patientId],
  );
  return result.rows.map((row) => row.id);
}

export async function findDocument(
  db: Queryable,
  patientId: string,
  documentId: string,
): Promise<StoredDocument | undefined> {
  const result = await db.query<StoredDocument>(
    `SELECT ${COLUMNS} FROM documents WHERE id = $1 AND patient_id = $2`,
    [documentId, patientId],
  );
  return result.rows[0];
}

export async function findProfilePhoto(
  db: Queryable,
  patientId: string,
): Promise<StoredDocument | undefined> {
  const result = await db.query<StoredDocument>(
    `SELECT ${COLUMNS} FROM documents WHERE patient_id = $1 AND profile_photo AND NOT archived`,
    [patientId],
  );
  return result.rows[0];
}

export interface DocumentListCriteria {
  readonly includeArchived: boolean;
  readonly category: DocumentCategory | undefined;
  readonly limit: number;
  readonly offset: number;
}

/** Newest first. */
export async function listDocuments(
  db: Queryable,
  patientId: string,
  criteria: DocumentListCriteria,
): Promise<{ items: StoredDocument[]; total: number }> {
  const where = `patient_id = $1 AND ($2 OR NOT archived) AND ($3::text IS NULL OR category = $3)`;
  const params = [patientId, criteria.includeArchived, criteria.category ?? null];
  const [items, count] = await Promise.all([
    db.query<StoredDocument>(
      `SELECT ${COLUMNS} FROM documents WHERE ${where} ORDER BY uploaded_at DESC, id LIMIT $4 OFFSET $5`,
      [...params, criteria.limit, criteria.offset],
    ),
    db.query<{ total: number }>(`SELECT count(*)::int AS total FROM documents WHERE ${where}`, params),
  ]);
  return { items: items.rows, total: count.rows[0]!.total };
}

/** Returns undefined when nothing changed (no such document, or already in that state). */
export async function setDocumentArchived(
  db: Queryable,
  patientId: string,
  documentId: string,
  archived: boolean,
  userId: string,
): Promise<StoredDocument | undefined> {
  const result = await db.query<StoredDocument>(
    `UPDATE documents
        SET archived = $3, archived_at = CASE WHEN $3 THEN now() END, archived_by = CASE WHEN $3 THEN $4::uuid END
      WHERE id = $1 AND patient_id = $2 AND archived <> $3
      RETURNING ${COLUMNS}`,
    [documentId, patientId, archived, userId],
  );
  return result.rows[0];
}

/**
 * Moves every document of `fromPatientId` (an unidentified emergency record) to `toPatientId`. A photo
 * of the temporary record stays the current photo only when the registered patient has none; otherwise
 * it moves as an ordinary document (idx_documents_profile_photo: one current photo per patient). The
 * files stay where they are: the rows keep their storage paths.
 */
export async function reassignDocuments(
  db: Queryable,
  fromPatientId: string,
  toPatientId: string,
): Promise<string[]> {
  await db.query(
    `UPDATE documents SET profile_photo = false
      WHERE patient_id = $1 AND profile_photo
        AND EXISTS (SELECT 1 FROM documents WHERE patient_id = $2 AND profile_photo)`,
    [fromPatientId, toPatientId],
  );
  const moved = await db.query<{ id: string }>(
    'UPDATE documents SET patient_id = $2 WHERE patient_id = $1 RETURNING id',
    [fromPatientId, toPatientId],
  );
  return moved.rows.map((row) => row.id).sort();
}
