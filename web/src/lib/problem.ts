/** An RFC 9457 problem as the MediSys API sends it (application/problem+json). */
export interface Problem {
  readonly type?: string;
  readonly title: string;
  readonly status: number;
  readonly detail: string;
  readonly code?: string;
  readonly requestId?: string;
  readonly errors?: readonly { readonly field: string; readonly message: string }[];
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Reads a problem out of a response body; anything else becomes a generic problem with `status`. */
export function toProblem(body: unknown, status: number, statusText = ''): Problem {
  if (isRecord(body) && typeof body['detail'] === 'string') {
    const errors = Array.isArray(body['errors'])
      ? body['errors'].filter(
          (error): error is { field: string; message: string } =>
            isRecord(error) && typeof error['field'] === 'string' && typeof error['message'] === 'string',
        )
      : undefined;
    return {
      title: typeof body['title'] === 'string' ? body['title'] : statusText || 'Error',
      status: typeof body['status'] === 'number' ? body['status'] : status,
      detail: body['detail'],
      ...(typeof body['type'] === 'string' ? { type: body['type'] } : {}),
      ...(typeof body['code'] === 'string' ? { code: body['code'] } : {}),
      ...(typeof body['requestId'] === 'string' ? { requestId: body['requestId'] } : {}),
      ...(errors && errors.length > 0 ? { errors } : {}),
    };
  }
  return {
    title: statusText || 'Error',
    status,
    detail:
      status >= 500
        ? 'The server could not complete the request. Try again in a moment.'
        : `The request failed (${status}${statusText ? ` ${statusText}` : ''}).`,
  };
}

/**
 * The problem's field errors keyed by form field: `dateOfBirth` stays `dateOfBirth`, a nested
 * `vitals.pulseBpm` stays dotted. The first message of a field wins; messages read as sentences.
 */
export function fieldErrorsOf(problem: Problem): Record<string, string> {
  const result: Record<string, string> = {};
  for (const error of problem.errors ?? []) {
    const field = error.field.replace(/^body\.?/, '');
    if (field === '' || result[field] !== undefined) continue;
    result[field] = sentence(error.message);
  }
  return result;
}

function sentence(message: string): string {
  const trimmed = message.trim();
  if (trimmed === '') return 'Is not valid.';
  const capitalised = trimmed[0]!.toUpperCase() + trimmed.slice(1);
  return /[.!?]$/.test(capitalised) ? capitalised : `${capitalised}.`;
}

/** Field errors that do not belong to any of `knownFields`, to show above the form instead. */
export function unmatchedFieldErrors(
  problem: Problem,
  knownFields: readonly string[],
): { field: string; message: string }[] {
  const known = new Set(knownFields);
  return Object.entries(fieldErrorsOf(problem))
    .filter(([field]) => !known.has(field) && !known.has(field.split('.')[0]!))
    .map(([field, message]) => ({ field, message }));
}

/**
 * How a form shows a failed submission: errors of its own fields beside those fields, and an alert
 * above the form unless every error found a field.
 */
export function formProblem(
  problem: Problem | undefined,
  formFields: readonly string[],
): { fieldErrors: Record<string, string>; showAlert: boolean } {
  if (!problem) return { fieldErrors: {}, showAlert: false };
  const all = fieldErrorsOf(problem);
  const known = new Set(formFields);
  const fieldErrors = Object.fromEntries(Object.entries(all).filter(([field]) => known.has(field)));
  const showAlert =
    Object.keys(fieldErrors).length === 0 || unmatchedFieldErrors(problem, formFields).length > 0;
  return { fieldErrors, showAlert };
}
