import { isApiError } from '@/lib/api-client';

export type SignInOutcome = 'mfa-required' | 'locked' | 'rejected' | 'unavailable';

/** What a failed sign-in means for the form: ask for the code, explain the lock, or show the error. */
export function signInOutcome(error: unknown): SignInOutcome {
  if (!isApiError(error)) return 'unavailable';
  if (error.status === 401 && error.problem.code === 'MFA_REQUIRED') return 'mfa-required';
  if (error.status === 423) return 'locked';
  if (error.status === 0 || error.status >= 500) return 'unavailable';
  return 'rejected';
}
