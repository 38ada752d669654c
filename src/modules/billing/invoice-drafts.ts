import type { Transaction } from '../../db/index.js';
import { ValidationError } from '../../shared/errors.js';
import type { RequestContext } from '../../shared/request-context.js';
import type { DraftFields, DraftItem } from './invoices.repository.js';
import { departmentExists, departmentOfVisit } from './lookups.repository.js';
import type { InvoiceItemInput } from './invoices.schemas.js';
import { AmountOutOfRangeError, computeInvoiceTotals, type Discount } from './money.js';

export function actorId(context: RequestContext): string {
  if (!context.actor) throw new Error('billing changes need a signed-in actor');
  return context.actor.userId;
}

/** What a draft asks for, before its totals are worked out. */
export interface DraftRequest {
  readonly items: readonly InvoiceItemInput[];
  readonly discountCents: number | undefined;
  readonly discountBasisPoints: number | undefined;
  readonly taxRateBasisPoints: number;
  readonly departmentId: string | null;
  readonly appointmentId: string | null;
  readonly admissionId: string | null;
  readonly notes: string | null;
}

function discountOf(request: DraftRequest): Discount {
  if (request.discountCents !== undefined && request.discountBasisPoints !== undefined) {
    throw new ValidationError('Give the discount either in cents or as a rate, not both.', [
      { field: 'discountBasisPoints', message: 'must not be sent together with discountCents' },
    ]);
  }
  if (request.discountCents !== undefined) return { kind: 'amount', cents: request.discountCents };
  if (request.discountBasisPoints !== undefined)
    return { kind: 'rate', basisPoints: request.discountBasisPoints };
  return { kind: 'none' };
}

/** The draft's items and money, worked out once here so the stored totals always add up. */
export function priceDraft(request: DraftRequest): { fields: DraftFields; items: DraftItem[] } {
  const discount = discountOf(request);
  let totals;
  try {
    totals = computeInvoiceTotals(request.items, discount, request.taxRateBasisPoints);
  } catch (error) {
    if (!(error instanceof AmountOutOfRangeError)) throw error;
    const field = error.message.includes('discount') ? 'discountCents' : 'items';
    throw new ValidationError(`The invoice cannot be priced: ${error.message}.`, [
      { field, message: error.message },
    ]);
  }
  return {
    fields: {
      departmentId: request.departmentId,
      appointmentId: request.appointmentId,
      admissionId: request.admissionId,
      subtotalCents: totals.subtotalCents,
      discountBasisPoints: discount.kind === 'rate' ? discount.basisPoints : null,
      discountCents: totals.discountCents,
      taxRateBasisPoints: request.taxRateBasisPoints,
      taxCents: totals.taxCents,
      totalCents: totals.totalCents,
      notes: request.notes,
    },
    items: request.items.map((item, index) => ({
      serviceCode: item.serviceCode ?? null,
      description: item.description,
      quantity: item.quantity,
      unitPriceCents: item.unitPriceCents,
      lineTotalCents: totals.lineTotalsCents[index]!,
    })),
  };
}

/**
 * The department the revenue is booked to: the one named, else the appointment's doctor's, else the
 * admission's. The appointment or admission must be the same patient's.
 */
export async function resolveDepartment(
  tx: Transaction,
  patientId: string,
  request: Pick<DraftRequest, 'departmentId' | 'appointmentId' | 'admissionId'>,
): Promise<string | null> {
  const visit = await departmentOfVisit(tx, request.appointmentId, request.admissionId);
  const visitField = request.appointmentId ? 'appointmentId' : 'admissionId';
  if (!visit.found) {
    throw new ValidationError('The invoice names an unknown visit.', [
      { field: visitField, message: 'does not exist' },
    ]);
  }
  if (visit.patientId !== null && visit.patientId !== patientId) {
    throw new ValidationError('The visit belongs to another patient.', [
      { field: visitField, message: "is not this patient's" },
    ]);
  }
  if (request.departmentId) {
    if (!(await departmentExists(tx, request.departmentId))) {
      throw new ValidationError('The invoice names an unknown department.', [
        { field: 'departmentId', message: 'does not exist' },
      ]);
    }
    return request.departmentId;
  }
  return visit.departmentId;
}
