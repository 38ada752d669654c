import type { ClaimStatus, ClaimStep } from '../api/claims';
import { parseCents } from './invoice-form';

export type ClaimStepName = ClaimStep['step'];

/**
 * What can happen next to a claim, as the server's workflow allows (src/modules/claims/claim-rules.ts):
 * submitted -> in review -> a decision; a rejection may be appealed; an approval is paid.
 */
export function nextClaimSteps(status: ClaimStatus): ClaimStepName[] {
  switch (status) {
    case 'submitted':
      return ['review'];
    case 'in_review':
      return ['decision'];
    case 'rejected':
      return ['appeal'];
    case 'approved':
    case 'partially_approved':
      return ['payment'];
    case 'paid':
      return [];
  }
}

export const STEP_LABELS: Readonly<Record<ClaimStepName, string>> = {
  review: 'Mark in review',
  decision: 'Record decision',
  appeal: 'Appeal',
  payment: 'Record payer payment',
};

export interface DecisionValues {
  outcome: 'approved' | 'partially_approved' | 'rejected';
  approvedAmount: string;
  reason: string;
}

/** The decision to send, or the message to show beside the field that is wrong. */
export function decisionFrom(
  values: DecisionValues,
  claimedCents: number,
): { step: ClaimStep } | { field: 'approvedAmount' | 'reason'; problem: string } {
  switch (values.outcome) {
    case 'approved':
      return { step: { step: 'decision', outcome: 'approved' } };
    case 'partially_approved': {
      const approvedCents = parseCents(values.approvedAmount);
      if (approvedCents === undefined || approvedCents < 1 || approvedCents >= claimedCents) {
        return { field: 'approvedAmount', problem: 'An amount above 0 and below what was claimed.' };
      }
      return { step: { step: 'decision', outcome: 'partially_approved', approvedCents } };
    }
    case 'rejected':
      if (!values.reason.trim()) return { field: 'reason', problem: "Give the payer's reason." };
      return { step: { step: 'decision', outcome: 'rejected', reason: values.reason.trim() } };
  }
}
