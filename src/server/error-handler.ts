import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { sqlState } from '../db/index.js';
import {
  DomainError,
  LockedError,
  ServiceUnavailableError,
  ValidationError,
  type FieldError,
} from '../shared/errors.js';

export interface Problem {
  readonly type: string;
  readonly title: string;
  readonly status: number;
  readonly detail: string;
  readonly instance?: string;
  readonly requestId?: string;
  /** A stable machine-readable reason where clients act on it (MFA_REQUIRED, CSRF_TOKEN_INVALID, ...). */
  readonly code?: string;
  readonly errors?: readonly FieldError[];
}

export const PROBLEM_CONTENT_TYPE = 'application/problem+json; charset=utf-8';

export function sendProblem(
  reply: FastifyReply,
  problem: Omit<Problem, 'type'> & { type?: string },
): FastifyReply {
  return reply
    .code(problem.status)
    .type(PROBLEM_CONTENT_TYPE)
    .send({ type: problem.type ?? 'about:blank', ...problem, requestId: reply.request.id });
}

interface AjvError {
  readonly instancePath?: string;
  readonly keyword?: string;
  readonly message?: string;
  readonly params?: Record<string, unknown>;
}

/** Turns AJV's errors into `{field, message}` pairs that name the field as the client sent it. */
function fieldErrors(validation: readonly AjvError[], context: string | undefined): FieldError[] {
  return validation.map((error) => {
    let field = (error.instancePath ?? '').replace(/^\//, '').replace(/\//g, '.');
    const missing = error.params?.['missingProperty'];
    const extra = error.params?.['additionalProperty'];
    if (typeof missing === 'string') field = field ? `${field}.${missing}` : missing;
    if (typeof extra === 'string') field = field ? `${field}.${extra}` : extra;
    let message = error.message ?? 'is invalid';
    if (error.keyword === 'additionalProperties') message = 'is not a known field';
    if (error.keyword === 'required') message = 'is required';
    const format = error.params?.['format'];
    if (error.keyword === 'format')
      message = `must be a valid ${typeof format === 'string' ? format : 'value'}`;
    return { field: field || (context ?? 'body'), message };
  });
}

const CLIENT_ERROR_TITLES: Record<number, string> = {
  400: 'Invalid request',
  404: 'Not found',
  405: 'Method not allowed',
  406: 'Not acceptable',
  413: 'Request too large',
  415: 'Unsupported media type',
  429: 'Too many requests',
};

/**
 * What a 503 for an unavailable or overloaded database tells clients to wait: long enough for a restart
 * or a failover to finish, short enough that a retry soon succeeds.
 */
const DATABASE_RETRY_AFTER_SECONDS = 5;

/** Maps every error to problem+json. Only our own messages reach clients; nothing from SQL or stacks. */
export function errorHandler(
  error: FastifyError,
  request: FastifyRequest,
  reply: FastifyReply,
): FastifyReply {
  if (error instanceof DomainError) {
    if (error instanceof LockedError && error.retryAfterSeconds !== undefined) {
      void reply.header('retry-after', String(error.retryAfterSeconds));
    }
    if (error instanceof ServiceUnavailableError) {
      void reply.header('retry-after', String(DATABASE_RETRY_AFTER_SECONDS));
    }
    return sendProblem(reply, {
      status: error.status,
      title: error.title,
      detail: error.message,
      ...(error.code ? { code: error.code } : {}),
      ...(error instanceof ValidationError && error.errors.length > 0 ? { errors: error.errors } : {}),
    });
  }
  if (error.validation) {
    const errors = fieldErrors(error.validation, error.validationContext);
    return sendProblem(reply, {
      status: 400,
      title: 'Invalid request',
      detail: `The request has ${errors.length} invalid field(s): ${errors.map((e) => `${e.field} ${e.message}`).join('; ')}.`,
      errors,
    });
  }
  const code = sqlState(error);
  if (code === '22P02' || code === '22007' || code === '22008' || code === '22001' || code === '22021') {
    return sendProblem(reply, {
      status: 400,
      title: 'Invalid request',
      detail: 'A value in the request is not valid.',
    });
  }
  if (code === '23505') {
    return sendProblem(reply, {
      status: 409,
      title: 'Conflict',
      detail: 'A record with the same unique value exists.',
    });
  }
  if (code === '57014') {
    request.log.warn({ err: { code } }, 'statement timeout');
    void reply.header('retry-after', String(DATABASE_RETRY_AFTER_SECONDS));
    return sendProblem(reply, {
      status: 503,
      title: 'Service unavailable',
      detail: 'The database took too long. Try again.',
    });
  }
  const status = error.statusCode ?? 500;
  if (status >= 400 && status < 500) {
    const detail =
      status === 413
        ? 'The request body is larger than the server accepts.'
        : status === 415
          ? 'Send the body as application/json.'
          : error.code === 'FST_ERR_CTP_INVALID_JSON_BODY' || error instanceof SyntaxError
            ? 'The request body is not valid JSON.'
            : error.code === 'FST_ERR_CTP_EMPTY_JSON_BODY'
              ? 'The request body is empty; send a JSON object.'
              : (CLIENT_ERROR_TITLES[status] ?? 'The request cannot be processed.');
    return sendProblem(reply, { status, title: CLIENT_ERROR_TITLES[status] ?? 'Client error', detail });
  }
  request.log.error({ err: error }, 'unhandled error');
  return sendProblem(reply, {
    status: 500,
    title: 'Internal server error',
    detail: `Something went wrong on our side. Quote request id ${request.id} to support.`,
  });
}
