import { PreconditionFailedError, PreconditionRequiredError } from './errors.js';

/** The ETag of a versioned record. */
export function etagOf(version: number): string {
  return `"${version}"`;
}

/** Reads the version out of an If-Match header; requires one, so no update is made blind. */
export function versionFromIfMatch(header: string | undefined): number {
  if (header === undefined || header.trim() === '') throw new PreconditionRequiredError();
  const match = /^(?:W\/)?"(\d{1,9})"$/.exec(header.trim());
  if (!match)
    throw new PreconditionFailedError('The If-Match header does not match any version of this record.');
  return Number(match[1]);
}
