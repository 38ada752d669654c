import {
  queryOptions,
  useMutation,
  useQuery,
  useQueryClient,
  type UseMutationResult,
  type UseQueryResult,
} from '@tanstack/react-query';
import { api, type ApiError } from '@/lib/api-client';

/** GET /api/v1/auth/mfa. */
export interface MfaStatus {
  readonly enabled: boolean;
  readonly enrolledAt: string | null;
  readonly enrolmentRequired: boolean;
  readonly pendingEnrolment: boolean;
  readonly recoveryCodesRemaining: number;
}

/** POST /api/v1/auth/mfa/enrol. */
export interface MfaEnrolment {
  readonly secret: string;
  readonly otpauthUri: string;
  readonly qrCodeDataUrl: string;
  readonly expiresAt: string;
}

export interface RecoveryCodes {
  readonly recoveryCodes: readonly string[];
}

export async function getMfaStatus(signal?: AbortSignal): Promise<MfaStatus> {
  return api.get<MfaStatus>('/api/v1/auth/mfa', undefined, signal);
}

export function mfaStatusQueryOptions() {
  return queryOptions({ queryKey: ['account', 'mfa'], queryFn: ({ signal }) => getMfaStatus(signal) });
}

export function useMfaStatus(): UseQueryResult<MfaStatus, ApiError> {
  return useQuery(mfaStatusQueryOptions());
}

/** Starts (or restarts) an enrolment: a new secret and its QR code. */
export async function beginMfaEnrolment(): Promise<MfaEnrolment> {
  return api.post<MfaEnrolment>('/api/v1/auth/mfa/enrol');
}

export function useBeginMfaEnrolment(): UseMutationResult<MfaEnrolment, ApiError, void> {
  return useMutation<MfaEnrolment, ApiError, void>({ mutationFn: beginMfaEnrolment });
}

/** Confirms the enrolment with a code from the app; MFA is on and the recovery codes come back once. */
export async function confirmMfaEnrolment(code: string): Promise<RecoveryCodes> {
  return api.post<RecoveryCodes>('/api/v1/auth/mfa/confirm', { code });
}

export function useConfirmMfaEnrolment(): UseMutationResult<RecoveryCodes, ApiError, string> {
  const queryClient = useQueryClient();
  return useMutation<RecoveryCodes, ApiError, string>({
    mutationFn: confirmMfaEnrolment,
    onSuccess: () => queryClient.invalidateQueries({ queryKey: mfaStatusQueryOptions().queryKey }),
  });
}

export async function disableMfa(code: string): Promise<void> {
  await api.post<null>('/api/v1/auth/mfa/disable', { code });
}

export function useDisableMfa(): UseMutationResult<void, ApiError, string> {
  const queryClient = useQueryClient();
  return useMutation<void, ApiError, string>({
    mutationFn: disableMfa,
    onSuccess: () => queryClient.invalidateQueries({ queryKey: mfaStatusQueryOptions().queryKey }),
  });
}

export async function renewRecoveryCodes(code: string): Promise<RecoveryCodes> {
  return api.post<RecoveryCodes>('/api/v1/auth/mfa/recovery-codes', { code });
}

export function useRenewRecoveryCodes(): UseMutationResult<RecoveryCodes, ApiError, string> {
  const queryClient = useQueryClient();
  return useMutation<RecoveryCodes, ApiError, string>({
    mutationFn: renewRecoveryCodes,
    onSuccess: () => queryClient.invalidateQueries({ queryKey: mfaStatusQueryOptions().queryKey }),
  });
}
