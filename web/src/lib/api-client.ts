import { toProblem, type Problem } from './problem';

/** A failed API call, carrying the server's problem+json. */
export class ApiError extends Error {
  readonly status: number;
  readonly problem: Problem;

  constructor(problem: Problem) {
    super(problem.detail);
    this.name = 'ApiError';
    this.status = problem.status;
    this.problem = problem;
  }
}

export function isApiError(error: unknown, status?: number): error is ApiError {
  return error instanceof ApiError && (status === undefined || error.status === status);
}

export interface ApiResponse<T> {
  readonly data: T;
  readonly status: number;
  readonly etag: string | null;
}

export interface RequestOptions {
  readonly method?: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';
  readonly body?: unknown;
  readonly query?: Record<string, string | number | boolean | readonly string[] | undefined | null>;
  readonly ifMatch?: string;
  readonly idempotencyKey?: string;
  readonly signal?: AbortSignal;
  /** Set on the repeat after a step-up, so that a second refusal is not asked about again. */
  readonly afterStepUp?: boolean;
}

type SessionListener = (reason: 'unauthorized') => void;
/** Asks the user for a fresh second factor; resolves true once the server has accepted one. */
export type StepUpHandler = (problem: Problem) => Promise<boolean>;

/**
 * Per-tab client state the API needs: the CSRF token returned by sign-in and /auth/me (sent on every
 * write, since the session cookie alone must not authorise one), when the server last heard from us
 * (to keep the server session alive while the user works without saving), and who to tell when the
 * session has ended.
 */
const state: {
  csrfToken: string | undefined;
  lastContactMs: number;
  onUnauthorized: SessionListener[];
  stepUp: StepUpHandler | undefined;
} = {
  csrfToken: undefined,
  lastContactMs: 0,
  onUnauthorized: [],
  stepUp: undefined,
};

/**
 * Sensitive actions (role changes, break-the-glass, exports) answer 403 MFA_STEP_UP_REQUIRED when the
 * last second factor is too old: the handler asks for a code, and the call is then repeated once.
 */
export function setStepUpHandler(handler: StepUpHandler | undefined): void {
  state.stepUp = handler;
}

export function setCsrfToken(token: string | undefined): void {
  state.csrfToken = token;
}

export function lastServerContactMs(): number {
  return state.lastContactMs;
}

/** Registers a listener for a 401 on an authenticated call; returns its removal. */
export function onSessionEnded(listener: SessionListener): () => void {
  state.onUnauthorized.push(listener);
  return () => {
    state.onUnauthorized = state.onUnauthorized.filter((registered) => registered !== listener);
  };
}

/** Paths answered 401 as part of their normal use: a wrong password is not an ended session. */
const SIGN_IN_PATHS = new Set(['/api/v1/auth/login']);

export function buildUrl(path: string, query?: RequestOptions['query']): string {
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(query ?? {})) {
    if (value === undefined || value === null || value === '') continue;
    if (Array.isArray(value)) for (const item of value as readonly string[]) search.append(name, item);
    else search.append(name, String(value));
  }
  const text = search.toString();
  return text ? `${path}?${text}` : path;
}

/** Headers every call carries; writes add the CSRF token. */
export function requestHeaders(method: string, options: Omit<RequestOptions, 'query'>): Headers {
  const headers = new Headers({ accept: 'application/json, application/problem+json' });
  if (options.body !== undefined && !(options.body instanceof FormData)) {
    headers.set('content-type', 'application/json');
  }
  if (method !== 'GET' && state.csrfToken) headers.set('x-csrf-token', state.csrfToken);
  if (options.ifMatch) headers.set('if-match', options.ifMatch);
  if (options.idempotencyKey) headers.set('idempotency-key', options.idempotencyKey);
  return headers;
}

async function readBody(response: Response): Promise<unknown> {
  if (response.status === 204) return null;
  const text = await response.text();
  if (text === '') return null;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

function failed(path: string, status: number, problem: Problem): ApiError {
  if (status === 401 && !SIGN_IN_PATHS.has(path)) {
    for (const listener of state.onUnauthorized) listener('unauthorized');
  }
  return new ApiError(problem);
}

/** One call to the MediSys API with the session cookie; rejects with ApiError on 4xx/5xx. */
export async function apiRequest<T>(path: string, options: RequestOptions = {}): Promise<ApiResponse<T>> {
  const method = options.method ?? (options.body === undefined ? 'GET' : 'POST');
  let response: Response;
  try {
    response = await fetch(buildUrl(path, options.query), {
      method,
      credentials: 'same-origin',
      headers: requestHeaders(method, options),
      body:
        options.body === undefined
          ? undefined
          : options.body instanceof FormData
            ? options.body
            : JSON.stringify(options.body),
      signal: options.signal ?? null,
    });
  } catch (error) {
    if (error instanceof DOMException && error.name === 'AbortError') throw error;
    throw new ApiError({
      title: 'Network error',
      status: 0,
      detail: 'MediSys cannot be reached. Check the network connection and try again.',
    });
  }
  state.lastContactMs = Date.now();
  const body = await readBody(response);
  if (!response.ok) {
    const problem = toProblem(body, response.status, response.statusText);
    if (
      problem.status === 403 &&
      problem.code === 'MFA_STEP_UP_REQUIRED' &&
      state.stepUp &&
      !options.afterStepUp
    ) {
      if (await state.stepUp(problem)) return apiRequest<T>(path, { ...options, afterStepUp: true });
    }
    throw failed(path, response.status, problem);
  }
  return { data: body as T, status: response.status, etag: response.headers.get('etag') };
}

/** A file the API generated (a PDF, a CSV), with the name the server gave it. */
export interface DownloadedFile {
  readonly blob: Blob;
  readonly fileName: string;
}

/** The file name of a Content-Disposition header (`attachment; filename="x.pdf"`), or `fallback`. */
export function fileNameFromDisposition(header: string | null, fallback: string): string {
  const name = /filename="([^"]+)"/.exec(header ?? '')?.[1] ?? /filename=([^;\s]+)/.exec(header ?? '')?.[1];
  const safe = name?.replace(/[\\/]/g, '_').trim();
  return safe ? safe : fallback;
}

