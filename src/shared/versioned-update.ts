import { NotFoundError, PreconditionFailedError, type DomainError } from './errors.js';

/** How a kind of record names itself in the refusals of an update. */
export interface UpdateRefusalWording {
  /** The 404 when the record does not exist. */
  readonly notFound: string;
  /** The 412 when the record is archived and must be restored first. */
  readonly archived: string;
  /** The subject of the 412 for a stale version, e.g. 'The department'. */
  readonly subject: string;
}

/**
 * Why an update guarded by `expectedVersion` (and by `NOT archived`) matched no row, read from the
 * record as it is now: gone (404), archived (412), or changed by someone else since it was read (412).
 */
export function updateRefusal(
  current: { readonly archived: boolean; readonly version: number } | undefined,
  expectedVersion: number,
  wording: UpdateRefusalWording,
): DomainError {
  if (!current) return new NotFoundError(wording.notFound);
  if (current.archived) return new PreconditionFailedError(wording.archived);
  return new PreconditionFailedError(
    `${wording.subject} was changed by someone else (now version ${current.version}, you edited version ${expectedVersion}). Reload it and apply your change again.`,
  );
}
