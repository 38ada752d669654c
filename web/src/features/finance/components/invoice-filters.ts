import { INVOICE_STATUSES, type InvoiceFilters, type InvoiceStatus } from '../api/invoices';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function isStatus(value: string | null): value is InvoiceStatus {
  return (INVOICE_STATUSES as readonly string[]).includes(value ?? '');
}

/**
 * The invoice list's filters from the page address (`?status=issued&patientId=…&page=2`), so that a
 * filtered list can be bookmarked or linked from a patient; anything unknown is ignored.
 */
export function invoiceFiltersFrom(search: URLSearchParams, pageSize: number): InvoiceFilters {
  const status = search.get('status');
  const patientId = search.get('patientId') ?? '';
  const page = Number(search.get('page') ?? '1');
  return {
    ...(isStatus(status) ? { status } : {}),
    ...(UUID.test(patientId) ? { patientId } : {}),
    offset: Number.isInteger(page) && page > 1 ? (page - 1) * pageSize : 0,
  };
}

/** The address of the list with `changes` applied; a filter change goes back to the first page. */
export function invoiceSearchWith(
  search: URLSearchParams,
  changes: { status?: string | null; patientId?: string | null; page?: number },
): URLSearchParams {
  const next = new URLSearchParams(search);
  for (const name of ['status', 'patientId'] as const) {
    if (!(name in changes)) continue;
    const value = changes[name];
    if (value) next.set(name, value);
    else next.delete(name);
    next.delete('page');
  }
  if (changes.page !== undefined) {
    if (changes.page > 1) next.set('page', String(changes.page));
    else next.delete('page');
  }
  return next;
}

/** Which actions an invoice offers in its state. */
export function invoiceActions(invoice: {
  status: InvoiceStatus;
  outstandingCents: number;
  paidCents: number;
}): { issue: boolean; void: boolean; pay: boolean; claim: boolean } {
  const open = invoice.status === 'issued' || invoice.status === 'partially_paid';
  return {
    issue: invoice.status === 'draft',
    // The server refuses to void what has been paid until it is refunded.
    void: invoice.status !== 'void' && invoice.paidCents === 0,
    pay: open && invoice.outstandingCents > 0,
    claim: open && invoice.outstandingCents > 0,
  };
}

/** How an invoice is corrected in its state: a draft is edited; a void one is reissued once as a new draft. */
export function invoiceCorrections(invoice: { status: InvoiceStatus; replacedByInvoiceId: string | null }): {
  edit: boolean;
  reissue: boolean;
} {
  return {
    edit: invoice.status === 'draft',
    reissue: invoice.status === 'void' && invoice.replacedByInvoiceId === null,
  };
}
