import { sqlState, type Database, type Transaction } from '../../db/index.js';
import { ConflictError, NotFoundError, ValidationError } from '../../shared/errors.js';
import { runIdempotent, type IdempotentRequest, type StoredResponse } from '../../shared/idempotency.js';
import type { RequestContext } from '../../shared/request-context.js';
import type { AuditTrail } from '../audit/index.js';
import { nextDocumentNumber, yearOf } from './document-numbers.js';
import { actorId } from './invoice-drafts.js';
import { findInvoiceHeader, type InvoiceHeaderRecord } from './invoices.repository.js';
import { localToday } from './lookups.repository.js';
import {
  findPayment,
  findPaymentInvoiceId,
  findRefund,
  insertPayment,
  insertRefund,
  lockPayment,
  searchPayments,
  type PaymentRecord,
  type RefundRecord,
} from './payments.repository.js';
import type {
  CreatePaymentInput,
  PaymentListCriteria,
  PaymentMethod,
  RefundInput,
} from './payments.schemas.js';

export interface PaymentPage {
  readonly items: PaymentRecord[];
  readonly total: number;
  readonly limit: number;
  readonly offset: number;
}

export interface RefundResult extends RefundRecord {
  readonly payment: PaymentRecord;
}

/** A payment to post, from the payments desk or from a claim being settled. */
export interface PaymentPosting {
  readonly invoiceId: string;
  readonly amountCents: number;
  readonly method: PaymentMethod;
  readonly reference: string | null;
  readonly claimId: string | null;
}

const PAYABLE = new Set(['issued', 'partially_paid', 'paid']);

/** The database's own guards (invoice CHECK, refund CHECK, triggers) speak as 409s, never as 500s. */
async function refusedByDatabaseAsConflict<T>(work: () => Promise<T>, message: string): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (sqlState(error) === '23514') throw new ConflictError(message);
    throw error;
  }
}

/**
 * Payments and refunds. A payment locks its invoice row (SELECT ... FOR UPDATE) before comparing with
 * the outstanding amount, so concurrent payments on any number of instances queue on that row and the
 * second sees what the first paid; the invoice's CHECK (paid never above total, never below zero) backs
 * that up in the database itself. Refunds lock the invoice, then the payment: one lock order everywhere.
 */
export class PaymentsService {
  constructor(
    private readonly db: Database,
    private readonly audit: AuditTrail,
    private readonly timeZone: string,
  ) {}

  async record(
    input: CreatePaymentInput,
    context: RequestContext,
    idempotency?: IdempotentRequest,
  ): Promise<StoredResponse<PaymentRecord>> {
    return this.db.transaction((tx) =>
      runIdempotent(tx, idempotency, async () => {
        const payment = await this.postInTransaction(
          tx,
          {
            invoiceId: input.invoiceId,
            amountCents: input.amountCents,
            method: input.method,
            reference: input.reference ?? null,
            claimId: null,
          },
          context,
          true,
        );
        return { status: 201, body: payment };
      }),
    );
  }

  /**
   * Posts a payment inside the caller's transaction (the claims module settles claims with it).
   * `unknownInvoiceIsInvalid` answers an unknown invoice id in a request body with 400 rather than 404.
   */
  async postInTransaction(
    tx: Transaction,
    posting: PaymentPosting,
    context: RequestContext,
    unknownInvoiceIsInvalid = false,
  ): Promise<PaymentRecord> {
    const invoice = await findInvoiceHeader(tx, posting.invoiceId, true);
    if (!invoice) {
      if (unknownInvoiceIsInvalid) {
        throw new ValidationError('The payment names an unknown invoice.', [
          { field: 'invoiceId', message: 'no invoice has this id' },
        ]);
      }
      throw new NotFoundError('There is no invoice with this id.');
    }
    checkPayable(invoice, posting.amountCents);
    const receiptNumber = await nextDocumentNumber(
      tx,
      'receipt',
      yearOf(await localToday(tx, this.timeZone)),
    );
    const id = await refusedByDatabaseAsConflict(
      () =>
        insertPayment(
          tx,
          {
            receiptNumber,
            invoiceId: invoice.id,
            patientId: invoice.patientId,
            amountCents: posting.amountCents,
            method: posting.method,
            reference: posting.reference,
            claimId: posting.claimId,
          },
          actorId(context),
        ),
      'The payment is more than is outstanding on the invoice.',
    );
    const payment = (await findPayment(tx, id))!;
    await this.audit.record(tx, context, {
      action: 'PAYMENT_RECORDED',
      entityType: 'payment',
      entityId: id,
      patientId: invoice.patientId,
      details: {
        invoiceId: invoice.id,
        receiptNumber,
        amountCents: posting.amountCents,
        method: posting.method,
        ...(posting.claimId ? { claimId: posting.claimId } : {}),
        outstandingCents: payment.invoice.outstandingCents,
      },
    });
    return payment;
  }

