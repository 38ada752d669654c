import { Type, type Static } from 'typebox';
import { PageQuery } from '../../shared/pagination.js';

export const DOCUMENT_CATEGORIES = [
  'id_scan',
  'referral',
  'lab_report',
  'imaging',
  'consent',
  'photo',
  'other',
] as const;
export type DocumentCategory = (typeof DOCUMENT_CATEGORIES)[number];

export const CategorySchema = Type.Union([
  Type.Literal('id_scan'),
  Type.Literal('referral'),
  Type.Literal('lab_report'),
  Type.Literal('imaging'),
  Type.Literal('consent'),
  Type.Literal('photo'),
  Type.Literal('other'),
]);

export function isDocumentCategory(value: string): value is DocumentCategory {
  return (DOCUMENT_CATEGORIES as readonly string[]).includes(value);
}

export const TITLE_MAX_LENGTH = 200;

export const DocumentSchema = Type.Object({
  id: Type.String({ format: 'uuid' }),
  patientId: Type.String({ format: 'uuid' }),
  title: Type.String(),
  category: CategorySchema,
  contentType: Type.String({ description: 'Detected from the content when it was uploaded' }),
  sizeBytes: Type.Integer(),
  sha256: Type.String({ description: 'Hex SHA-256 of the content' }),
  originalFilename: Type.Union([Type.String(), Type.Null()], {
    description: "The uploader's file name, sanitised (metadata only)",
  }),
  profilePhoto: Type.Boolean({ description: "True for the patient's current photo" }),
  uploadedBy: Type.String({ format: 'uuid' }),
  uploadedAt: Type.String({ format: 'date-time' }),
  archived: Type.Boolean(),
  archivedAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
});

export const DocumentList = Type.Object({
  items: Type.Array(DocumentSchema),
  total: Type.Integer(),
  limit: Type.Integer(),
  offset: Type.Integer(),
});

export const DocumentListQuery = Type.Object(
  {
    includeArchived: Type.Optional(Type.Boolean({ default: false })),
    category: Type.Optional(CategorySchema),
    ...PageQuery,
  },
  { additionalProperties: false },
);

export const PatientParams = Type.Object({ id: Type.String({ format: 'uuid' }) });
export const DocumentParams = Type.Object({
  id: Type.String({ format: 'uuid' }),
  documentId: Type.String({ format: 'uuid' }),
});

export const UploadHeaders = Type.Object({
  'idempotency-key': Type.Optional(Type.String({ maxLength: 200 })),
});

export type DocumentListInput = Static<typeof DocumentListQuery>;

/** The form fields that may come with an upload, besides the file itself. */
export interface UploadFields {
  readonly title?: string;
  readonly category?: string;
}
