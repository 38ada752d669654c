import type { Database } from '../../db/index.js';
import { NotFoundError } from '../../shared/errors.js';
import type { RequestContext } from '../../shared/request-context.js';
import type { AuditTrail } from '../audit/index.js';
import { findInvoiceHeader } from './invoices.repository.js';
import {
  findPatientIdentity,
  findPayment,
  findRefundsOfPayment,
  type InvoiceBalanceRecord,
  type PaymentRecord,
  type RefundRecord,
} from './payments.repository.js';

export interface Receipt {
  readonly receiptNumber: string;
  readonly issuedAt: string;
  readonly payment: PaymentRecord;
  readonly refunds: RefundRecord[];
  readonly patient: { readonly id: string; readonly mrn: string; readonly name: string };
  readonly invoice: InvoiceBalanceRecord & { readonly issueDate: string | null };
}

/** The receipt of a payment: what was paid, against which invoice, what is still owed, and any refunds. */
export class ReceiptsService {
  constructor(
    private readonly db: Database,
    private readonly audit: AuditTrail,
    readonly timeZone: string,
  ) {}

  async receipt(paymentId: string, format: 'json' | 'pdf', context: RequestContext): Promise<Receipt> {
    return this.db.transaction(async (tx) => {
      const payment = await findPayment(tx, paymentId);
      if (!payment) throw new NotFoundError('There is no payment with this id.');
      const refunds = await findRefundsOfPayment(tx, paymentId);
      const patient = await findPatientIdentity(tx, payment.patientId);
      const invoice = await findInvoiceHeader(tx, payment.invoiceId);
      await this.audit.record(tx, context, {
        action: 'RECEIPT_VIEWED',
        entityType: 'payment',
        entityId: paymentId,
        patientId: payment.patientId,
        details: { format },
      });
      return {
        receiptNumber: payment.receiptNumber,
        issuedAt: payment.receivedAt,
        payment,
        refunds,
        patient: patient!,
        invoice: { ...payment.invoice, issueDate: invoice!.issueDate },
      };
    });
  }
}
