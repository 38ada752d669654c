import { Type } from 'typebox';
import { PreconditionFailedError, PreconditionRequiredError } from './errors.js';

/** The If-Match header of a write to a versioned record (PATCH, or a transition POST). */
export const IfMatchHeaders = Type.Object({ 'if-match': Type.Optional(Type.String({ maxLength: 100 })) });

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

/** If-Match is optional on transitions (the row lock already serialises them) but honoured when sent. */
export function versionFromOptionalIfMatch(header: string | undefined): number | undefined {
  return header === undefined ? undefined : versionFromIfMatch(header);
}
