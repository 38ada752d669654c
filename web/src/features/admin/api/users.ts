import {
  keepPreviousData,
  queryOptions,
  useMutation,
  useQuery,
  useQueryClient,
  type UseMutationResult,
  type UseQueryResult,
} from '@tanstack/react-query';
import { api, type ApiError } from '@/lib/api-client';
import type { Role } from '@/lib/session';

/** A staff account (GET /api/v1/users). */
export interface UserAccount {
  readonly id: string;
  readonly username: string;
  readonly displayName: string | null;
  readonly role: Role;
  readonly active: boolean;
  readonly locked: boolean;
  /** When a lock by failed sign-ins ends; null for an administrator's lock (until unlocked). */
  readonly lockedUntil: string | null;
  readonly mustChangePassword: boolean;
  readonly lastLogin: string | null;
  readonly createdDate: string;
}

export interface UserListParams {
  readonly q?: string;
  readonly role?: Role;
  readonly active?: boolean;
  readonly limit: number;
  readonly offset: number;
}

export interface UserList {
  readonly items: UserAccount[];
  readonly total: number;
  readonly limit: number;
  readonly offset: number;
}

export const userKeys = {
  all: ['users'] as const,
  list: (params: UserListParams) => ['users', 'list', params] as const,
};

export async function listUsers(params: UserListParams, signal?: AbortSignal): Promise<UserList> {
  return api.get<UserList>('/api/v1/users', { ...params }, signal);
}

export function usersQueryOptions(params: UserListParams) {
  return queryOptions({
    queryKey: userKeys.list(params),
    queryFn: ({ signal }) => listUsers(params, signal),
    placeholderData: keepPreviousData,
  });
}

export function useUsers(params: UserListParams): UseQueryResult<UserList> {
  return useQuery(usersQueryOptions(params));
}

export interface CreateUserInput {
  readonly username: string;
  readonly password: string;
  readonly role: Role;
  readonly displayName?: string;
}

export function useCreateUser(): UseMutationResult<UserAccount, ApiError, CreateUserInput> {
  const queryClient = useQueryClient();
  return useMutation<UserAccount, ApiError, CreateUserInput>({
    mutationFn: (input) => api.post<UserAccount>('/api/v1/users', input),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: userKeys.all }),
  });
}

export type UserChange = { role: Role } | { active: boolean } | { locked: boolean };

/** PATCH /api/v1/users/{id}: one change at a time, each audited. A role change may need a fresh code. */
export function useUpdateUser(): UseMutationResult<
  UserAccount,
  ApiError,
  { id: string; change: UserChange }
> {
  const queryClient = useQueryClient();
  return useMutation<UserAccount, ApiError, { id: string; change: UserChange }>({
    mutationFn: ({ id, change }) => api.patch<UserAccount>(`/api/v1/users/${encodeURIComponent(id)}`, change),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: userKeys.all }),
  });
}

/** A temporary password the user must change at next sign-in; shown once to the administrator. */
export function useResetPassword(): UseMutationResult<{ temporaryPassword: string }, ApiError, string> {
  const queryClient = useQueryClient();
  return useMutation<{ temporaryPassword: string }, ApiError, string>({
    mutationFn: (id) =>
      api.post<{ temporaryPassword: string }>(`/api/v1/users/${encodeURIComponent(id)}/reset-password`),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: userKeys.all }),
  });
}

/** DELETE /api/v1/users/{id}/mfa: for a lost phone; the user's sessions end. */
export function useResetMfa(): UseMutationResult<null, ApiError, string> {
  return useMutation<null, ApiError, string>({
    mutationFn: (id) => api.delete(`/api/v1/users/${encodeURIComponent(id)}/mfa`),
  });
}
