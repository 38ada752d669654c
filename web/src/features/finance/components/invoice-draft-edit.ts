import { conflictRows, type ConflictRow } from '@/lib/edit-conflict';
import { formatCents } from '@/lib/format';
import type { Invoice, InvoiceChanges } from '../api/invoices';
import { newInvoiceFrom, parseBasisPoints, parseCents, type InvoiceFormValues } from './invoice-form';

/** The parts of a draft that an edit changes, each compared and kept as one. */
export const DRAFT_FIELDS = ['lines', 'discount', 'taxPercent', 'notes'] as const;
type DraftField = (typeof DRAFT_FIELDS)[number];

export const DRAFT_LABELS: Readonly<Record<DraftField, string>> = {
  lines: 'Services',
  discount: 'Discount',
  taxPercent: 'Tax',
  notes: 'Notes',
};

/** The form fields each part is made of. */
const PARTS: Readonly<Record<DraftField, readonly (keyof InvoiceFormValues)[]>> = {
  lines: ['lines'],
  discount: ['discountKind', 'discount'],
  taxPercent: ['taxPercent'],
  notes: ['notes'],
};

/** Cents as the form takes them: 4500 as "45.00", without thousands separators. */
function centsText(cents: number): string {
  return `${Math.trunc(cents / 100)}.${String(cents % 100).padStart(2, '0')}`;
}

/** Basis points as the form's percentage: 1950 as "19.5", 1500 as "15". */
function percentText(basisPoints: number): string {
  return String(basisPoints / 100);
}

/** The edit form of a draft, filled from the invoice as the server holds it. */
export function draftFormValues(invoice: Invoice): InvoiceFormValues {
  const discountKind =
    invoice.discountBasisPoints !== null ? 'percent' : invoice.discountCents > 0 ? 'amount' : 'none';
  return {
    patientId: invoice.patientId,
    lines: invoice.items.map((item) => ({
      serviceCode: item.serviceCode ?? '',
      description: item.description,
      quantity: String(item.quantity),
      unitPrice: centsText(item.unitPriceCents),
    })),
    discountKind,
    discount:
      discountKind === 'percent'
        ? percentText(invoice.discountBasisPoints ?? 0)
        : discountKind === 'amount'
          ? centsText(invoice.discountCents)
          : '',
    taxPercent: percentText(invoice.taxRateBasisPoints),
    notes: invoice.notes ?? '',
  };
}

type Discount = { readonly discountCents: number } | { readonly discountBasisPoints: number };

function discountOf(values: InvoiceFormValues): Discount {
  if (values.discountKind === 'percent') {
    return { discountBasisPoints: parseBasisPoints(values.discount) ?? 0 };
  }
  return { discountCents: values.discountKind === 'amount' ? (parseCents(values.discount) ?? 0) : 0 };
}

/** The PATCH body of a valid form: only what differs from `base`, so that nothing changed saves nothing. */
export function draftChanges(base: Invoice, values: InvoiceFormValues): InvoiceChanges {
  const before = draftFormValues(base);
  const changes: { -readonly [K in keyof InvoiceChanges]: InvoiceChanges[K] } = {};
  const items = newInvoiceFrom(values).items;
  if (JSON.stringify(items) !== JSON.stringify(newInvoiceFrom(before).items)) changes.items = items;
  const discount = discountOf(values);
  if (JSON.stringify(discount) !== JSON.stringify(discountOf(before))) Object.assign(changes, discount);
  const taxRateBasisPoints = parseBasisPoints(values.taxPercent) ?? 0;
  if (taxRateBasisPoints !== base.taxRateBasisPoints) changes.taxRateBasisPoints = taxRateBasisPoints;
  const notes = values.notes.trim();
  if (notes !== (base.notes ?? '')) changes.notes = notes === '' ? null : notes;
  return changes;
}

function amountText(text: string): string {
  const cents = parseCents(text);
  return cents === undefined ? text.trim() : formatCents(cents);
}

/** Each part of the form in words, as the conflict notice compares them. */
export function draftSummary(values: InvoiceFormValues): Record<DraftField, string> {
  return {
    lines: values.lines
      .map((line) => {
        const code = line.serviceCode.trim() ? ` (${line.serviceCode.trim()})` : '';
        return `${line.quantity.trim()} × ${line.description.trim()}${code} at ${amountText(line.unitPrice)}`;
      })
      .join('; '),
    discount:
      values.discountKind === 'none'
        ? 'None'
        : values.discountKind === 'amount'
          ? amountText(values.discount)
          : `${values.discount.trim()} %`,
    taxPercent: `${values.taxPercent.trim()} %`,
    notes: values.notes.trim(),
  };
}

/** The parts this user or the other person changed since `base`, side by side. */
export function draftConflictRows(base: Invoice, current: Invoice, mine: InvoiceFormValues): ConflictRow[] {
  return conflictRows(
    DRAFT_FIELDS,
    DRAFT_LABELS,
    draftSummary(draftFormValues(base)),
    draftSummary(draftFormValues(current)),
    draftSummary(mine),
  );
}

/** The current version with each part this user changed (against `base`) laid over it. */
export function keepDraftChanges(
  base: Invoice,
  current: Invoice,
  mine: InvoiceFormValues,
): InvoiceFormValues {
  const before = draftSummary(draftFormValues(base));
  const typed = draftSummary(mine);
  const merged = draftFormValues(current);
  for (const part of DRAFT_FIELDS) {
    if (typed[part] === before[part]) continue;
    for (const field of PARTS[part]) Object.assign(merged, { [field]: mine[field] });
  }
  return merged;
}
