import type { FastifyMultipartBaseOptions, Multipart } from '@fastify/multipart';
import { finished } from 'node:stream/promises';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { DomainError, ValidationError } from '../../shared/errors.js';
import { UnsupportedContentError, UploadTooLargeError } from './documents.errors.js';
import { sanitiseFilename } from './documents.names.js';
import type { UploadFields } from './documents.schemas.js';
import type { StagedFile } from './documents.storage.js';

const FILE_FIELD = 'file';
const TEXT_FIELDS = new Set(['title', 'category']);
/** Room for boundaries, part headers and the text fields around the file. */
const MULTIPART_OVERHEAD_BYTES = 64 * 1024;

/**
 * @fastify/multipart options for the upload routes. The plugin's own file limit is one byte above
 * ours so that the storage sees the excess and answers 413 itself, after reading the request to its end.
 */
export function multipartOptions(maxFileBytes: number): FastifyMultipartBaseOptions {
  return {
    throwFileSizeLimit: false,
    limits: { fileSize: maxFileBytes + 1, files: 1, fields: 4, parts: 6, fieldSize: 4096, headerPairs: 50 },
  };
}

/** The parts of a request an upload is read from. */
export type UploadableRequest = Pick<FastifyRequest, 'isMultipart' | 'parts' | 'headers' | 'raw'>;

export interface ReceivedUpload {
  readonly staged: StagedFile;
  readonly fields: UploadFields;
  readonly originalFilename: string | null;
}

function malformed(detail: string): ValidationError {
  return new ValidationError(detail, [{ field: FILE_FIELD, message: detail }]);
}

const CLIENT_GONE = new Set(['ECONNRESET', 'ECONNABORTED', 'EPIPE', 'FST_MP_PREMATURE_CLOSE']);

function errorCode(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

/** System errors (disk full, permissions) are ours; anything else from parsing is the client's. */
function isServerFault(error: unknown): boolean {
  const code = errorCode(error);
  return code !== undefined && /^E[A-Z]+$/.test(code) && !CLIENT_GONE.has(code);
}

/**
 * Reads a multipart upload: the file in the field `file` goes to `stage` as it arrives, the optional
 * text fields `title` and `category` may come before or after it. On any failure the staged file is
 * discarded before the error propagates, so nothing half-received stays on disk.
 */
export async function receiveUpload(
  request: UploadableRequest,
  reply: FastifyReply,
  maxFileBytes: number,
  stage: (file: AsyncIterable<Uint8Array>) => Promise<StagedFile>,
  discard: (staged: StagedFile | undefined) => Promise<void>,
): Promise<ReceivedUpload> {
  if (!request.isMultipart()) {
    throw new UnsupportedContentError('Send multipart/form-data with the file in the field "file".');
  }
  const declaredLength = Number(request.headers['content-length'] ?? NaN);
  if (declaredLength > maxFileBytes + MULTIPART_OVERHEAD_BYTES) {
    // Refused before reading; closing the connection spares the client sending the rest.
    void reply.header('connection', 'close');
    throw new UploadTooLargeError(maxFileBytes);
  }
  if (request.raw.destroyed) throw malformed('The upload was cut off before it arrived.');

  let staged: StagedFile | undefined;
  let originalFilename: string | null = null;
  const fields: Record<string, string> = {};
  const problems: { field: string; message: string }[] = [];
  try {
    for await (const part of request.parts() as AsyncIterable<Multipart>) {
      if (part.type === 'file') {
        if (part.fieldname !== FILE_FIELD) {
          // Drained so the rest of the form can be read; only the field `file` is kept.
          await finished(part.file.resume());
          problems.push({ field: part.fieldname, message: 'is not a known field; send the file as "file"' });
          continue;
        }
        originalFilename = sanitiseFilename(part.filename);
        staged = await stage(part.file);
        continue;
      }
      if (!TEXT_FIELDS.has(part.fieldname)) {
        problems.push({ field: part.fieldname, message: 'is not a known field' });
      } else if (part.valueTruncated || typeof part.value !== 'string') {
        problems.push({ field: part.fieldname, message: 'is too long' });
      } else {
        fields[part.fieldname] = part.value;
      }
    }
    if (problems.length > 0) {
      throw new ValidationError(
        `The upload has ${problems.length} invalid field(s): ${problems.map((p) => `${p.field} ${p.message}`).join('; ')}.`,
        problems,
      );
    }
    if (!staged) throw malformed('Send the file in the multipart field "file".');
    return { staged, fields, originalFilename };
  } catch (error) {
    await discard(staged);
    if (error instanceof DomainError || isServerFault(error)) throw error;
    const code = errorCode(error);
    if (code !== undefined && CLIENT_GONE.has(code)) {
      throw malformed('The upload was cut off before it was complete.');
    }
    if (code === 'FST_FILES_LIMIT') throw malformed('Send one file per upload.');
    if (code === 'FST_PARTS_LIMIT' || code === 'FST_FIELDS_LIMIT') {
      throw malformed('The form has more fields than an upload takes (file, title, category).');
    }
    throw malformed('The multipart body is malformed.');
  }
}
