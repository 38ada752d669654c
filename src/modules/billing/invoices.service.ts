import type { Database, Transaction } from '../../db/index.js';
import {
  ConflictError,
  NotFoundError,
  PreconditionFailedError,
  ValidationError,
} from '../../shared/errors.js';
import { runIdempotent, type IdempotentRequest, type StoredResponse } from '../../shared/idempotency.js';
import type { RequestContext } from '../../shared/request-context.js';
import type { AuditTrail } from '../audit/index.js';
import { nextDocumentNumber, yearOf } from './document-numbers.js';
import { actorId, priceDraft, resolveDepartment, type DraftRequest } from './invoice-drafts.js';
import {
  findInvoiceHeader,
  findInvoiceItems,
  insertDraftInvoice,
  markInvoiceIssued,
  markInvoiceVoid,
  replaceDraftItems,
  searchInvoices,
  updateDraftInvoice,
  type InvoiceHeaderRecord,
  type InvoiceRecord,
  type InvoiceListRecord,
} from './invoices.repository.js';
import { localToday, patientExists } from './lookups.repository.js';
import type { CreateInvoiceInput, InvoiceListCriteria, UpdateInvoiceInput } from './invoices.schemas.js';

export interface InvoicePage {
  readonly items: InvoiceListRecord[];
  readonly total: number;
  readonly limit: number;
  readonly offset: number;
}

const NO_INVOICE = 'There is no invoice with this id.';

function checkVersion(invoice: InvoiceHeaderRecord, expectedVersion: number | undefined): void {
  if (expectedVersion !== undefined && invoice.version !== expectedVersion) {
    throw new PreconditionFailedError(
      `The invoice was changed by someone else (now version ${invoice.version}, you read version ${expectedVersion}). Reload it and try again.`,
    );
  }
}

/**
 * Invoices: drafts that may be edited, issued with a gapless yearly number, and voided with a reason
 * (an issued invoice is never edited: it is voided and reissued as a new draft copy). Every change and
 * read is audited in its transaction.
 */
export class InvoicesService {
  constructor(
    private readonly db: Database,
    private readonly audit: AuditTrail,
    private readonly timeZone: string,
  ) {}

  async create(
    input: CreateInvoiceInput,
    context: RequestContext,
    idempotency?: IdempotentRequest,
  ): Promise<StoredResponse<InvoiceRecord>> {
    return this.db.transaction((tx) =>
      runIdempotent(tx, idempotency, async () => {
        if (!(await patientExists(tx, input.patientId))) {
          throw new ValidationError('The invoice names an unknown patient.', [
            { field: 'patientId', message: 'no patient has this id' },
          ]);
        }
        const request: DraftRequest = {
          items: input.items,
          discountCents: input.discountCents,
          discountBasisPoints: input.discountBasisPoints,
          taxRateBasisPoints: input.taxRateBasisPoints ?? 0,
          departmentId: input.departmentId ?? null,
          appointmentId: input.appointmentId ?? null,
          admissionId: input.admissionId ?? null,
          notes: input.notes ?? null,
        };
        const departmentId = await resolveDepartment(tx, input.patientId, request);
        const { fields, items } = priceDraft({ ...request, departmentId });
        const id = await insertDraftInvoice(tx, input.patientId, fields, actorId(context));
        await replaceDraftItems(tx, id, items);
        await this.audit.record(tx, context, {
          action: 'INVOICE_CREATED',
          entityType: 'invoice',
          entityId: id,
          patientId: input.patientId,
          details: { totalCents: fields.totalCents, itemCount: items.length },
        });
        return { status: 201, body: await this.load(tx, id) };
      }),
    );
  }

