import { describe, expect, it } from 'vitest';
import { invoiceActions, invoiceFiltersFrom, invoiceSearchWith } from './invoice-filters';

const PATIENT = '0b7c2a4e-1f7e-4f4b-9a4b-2d5d7c1e9f00';

describe('the invoice list filters', () => {
  it('reads status, patient and page from the address, ignoring what the API would refuse', () => {
    expect(invoiceFiltersFrom(new URLSearchParams(`status=paid&patientId=${PATIENT}&page=3`), 25)).toEqual({
      status: 'paid',
      patientId: PATIENT,
      offset: 50,
    });
    expect(invoiceFiltersFrom(new URLSearchParams('status=settled&patientId=42&page=-1'), 25)).toEqual({
      offset: 0,
    });
  });

  it('goes back to the first page when a filter changes, and drops a cleared filter', () => {
    const search = new URLSearchParams(`status=issued&page=4`);
    expect(invoiceSearchWith(search, { patientId: PATIENT }).toString()).toBe(
      `status=issued&patientId=${PATIENT}`,
    );
    expect(invoiceSearchWith(search, { status: null }).toString()).toBe('');
    expect(invoiceSearchWith(search, { page: 2 }).toString()).toBe('status=issued&page=2');
    expect(invoiceSearchWith(search, { page: 1 }).toString()).toBe('status=issued');
  });

  it('offers only what the server allows in each state', () => {
    expect(invoiceActions({ status: 'draft', outstandingCents: 100, paidCents: 0 })).toEqual({
      issue: true,
      void: true,
      pay: false,
      claim: false,
    });
    expect(invoiceActions({ status: 'issued', outstandingCents: 100, paidCents: 0 })).toEqual({
      issue: false,
      void: true,
      pay: true,
      claim: true,
    });
    // Payments must be refunded before a void.
    expect(invoiceActions({ status: 'partially_paid', outstandingCents: 40, paidCents: 60 }).void).toBe(
      false,
    );
    expect(invoiceActions({ status: 'paid', outstandingCents: 0, paidCents: 100 })).toEqual({
      issue: false,
      void: false,
      pay: false,
      claim: false,
    });
    expect(invoiceActions({ status: 'void', outstandingCents: 0, paidCents: 0 }).void).toBe(false);
  });
});
