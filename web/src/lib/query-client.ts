import { QueryClient } from '@tanstack/react-query';
import { isApiError, type ApiError } from './api-client';

/** Retries what may pass on a second try (network, 5xx, 429); never a refusal (4xx). */
export function shouldRetry(failureCount: number, error: unknown): boolean {
  if (failureCount >= 2) return false;
  if (!isApiError(error)) return true;
  return error.status === 0 || error.status === 429 || error.status >= 500;
}

export function createQueryClient(): QueryClient {
  return new QueryClient({
    defaultOptions: {
      queries: {
        retry: shouldRetry,
        retryDelay: (attempt) => Math.min(500 * 2 ** attempt, 4000),
        staleTime: 15_000,
        refetchOnWindowFocus: true,
      },
      // A write is never repeated behind the user's back; the forms show the error instead.
      mutations: { retry: false },
    },
  });
}

declare module '@tanstack/react-query' {
  interface Register {
    /** Every query and mutation here fails with an ApiError (lib/api-client.ts). */
    defaultError: ApiError;
  }
}