  async update(
    id: string,
    expectedVersion: number,
    changes: UpdateInvoiceInput,
    context: RequestContext,
  ): Promise<InvoiceRecord> {
    return this.db.transaction(async (tx) => {
      const current = await this.lockedHeader(tx, id);
      checkVersion(current, expectedVersion);
      if (current.status !== 'draft') {
        throw new ConflictError(
          `Invoice ${current.number ?? id} is ${current.status}; an issued invoice is never edited. Void it and reissue a corrected copy.`,
        );
      }
      const items = changes.items ?? (await findInvoiceItems(tx, id));
      const discountGiven = changes.discountCents !== undefined || changes.discountBasisPoints !== undefined;
      const request: DraftRequest = {
        items: items.map((item) => ({
          description: item.description,
          quantity: item.quantity,
          unitPriceCents: item.unitPriceCents,
          ...(item.serviceCode ? { serviceCode: item.serviceCode } : {}),
        })),
        discountCents: discountGiven
          ? changes.discountCents
          : current.discountBasisPoints === null
            ? current.discountCents
            : undefined,
        discountBasisPoints: discountGiven
          ? changes.discountBasisPoints
          : (current.discountBasisPoints ?? undefined),
        taxRateBasisPoints: changes.taxRateBasisPoints ?? current.taxRateBasisPoints,
        departmentId: changes.departmentId === undefined ? current.departmentId : changes.departmentId,
        appointmentId: current.appointmentId,
        admissionId: current.admissionId,
        notes: changes.notes === undefined ? current.notes : changes.notes,
      };
      const departmentId =
        changes.departmentId === undefined
          ? current.departmentId
          : await resolveDepartment(tx, current.patientId, request);
      const { fields, items: priced } = priceDraft({ ...request, departmentId });
      await updateDraftInvoice(tx, id, fields, actorId(context));
      if (changes.items) await replaceDraftItems(tx, id, priced);
      await this.audit.record(tx, context, {
        action: 'INVOICE_UPDATED',
        entityType: 'invoice',
        entityId: id,
        patientId: current.patientId,
        details: { fields: Object.keys(changes), totalCents: fields.totalCents },
      });
      return this.load(tx, id);
    });
  }

  /** Gives the draft its number (gapless per year of the issue date in hospital.timezone) and fixes it. */
  async issue(
    id: string,
    expectedVersion: number | undefined,
    context: RequestContext,
    idempotency?: IdempotentRequest,
  ): Promise<StoredResponse<InvoiceRecord>> {
    return this.db.transaction((tx) =>
      runIdempotent(tx, idempotency, async () => {
        const current = await this.lockedHeader(tx, id);
        checkVersion(current, expectedVersion);
        if (current.status !== 'draft') {
          throw new ConflictError(`Invoice ${current.number ?? id} is ${current.status}, not a draft.`);
        }
        const issueDate = await localToday(tx, this.timeZone);
        const number = await nextDocumentNumber(tx, 'invoice', yearOf(issueDate));
        await markInvoiceIssued(tx, id, number, issueDate, actorId(context));
        await this.audit.record(tx, context, {
          action: 'INVOICE_ISSUED',
          entityType: 'invoice',
          entityId: id,
          patientId: current.patientId,
          details: { number, totalCents: current.totalCents },
        });
        return { status: 200, body: await this.load(tx, id) };
      }),
    );
  }

  /** Voids a draft or an issued invoice with nothing (net) paid on it; payments must be refunded first. */
  async void(
    id: string,
    reason: string,
    expectedVersion: number | undefined,
    context: RequestContext,
    idempotency?: IdempotentRequest,
  ): Promise<StoredResponse<InvoiceRecord>> {
    const trimmed = reason.trim();
    if (trimmed === '')
      throw new ValidationError('Say why the invoice is voided.', [{ field: 'reason', message: 'is blank' }]);
    return this.db.transaction((tx) =>
      runIdempotent(tx, idempotency, async () => {
        const current = await this.lockedHeader(tx, id);
        checkVersion(current, expectedVersion);
        if (current.status === 'void') throw new ConflictError('The invoice is already void.');
        if (current.paidCents > 0) {
          throw new ConflictError(
            `Invoice ${current.number ?? id} has ${current.paidCents} cents paid on it; refund the payments before voiding it.`,
          );
        }
        await markInvoiceVoid(tx, id, trimmed, actorId(context));
        await this.audit.record(tx, context, {
          action: 'INVOICE_VOIDED',
          entityType: 'invoice',
          entityId: id,
          patientId: current.patientId,
          details: { number: current.number, previousStatus: current.status },
        });
        return { status: 200, body: await this.load(tx, id) };
      }),
    );
  }