  /** Returns part or all of a payment; never more than was paid and not yet refunded. */
  async refund(
    paymentId: string,
    input: RefundInput,
    context: RequestContext,
    idempotency?: IdempotentRequest,
  ): Promise<StoredResponse<RefundResult>> {
    const reason = input.reason.trim();
    if (reason === '')
      throw new ValidationError('Say why the money is refunded.', [{ field: 'reason', message: 'is blank' }]);
    return this.db.transaction((tx) =>
      runIdempotent(tx, idempotency, async () => {
        const invoiceId = await findPaymentInvoiceId(tx, paymentId);
        if (!invoiceId) throw new NotFoundError('There is no payment with this id.');
        await findInvoiceHeader(tx, invoiceId, true);
        await lockPayment(tx, paymentId);
        const payment = (await findPayment(tx, paymentId))!;
        if (input.amountCents > payment.refundableCents) {
          throw new ConflictError(
            `The refund of ${input.amountCents} cents is more than the ${payment.refundableCents} cents of this payment not yet refunded.`,
          );
        }
        const refundId = await refusedByDatabaseAsConflict(
          () => insertRefund(tx, payment, input.amountCents, reason, actorId(context)),
          'The refund is more than was paid.',
        );
        const refund = (await findRefund(tx, refundId))!;
        const after = (await findPayment(tx, paymentId))!;
        await this.audit.record(tx, context, {
          action: 'PAYMENT_REFUNDED',
          entityType: 'payment',
          entityId: paymentId,
          patientId: payment.patientId,
          details: {
            refundId,
            invoiceId: payment.invoiceId,
            amountCents: input.amountCents,
            outstandingCents: after.invoice.outstandingCents,
          },
        });
        return { status: 201, body: { ...refund, payment: after } };
      }),
    );
  }

  async get(id: string, context: RequestContext): Promise<PaymentRecord> {
    return this.db.transaction(async (tx) => {
      const payment = await findPayment(tx, id);
      if (!payment) throw new NotFoundError('There is no payment with this id.');
      await this.audit.record(tx, context, {
        action: 'PAYMENT_VIEWED',
        entityType: 'payment',
        entityId: id,
        patientId: payment.patientId,
      });
      return payment;
    });
  }

  async list(query: PaymentListCriteria, context: RequestContext): Promise<PaymentPage> {
    const criteria = {
      invoiceId: query.invoiceId,
      patientId: query.patientId,
      method: query.method,
      limit: query.limit ?? 50,
      offset: query.offset ?? 0,
    };
    return this.db.transaction(async (tx) => {
      const { items, total } = await searchPayments(tx, criteria);
      await this.audit.record(tx, context, {
        action: 'PAYMENTS_LISTED',
        entityType: 'payment',
        ...(criteria.patientId ? { patientId: criteria.patientId } : {}),
        details: {
          resultCount: items.length,
          patientIds: [...new Set(items.map((item) => item.patientId))],
        },
      });
      return { items, total, limit: criteria.limit, offset: criteria.offset };
    });
  }
}

function checkPayable(invoice: InvoiceHeaderRecord, amountCents: number): void {
  if (!PAYABLE.has(invoice.status)) {
    throw new ConflictError(
      invoice.status === 'draft'
        ? 'The invoice is a draft; issue it before taking payments.'
        : 'The invoice is void; it takes no payments.',
    );
  }
  if (amountCents > invoice.outstandingCents) {
    throw new ConflictError(
      `The payment of ${amountCents} cents is more than the ${invoice.outstandingCents} cents outstanding on invoice ${invoice.number}.`,
    );
  }
}
