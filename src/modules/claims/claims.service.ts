import type { Database, Transaction } from '../../db/index.js';
import { ConflictError, NotFoundError, UnprocessableError, ValidationError } from '../../shared/errors.js';
import { runIdempotent, type IdempotentRequest, type StoredResponse } from '../../shared/idempotency.js';
import type { RequestContext } from '../../shared/request-context.js';
import type { AuditTrail } from '../audit/index.js';
import {
  findInvoiceHeader,
  localToday,
  nextDocumentNumber,
  yearOf,
  type InvoiceHeaderRecord,
} from '../billing/index.js';
import type { FieldCipher } from '../security/index.js';
import { defaultClaimAmount } from './claim-rules.js';
import {
  findClaim,
  findClaimEvents,
  findClaimPaymentId,
  findLiveClaimOfInvoice,
  insertClaim,
  insertClaimEvent,
  searchClaims,
  type ClaimEventRecord,
  type ClaimSummaryRecord,
} from './claims.repository.js';
import type { ClaimListCriteria, CreateClaimInput } from './claims.schemas.js';
import { findCoverage, findCoveragesValidOn, type CoverageRecord } from './coverage.repository.js';
import { actorId } from './coverage.service.js';

export interface ClaimRecord extends ClaimSummaryRecord {
  readonly events: ClaimEventRecord[];
  readonly paymentId: string | null;
}

export interface ClaimPage {
  readonly items: ClaimSummaryRecord[];
  readonly total: number;
  readonly limit: number;
  readonly offset: number;
}

/** A claim and its history, as every claims endpoint answers. */
export async function loadClaim(tx: Transaction, cipher: FieldCipher, id: string): Promise<ClaimRecord> {
  const claim = await findClaim(tx, cipher, id);
  if (!claim) throw new NotFoundError('There is no claim with this id.');
  const events = await findClaimEvents(tx, id);
  const paymentId = await findClaimPaymentId(tx, id);
  return { ...claim, events, paymentId };
}

/** The coverage that pays for `invoice`: the one named, or the only one valid on the invoice's date. */
async function coverageFor(
  tx: Transaction,
  cipher: FieldCipher,
  invoice: InvoiceHeaderRecord,
  coverageId: string | undefined,
): Promise<CoverageRecord> {
  const serviceDate = invoice.issueDate!;
  if (coverageId !== undefined) {
    const coverage = await findCoverage(tx, cipher, coverageId);
    if (!coverage || coverage.patientId !== invoice.patientId) {
      throw new ValidationError("The coverage is not the invoice's patient's.", [
        { field: 'coverageId', message: "no coverage with this id belongs to the invoice's patient" },
      ]);
    }
    const valid =
      coverage.validFrom <= serviceDate && (coverage.validTo === null || coverage.validTo >= serviceDate);
    if (!valid) {
      throw new UnprocessableError(
        `The patient is not eligible: the coverage is valid ${coverage.validFrom} to ${coverage.validTo ?? 'open-ended'}, the invoice is of ${serviceDate}.`,
      );
    }
    return coverage;
  }
  const valid = await findCoveragesValidOn(tx, cipher, invoice.patientId, serviceDate, null);
  if (valid.length === 0) {
    throw new UnprocessableError(
      `The patient is not eligible: no insurance coverage is valid on ${serviceDate}.`,
    );
  }
  if (valid.length > 1) {
    throw new ValidationError('The patient has several coverages valid on the invoice date; name one.', [
      {
        field: 'coverageId',
        message: `is required: one of ${valid.map((coverage) => coverage.id).join(', ')}`,
      },
    ]);
  }
  return valid[0]!;
}

/** Claims to payers, built from issued invoices; eligibility is checked against the invoice's date. */
export class ClaimsService {
  constructor(
    private readonly db: Database,
    private readonly audit: AuditTrail,
    private readonly timeZone: string,
    private readonly cipher: FieldCipher,
  ) {}

  async create(
    input: CreateClaimInput,
    context: RequestContext,
    idempotency?: IdempotentRequest,
  ): Promise<StoredResponse<ClaimRecord>> {
    return this.db.transaction((tx) =>
      runIdempotent(tx, idempotency, async () => {
        const invoice = await findInvoiceHeader(tx, input.invoiceId, true);
        if (!invoice) {
          throw new ValidationError('The claim names an unknown invoice.', [
            { field: 'invoiceId', message: 'no invoice has this id' },
          ]);
        }
        if (invoice.status !== 'issued' && invoice.status !== 'partially_paid') {
          throw new ConflictError(
            invoice.status === 'paid'
              ? `Invoice ${invoice.number} is paid; there is nothing to claim.`
              : `A claim is built from an issued invoice; this one is ${invoice.status}.`,
          );
        }
        const live = await findLiveClaimOfInvoice(tx, invoice.id);
        if (live) throw new ConflictError(`Invoice ${invoice.number} already has claim ${live}.`);
        const coverage = await coverageFor(tx, this.cipher, invoice, input.coverageId);
        const claimedCents =
          input.amountCents ??
          defaultClaimAmount(invoice.totalCents, invoice.outstandingCents, coverage.coverageBasisPoints);
        if (claimedCents > invoice.outstandingCents) {
          throw new ConflictError(
            `The claim of ${claimedCents} cents is more than the ${invoice.outstandingCents} cents outstanding on invoice ${invoice.number}.`,
          );
        }
        if (claimedCents <= 0) throw new UnprocessableError('The coverage comes to nothing on this invoice.');
        const claimNumber = await nextDocumentNumber(
          tx,
          'claim',
          yearOf(await localToday(tx, this.timeZone)),
        );
        const userId = actorId(context);
        const id = await insertClaim(
          tx,
          this.cipher,
          {
            claimNumber,
            invoiceId: invoice.id,
            patientId: invoice.patientId,
            coverageId: coverage.id,
            payer: coverage.provider,
            policyNumber: coverage.policyNumber,
            claimedCents,
          },
          userId,
        );
        await insertClaimEvent(tx, id, null, 'submitted', claimedCents, null, userId);
        await this.audit.record(tx, context, {
          action: 'CLAIM_SUBMITTED',
          entityType: 'claim',
          entityId: id,
          patientId: invoice.patientId,
          details: { claimNumber, invoiceId: invoice.id, coverageId: coverage.id, claimedCents },
        });
        return { status: 201, body: await loadClaim(tx, this.cipher, id) };
      }),
    );
  }

  async get(id: string, context: RequestContext): Promise<ClaimRecord> {
    return this.db.transaction(async (tx) => {
      const claim = await loadClaim(tx, this.cipher, id);
      await this.audit.record(tx, context, {
        action: 'CLAIM_VIEWED',
        entityType: 'claim',
        entityId: id,
        patientId: claim.patientId,
      });
      return claim;
    });
  }

  async list(query: ClaimListCriteria, context: RequestContext): Promise<ClaimPage> {
    const criteria = {
      status: query.status,
      payer: query.payer,
      patientId: query.patientId,
      invoiceId: query.invoiceId,
      limit: query.limit ?? 50,
      offset: query.offset ?? 0,
    };
    return this.db.transaction(async (tx) => {
      const { items, total } = await searchClaims(tx, this.cipher, criteria);
      await this.audit.record(tx, context, {
        action: 'CLAIMS_LISTED',
        entityType: 'claim',
        ...(criteria.patientId ? { patientId: criteria.patientId } : {}),
        details: { resultCount: items.length, patientIds: [...new Set(items.map((item) => item.patientId))] },
      });
      return { items, total, limit: criteria.limit, offset: criteria.offset };
    });
  }
}