  /** A new draft copying a void invoice's patient, items and terms, to be corrected and issued. */
  async reissue(
    id: string,
    context: RequestContext,
    idempotency?: IdempotentRequest,
  ): Promise<StoredResponse<InvoiceRecord>> {
    return this.db.transaction((tx) =>
      runIdempotent(tx, idempotency, async () => {
        const original = await this.lockedHeader(tx, id);
        if (original.status !== 'void') {
          throw new ConflictError('Only a void invoice is reissued; void it first, with a reason.');
        }
        if (original.replacedByInvoiceId) {
          throw new ConflictError(
            `This invoice was already reissued as ${original.replacedByInvoiceId}; edit that draft instead.`,
          );
        }
        const items = await findInvoiceItems(tx, id);
        const copyId = await insertDraftInvoice(
          tx,
          original.patientId,
          {
            departmentId: original.departmentId,
            appointmentId: original.appointmentId,
            admissionId: original.admissionId,
            subtotalCents: original.subtotalCents,
            discountBasisPoints: original.discountBasisPoints,
            discountCents: original.discountCents,
            taxRateBasisPoints: original.taxRateBasisPoints,
            taxCents: original.taxCents,
            totalCents: original.totalCents,
            notes: original.notes,
          },
          actorId(context),
          id,
        );
        await replaceDraftItems(tx, copyId, items);
        await this.audit.record(tx, context, {
          action: 'INVOICE_REISSUED',
          entityType: 'invoice',
          entityId: copyId,
          patientId: original.patientId,
          details: { replacesInvoiceId: id, replacesNumber: original.number },
        });
        return { status: 201, body: await this.load(tx, copyId) };
      }),
    );
  }

  async get(id: string, context: RequestContext): Promise<InvoiceRecord> {
    return this.db.transaction(async (tx) => {
      const invoice = await this.load(tx, id);
      await this.audit.record(tx, context, {
        action: 'INVOICE_VIEWED',
        entityType: 'invoice',
        entityId: id,
        patientId: invoice.patientId,
      });
      return invoice;
    });
  }

  async list(query: InvoiceListCriteria, context: RequestContext): Promise<InvoicePage> {
    const criteria = {
      patientId: query.patientId,
      status: query.status,
      from: query.from,
      to: query.to,
      limit: query.limit ?? 50,
      offset: query.offset ?? 0,
    };
    return this.db.transaction(async (tx) => {
      const { items, total } = await searchInvoices(tx, criteria);
      await this.audit.record(tx, context, {
        action: 'INVOICES_LISTED',
        entityType: 'invoice',
        ...(criteria.patientId ? { patientId: criteria.patientId } : {}),
        details: {
          resultCount: items.length,
          patientIds: [...new Set(items.map((item) => item.patientId))],
        },
      });
      return { items, total, limit: criteria.limit, offset: criteria.offset };
    });
  }

  private async lockedHeader(tx: Transaction, id: string): Promise<InvoiceHeaderRecord> {
    const invoice = await findInvoiceHeader(tx, id, true);
    if (!invoice) throw new NotFoundError(NO_INVOICE);
    return invoice;
  }

  private async load(tx: Transaction, id: string): Promise<InvoiceRecord> {
    const header = await findInvoiceHeader(tx, id);
    if (!header) throw new NotFoundError(NO_INVOICE);
    return { ...header, items: await findInvoiceItems(tx, id) };
  }
}
