import {
  keepPreviousData,
  useMutation,
  useQuery,
  useQueryClient,
  type UseMutationResult,
  type UseQueryResult,
} from '@tanstack/react-query';
import { api, type ApiError } from '@/lib/api-client';

/** One break-the-glass access (GET /api/v1/emergency-access). */
export interface EmergencyAccess {
  readonly id: string;
  readonly patient: { readonly id: string; readonly mrn: string; readonly name: string };
  readonly user: { readonly id: string; readonly username: string; readonly role: string };
  readonly reason: string;
  readonly grantedAt: string;
  readonly expiresAt: string;
  readonly revokedAt: string | null;
  readonly active: boolean;
  readonly accessCount: number;
  readonly review: {
    readonly outcome: 'justified' | 'unjustified';
    readonly note: string | null;
    readonly reviewedBy: { readonly id: string; readonly username: string };
    readonly reviewedAt: string;
  } | null;
}

export interface EmergencyAccessList {
  readonly items: EmergencyAccess[];
  readonly total: number;
  readonly limit: number;
  readonly offset: number;
}

export interface EmergencyAccessParams {
  /** false: the review queue; true: reviewed ones; absent: all. */
  readonly reviewed?: boolean;
  readonly limit: number;
  readonly offset: number;
}

export function useEmergencyAccesses(params: EmergencyAccessParams): UseQueryResult<EmergencyAccessList> {
  return useQuery({
    queryKey: ['emergency-access', params],
    queryFn: ({ signal }) => api.get<EmergencyAccessList>('/api/v1/emergency-access', { ...params }, signal),
    placeholderData: keepPreviousData,
  });
}

export interface ReviewInput {
  readonly id: string;
  readonly outcome: 'justified' | 'unjustified';
  readonly note?: string;
}

/** Reviewed once; "unjustified" also closes the access if it is still open. */
export function useReviewEmergencyAccess(): UseMutationResult<EmergencyAccess, ApiError, ReviewInput> {
  const queryClient = useQueryClient();
  return useMutation<EmergencyAccess, ApiError, ReviewInput>({
    mutationFn: ({ id, ...body }) =>
      api.post<EmergencyAccess>(`/api/v1/emergency-access/${encodeURIComponent(id)}/review`, body),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ['emergency-access'] }),
  });
}
