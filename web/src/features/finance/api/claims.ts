import {
  keepPreviousData,
  useMutation,
  useQuery,
  useQueryClient,
  type UseMutationResult,
  type UseQueryResult,
} from '@tanstack/react-query';
import { api, apiDownload, type ApiError, type DownloadedFile } from '@/lib/api-client';
import { financeKeys } from './invoices';

/** GET /api/v1/patients/{id}/coverages. */
export interface Coverage {
  readonly id: string;
  readonly patientId: string;
  readonly provider: string;
  readonly policyNumber: string;
  readonly coverageBasisPoints: number;
  readonly validFrom: string;
  readonly validTo: string | null;
  readonly version: number;
}

export interface NewCoverage {
  readonly provider: string;
  readonly policyNumber: string;
  readonly coverageBasisPoints: number;
  readonly validFrom: string;
  readonly validTo?: string | null;
}

export const CLAIM_STATUSES = [
  'submitted',
  'in_review',
  'approved',
  'partially_approved',
  'rejected',
  'paid',
] as const;
export type ClaimStatus = (typeof CLAIM_STATUSES)[number];

/** GET /api/v1/claims rows; the action answers add `events`. */
export interface Claim {
  readonly id: string;
  readonly claimNumber: string;
  readonly invoiceId: string;
  readonly invoiceNumber: string;
  readonly patientId: string;
  readonly payer: string;
  readonly policyNumber: string;
  readonly status: ClaimStatus;
  readonly claimedCents: number;
  readonly approvedCents: number | null;
  readonly paidCents: number;
  readonly rejectionReason: string | null;
  readonly appealNote: string | null;
  readonly submittedAt: string;
  readonly decidedAt: string | null;
  readonly version: number;
}

export interface ClaimFilters {
  readonly status?: ClaimStatus;
  readonly invoiceId?: string;
  readonly patientId?: string;
}

/** One step of the workflow, as POSTed to /api/v1/claims/{id}/{step}. */
export type ClaimStep =
  | { readonly step: 'review' }
  | {
      readonly step: 'decision';
      readonly outcome: 'approved' | 'partially_approved' | 'rejected';
      readonly approvedCents?: number;
      readonly reason?: string;
    }
  | { readonly step: 'appeal'; readonly note: string }
  | { readonly step: 'payment'; readonly amountCents?: number; readonly reference?: string };

const coveragesPath = (patientId: string): string =>
  `/api/v1/patients/${encodeURIComponent(patientId)}/coverages`;

export function useCoverages(patientId: string): UseQueryResult<{ items: Coverage[]; total: number }> {
  return useQuery({
    queryKey: financeKeys.coverages(patientId),
    queryFn: ({ signal }) =>
      api.get<{ items: Coverage[]; total: number }>(coveragesPath(patientId), {}, signal),
  });
}

export function useAddCoverage(
  patientId: string,
  idempotencyKey: string,
): UseMutationResult<Coverage, ApiError, NewCoverage> {
  const queryClient = useQueryClient();
  return useMutation<Coverage, ApiError, NewCoverage>({
    mutationFn: (input) => api.post<Coverage>(coveragesPath(patientId), input, { idempotencyKey }),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: financeKeys.coverages(patientId) }),
  });
}

export function useClaims(filters: ClaimFilters): UseQueryResult<{ items: Claim[]; total: number }> {
  return useQuery({
    queryKey: [...financeKeys.claims, filters],
    queryFn: ({ signal }) =>
      api.get<{ items: Claim[]; total: number }>('/api/v1/claims', { ...filters, limit: 100 }, signal),
    placeholderData: keepPreviousData,
  });
}

/** POST /api/v1/claims for an issued invoice; the amount defaults to the coverage's share. */
export function useCreateClaim(
  idempotencyKey: string,
): UseMutationResult<Claim, ApiError, { invoiceId: string; coverageId?: string; amountCents?: number }> {
  const queryClient = useQueryClient();
  return useMutation<Claim, ApiError, { invoiceId: string; coverageId?: string; amountCents?: number }>({
    mutationFn: (input) => api.post<Claim>('/api/v1/claims', input, { idempotencyKey }),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ['finance'] }),
  });
}

/** A workflow step, with If-Match of the claim as listed: a claim moved on meanwhile answers 412. */
export function useClaimStep(
  claim: Pick<Claim, 'id' | 'version'>,
  idempotencyKey: string,
): UseMutationResult<Claim, ApiError, ClaimStep> {
  const queryClient = useQueryClient();
  return useMutation<Claim, ApiError, ClaimStep>({
    mutationFn: ({ step, ...body }) =>
      api.post<Claim>(`/api/v1/claims/${encodeURIComponent(claim.id)}/${step}`, body, {
        idempotencyKey,
        ifMatch: `"${claim.version}"`,
      }),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ['finance'] }),
  });
}

/**
 * GET /api/v1/claims/export: one payer's claims in a status (submitted unless chosen) as CSV. The
 * server asks for a fresh second factor first when the user has MFA; apiDownload answers that.
 */
export async function downloadClaimsExport(payer: string, status: ClaimStatus): Promise<DownloadedFile> {
  return apiDownload('/api/v1/claims/export', { payer, status }, { fallbackName: 'claims.csv' });
}
