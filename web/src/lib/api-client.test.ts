import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  api,
  apiRequest,
  isApiError,
  newIdempotencyKey,
  onSessionEnded,
  setCsrfToken,
  setStepUpHandler,
} from './api-client';

interface Call {
  readonly url: string;
  readonly method: string;
  readonly headers: Headers;
}

/** Replaces fetch with one answering `responses` in order, recording each request. */
function answer(
  ...responses: { status: number; body?: unknown; headers?: Record<string, string> }[]
): Call[] {
  const calls: Call[] = [];
  vi.stubGlobal('fetch', async (url: string, init: RequestInit) => {
    calls.push({ url, method: init.method ?? 'GET', headers: new Headers(init.headers) });
    const next = responses.shift() ?? { status: 500 };
    return new Response(next.body === undefined ? null : JSON.stringify(next.body), {
      status: next.status,
      headers: { 'content-type': 'application/json', ...next.headers },
    });
  });
  return calls;
}

afterEach(() => {
  vi.unstubAllGlobals();
  setCsrfToken(undefined);
  setStepUpHandler(undefined);
});

describe('the API client', () => {
  it('sends the CSRF token on writes only, and If-Match and Idempotency-Key when given', async () => {
    setCsrfToken('csrf-1');
    const calls = answer({ status: 200, body: {} }, { status: 201, body: {} });
    await api.get('/api/v1/patients', { q: 'ada', empty: '', archived: false });
    await api.post('/api/v1/patients', { name: 'Ada' }, { ifMatch: '"3"', idempotencyKey: 'key-1' });
    expect(calls[0]!.url).toBe('/api/v1/patients?q=ada&archived=false');
    expect(calls[0]!.headers.get('x-csrf-token')).toBeNull();
    expect(calls[1]!.headers.get('x-csrf-token')).toBe('csrf-1');
    expect(calls[1]!.headers.get('if-match')).toBe('"3"');
    expect(calls[1]!.headers.get('idempotency-key')).toBe('key-1');
  });

  it('returns the ETag with the body', async () => {
    answer({ status: 200, body: { id: 'p1' }, headers: { etag: '"7"' } });
    await expect(apiRequest('/api/v1/patients/p1')).resolves.toMatchObject({
      data: { id: 'p1' },
      etag: '"7"',
    });
  });

  it('rejects with the problem, and reports an ended session except for a failed sign-in', async () => {
    const ended = vi.fn();
    const stop = onSessionEnded(ended);
    answer(
      {
        status: 401,
        body: { title: 'Unauthorized', status: 401, detail: 'The username or password is incorrect.' },
      },
      { status: 401, body: { title: 'Unauthorized', status: 401, detail: 'Your session has ended.' } },
    );
    await expect(api.post('/api/v1/auth/login', {})).rejects.toSatisfy((error) => isApiError(error, 401));
    expect(ended).not.toHaveBeenCalled();
    await expect(api.get('/api/v1/patients')).rejects.toThrow('Your session has ended.');
    expect(ended).toHaveBeenCalledTimes(1);
    stop();
  });

  it('asks for a fresh second factor when the server wants one, then repeats the call once', async () => {
    const stepUp = vi.fn(async () => true);
    setStepUpHandler(stepUp);
    const refused = {
      title: 'Forbidden',
      status: 403,
      detail: 'Enter a code.',
      code: 'MFA_STEP_UP_REQUIRED',
    };
    const calls = answer({ status: 403, body: refused }, { status: 200, body: { role: 'doctor' } });
    await expect(api.patch('/api/v1/users/u1', { role: 'doctor' })).resolves.toEqual({ role: 'doctor' });
    expect(stepUp).toHaveBeenCalledTimes(1);
    expect(calls.map((call) => call.method)).toEqual(['PATCH', 'PATCH']);

    answer({ status: 403, body: refused }, { status: 403, body: refused });
    await expect(api.patch('/api/v1/users/u1', { role: 'doctor' })).rejects.toThrow('Enter a code.');
    expect(stepUp).toHaveBeenCalledTimes(2);
  });

  it('makes random version 4 UUIDs for idempotency keys', () => {
    const key = newIdempotencyKey();
    expect(key).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(newIdempotencyKey()).not.toBe(key);
  });
});
