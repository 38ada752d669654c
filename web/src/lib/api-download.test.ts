import { afterEach, describe, expect, it, vi } from 'vitest';
import { apiDownload, fileNameFromDisposition, isApiError, setStepUpHandler } from './api-client';

afterEach(() => {
  vi.unstubAllGlobals();
  setStepUpHandler(undefined);
});

describe('file downloads from the API', () => {
  it('reads the file name the server gave, without any path in it', () => {
    expect(fileNameFromDisposition('attachment; filename="finance-2025-03-01-to-2025-03-17.csv"', 'x')).toBe(
      'finance-2025-03-01-to-2025-03-17.csv',
    );
    expect(fileNameFromDisposition('attachment; filename=receipt.pdf', 'x')).toBe('receipt.pdf');
    expect(fileNameFromDisposition('attachment; filename="../../evil.pdf"', 'x')).toBe('.._.._evil.pdf');
    expect(fileNameFromDisposition(null, 'report.pdf')).toBe('report.pdf');
  });

  it('sends the session cookie, no token in the address, and returns the bytes', async () => {
    const requests: { url: string; init: RequestInit }[] = [];
    vi.stubGlobal('fetch', async (url: string, init: RequestInit) => {
      requests.push({ url, init });
      return new Response('%PDF-1.7 ...', {
        status: 200,
        headers: { 'content-type': 'application/pdf', 'content-disposition': 'attachment; filename="r.pdf"' },
      });
    });
    const file = await apiDownload('/api/v1/reports/patients', { from: '2025-03-01', format: 'pdf', to: '' });
    expect(requests).toHaveLength(1);
    expect(requests[0]!.url).toBe('/api/v1/reports/patients?from=2025-03-01&format=pdf');
    expect(requests[0]!.init.credentials).toBe('same-origin');
    expect(file.fileName).toBe('r.pdf');
    expect(await file.blob.text()).toBe('%PDF-1.7 ...');
  });

  it('asks for a fresh second factor when the server wants one, then repeats the download once', async () => {
    const answers = [
      new Response(
        JSON.stringify({ title: 'Step up', status: 403, detail: 'Verify', code: 'MFA_STEP_UP_REQUIRED' }),
        {
          status: 403,
          headers: { 'content-type': 'application/problem+json' },
        },
      ),
      new Response('section,registrations\n', { status: 200, headers: { 'content-type': 'text/csv' } }),
    ];
    vi.stubGlobal('fetch', async () => answers.shift());
    const stepUp = vi.fn(async () => true);
    setStepUpHandler(stepUp);
    const file = await apiDownload('/api/v1/reports/patients', { format: 'csv' }, { fallbackName: 'p.csv' });
    expect(stepUp).toHaveBeenCalledTimes(1);
    expect(file.fileName).toBe('p.csv');
    expect(await file.blob.text()).toBe('section,registrations\n');
  });

  it("rejects with the server's problem when the download is refused", async () => {
    vi.stubGlobal(
      'fetch',
      async () =>
        new Response(
          JSON.stringify({
            title: 'Forbidden',
            status: 403,
            detail: 'Your role (staff) does not allow reports.',
          }),
          {
            status: 403,
            headers: { 'content-type': 'application/problem+json' },
          },
        ),
    );
    const failure = await apiDownload('/api/v1/reports/patients', { format: 'csv' }).catch(
      (error: unknown) => error,
    );
    expect(isApiError(failure, 403)).toBe(true);
    expect((failure as Error).message).toBe('Your role (staff) does not allow reports.');
  });
});
