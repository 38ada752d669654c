import { createHash } from 'node:crypto';
import { prepared, type Transaction } from '../db/index.js';
import { UnprocessableError, ValidationError } from './errors.js';

/** A POST sent with an Idempotency-Key header, as the service sees it. */
export interface IdempotentRequest {
  readonly key: string;
  readonly userId: string;
  readonly method: string;
  readonly path: string;
  readonly body: unknown;
}

export interface StoredResponse<T> {
  readonly status: number;
  readonly body: T;
  /** True when this is the remembered answer to an earlier request with the same key. */
  readonly replayed: boolean;
}

// Prepared once per connection: every idempotent write (each one the web application sends) runs the
// claim and the answer's update, and parsing and planning them was a third of their cost.
const CLAIM = prepared(
  'idempotency.claim',
  `INSERT INTO idempotency_keys (user_id, key, method, path, request_hash, response_status, response_body)
   VALUES ($1, $2, $3, $4, $5, 0, 'null'::jsonb)
   ON CONFLICT (user_id, key) DO NOTHING`,
);
const REMEMBER = prepared(
  'idempotency.remember',
  'UPDATE idempotency_keys SET response_status = $3, response_body = $4 WHERE user_id = $1 AND key = $2',
);

const KEY_PATTERN = /^[\x21-\x7e]{1,200}$/;

export function validateIdempotencyKey(key: string): string {
  if (!KEY_PATTERN.test(key)) {
    throw new ValidationError('The Idempotency-Key header must be 1-200 visible ASCII characters.', [
      { field: 'Idempotency-Key', message: 'must be 1-200 visible ASCII characters' },
    ]);
  }
  return key;
}

function requestHash(request: IdempotentRequest): string {
  return createHash('sha256')
    .update(`${request.method} ${request.path}\n${JSON.stringify(request.body ?? null)}`)
    .digest('hex');
}

/**
 * Runs `work` once per (user, key). The key is claimed inside the caller's transaction, so a retry
 * racing the first request waits for it to commit and then replays its response; a retry after a
 * failure (rolled back) runs the work again. Reusing a key for a different request is refused.
 */
export async function runIdempotent<T>(
  tx: Transaction,
  request: IdempotentRequest | undefined,
  work: () => Promise<{ status: number; body: T }>,
): Promise<StoredResponse<T>> {
  if (!request) return { ...(await work()), replayed: false };
  const hash = requestHash(request);
  const claimed = await tx.query(CLAIM, [request.userId, request.key, request.method, request.path, hash]);
  if (claimed.rowCount === 0) {
    const stored = await tx.query<{ requestHash: string; status: number; body: T }>(
      `SELECT request_hash AS "requestHash", response_status AS status, response_body AS body
         FROM idempotency_keys WHERE user_id = $1 AND key = $2`,
      [request.userId, request.key],
    );
    const row = stored.rows[0]!;
    if (row.requestHash !== hash) {
      throw new UnprocessableError(
        'This Idempotency-Key was already used for a different request. Use a new key.',
      );
    }
    return { status: row.status, body: row.body, replayed: true };
  }
  const response = await work();
  await tx.query(REMEMBER, [request.userId, request.key, response.status, JSON.stringify(response.body)]);
  return { ...response, replayed: false };
}
