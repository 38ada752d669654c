import { useMutation, type UseMutationResult } from '@tanstack/react-query';
import { api, type ApiError } from '@/lib/api-client';

export interface ChangePasswordInput {
  readonly currentPassword: string;
  readonly newPassword: string;
}

/** POST /api/v1/auth/password: the user's other sessions end; this one stays. */
export async function changePassword(input: ChangePasswordInput): Promise<void> {
  await api.post<null>('/api/v1/auth/password', input);
}

export function useChangePassword(): UseMutationResult<void, ApiError, ChangePasswordInput> {
  return useMutation<void, ApiError, ChangePasswordInput>({ mutationFn: changePassword });
}
