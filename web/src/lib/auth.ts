import { api } from './api-client';
import type { CurrentUser } from './session';

/** GET /api/v1/auth/me: who is signed in, what they may do and the session's idle timeout. */
export async function getCurrentUser(signal?: AbortSignal): Promise<CurrentUser> {
  return api.get<CurrentUser>('/api/v1/auth/me', undefined, signal);
}

/** POST /api/v1/auth/logout: ends the session on the server and clears its cookie. */
export async function logout(): Promise<void> {
  await api.post<null>('/api/v1/auth/logout');
}
