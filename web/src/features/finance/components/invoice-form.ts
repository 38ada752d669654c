import type { NewInvoice } from '../api/invoices';

/** One line of the new-invoice form, as typed. */
export interface LineValues {
  serviceCode: string;
  description: string;
  quantity: string;
  unitPrice: string;
}

export interface InvoiceFormValues {
  patientId: string;
  lines: LineValues[];
  discountKind: 'none' | 'amount' | 'percent';
  discount: string;
  taxPercent: string;
  notes: string;
}

export const EMPTY_LINE: LineValues = { serviceCode: '', description: '', quantity: '1', unitPrice: '' };

export function emptyInvoiceForm(patientId = ''): InvoiceFormValues {
  return {
    patientId,
    lines: [{ ...EMPTY_LINE }],
    discountKind: 'none',
    discount: '',
    taxPercent: '0',
    notes: '',
  };
}

/** "12.5", "1,234.50" or "7" as integer cents; undefined when it is not an amount of at most 2 decimals. */
export function parseCents(text: string): number | undefined {
  const cleaned = text.trim().replace(/,/g, '');
  const match = /^(\d{1,13})(?:\.(\d{1,2}))?$/.exec(cleaned);
  if (!match) return undefined;
  return Number(match[1]) * 100 + Number((match[2] ?? '').padEnd(2, '0'));
}

/** "19.5" (a percentage, up to 2 decimals, at most 100) as basis points (1950); undefined otherwise. */
export function parseBasisPoints(text: string): number | undefined {
  const match = /^(\d{1,3})(?:\.(\d{1,2}))?$/.exec(text.trim());
  if (!match) return undefined;
  const basisPoints = Number(match[1]) * 100 + Number((match[2] ?? '').padEnd(2, '0'));
  return basisPoints <= 10_000 ? basisPoints : undefined;
}

function parseQuantity(text: string): number | undefined {
  const trimmed = text.trim();
  if (!/^\d{1,6}$/.test(trimmed)) return undefined;
  const quantity = Number(trimmed);
  return quantity >= 1 && quantity <= 100_000 ? quantity : undefined;
}

/** `amountCents` × `basisPoints` / 10,000 rounded half up, as the server rounds (src/modules/billing/money.ts). */
export function shareOf(amountCents: number, basisPoints: number): number {
  const product = BigInt(amountCents) * BigInt(basisPoints);
  return Number((product * 2n + 10_000n) / 20_000n);
}

export interface TotalsPreview {
  readonly lineTotalsCents: readonly (number | undefined)[];
  readonly subtotalCents: number;
  readonly discountCents: number;
  readonly taxCents: number;
  readonly totalCents: number;
}

/**
 * What the invoice will come to, worked out as the server does: lines, then the discount off the
 * subtotal, then tax on the rest rounded once. Lines not yet valid count as nothing.
 */
export function previewTotals(values: InvoiceFormValues): TotalsPreview {
  const lineTotalsCents = values.lines.map((line) => {
    const quantity = parseQuantity(line.quantity);
    const price = parseCents(line.unitPrice);
    return quantity === undefined || price === undefined ? undefined : quantity * price;
  });
  const subtotalCents = lineTotalsCents.reduce<number>((sum, total) => sum + (total ?? 0), 0);
  let discountCents = 0;
  if (values.discountKind === 'amount') discountCents = parseCents(values.discount) ?? 0;
  if (values.discountKind === 'percent') {
    discountCents = shareOf(subtotalCents, parseBasisPoints(values.discount) ?? 0);
  }
  discountCents = Math.min(discountCents, subtotalCents);
  const taxCents = shareOf(subtotalCents - discountCents, parseBasisPoints(values.taxPercent) ?? 0);
  return {
    lineTotalsCents,
    subtotalCents,
    discountCents,
    taxCents,
    totalCents: subtotalCents - discountCents + taxCents,
  };
}

export type InvoiceFormErrors = Record<string, string>;

const SERVICE_CODE = /^[A-Za-z0-9][A-Za-z0-9._-]{0,31}$/;

/** Per-field messages (keys as @mantine/form names them: `lines.0.unitPrice`), empty when valid. */
export function validateInvoiceForm(values: InvoiceFormValues): InvoiceFormErrors {
  const errors: InvoiceFormErrors = {};
  if (!values.patientId) errors['patientId'] = 'Choose the patient to bill.';
  if (values.lines.length === 0) errors['lines'] = 'Add at least one line.';
  values.lines.forEach((line, index) => {
    if (!line.description.trim()) errors[`lines.${index}.description`] = 'Describe the service.';
    if (line.serviceCode.trim() && !SERVICE_CODE.test(line.serviceCode.trim())) {
      errors[`lines.${index}.serviceCode`] = 'Letters, digits, dots, dashes; up to 32.';
    }
    if (parseQuantity(line.quantity) === undefined) {
      errors[`lines.${index}.quantity`] = 'A whole number from 1.';
    }
    if (parseCents(line.unitPrice) === undefined) {
      errors[`lines.${index}.unitPrice`] = 'An amount such as 45.00.';
    }
  });
  if (values.discountKind === 'amount') {
    const discount = parseCents(values.discount);
    if (discount === undefined) errors['discount'] = 'An amount such as 10.00.';
    else if (discount > previewTotals(values).subtotalCents) {
      errors['discount'] = 'The discount is more than the subtotal.';
    }
  }
  if (values.discountKind === 'percent' && parseBasisPoints(values.discount) === undefined) {
    errors['discount'] = 'A percentage from 0 to 100.';
  }
  if (parseBasisPoints(values.taxPercent) === undefined) errors['taxPercent'] = 'A percentage from 0 to 100.';
  if (values.notes.length > 2000) errors['notes'] = 'At most 2,000 characters.';
  return errors;
}

/** The POST body of a valid form: money in integer cents, rates in basis points, blanks left out. */
export function newInvoiceFrom(values: InvoiceFormValues): NewInvoice {
  const taxRateBasisPoints = parseBasisPoints(values.taxPercent) ?? 0;
  return {
    patientId: values.patientId,
    items: values.lines.map((line) => ({
      ...(line.serviceCode.trim() ? { serviceCode: line.serviceCode.trim() } : {}),
      description: line.description.trim(),
      quantity: parseQuantity(line.quantity) ?? 1,
      unitPriceCents: parseCents(line.unitPrice) ?? 0,
    })),
    ...(values.discountKind === 'amount' ? { discountCents: parseCents(values.discount) ?? 0 } : {}),
    ...(values.discountKind === 'percent'
      ? { discountBasisPoints: parseBasisPoints(values.discount) ?? 0 }
      : {}),
    ...(taxRateBasisPoints > 0 ? { taxRateBasisPoints } : {}),
    ...(values.notes.trim() ? { notes: values.notes.trim() } : {}),
  };
}
