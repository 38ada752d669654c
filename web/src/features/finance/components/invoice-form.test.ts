import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { computeInvoiceTotals } from '../../../../../src/modules/billing/money';
import {
  emptyInvoiceForm,
  newInvoiceFrom,
  parseBasisPoints,
  parseCents,
  previewTotals,
  validateInvoiceForm,
  type InvoiceFormValues,
} from './invoice-form';

const PATIENT = '0b7c2a4e-1f7e-4f4b-9a4b-2d5d7c1e9f00';

function form(changes: Partial<InvoiceFormValues>): InvoiceFormValues {
  return { ...emptyInvoiceForm(PATIENT), ...changes };
}

describe('the new-invoice form', () => {
  it('reads amounts as integer cents and percentages as basis points, refusing anything else', () => {
    expect(parseCents('45')).toBe(4_500);
    expect(parseCents('45.5')).toBe(4_550);
    expect(parseCents(' 1,234.05 ')).toBe(123_405);
    expect(parseCents('0.07')).toBe(7);
    expect(parseCents('1.234')).toBeUndefined();
    expect(parseCents('-3')).toBeUndefined();
    expect(parseCents('')).toBeUndefined();
    expect(parseCents('1e3')).toBeUndefined();
    expect(parseBasisPoints('19.5')).toBe(1_950);
    expect(parseBasisPoints('100')).toBe(10_000);
    expect(parseBasisPoints('100.01')).toBeUndefined();
    expect(parseBasisPoints('12.345')).toBeUndefined();
  });

  it('previews the totals as the server prices them: percentage discount and tax rounded half up', () => {
    // The server's own example (invoices.int.test.ts): 3 × 19.99 + 0.05, 12.5 % off, 19.5 % tax.
    const totals = previewTotals(
      form({
        lines: [
          { serviceCode: 'LAB-CBC', description: 'Blood count', quantity: '3', unitPrice: '19.99' },
          { serviceCode: '', description: 'Dressing', quantity: '1', unitPrice: '0.05' },
        ],
        discountKind: 'percent',
        discount: '12.5',
        taxPercent: '19.5',
      }),
    );
    expect(totals).toEqual({
      lineTotalsCents: [5_997, 5],
      subtotalCents: 6_002,
      discountCents: 750,
      taxCents: 1_024,
      totalCents: 6_276,
    });
  });

  it('agrees with the server arithmetic for any lines, discount and tax', () => {
    const line = fc.record({
      quantity: fc.integer({ min: 1, max: 1_000 }),
      unitPriceCents: fc.nat(5_000_000),
    });
    fc.assert(
      fc.property(
        fc.array(line, { minLength: 1, maxLength: 8 }),
        fc.nat(10_000),
        fc.nat(10_000),
        (lines, discountBasisPoints, taxBasisPoints) => {
          const typed = lines.map((entry) => ({
            serviceCode: '',
            description: 'Service',
            quantity: String(entry.quantity),
            unitPrice: `${Math.floor(entry.unitPriceCents / 100)}.${String(entry.unitPriceCents % 100).padStart(2, '0')}`,
          }));
          const percent = (basisPoints: number): string =>
            `${Math.floor(basisPoints / 100)}.${String(basisPoints % 100).padStart(2, '0')}`;
          const preview = previewTotals(
            form({
              lines: typed,
              discountKind: 'percent',
              discount: percent(discountBasisPoints),
              taxPercent: percent(taxBasisPoints),
            }),
          );
          const server = computeInvoiceTotals(
            lines,
            { kind: 'rate', basisPoints: discountBasisPoints },
            taxBasisPoints,
          );
          expect(preview).toEqual({ ...server, lineTotalsCents: server.lineTotalsCents });
        },
      ),
      { numRuns: 300 },
    );
  });

  it('counts a line not yet valid as nothing and never discounts below zero in the preview', () => {
    const totals = previewTotals(
      form({
        lines: [
          { serviceCode: '', description: 'Consultation', quantity: '1', unitPrice: '50' },
          { serviceCode: '', description: 'Half typed', quantity: '2', unitPrice: '1.2.' },
        ],
        discountKind: 'amount',
        discount: '80',
      }),
    );
    expect(totals.lineTotalsCents).toEqual([5_000, undefined]);
    expect(totals.discountCents).toBe(5_000);
    expect(totals.totalCents).toBe(0);
  });

  it('names each field that is wrong, by its form path', () => {
    const errors = validateInvoiceForm({
      ...emptyInvoiceForm(),
      lines: [{ serviceCode: 'bad code!', description: ' ', quantity: '0', unitPrice: 'ten' }],
      discountKind: 'amount',
      discount: '5',
      taxPercent: '120',
    });
    expect(Object.keys(errors).sort()).toEqual(
      [
        'discount',
        'lines.0.description',
        'lines.0.quantity',
        'lines.0.serviceCode',
        'lines.0.unitPrice',
        'patientId',
        'taxPercent',
      ].sort(),
    );
    expect(errors['discount']).toBe('The discount is more than the subtotal.');
    expect(
      validateInvoiceForm(
        form({
          lines: [{ serviceCode: 'CONS-GP', description: 'Consultation', quantity: '1', unitPrice: '45' }],
        }),
      ),
    ).toEqual({});
  });

  it('sends money in cents, rates in basis points and leaves blanks out', () => {
    expect(
      newInvoiceFrom(
        form({
          lines: [
            { serviceCode: ' CONS-GP ', description: ' Consultation ', quantity: '2', unitPrice: '45.50' },
            { serviceCode: '', description: 'Dressing', quantity: '1', unitPrice: '3' },
          ],
          discountKind: 'amount',
          discount: '1.25',
          taxPercent: '0',
          notes: '  ',
        }),
      ),
    ).toEqual({
      patientId: PATIENT,
      items: [
        { serviceCode: 'CONS-GP', description: 'Consultation', quantity: 2, unitPriceCents: 4_550 },
        { description: 'Dressing', quantity: 1, unitPriceCents: 300 },
      ],
      discountCents: 125,
    });
    expect(
      newInvoiceFrom(
        form({ discountKind: 'percent', discount: '10', taxPercent: '7.5', notes: 'Paid at desk' }),
      ),
    ).toMatchObject({ discountBasisPoints: 1_000, taxRateBasisPoints: 750, notes: 'Paid at desk' });
  });
});
