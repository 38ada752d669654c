import { PDFParse } from 'pdf-parse';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  api,
  CONSULTATION,
  createDraft,
  getInvoice,
  issuedInvoice,
  pay,
  refund,
} from '../../../tests/support/billing-factories.js';
import { auditActions, registerPatient } from '../../../tests/support/clinical-factories.js';
import { DATABASE_KINDS } from '../../../tests/support/databases.js';
import { buildTestApp, type TestApp } from '../../../tests/support/test-app.js';

async function pdfText(buffer: Buffer): Promise<string> {
  const parser = new PDFParse({ data: buffer });
  try {
    return (await parser.getText()).text;
  } finally {
    await parser.destroy();
  }
}

describe.each(DATABASE_KINDS)('payments on %s', (kind) => {
  let t: TestApp;
  let finance: string;
  let staff: string;
  let patientId: string;

  beforeAll(async () => {
    t = await buildTestApp(kind);
    finance = await t.userToken('finance', `cashier-${kind}`);
    staff = await t.userToken('staff');
    patientId = (await registerPatient(t, staff)).id;
  });
  afterAll(async () => t?.close());

  it('takes partial payments up to the outstanding amount and refuses one cent more with 409', async () => {
    const invoice = await issuedInvoice(t, finance, patientId);
    const first = await pay(t, finance, invoice.id, 4_000, 'card');
    expect(first.statusCode).toBe(201);
    expect(first.json()).toMatchObject({
      amountCents: 4_000,
      method: 'card',
      patientId,
      refundableCents: 4_000,
      invoice: { status: 'partially_paid', paidCents: 4_000, outstandingCents: 6_000 },
    });
    expect(first.json().receiptNumber).toMatch(/^RCP-\d{4}-\d{6}$/);
    const over = await pay(t, finance, invoice.id, 6_001);
    expect(over.statusCode).toBe(409);
    expect(over.headers['content-type']).toContain('application/problem+json');
    expect(over.json().detail).toMatch(/6000 cents outstanding/);
    const rest = await pay(t, finance, invoice.id, 6_000, 'bank_transfer');
    expect(rest.statusCode).toBe(201);
    expect(rest.json().invoice).toMatchObject({ status: 'paid', outstandingCents: 0 });
    expect((await pay(t, finance, invoice.id, 1)).statusCode).toBe(409);
    expect(await auditActions(t, patientId)).toContain('PAYMENT_RECORDED');
  });

  it('refuses payments on a draft, and names an unknown invoice as a bad field', async () => {
    const draft = await createDraft(t, finance, patientId);
    expect((await pay(t, finance, draft.id, 100)).statusCode).toBe(409);
    const unknown = await pay(t, finance, '00000000-0000-4000-8000-000000000000', 100);
    expect(unknown.statusCode).toBe(400);
    expect(unknown.json().errors[0].field).toBe('invoiceId');
    const badMethod = await pay(t, finance, draft.id, 100, 'cheque');
    expect(badMethod.statusCode).toBe(400);
    const fractional = await api(t, finance, 'POST', '/api/v1/payments', {
      invoiceId: draft.id,
      amountCents: 10.5,
      method: 'cash',
    });
    expect(fractional.statusCode).toBe(400);
  });

  it('records a payment once per Idempotency-Key, even when the retry would now overpay', async () => {
    const invoice = await issuedInvoice(t, finance, patientId);
    const headers = { 'idempotency-key': `pay-${kind}-full` };
    const first = await pay(t, finance, invoice.id, 10_000, 'cash', headers);
    const retry = await pay(t, finance, invoice.id, 10_000, 'cash', headers);
    expect(first.statusCode).toBe(201);
    expect(retry.statusCode).toBe(201);
    expect(retry.headers['idempotent-replayed']).toBe('true');
    expect(retry.json().id).toBe(first.json().id);
    const stored = await t.database.db.query<{ n: number }>(
      'SELECT count(*)::int AS n FROM payments WHERE invoice_id = $1',
      [invoice.id],
    );
    expect(stored.rows[0]!.n).toBe(1);
    const reused = await pay(t, finance, invoice.id, 5, 'cash', headers);
    expect(reused.statusCode).toBe(422);
  });

  it('refunds never more than was paid; a refund reopens what is outstanding', async () => {
    const invoice = await issuedInvoice(t, finance, patientId);
    const payment = (await pay(t, finance, invoice.id, 10_000)).json();
    const tooMuch = await refund(t, finance, payment.id, 10_001);
    expect(tooMuch.statusCode).toBe(409);
    const part = await refund(t, finance, payment.id, 2_500, 'Duplicate charge for dressing');
    expect(part.statusCode).toBe(201);
    expect(part.json()).toMatchObject({
      amountCents: 2_500,
      reason: 'Duplicate charge for dressing',
      payment: {
        refundedCents: 2_500,
        refundableCents: 7_500,
        invoice: { status: 'partially_paid', outstandingCents: 2_500 },
      },
    });
    expect((await refund(t, finance, payment.id, 7_501)).statusCode).toBe(409);
    expect((await refund(t, finance, payment.id, 7_500)).statusCode).toBe(201);
    expect((await refund(t, finance, payment.id, 1)).statusCode).toBe(409);
    const after = await getInvoice(t, finance, invoice.id);
    expect(after).toMatchObject({ status: 'issued', paidCents: 0, outstandingCents: 10_000 });
    expect(await auditActions(t, patientId)).toContain('PAYMENT_REFUNDED');
  });

  it('backs the rule with the database: an overpaying row is refused whoever inserts it', async () => {
    const invoice = await issuedInvoice(t, finance, patientId);
    await expect(
      t.database.db.query(
        `INSERT INTO payments (receipt_number, invoice_id, patient_id, amount_cents, method)
         VALUES ('RCP-TEST-1', $1, $2, 10001, 'cash')`,
        [invoice.id, patientId],
      ),
    ).rejects.toThrow(/invoices_never_overpaid/);
    await expect(t.database.db.query('DELETE FROM payment_refunds')).rejects.toThrow(/append-only/);
  });

  it('gives a receipt as JSON and as a PDF with the MediSys header, amounts and page numbers', async () => {
    const invoice = await issuedInvoice(t, finance, patientId, {
      items: [{ ...CONSULTATION, unitPriceCents: 123_456 }],
    });
    const payment = (await pay(t, finance, invoice.id, 100_000, 'card')).json();
    await refund(t, finance, payment.id, 1_050, 'Parking voucher');
    const json = await api(t, staff, 'GET', `/api/v1/payments/${payment.id}/receipt`);
    expect(json.statusCode).toBe(200);
    expect(json.json()).toMatchObject({
      receiptNumber: payment.receiptNumber,
      payment: { id: payment.id, amountCents: 100_000, refundedCents: 1_050 },
      invoice: { number: invoice.number, totalCents: 123_456, outstandingCents: 24_506 },
      patient: { id: patientId },
    });
    expect(json.json().refunds).toHaveLength(1);

    const pdf = await api(t, staff, 'GET', `/api/v1/payments/${payment.id}/receipt?format=pdf`);
    expect(pdf.statusCode).toBe(200);
    expect(pdf.headers['content-type']).toBe('application/pdf');
    expect(pdf.rawPayload.subarray(0, 5).toString()).toBe('%PDF-');
    const text = await pdfText(pdf.rawPayload);
    expect(text).toContain('MediSys');
    expect(text).toContain(`Receipt ${payment.receiptNumber}`);
    expect(text).toContain('Amount received: 1,000.00');
    expect(text).toContain('1,234.56');
    expect(text).toContain('245.06');
    expect(text).toContain('Parking voucher');
    expect(text).toContain('Page 1 of 1');
    expect(await auditActions(t, patientId)).toContain('RECEIPT_VIEWED');
  });

  it("states the patient's balance, and a statement whose closing balance is that balance", async () => {
    const patient = (await registerPatient(t, staff)).id;
    const first = await issuedInvoice(t, finance, patient);
    const second = await issuedInvoice(t, finance, patient, {
      items: [{ ...CONSULTATION, unitPriceCents: 2_500 }],
    });
    await createDraft(t, finance, patient);
    const payment = (await pay(t, finance, first.id, 7_000)).json();
    await refund(t, finance, payment.id, 1_000, 'Goodwill');
    await pay(t, finance, second.id, 2_500, 'insurance');

    const balance = await api(t, staff, 'GET', `/api/v1/patients/${patient}/balance`);
    expect(balance.statusCode).toBe(200);
    expect(balance.json()).toEqual({
      patientId: patient,
      invoicedCents: 12_500,
      paidCents: 8_500,
      outstandingCents: 4_000,
      openInvoiceCount: 1,
    });
    const statement = (await api(t, staff, 'GET', `/api/v1/patients/${patient}/statement`)).json();
    expect(statement.openingBalanceCents).toBe(0);
    expect(statement.lines.map((line: { kind: string }) => line.kind).sort()).toEqual(
      ['invoice', 'invoice', 'payment', 'payment', 'refund'].sort(),
    );
    expect(statement.totalDebitsCents).toBe(13_500);
    expect(statement.totalCreditsCents).toBe(9_500);
    expect(statement.closingBalanceCents).toBe(4_000);
    expect(statement.lines.at(-1).balanceCents).toBe(4_000);

    const tomorrow = new Date(Date.now() + 86_400_000).toISOString().slice(0, 10);
    const later = (
      await api(t, staff, 'GET', `/api/v1/patients/${patient}/statement?from=${tomorrow}&to=${tomorrow}`)
    ).json();
    expect(later).toMatchObject({ openingBalanceCents: 4_000, lines: [], closingBalanceCents: 4_000 });
    expect(await auditActions(t, patient)).toEqual(
      expect.arrayContaining(['BALANCE_VIEWED', 'STATEMENT_VIEWED']),
    );
  });

  it('lets staff read billing but not write it, and keeps doctors out of billing', async () => {
    const invoice = await issuedInvoice(t, finance, patientId);
    expect((await api(t, staff, 'GET', `/api/v1/invoices/${invoice.id}`)).statusCode).toBe(200);
    const staffCreates = await api(t, staff, 'POST', '/api/v1/invoices', {
      patientId,
      items: [CONSULTATION],
    });
    expect(staffCreates.statusCode).toBe(403);
    expect((await pay(t, staff, invoice.id, 100)).statusCode).toBe(403);
    const doctor = await t.userToken('doctor');
    expect((await api(t, doctor, 'GET', `/api/v1/invoices/${invoice.id}`)).statusCode).toBe(403);
    expect((await api(t, doctor, 'GET', `/api/v1/patients/${patientId}/balance`)).statusCode).toBe(403);
    const admin = await t.adminToken();
    expect((await pay(t, admin, invoice.id, 100)).statusCode).toBe(201);
  });
});
