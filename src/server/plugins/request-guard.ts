import type { FastifyRequest } from 'fastify';
import { ValidationError, type FieldError } from '../../shared/errors.js';

/** Finds strings holding a NUL character, which PostgreSQL text cannot store, anywhere in a JSON body. */
function findNulFields(value: unknown, path: string, found: FieldError[]): void {
  if (found.length >= 10) return;
  if (typeof value === 'string') {
    if (value.includes('\u0000'))
      found.push({ field: path || 'body', message: 'must not contain NUL characters' });
    // A leading byte order mark is never content, and the embedded database's decoder drops it: refused
    // rather than stored as something other than what was sent.
    else if (value.startsWith('\ufeff'))
      found.push({ field: path || 'body', message: 'must not start with a byte order mark (U+FEFF)' });
  } else if (Array.isArray(value)) {
    value.forEach((item, index) => findNulFields(item, path ? `${path}.${index}` : String(index), found));
  } else if (value !== null && typeof value === 'object') {
    for (const [key, child] of Object.entries(value)) {
      if (key.includes('\u0000'))
        found.push({ field: path || 'body', message: 'must not contain NUL characters' });
      findNulFields(child, path ? `${path}.${key}` : key, found);
    }
  }
}

/** preValidation hook: refuses NUL bytes in the body and the query before any schema or SQL sees them. */
export async function refuseNulCharacters(request: FastifyRequest): Promise<void> {
  const found: FieldError[] = [];
  findNulFields(request.body, '', found);
  findNulFields(request.query, '', found);
  if (found.length > 0)
    throw new ValidationError('The request contains characters that cannot be stored.', found);
}
