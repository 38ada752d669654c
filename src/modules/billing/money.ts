/**
 * Money arithmetic. Amounts are integer cents; rates are basis points (1/100 of a percent: 1,950 = 19.5 %).
 * Products are taken in BigInt so that no intermediate value loses precision, and a share is rounded
 * half up (amounts are never negative, so this is also half away from zero): 0.5 cent becomes 1 cent.
 */

export const BASIS_POINTS_PER_WHOLE = 10_000;

/** `amountCents` × `basisPoints` / 10,000, rounded half up to whole cents. */
export function shareOf(amountCents: number, basisPoints: number): number {
  if (!Number.isSafeInteger(amountCents) || amountCents < 0) throw new RangeError('amountCents');
  if (!Number.isInteger(basisPoints) || basisPoints < 0) throw new RangeError('basisPoints');
  const whole = BigInt(BASIS_POINTS_PER_WHOLE);
  const product = BigInt(amountCents) * BigInt(basisPoints);
  return Number((product * 2n + whole) / (whole * 2n));
}

export interface LineInput {
  readonly quantity: number;
  readonly unitPriceCents: number;
}

/** A discount is either an amount or a share of the subtotal; never both. */
export type Discount =
  | { readonly kind: 'none' }
  | { readonly kind: 'amount'; readonly cents: number }
  | { readonly kind: 'rate'; readonly basisPoints: number };

export interface InvoiceTotals {
  readonly lineTotalsCents: readonly number[];
  readonly subtotalCents: number;
  readonly discountCents: number;
  readonly taxCents: number;
  readonly totalCents: number;
}

export class AmountOutOfRangeError extends Error {}

function safe(value: bigint, what: string): number {
  if (value > BigInt(Number.MAX_SAFE_INTEGER)) throw new AmountOutOfRangeError(`${what} is too large`);
  return Number(value);
}

/**
 * Subtotal = sum of quantity × unit price; the discount comes off the subtotal; tax is charged on what
 * remains (subtotal − discount) at the invoice's one rate, rounded half up once for the whole invoice.
 * A fixed discount larger than the subtotal is refused rather than silently capped.
 */
export function computeInvoiceTotals(
  lines: readonly LineInput[],
  discount: Discount,
  taxRateBasisPoints: number,
): InvoiceTotals {
  const lineTotals = lines.map((line) =>
    safe(BigInt(line.quantity) * BigInt(line.unitPriceCents), 'a line total'),
  );
  const subtotalCents = safe(
    lineTotals.reduce((sum, value) => sum + BigInt(value), 0n),
    'the subtotal',
  );
  let discountCents = 0;
  if (discount.kind === 'amount') discountCents = discount.cents;
  else if (discount.kind === 'rate') discountCents = shareOf(subtotalCents, discount.basisPoints);
  if (discountCents > subtotalCents) throw new AmountOutOfRangeError('the discount exceeds the subtotal');
  const taxableCents = subtotalCents - discountCents;
  const taxCents = shareOf(taxableCents, taxRateBasisPoints);
  const totalCents = safe(BigInt(taxableCents) + BigInt(taxCents), 'the total');
  return { lineTotalsCents: lineTotals, subtotalCents, discountCents, taxCents, totalCents };
}

/** 123456 → "1,234.56"; for people (PDFs), never for machines (JSON and CSV carry cents). */
export function formatCents(cents: number): string {
  const sign = cents < 0 ? '-' : '';
  const absolute = Math.abs(cents);
  const units = Math.floor(absolute / 100).toLocaleString('en-US');
  return `${sign}${units}.${String(absolute % 100).padStart(2, '0')}`;
}
