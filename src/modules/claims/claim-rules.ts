import { ConflictError, ValidationError } from '../../shared/errors.js';
import { shareOf } from '../billing/index.js';
import type { ClaimStatus, DecisionInput } from './claims.schemas.js';

export type ClaimAction = 'review' | 'decide' | 'appeal' | 'pay';

/**
 * The claim workflow: submitted -> in_review -> approved | partially_approved | rejected; an approved
 * claim is paid; a rejected one may be appealed, which puts it back in review.
 */
export const ALLOWED_FROM: Readonly<Record<ClaimAction, readonly ClaimStatus[]>> = {
  review: ['submitted'],
  decide: ['in_review'],
  appeal: ['rejected'],
  pay: ['approved', 'partially_approved'],
};

const ACTION_WORDS: Record<ClaimAction, string> = {
  review: 'taken into review',
  decide: 'decided',
  appeal: 'appealed',
  pay: 'paid',
};

export function checkTransition(action: ClaimAction, status: ClaimStatus): void {
  if (!ALLOWED_FROM[action].includes(status)) {
    throw new ConflictError(
      `A ${status.replace('_', ' ')} claim cannot be ${ACTION_WORDS[action]}; only a claim that is ${ALLOWED_FROM[action].join(' or ').replace(/_/g, ' ')} can.`,
    );
  }
}

export interface Decision {
  readonly status: 'approved' | 'partially_approved' | 'rejected';
  readonly approvedCents: number | null;
  readonly rejectionReason: string | null;
}

/** The payer's decision on `claimedCents`: all of it, part of it (less, more than zero), or none with a reason. */
export function decide(claimedCents: number, input: DecisionInput): Decision {
  switch (input.outcome) {
    case 'approved':
      if (input.approvedCents !== undefined && input.approvedCents !== claimedCents) {
        throw new ValidationError('An approval is for the amount claimed; use partially_approved for less.', [
          { field: 'approvedCents', message: `must be ${claimedCents} or left out` },
        ]);
      }
      return { status: 'approved', approvedCents: claimedCents, rejectionReason: null };
    case 'partially_approved':
      if (input.approvedCents === undefined || input.approvedCents >= claimedCents) {
        throw new ValidationError('A partial approval names an amount below the amount claimed.', [
          { field: 'approvedCents', message: `must be between 1 and ${claimedCents - 1}` },
        ]);
      }
      return { status: 'partially_approved', approvedCents: input.approvedCents, rejectionReason: null };
    case 'rejected': {
      const reason = input.reason?.trim() ?? '';
      if (reason === '') {
        throw new ValidationError("A rejection gives the payer's reason.", [
          { field: 'reason', message: 'is required' },
        ]);
      }
      if (input.approvedCents !== undefined) {
        throw new ValidationError('A rejection approves nothing.', [
          { field: 'approvedCents', message: 'must be left out' },
        ]);
      }
      return { status: 'rejected', approvedCents: null, rejectionReason: reason };
    }
  }
}

/** What is claimed by default: the coverage's share of the invoice total, but never more than is outstanding. */
export function defaultClaimAmount(
  totalCents: number,
  outstandingCents: number,
  coverageBasisPoints: number,
): number {
  return Math.min(outstandingCents, shareOf(totalCents, coverageBasisPoints));
}
