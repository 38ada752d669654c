import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  api,
  CONSULTATION,
  createDraft,
  getInvoice,
  issue,
  issuedInvoice,
  pay,
  refund,
} from '../../../tests/support/billing-factories.js';
import { auditActions, registerPatient } from '../../../tests/support/clinical-factories.js';
import { DATABASE_KINDS } from '../../../tests/support/databases.js';
import { bookAppointment, schedulingFixture } from '../../../tests/support/scheduling-factories.js';
import { buildTestApp, type TestApp } from '../../../tests/support/test-app.js';
import { nextDocumentNumber } from './document-numbers.js';

describe.each(DATABASE_KINDS)('invoices on %s', (kind) => {
  let t: TestApp;
  let finance: string;
  let staff: string;
  let patientId: string;

  beforeAll(async () => {
    t = await buildTestApp(kind);
    finance = await t.userToken('finance');
    staff = await t.userToken('staff');
    patientId = (await registerPatient(t, staff)).id;
  });
  afterAll(async () => t?.close());

  it('prices a draft in integer cents: percentage discount and tax rounded half up, stated per field', async () => {
    const draft = await createDraft(t, finance, patientId, {
      items: [
        { serviceCode: 'LAB-CBC', description: 'Blood count', quantity: 3, unitPriceCents: 1_999 },
        { description: 'Dressing', quantity: 1, unitPriceCents: 5 },
      ],
      discountBasisPoints: 1_250,
      taxRateBasisPoints: 1_950,
    });
    // 3 × 19.99 + 0.05 = 60.02; 12.5 % of 60.02 = 7.5025 → 7.50; tax 19.5 % of 52.52 = 10.2414 → 10.24.
    expect(draft).toMatchObject({
      status: 'draft',
      number: null,
      subtotalCents: 6_002,
      discountCents: 750,
      discountBasisPoints: 1_250,
      taxCents: 1_024,
      totalCents: 6_276,
      paidCents: 0,
      outstandingCents: 6_276,
    });
    expect(draft.items.map((item: { lineTotalCents: number }) => item.lineTotalCents)).toEqual([5_997, 5]);
    expect(draft.items[0].serviceCode).toBe('LAB-CBC');
    expect(draft.items[1].serviceCode).toBeNull();
  });

  it('refuses a fixed discount above the subtotal and a discount given both ways', async () => {
    const tooMuch = await api(t, finance, 'POST', '/api/v1/invoices', {
      patientId,
      items: [CONSULTATION],
      discountCents: 10_001,
    });
    expect(tooMuch.statusCode).toBe(400);
    const both = await api(t, finance, 'POST', '/api/v1/invoices', {
      patientId,
      items: [CONSULTATION],
      discountCents: 1,
      discountBasisPoints: 1,
    });
    expect(both.statusCode).toBe(400);
    expect(both.json().errors[0].field).toBe('discountBasisPoints');
    const fractional = await api(t, finance, 'POST', '/api/v1/invoices', {
      patientId,
      items: [{ ...CONSULTATION, unitPriceCents: 10.5 }],
    });
    expect(fractional.statusCode).toBe(400);
  });

  it('edits a draft with If-Match, then fixes it on issue: an issued invoice is never edited', async () => {
    const draft = await createDraft(t, finance, patientId);
    const stale = await api(
      t,
      finance,
      'PATCH',
      `/api/v1/invoices/${draft.id}`,
      { taxRateBasisPoints: 1000 },
      {
        'if-match': '"99"',
      },
    );
    expect(stale.statusCode).toBe(412);
    const edited = await api(
      t,
      finance,
      'PATCH',
      `/api/v1/invoices/${draft.id}`,
      { items: [{ ...CONSULTATION, quantity: 2 }], taxRateBasisPoints: 1000 },
      { 'if-match': `"${draft.version}"` },
    );
    expect(edited.statusCode).toBe(200);
    expect(edited.json()).toMatchObject({ subtotalCents: 20_000, taxCents: 2_000, totalCents: 22_000 });

    const issued = await issue(t, finance, draft.id);
    expect(issued.status).toBe('issued');
    expect(issued.number).toMatch(/^INV-\d{4}-\d{6}$/);
    expect(issued.number.slice(4, 8)).toBe(issued.issueDate.slice(0, 4));
    const refused = await api(
      t,
      finance,
      'PATCH',
      `/api/v1/invoices/${draft.id}`,
      { notes: 'changed after issue' },
      { 'if-match': `"${issued.version}"` },
    );
    expect(refused.statusCode).toBe(409);
    const again = await api(t, finance, 'POST', `/api/v1/invoices/${draft.id}/issue`);
    expect(again.statusCode).toBe(409);
    // The database guards it too, whoever writes.
    await expect(
      t.database.db.query('UPDATE invoices SET total_cents = 1, subtotal_cents = 1 WHERE id = $1', [
        draft.id,
      ]),
    ).rejects.toThrow(/cannot be edited/);
    expect((await getInvoice(t, finance, draft.id)).totalCents).toBe(22_000);
  });

  it('numbers issued invoices one after another without gaps, also when issued concurrently', async () => {
    const drafts = await Promise.all(Array.from({ length: 8 }, () => createDraft(t, finance, patientId)));
    const responses = await Promise.all(
      drafts.map((draft) => api(t, finance, 'POST', `/api/v1/invoices/${draft.id}/issue`)),
    );
    expect(responses.map((response) => response.statusCode)).toEqual(Array(8).fill(200));
    const year = responses[0]!.json().issueDate.slice(0, 4);
    const all = await t.database.db.query<{ number: string }>(
      `SELECT number FROM invoices WHERE number LIKE $1 ORDER BY number`,
      [`INV-${year}-%`],
    );
    const sequence = all.rows.map((row) => Number(row.number.slice(-6)));
    expect(sequence).toEqual(Array.from({ length: sequence.length }, (_, index) => index + 1));
    expect(new Set(responses.map((response) => response.json().number)).size).toBe(8);
  });

  it('starts each year at 000001 and gives back a number whose issuing failed', async () => {
    await t.database.db.query(
      `INSERT INTO document_counters (kind, year, last_number) VALUES ('invoice', 2001, 41)`,
    );
    const taken = await t.database.db.transaction(async (tx) => {
      return [await nextDocumentNumber(tx, 'invoice', 2001), await nextDocumentNumber(tx, 'invoice', 2002)];
    });
    expect(taken).toEqual(['INV-2001-000042', 'INV-2002-000001']);
    const rolledBack = t.database.db.transaction(async (tx) => {
      await nextDocumentNumber(tx, 'invoice', 2001);
      throw new Error('the issuing failed after taking a number');
    });
    await expect(rolledBack).rejects.toThrow('issuing failed');
    const next = await t.database.db.transaction(async (tx) => {
      return nextDocumentNumber(tx, 'invoice', 2001);
    });
    expect(next).toBe('INV-2001-000043');
  });

  it('voids with a reason only once nothing is paid, and reissues the void invoice as a new draft copy', async () => {
    const invoice = await issuedInvoice(t, finance, patientId, {
      items: [
        CONSULTATION,
        { serviceCode: 'XR-CHEST', description: 'Chest X-ray', quantity: 1, unitPriceCents: 7_550 },
      ],
      discountCents: 550,
      taxRateBasisPoints: 500,
    });
    const paid = await pay(t, finance, invoice.id, 5_000);
    expect(paid.statusCode).toBe(201);
    const blocked = await api(t, finance, 'POST', `/api/v1/invoices/${invoice.id}/void`, {
      reason: 'Wrong tariff',
    });
    expect(blocked.statusCode).toBe(409);
    expect(blocked.json().detail).toMatch(/refund/);
    expect((await refund(t, finance, paid.json().id, 5_000)).statusCode).toBe(201);
    const noReason = await api(t, finance, 'POST', `/api/v1/invoices/${invoice.id}/void`, { reason: '  ' });
    expect(noReason.statusCode).toBe(400);

    const voided = await api(t, finance, 'POST', `/api/v1/invoices/${invoice.id}/void`, {
      reason: 'Wrong tariff',
    });
    expect(voided.statusCode).toBe(200);
    expect(voided.json()).toMatchObject({
      status: 'void',
      voidReason: 'Wrong tariff',
      number: invoice.number,
    });
    expect((await pay(t, finance, invoice.id, 100)).statusCode).toBe(409);

    const copy = await api(t, finance, 'POST', `/api/v1/invoices/${invoice.id}/reissue`);
    expect(copy.statusCode).toBe(201);
    const draft = copy.json();
    expect(draft).toMatchObject({
      status: 'draft',
      number: null,
      patientId,
      replacesInvoiceId: invoice.id,
      subtotalCents: invoice.subtotalCents,
      discountCents: 550,
      taxCents: invoice.taxCents,
      totalCents: invoice.totalCents,
    });
    expect(draft.items.map((item: { serviceCode: string }) => item.serviceCode)).toEqual([
      'CONS-GP',
      'XR-CHEST',
    ]);
    expect((await getInvoice(t, finance, invoice.id)).replacedByInvoiceId).toBe(draft.id);
    expect((await api(t, finance, 'POST', `/api/v1/invoices/${invoice.id}/reissue`)).statusCode).toBe(409);
    const reissued = await issue(t, finance, draft.id);
    expect(reissued.number).not.toBe(invoice.number);
    expect(await auditActions(t, patientId)).toEqual(
      expect.arrayContaining(['INVOICE_CREATED', 'INVOICE_ISSUED', 'INVOICE_VOIDED', 'INVOICE_REISSUED']),
    );
  });

  it('creates one draft for one Idempotency-Key, replaying the first answer', async () => {
    const body = { patientId, items: [CONSULTATION] };
    const headers = { 'idempotency-key': `invoice-${kind}-1` };
    const first = await api(t, finance, 'POST', '/api/v1/invoices', body, headers);
    const second = await api(t, finance, 'POST', '/api/v1/invoices', body, headers);
    expect(first.statusCode).toBe(201);
    expect(second.statusCode).toBe(201);
    expect(second.headers['idempotent-replayed']).toBe('true');
    expect(second.json().id).toBe(first.json().id);
  });

  it("books the revenue to the appointment doctor's department unless one is named", async () => {
    const admin = await t.adminToken();
    const { department, doctor, patient } = await schedulingFixture(t, admin);
    const booked = await bookAppointment(t, admin, {
      patientId: patient.id,
      doctorId: doctor.id,
      start: '2030-07-15T09:00:00Z',
      end: '2030-07-15T09:30:00Z',
    });
    expect(booked.statusCode).toBe(201);
    const draft = await createDraft(t, finance, patient.id, { appointmentId: booked.json().id });
    expect(draft.departmentId).toBe(department.id);
    expect(draft.appointmentId).toBe(booked.json().id);
    const otherPatient = await api(t, finance, 'POST', '/api/v1/invoices', {
      patientId,
      items: [CONSULTATION],
      appointmentId: booked.json().id,
    });
    expect(otherPatient.statusCode).toBe(400);
  });

  it('lists invoices by patient and status with whose they are, audited with the patient', async () => {
    const other = (await registerPatient(t, staff)).id;
    const issued = await issuedInvoice(t, finance, other);
    await createDraft(t, finance, other);
    const listed = await api(t, finance, 'GET', `/api/v1/invoices?patientId=${other}&status=issued`);
    expect(listed.statusCode).toBe(200);
    expect(listed.json().items.map((invoice: { id: string }) => invoice.id)).toEqual([issued.id]);
    expect(listed.json().total).toBe(1);
    const patient = await api(t, finance, 'GET', `/api/v1/patients/${other}`);
    expect(listed.json().items[0]).toMatchObject({
      patientId: other,
      patientName: patient.json().name,
      patientMrn: patient.json().mrn,
    });
    expect(await auditActions(t, other)).toContain('INVOICES_LISTED');
  });
});
