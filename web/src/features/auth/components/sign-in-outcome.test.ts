import { describe, expect, it } from 'vitest';
import { ApiError } from '@/lib/api-client';
import { signInOutcome } from './sign-in-outcome';

const failure = (status: number, code?: string): ApiError =>
  new ApiError({ title: 't', status, detail: 'd', ...(code ? { code } : {}) });

describe('what a failed sign-in means for the form', () => {
  it('asks for the code on MFA_REQUIRED, explains a lock, and shows other refusals', () => {
    expect(signInOutcome(failure(401, 'MFA_REQUIRED'))).toBe('mfa-required');
    expect(signInOutcome(failure(401, 'MFA_INVALID'))).toBe('rejected');
    expect(signInOutcome(failure(401))).toBe('rejected');
    expect(signInOutcome(failure(423))).toBe('locked');
    expect(signInOutcome(failure(0))).toBe('unavailable');
    expect(signInOutcome(new Error('boom'))).toBe('unavailable');
  });
});