/**
 * Downloads a file with the session cookie (never a token in the URL), answering a step-up for
 * exports the server guards with a fresh second factor; rejects with ApiError like apiRequest.
 */
export async function apiDownload(
  path: string,
  query?: RequestOptions['query'],
  options: { readonly afterStepUp?: boolean; readonly fallbackName?: string } = {},
): Promise<DownloadedFile> {
  let response: Response;
  try {
    response = await fetch(buildUrl(path, query), {
      credentials: 'same-origin',
      headers: { accept: 'application/pdf, text/csv, application/problem+json, */*' },
    });
  } catch {
    throw new ApiError({
      title: 'Network error',
      status: 0,
      detail: 'MediSys cannot be reached. Check the network connection and try again.',
    });
  }
  state.lastContactMs = Date.now();
  if (!response.ok) {
    const problem = toProblem(await readBody(response), response.status, response.statusText);
    if (
      problem.status === 403 &&
      problem.code === 'MFA_STEP_UP_REQUIRED' &&
      state.stepUp &&
      !options.afterStepUp
    ) {
      if (await state.stepUp(problem)) return apiDownload(path, query, { ...options, afterStepUp: true });
    }
    throw failed(path, response.status, problem);
  }
  return {
    blob: await response.blob(),
    fileName: fileNameFromDisposition(
      response.headers.get('content-disposition'),
      options.fallbackName ?? 'download',
    ),
  };
}

/** Shorthands for the usual calls; each resolves with the response body. */
export const api = {
  async get<T>(path: string, query?: RequestOptions['query'], signal?: AbortSignal): Promise<T> {
    return (await apiRequest<T>(path, { query, ...(signal ? { signal } : {}) })).data;
  },
  async post<T>(path: string, body: unknown = {}, options: Omit<RequestOptions, 'body'> = {}): Promise<T> {
    return (await apiRequest<T>(path, { ...options, method: 'POST', body })).data;
  },
  async patch<T>(path: string, body: unknown, options: Omit<RequestOptions, 'body'> = {}): Promise<T> {
    return (await apiRequest<T>(path, { ...options, method: 'PATCH', body })).data;
  },
  async put<T>(path: string, body: unknown, options: Omit<RequestOptions, 'body'> = {}): Promise<T> {
    return (await apiRequest<T>(path, { ...options, method: 'PUT', body })).data;
  },
  async delete<T = null>(path: string, options: Omit<RequestOptions, 'body'> = {}): Promise<T> {
    return (await apiRequest<T>(path, { ...options, method: 'DELETE' })).data;
  },
};

export interface UploadProgress {
  readonly loadedBytes: number;
  readonly totalBytes: number;
}

/**
 * A multipart upload with progress (fetch cannot report upload progress; XMLHttpRequest can).
 * Same headers and error handling as apiRequest.
 */
export function uploadWithProgress<T>(
  path: string,
  form: FormData,
  options: {
    method?: 'POST' | 'PUT';
    onProgress?: (progress: UploadProgress) => void;
    signal?: AbortSignal;
    idempotencyKey?: string;
  },
): Promise<T> {
  const method = options.method ?? 'POST';
  return new Promise<T>((resolve, reject) => {
    const request = new XMLHttpRequest();
    request.open(method, path);
    request.withCredentials = true;
    const headers = requestHeaders(method, {
      body: form,
      ...(options.idempotencyKey ? { idempotencyKey: options.idempotencyKey } : {}),
    });
    headers.forEach((value, name) => request.setRequestHeader(name, value));
    request.upload.onprogress = (event) => {
      if (event.lengthComputable)
        options.onProgress?.({ loadedBytes: event.loaded, totalBytes: event.total });
    };
    request.onerror = () =>
      reject(
        new ApiError({
          title: 'Network error',
          status: 0,
          detail: 'The upload did not reach MediSys. Check the network connection and try again.',
        }),
      );
    request.onabort = () => reject(new DOMException('The upload was cancelled.', 'AbortError'));
    request.onload = () => {
      state.lastContactMs = Date.now();
      let body: unknown = request.responseText;
      try {
        body = JSON.parse(request.responseText) as unknown;
      } catch {
        // not JSON: keep the text
      }
      if (request.status >= 200 && request.status < 300) resolve(body as T);
      else reject(failed(path, request.status, toProblem(body, request.status, request.statusText)));
    };
    options.signal?.addEventListener('abort', () => request.abort());
    request.send(form);
  });
}

/**
 * A fresh Idempotency-Key (a random UUID), so that a retried create does not create twice. Built
 * from getRandomValues because crypto.randomUUID exists only in secure contexts.
 */
export function newIdempotencyKey(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  bytes[6] = (bytes[6]! & 0x0f) | 0x40;
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;
  const hex = Array.from(bytes, (byte) => byte.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
