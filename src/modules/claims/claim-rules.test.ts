import { describe, expect, it } from 'vitest';
import { ConflictError, ValidationError } from '../../shared/errors.js';
import {
  ALLOWED_FROM,
  checkTransition,
  decide,
  defaultClaimAmount,
  type ClaimAction,
} from './claim-rules.js';
import { CLAIM_STATUSES } from './claims.schemas.js';

describe('claim rules', () => {
  it('allows each step only from its statuses', () => {
    for (const action of Object.keys(ALLOWED_FROM) as ClaimAction[]) {
      for (const status of CLAIM_STATUSES) {
        const allowed = ALLOWED_FROM[action].includes(status);
        if (allowed) expect(() => checkTransition(action, status)).not.toThrow();
        else expect(() => checkTransition(action, status)).toThrow(ConflictError);
      }
    }
    expect(ALLOWED_FROM.appeal).toEqual(['rejected']);
    expect(ALLOWED_FROM.pay).toEqual(['approved', 'partially_approved']);
  });

  it('decides all, part or none of a claim', () => {
    expect(decide(5_000, { outcome: 'approved' })).toEqual({
      status: 'approved',
      approvedCents: 5_000,
      rejectionReason: null,
    });
    expect(decide(5_000, { outcome: 'partially_approved', approvedCents: 4_999 }).approvedCents).toBe(4_999);
    expect(() => decide(5_000, { outcome: 'partially_approved', approvedCents: 5_000 })).toThrow(
      ValidationError,
    );
    expect(() => decide(5_000, { outcome: 'partially_approved' })).toThrow(ValidationError);
    expect(() => decide(5_000, { outcome: 'approved', approvedCents: 4_000 })).toThrow(ValidationError);
    expect(() => decide(5_000, { outcome: 'rejected', reason: '  ' })).toThrow(ValidationError);
    expect(decide(5_000, { outcome: 'rejected', reason: ' Not covered ' })).toEqual({
      status: 'rejected',
      approvedCents: null,
      rejectionReason: 'Not covered',
    });
  });

  it("claims the coverage's share of the total, rounded half up, but never more than is outstanding", () => {
    expect(defaultClaimAmount(12_347, 12_347, 8_000)).toBe(9_878);
    expect(defaultClaimAmount(10_000, 1_500, 8_000)).toBe(1_500);
    expect(defaultClaimAmount(3, 3, 5_000)).toBe(2);
  });
});
