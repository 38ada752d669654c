import type { Database, Transaction } from '../../db/index.js';
import { NotFoundError, PreconditionFailedError, ValidationError } from '../../shared/errors.js';
import { runIdempotent, type IdempotentRequest, type StoredResponse } from '../../shared/idempotency.js';
import type { RequestContext } from '../../shared/request-context.js';
import type { AuditTrail } from '../audit/index.js';
import { findInvoiceHeader, type PaymentsService } from '../billing/index.js';
import type { FieldCipher } from '../security/index.js';
import { checkTransition, decide, type ClaimAction } from './claim-rules.js';
import {
  applyClaimChange,
  findClaim,
  insertClaimEvent,
  type ClaimChange,
  type ClaimSummaryRecord,
} from './claims.repository.js';
import type { ClaimPaymentInput, DecisionInput } from './claims.schemas.js';
import { loadClaim, type ClaimRecord } from './claims.service.js';
import { actorId } from './coverage.service.js';

interface Step {
  readonly change: ClaimChange;
  readonly amountCents: number | null;
  readonly note: string | null;
  readonly audit: string;
  readonly details?: Record<string, unknown>;
}

/**
 * Moves claims through review, the payer's decision, appeal of a rejection, and payment. Each step locks
 * the claim row, checks the step is allowed from its status, records a claim event and an audit record.
 * Payment also locks the invoice (before the claim: the lock order of payments) and posts an insurance
 * payment to it, refused with 409 like any payment that is more than is outstanding.
 */
export class ClaimWorkflowService {
  constructor(
    private readonly db: Database,
    private readonly audit: AuditTrail,
    private readonly payments: PaymentsService,
    private readonly cipher: FieldCipher,
  ) {}

  async review(
    id: string,
    expectedVersion: number | undefined,
    context: RequestContext,
    idempotency?: IdempotentRequest,
  ): Promise<StoredResponse<ClaimRecord>> {
    return this.step(id, 'review', expectedVersion, context, idempotency, async () => ({
      change: { status: 'in_review' },
      amountCents: null,
      note: null,
      audit: 'CLAIM_REVIEW_STARTED',
    }));
  }

  async decide(
    id: string,
    input: DecisionInput,
    expectedVersion: number | undefined,
    context: RequestContext,
    idempotency?: IdempotentRequest,
  ): Promise<StoredResponse<ClaimRecord>> {
    return this.step(id, 'decide', expectedVersion, context, idempotency, async (_tx, claim) => {
      const decision = decide(claim.claimedCents, input);
      return {
        change: {
          status: decision.status,
          approvedCents: decision.approvedCents,
          rejectionReason: decision.rejectionReason,
          decided: true,
        },
        amountCents: decision.approvedCents,
        note: decision.rejectionReason,
        audit: decision.status === 'rejected' ? 'CLAIM_REJECTED' : 'CLAIM_APPROVED',
        details: { outcome: decision.status, approvedCents: decision.approvedCents },
      };
    });
  }

  /** A rejected claim goes back into review with the appeal's note; the rejection stays in its history. */
  async appeal(
    id: string,
    note: string,
    expectedVersion: number | undefined,
    context: RequestContext,
    idempotency?: IdempotentRequest,
  ): Promise<StoredResponse<ClaimRecord>> {
    const trimmed = note.trim();
    if (trimmed === '')
      throw new ValidationError('An appeal says why.', [{ field: 'note', message: 'is blank' }]);
    return this.step(id, 'appeal', expectedVersion, context, idempotency, async () => ({
      change: { status: 'in_review', appealNote: trimmed, appealed: true, approvedCents: null },
      amountCents: null,
      note: trimmed,
      audit: 'CLAIM_APPEALED',
    }));
  }

  /** Records the payer's payment: an insurance payment on the invoice (default: the approved amount). */
  async pay(
    id: string,
    input: ClaimPaymentInput,
    expectedVersion: number | undefined,
    context: RequestContext,
    idempotency?: IdempotentRequest,
  ): Promise<StoredResponse<ClaimRecord>> {
    return this.step(id, 'pay', expectedVersion, context, idempotency, async (tx, claim) => {
      const approved = claim.approvedCents ?? 0;
      const amountCents = input.amountCents ?? approved;
      if (amountCents > approved) {
        throw new ValidationError('The payment is more than the payer approved.', [
          { field: 'amountCents', message: `must be at most ${approved}` },
        ]);
      }
      const payment = await this.payments.postInTransaction(
        tx,
        {
          invoiceId: claim.invoiceId,
          amountCents,
          method: 'insurance',
          reference: input.reference ?? claim.claimNumber,
          claimId: claim.id,
        },
        context,
      );
      return {
        change: { status: 'paid', paidCents: amountCents },
        amountCents,
        note: input.reference ?? null,
        audit: 'CLAIM_PAID',
        details: { paymentId: payment.id, amountCents, receiptNumber: payment.receiptNumber },
      };
    });
  }

  private async step(
    id: string,
    action: ClaimAction,
    expectedVersion: number | undefined,
    context: RequestContext,
    idempotency: IdempotentRequest | undefined,
    work: (tx: Transaction, claim: ClaimSummaryRecord) => Promise<Step>,
  ): Promise<StoredResponse<ClaimRecord>> {
    return this.db.transaction((tx) =>
      runIdempotent(tx, idempotency, async () => {
        const unlocked = await findClaim(tx, this.cipher, id);
        if (!unlocked) throw new NotFoundError('There is no claim with this id.');
        if (action === 'pay') await findInvoiceHeader(tx, unlocked.invoiceId, true);
        const claim = (await findClaim(tx, this.cipher, id, true))!;
        if (expectedVersion !== undefined && claim.version !== expectedVersion) {
          throw new PreconditionFailedError(
            `The claim was changed by someone else (now version ${claim.version}, you read version ${expectedVersion}). Reload it and try again.`,
          );
        }
        checkTransition(action, claim.status);
        const step = await work(tx, claim);
        const userId = actorId(context);
        await applyClaimChange(tx, id, step.change, userId);
        await insertClaimEvent(tx, id, claim.status, step.change.status, step.amountCents, step.note, userId);
        await this.audit.record(tx, context, {
          action: step.audit,
          entityType: 'claim',
          entityId: id,
          patientId: claim.patientId,
          details: {
            claimNumber: claim.claimNumber,
            from: claim.status,
            to: step.change.status,
            ...step.details,
          },
        });
        return { status: 200, body: await loadClaim(tx, this.cipher, id) };
      }),
    );
  }
}
