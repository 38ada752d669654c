import { UnsupportedContentError } from './documents.errors.js';

/**
 * What a document may be, as detected from its bytes (never from its name or the client's header),
 * with the extension its downloads get. Plain text is not here: it has no magic number, so "looks like
 * text" would also admit HTML, SVG and scripts.
 */
export const DOCUMENT_CONTENT_TYPES = {
  'application/pdf': 'pdf',
  'image/png': 'png',
  'image/jpeg': 'jpg',
  'image/webp': 'webp',
  'image/tiff': 'tif',
  'application/dicom': 'dcm',
} as const;
export type DocumentContentType = keyof typeof DOCUMENT_CONTENT_TYPES;

/** A patient photo must be something every browser shows. */
export const PHOTO_CONTENT_TYPES: readonly DocumentContentType[] = ['image/png', 'image/jpeg', 'image/webp'];

export function isDocumentContentType(value: string): value is DocumentContentType {
  return Object.hasOwn(DOCUMENT_CONTENT_TYPES, value);
}

const ACCEPTED_DOCUMENTS = 'PDF, PNG, JPEG, WebP, TIFF or DICOM';
const ACCEPTED_PHOTOS = 'PNG, JPEG or WebP';

/** The stored type of an upload whose bytes were detected as `detected`; 415 for anything else. */
export function acceptedContentType(detected: string | undefined, photo: boolean): DocumentContentType {
  if (detected !== undefined && isDocumentContentType(detected)) {
    if (!photo || PHOTO_CONTENT_TYPES.includes(detected)) return detected;
  }
  const what = detected ? `is ${detected}` : 'is not a recognised file type';
  throw new UnsupportedContentError(
    photo
      ? `The file's content ${what}; a photo must be ${ACCEPTED_PHOTOS}.`
      : `The file's content ${what}; documents must be ${ACCEPTED_DOCUMENTS}.`,
  );
}
