import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AmountOutOfRangeError, computeInvoiceTotals, formatCents, shareOf } from './money.js';

describe('money', () => {
  it('rounds a share half up to whole cents', () => {
    expect(shareOf(1_000, 1_950)).toBe(195);
    expect(shareOf(5, 5_000)).toBe(3); // 2.5 cents → 3
    expect(shareOf(3, 5_000)).toBe(2); // 1.5 cents → 2
    expect(shareOf(1, 4_999)).toBe(0); // 0.4999 cents → 0
    expect(shareOf(6_002, 1_250)).toBe(750); // 750.25 → 750
    expect(shareOf(0, 10_000)).toBe(0);
  });

  it('stays exact for amounts whose product with a rate leaves safe integers', () => {
    const large = 900_000_000_000_001; // 9e14 + 1 cents; × 10,000 is beyond 2^53
    expect(shareOf(large, 10_000)).toBe(large);
    expect(shareOf(large, 5_000)).toBe(450_000_000_000_001); // 450,000,000,000,000.5 → up
  });

  it('adds an invoice up: subtotal - discount + tax on the discounted amount', () => {
    const totals = computeInvoiceTotals(
      [
        { quantity: 3, unitPriceCents: 1_999 },
        { quantity: 1, unitPriceCents: 5 },
      ],
      { kind: 'rate', basisPoints: 1_250 },
      1_950,
    );
    expect(totals).toEqual({
      lineTotalsCents: [5_997, 5],
      subtotalCents: 6_002,
      discountCents: 750,
      taxCents: 1_024,
      totalCents: 6_276,
    });
  });

  it('refuses a fixed discount above the subtotal and totals beyond safe integers', () => {
    expect(() =>
      computeInvoiceTotals([{ quantity: 1, unitPriceCents: 100 }], { kind: 'amount', cents: 101 }, 0),
    ).toThrow(AmountOutOfRangeError);
    expect(() =>
      computeInvoiceTotals(
        Array.from({ length: 200 }, () => ({ quantity: 100_000, unitPriceCents: 10_000_000_000 })),
        { kind: 'none' },
        0,
      ),
    ).toThrow(AmountOutOfRangeError);
  });

  it('always satisfies total = subtotal - discount + tax with every part a non-negative integer', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            quantity: fc.integer({ min: 1, max: 1_000 }),
            unitPriceCents: fc.integer({ min: 0, max: 10_000_000 }),
          }),
          {
            minLength: 1,
            maxLength: 20,
          },
        ),
        fc.integer({ min: 0, max: 10_000 }),
        fc.integer({ min: 0, max: 10_000 }),
        (lines, discountBasisPoints, taxBasisPoints) => {
          const totals = computeInvoiceTotals(
            lines,
            { kind: 'rate', basisPoints: discountBasisPoints },
            taxBasisPoints,
          );
          for (const value of [
            totals.subtotalCents,
            totals.discountCents,
            totals.taxCents,
            totals.totalCents,
          ]) {
            expect(Number.isSafeInteger(value) && value >= 0).toBe(true);
          }
          expect(totals.totalCents).toBe(totals.subtotalCents - totals.discountCents + totals.taxCents);
          expect(totals.discountCents).toBeLessThanOrEqual(totals.subtotalCents);
        },
      ),
    );
  });

  it('formats cents for people', () => {
    expect(formatCents(123_456)).toBe('1,234.56');
    expect(formatCents(5)).toBe('0.05');
    expect(formatCents(-1_050)).toBe('-10.50');
  });
});
