import { ValidationError } from '../../shared/errors.js';
import { DOCUMENT_CONTENT_TYPES, type DocumentContentType } from './documents.content-types.js';
import {
  isDocumentCategory,
  TITLE_MAX_LENGTH,
  type DocumentCategory,
  type UploadFields,
} from './documents.schemas.js';

/** Control characters, and the bidirectional overrides that make "gpj.exe" read as "exe.jpg". */
// eslint-disable-next-line no-control-regex -- finding control characters is the point
const UNSAFE_CHARACTERS = /[\u0000-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;
const HAS_UNSAFE_CHARACTER = new RegExp(UNSAFE_CHARACTERS.source);

const CATEGORY_TITLES: Record<DocumentCategory, string> = {
  id_scan: 'Identity document',
  referral: 'Referral',
  lab_report: 'Lab report',
  imaging: 'Imaging',
  consent: 'Consent form',
  photo: 'Patient photo',
  other: 'Document',
};

/**
 * The client's file name as metadata: its last path segment, without control or direction-override
 * characters, at most 255 characters; null when nothing is left. It never becomes part of a path.
 */
export function sanitiseFilename(name: string | undefined): string | null {
  if (name === undefined) return null;
  const lastSegment = name.split(/[\\/]/).pop() ?? '';
  const cleaned = lastSegment.normalize('NFC').replace(UNSAFE_CHARACTERS, '').trim().slice(0, 255).trim();
  return cleaned === '' || cleaned === '.' || cleaned === '..' ? null : cleaned;
}

/**
 * An ASCII file name for Content-Disposition: letters, digits, `-`, `_` and `.` from the original
 * name (or the title), with the extension of the detected type, whatever the uploader called it.
 */
export function downloadFilename(document: {
  readonly id: string;
  readonly title: string;
  readonly originalFilename: string | null;
  readonly contentType: DocumentContentType;
}): string {
  const source = document.originalFilename ?? document.title;
  const stem = source
    .replace(/\.[A-Za-z0-9]{1,8}$/, '')
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[^A-Za-z0-9_-]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 80);
  return `${stem === '' ? `document-${document.id.slice(0, 8)}` : stem}.${DOCUMENT_CONTENT_TYPES[document.contentType]}`;
}

export interface ValidatedFields {
  readonly title: string;
  readonly category: DocumentCategory;
}

/** Checks the form fields of an upload; a photo is always category `photo`. */
export function validateUploadFields(
  fields: UploadFields,
  originalFilename: string | null,
  photo: boolean,
): ValidatedFields {
  const errors: { field: string; message: string }[] = [];
  let category: DocumentCategory = photo ? 'photo' : 'other';
  if (fields.category !== undefined) {
    if (!isDocumentCategory(fields.category)) {
      errors.push({
        field: 'category',
        message: 'must be one of ' + Object.keys(CATEGORY_TITLES).join(', '),
      });
    } else if (photo && fields.category !== 'photo') {
      errors.push({ field: 'category', message: 'must be photo (or left out) for a patient photo' });
    } else {
      category = fields.category;
    }
  }
  let title = fields.title?.trim();
  if (title !== undefined) {
    if (title === '') errors.push({ field: 'title', message: 'must not be blank' });
    else if (title.length > TITLE_MAX_LENGTH)
      errors.push({ field: 'title', message: `must be at most ${TITLE_MAX_LENGTH} characters` });
    else if (HAS_UNSAFE_CHARACTER.test(title))
      errors.push({ field: 'title', message: 'must not hold control characters' });
  }
  if (errors.length > 0) {
    throw new ValidationError(
      `The upload has ${errors.length} invalid field(s): ${errors.map((e) => `${e.field} ${e.message}`).join('; ')}.`,
      errors,
    );
  }
  title ??=
    originalFilename?.replace(/\.[A-Za-z0-9]{1,8}$/, '').slice(0, TITLE_MAX_LENGTH) ||
    CATEGORY_TITLES[category];
  return { title, category };
}
