import { describe, expect, it } from 'vitest';
import { CLAIM_STATUSES } from '../api/claims';
import { CLAIM_STATUSES as SERVER_STATUSES } from '../../../../../src/modules/claims/claims.schemas';
import { decisionFrom, nextClaimSteps } from './claim-steps';

describe('the claim workflow steps', () => {
  it('knows every status the server has', () => {
    expect([...CLAIM_STATUSES]).toEqual([...SERVER_STATUSES]);
  });

  it('offers the next step of each status and nothing after payment', () => {
    expect(nextClaimSteps('submitted')).toEqual(['review']);
    expect(nextClaimSteps('in_review')).toEqual(['decision']);
    expect(nextClaimSteps('rejected')).toEqual(['appeal']);
    expect(nextClaimSteps('approved')).toEqual(['payment']);
    expect(nextClaimSteps('partially_approved')).toEqual(['payment']);
    expect(nextClaimSteps('paid')).toEqual([]);
  });

  it('sends a decision only with what its outcome needs', () => {
    expect(decisionFrom({ outcome: 'approved', approvedAmount: '12', reason: 'x' }, 5_000)).toEqual({
      step: { step: 'decision', outcome: 'approved' },
    });
    expect(
      decisionFrom({ outcome: 'partially_approved', approvedAmount: '30.00', reason: '' }, 5_000),
    ).toEqual({
      step: { step: 'decision', outcome: 'partially_approved', approvedCents: 3_000 },
    });
    expect(decisionFrom({ outcome: 'partially_approved', approvedAmount: '50', reason: '' }, 5_000)).toEqual({
      field: 'approvedAmount',
      problem: 'An amount above 0 and below what was claimed.',
    });
    expect(decisionFrom({ outcome: 'rejected', approvedAmount: '', reason: '  ' }, 5_000)).toMatchObject({
      field: 'reason',
    });
    expect(decisionFrom({ outcome: 'rejected', approvedAmount: '', reason: ' Not covered ' }, 5_000)).toEqual(
      {
        step: { step: 'decision', outcome: 'rejected', reason: 'Not covered' },
      },
    );
  });
});
