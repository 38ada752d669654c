/**
 * Domain errors. Services throw these; the HTTP error handler maps each to problem+json and the CLI
 * to a message. They never carry SQL, stack traces or patient data in their messages.
 */
export class DomainError extends Error {
  constructor(
    message: string,
    readonly status: number,
    readonly title: string,
    /** A stable machine-readable reason (`MFA_REQUIRED`, `CSRF_TOKEN_INVALID`), sent as the problem's `code`. */
    readonly code?: string,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

export interface FieldError {
  readonly field: string;
  readonly message: string;
}

export class ValidationError extends DomainError {
  constructor(
    message: string,
    readonly errors: readonly FieldError[] = [],
    code?: string,
  ) {
    super(message, 400, 'Invalid request', code);
  }
}

export class UnprocessableError extends DomainError {
  constructor(message: string) {
    super(message, 422, 'Unprocessable request');
  }
}

export class NotFoundError extends DomainError {
  constructor(message = 'The resource does not exist.') {
    super(message, 404, 'Not found');
  }
}

export class ConflictError extends DomainError {
  constructor(message: string) {
    super(message, 409, 'Conflict');
  }
}

export class PreconditionFailedError extends DomainError {
  constructor(
    message = 'The record was changed by someone else since you read it. Reload it and try again.',
  ) {
    super(message, 412, 'Precondition failed');
  }
}

export class PreconditionRequiredError extends DomainError {
  constructor(message = 'Send the If-Match header with the ETag from your last read of this record.') {
    super(message, 428, 'Precondition required');
  }
}

export class UnauthorizedError extends DomainError {
  constructor(message = 'Sign in to continue.', code?: string) {
    super(message, 401, 'Unauthorized', code);
  }
}

export class ForbiddenError extends DomainError {
  constructor(message = 'Your role does not allow this.', code?: string) {
    super(message, 403, 'Forbidden', code);
  }
}

export class LockedError extends DomainError {
  constructor(
    message: string,
    readonly retryAfterSeconds: number | undefined,
  ) {
    super(message, 423, 'Locked');
  }
}

export class ServiceUnavailableError extends DomainError {
  constructor(message = 'The database is unavailable. Try again shortly.') {
    super(message, 503, 'Service unavailable');
  }
}
