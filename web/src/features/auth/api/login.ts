import { useMutation, type UseMutationResult } from '@tanstack/react-query';
import { api, type ApiError } from '@/lib/api-client';

export interface LoginInput {
  readonly username: string;
  readonly password: string;
  /** The authenticator app's code, when the account has MFA (the server answers MFA_REQUIRED first). */
  readonly totp?: string;
}

export interface LoginResult {
  readonly expiresAt: string;
  readonly csrfToken?: string;
  readonly user: { readonly id: string; readonly username: string; readonly role: string };
}

/** POST /api/v1/auth/login: sets the HttpOnly session cookie. The bearer token in the body is not kept. */
export async function login(input: LoginInput): Promise<LoginResult> {
  return api.post<LoginResult>('/api/v1/auth/login', input);
}

export function useLogin(): UseMutationResult<LoginResult, ApiError, LoginInput> {
  return useMutation<LoginResult, ApiError, LoginInput>({ mutationFn: login });
}
