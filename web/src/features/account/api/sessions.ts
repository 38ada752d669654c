import {
  queryOptions,
  useMutation,
  useQuery,
  useQueryClient,
  type UseMutationResult,
  type UseQueryResult,
} from '@tanstack/react-query';
import { api, type ApiError } from '@/lib/api-client';

/** One of the user's own open sessions (GET /api/v1/auth/sessions). */
export interface OwnSession {
  readonly id: string;
  readonly createdAt: string;
  readonly lastSeenAt: string;
  readonly expiresAt: string;
  readonly clientAddress: string | null;
  readonly userAgent: string | null;
  readonly current: boolean;
}

export async function getOwnSessions(signal?: AbortSignal): Promise<{ items: OwnSession[] }> {
  return api.get<{ items: OwnSession[] }>('/api/v1/auth/sessions', undefined, signal);
}

export function ownSessionsQueryOptions() {
  return queryOptions({ queryKey: ['account', 'sessions'], queryFn: ({ signal }) => getOwnSessions(signal) });
}

export function useOwnSessions(): UseQueryResult<{ items: OwnSession[] }, ApiError> {
  return useQuery(ownSessionsQueryOptions());
}

/** DELETE /api/v1/auth/sessions/{id}: signs that browser or device out. */
export async function endOwnSession(id: string): Promise<void> {
  await api.delete(`/api/v1/auth/sessions/${encodeURIComponent(id)}`);
}

export function useEndOwnSession(): UseMutationResult<void, ApiError, string> {
  const queryClient = useQueryClient();
  return useMutation<void, ApiError, string>({
    mutationFn: endOwnSession,
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ownSessionsQueryOptions().queryKey }),
  });
}
