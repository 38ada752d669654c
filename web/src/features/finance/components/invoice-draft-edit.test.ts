import { describe, expect, it } from 'vitest';
import type { Invoice } from '../api/invoices';
import { draftChanges, draftConflictRows, draftFormValues, keepDraftChanges } from './invoice-draft-edit';
import { invoiceCorrections } from './invoice-filters';

const DRAFT: Invoice = {
  id: '5e0f6a43-8d0e-4c55-9b1f-0c3d2a7e6b10',
  number: null,
  patientId: '0b7c2a4e-1f7e-4f4b-9a4b-2d5d7c1e9f00',
  status: 'draft',
  items: [
    {
      id: 'a1',
      position: 1,
      serviceCode: 'CONS-GP',
      description: 'General practice consultation',
      quantity: 2,
      unitPriceCents: 4_500,
      lineTotalCents: 9_000,
    },
    {
      id: 'a2',
      position: 2,
      serviceCode: null,
      description: 'Dressing',
      quantity: 1,
      unitPriceCents: 1_205,
      lineTotalCents: 1_205,
    },
  ],
  subtotalCents: 10_205,
  discountCents: 1_276,
  discountBasisPoints: 1_250,
  taxRateBasisPoints: 1_950,
  taxCents: 1_741,
  totalCents: 10_670,
  paidCents: 0,
  outstandingCents: 10_670,
  issueDate: null,
  notes: null,
  voidedAt: null,
  voidReason: null,
  replacesInvoiceId: null,
  replacedByInvoiceId: null,
  createdAt: '2026-11-27T09:00:00.000Z',
  updatedAt: '2026-11-27T09:00:00.000Z',
  version: 1,
};

describe('editing a draft invoice', () => {
  it('fills the form from the draft as the server holds it', () => {
    const values = draftFormValues(DRAFT);
    expect(values.lines).toEqual([
      {
        serviceCode: 'CONS-GP',
        description: 'General practice consultation',
        quantity: '2',
        unitPrice: '45.00',
      },
      { serviceCode: '', description: 'Dressing', quantity: '1', unitPrice: '12.05' },
    ]);
    expect(values).toMatchObject({
      discountKind: 'percent',
      discount: '12.5',
      taxPercent: '19.5',
      notes: '',
    });
    expect(draftFormValues({ ...DRAFT, discountBasisPoints: null, discountCents: 500 })).toMatchObject({
      discountKind: 'amount',
      discount: '5.00',
    });
    expect(draftFormValues({ ...DRAFT, discountBasisPoints: null, discountCents: 0 }).discountKind).toBe(
      'none',
    );
  });

  it('sends nothing when nothing changed, so that the form closes without a save', () => {
    expect(draftChanges(DRAFT, draftFormValues(DRAFT))).toEqual({});
    // The same amount typed differently is no change.
    const values = draftFormValues(DRAFT);
    values.lines[0]!.unitPrice = '45';
    expect(draftChanges(DRAFT, values)).toEqual({});
  });

  it('sends every line when one line changed, and only the parts that changed', () => {
    const values = draftFormValues(DRAFT);
    values.lines[1]!.quantity = '3';
    values.notes = '  Follow-up in a week ';
    expect(draftChanges(DRAFT, values)).toEqual({
      items: [
        {
          serviceCode: 'CONS-GP',
          description: 'General practice consultation',
          quantity: 2,
          unitPriceCents: 4_500,
        },
        { description: 'Dressing', quantity: 3, unitPriceCents: 1_205 },
      ],
      notes: 'Follow-up in a week',
    });
  });

  it('replaces a percentage discount by an amount or by none, changes the tax and clears the notes', () => {
    const amount = { ...draftFormValues(DRAFT), discountKind: 'amount' as const, discount: '10' };
    expect(draftChanges(DRAFT, amount)).toEqual({ discountCents: 1_000 });
    const none = { ...draftFormValues(DRAFT), discountKind: 'none' as const, discount: '' };
    expect(draftChanges(DRAFT, none)).toEqual({ discountCents: 0 });
    const taxed = { ...draftFormValues(DRAFT), taxPercent: '20' };
    expect(draftChanges(DRAFT, taxed)).toEqual({ taxRateBasisPoints: 2_000 });
    const noted = { ...DRAFT, notes: 'Paid by the employer' };
    expect(draftChanges(noted, { ...draftFormValues(noted), notes: ' ' })).toEqual({ notes: null });
  });

  it('compares both versions part by part after a 412 and keeps only what this user changed', () => {
    // Someone else changed the tax; this user changed the second line's quantity.
    const current: Invoice = {
      ...DRAFT,
      taxRateBasisPoints: 2_000,
      updatedAt: '2026-11-27T09:05:00.000Z',
      version: 2,
    };
    const mine = draftFormValues(DRAFT);
    mine.lines[1]!.quantity = '3';
    const rows = draftConflictRows(DRAFT, current, mine);
    expect(rows.map((row) => [row.label, row.current, row.mine, row.changedByOther])).toEqual([
      [
        'Services',
        '2 × General practice consultation (CONS-GP) at 45.00; 1 × Dressing at 12.05',
        '2 × General practice consultation (CONS-GP) at 45.00; 3 × Dressing at 12.05',
        false,
      ],
      ['Tax', '20 %', '19.5 %', true],
    ]);
    const merged = keepDraftChanges(DRAFT, current, mine);
    expect(merged.lines[1]!.quantity).toBe('3');
    expect(merged.taxPercent).toBe('20');
    expect(draftChanges(current, merged)).toEqual({
      items: [
        {
          serviceCode: 'CONS-GP',
          description: 'General practice consultation',
          quantity: 2,
          unitPriceCents: 4_500,
        },
        { description: 'Dressing', quantity: 3, unitPriceCents: 1_205 },
      ],
    });
  });

  it('offers the edit on a draft only, and the reissue on a void invoice not yet reissued', () => {
    expect(invoiceCorrections(DRAFT)).toEqual({ edit: true, reissue: false });
    expect(invoiceCorrections({ ...DRAFT, status: 'issued' })).toEqual({ edit: false, reissue: false });
    expect(invoiceCorrections({ ...DRAFT, status: 'void' })).toEqual({ edit: false, reissue: true });
    expect(invoiceCorrections({ ...DRAFT, status: 'void', replacedByInvoiceId: DRAFT.id })).toEqual({
      edit: false,
      reissue: false,
    });
  });
});
