import { DomainError } from '../../shared/errors.js';

/** The content is not a kind of file we keep (answered 415). */
export class UnsupportedContentError extends DomainError {
  constructor(message: string) {
    super(message, 415, 'Unsupported media type');
  }
}

/** The file is larger than uploads.max-file-size (answered 413). */
export class UploadTooLargeError extends DomainError {
  constructor(readonly maxBytes: number) {
    super(
      `The file is larger than the ${formatBytes(maxBytes)} this server accepts (uploads.max-file-size).`,
      413,
      'Request too large',
    );
  }
}

function formatBytes(bytes: number): string {
  if (bytes >= 1024 * 1024 && bytes % (1024 * 1024) === 0) return `${bytes / (1024 * 1024)} MiB`;
  if (bytes >= 1024 && bytes % 1024 === 0) return `${bytes / 1024} KiB`;
  return `${bytes} bytes`;
}
