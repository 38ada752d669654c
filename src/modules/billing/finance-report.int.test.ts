import { parse } from 'csv-parse/sync';
import { PDFParse } from 'pdf-parse';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  api,
  backdateInvoice,
  backdatePayment,
  backdateRefund,
  issuedInvoice,
  pay,
  refund,
} from '../../../tests/support/billing-factories.js';
import { registerPatient } from '../../../tests/support/clinical-factories.js';
import { DATABASE_KINDS } from '../../../tests/support/databases.js';
import { createDepartment } from '../../../tests/support/scheduling-factories.js';
import { buildTestApp, type TestApp } from '../../../tests/support/test-app.js';

async function pdfText(buffer: Buffer): Promise<{ text: string; pages: number }> {
  const parser = new PDFParse({ data: buffer });
  try {
    const result = await parser.getText();
    return { text: result.text, pages: result.total };
  } finally {
    await parser.destroy();
  }
}

const PERIOD = 'from=2025-01-01&to=2025-03-31';

/** Every CSV cell back to what the JSON holds: integers for counts and cents, null for empty cells. */
function typed(row: Record<string, string>): Record<string, string | number | null> {
  const result: Record<string, string | number | null> = {};
  for (const [key, value] of Object.entries(row)) {
    if (key === 'section') continue;
    result[key] =
      value === ''
        ? null
        : /^-?\d+$/.test(value) && !['period', 'bucket'].includes(key)
          ? Number(value)
          : value;
  }
  return result;
}

describe.each(DATABASE_KINDS)('finance report on %s', (kind) => {
  let t: TestApp;
  let finance: string;
  let departmentA: { id: string; code: string; name: string };
  let departmentB: { id: string; code: string; name: string };

  beforeAll(async () => {
    t = await buildTestApp(kind);
    finance = await t.userToken('finance', `finance-reporter-${kind}`);
    const admin = await t.adminToken();
    const staff = await t.userToken('staff');
    departmentA = await createDepartment(t, admin, { name: 'Cardiology' });
    departmentB = await createDepartment(t, admin, { name: 'Radiology' });
    const patient = (await registerPatient(t, staff)).id;
    const other = (await registerPatient(t, staff)).id;

    // In January, department A: 150.00 + 10 % tax, paid in full by card, 15.00 refunded in March.
    const first = await issuedInvoice(t, finance, patient, {
      departmentId: departmentA.id,
      items: [
        { serviceCode: 'CONS-GP', description: 'Consultation', quantity: 1, unitPriceCents: 10_000 },
        { serviceCode: 'LAB-CBC', description: 'Blood count', quantity: 2, unitPriceCents: 2_500 },
      ],
      taxRateBasisPoints: 1_000,
    });
    await backdateInvoice(t, first.id, '2025-01-10');
    const firstPayment = (await pay(t, finance, first.id, 16_500, 'card')).json();
    await backdatePayment(t, firstPayment.id, '2025-01-10T15:00:00Z');
    const refunded = (await refund(t, finance, firstPayment.id, 1_500, 'Lab test not done')).json();
    await backdateRefund(t, refunded.id, '2025-03-05T10:00:00Z');

    // In February, department B: 75.50 less 5.50 discount, 50.00 paid by the insurer.
    const second = await issuedInvoice(t, finance, other, {
      departmentId: departmentB.id,
      items: [{ serviceCode: 'XR-CHEST', description: 'Chest X-ray', quantity: 1, unitPriceCents: 7_550 }],
      discountCents: 550,
    });
    await backdateInvoice(t, second.id, '2025-02-15');
    const insurer = (await pay(t, finance, second.id, 5_000, 'insurance')).json();
    await backdatePayment(t, insurer.id, '2025-02-20T09:00:00Z');

    // Before the period, no department: 100.00 never paid (ages into 90+).
    const old = await issuedInvoice(t, finance, patient);
    await backdateInvoice(t, old.id, '2024-11-01');

    // In March, department A: a voided invoice (left out) and 30.00 paid only after the period.
    const voided = await issuedInvoice(t, finance, patient, { departmentId: departmentA.id });
    await backdateInvoice(t, voided.id, '2025-03-20');
    await api(t, finance, 'POST', `/api/v1/invoices/${voided.id}/void`, { reason: 'Wrong patient' });
    const late = await issuedInvoice(t, finance, other, {
      departmentId: departmentA.id,
      items: [{ serviceCode: 'CONS-GP', description: 'Consultation', quantity: 1, unitPriceCents: 3_000 }],
    });
    await backdateInvoice(t, late.id, '2025-03-25');
    const afterPeriod = (await pay(t, finance, late.id, 3_000, 'cash')).json();
    await backdatePayment(t, afterPeriod.id, '2025-04-10T09:00:00Z');
  });
  afterAll(async () => t?.close());

  async function report(query: string, token = finance) {
    return api(t, token, 'GET', `/api/v1/reports/finance?${query}`);
  }

  it('gives revenue by month, department and service, payer mix and ageing as JSON', async () => {
    const response = await report(PERIOD);
    expect(response.statusCode).toBe(200);
    const body = response.json();
    expect(body).toMatchObject({
      report: 'finance',
      filters: {
        from: '2025-01-01',
        to: '2025-03-31',
        timeZone: 'UTC',
        groupBy: 'month',
        departmentId: null,
      },
      generatedBy: `finance-reporter-${kind}`,
    });
    expect(body.totals).toEqual({
      invoiceCount: 3,
      subtotalCents: 25_550,
      discountCents: 550,
      revenueCents: 25_000,
      taxCents: 1_500,
      invoicedCents: 26_500,
      paymentsCents: 21_500,
      refundsCents: 1_500,
      collectedCents: 20_000,
      insuranceCollectedCents: 5_000,
      selfPayCollectedCents: 15_000,
      outstandingInvoiceCount: 4,
      outstandingCents: 16_500,
    });
    expect(body.revenueByPeriod.map((row: any) => [row.period, row.invoiceCount, row.revenueCents])).toEqual([
      ['2025-01', 1, 15_000],
      ['2025-02', 1, 7_000],
      ['2025-03', 1, 3_000],
    ]);
    expect(
      body.revenueByDepartment.map((row: any) => [row.departmentName, row.invoiceCount, row.revenueCents]),
    ).toEqual([
      ['Cardiology', 2, 18_000],
      ['Radiology', 1, 7_000],
    ]);
    expect(body.revenueByService.map((row: any) => [row.serviceCode, row.quantity, row.grossCents])).toEqual([
      ['CONS-GP', 2, 13_000],
      ['LAB-CBC', 2, 5_000],
      ['XR-CHEST', 1, 7_550],
    ]);
    expect(body.payerMix).toEqual([
      {
        payer: 'insurance',
        paymentCount: 1,
        paymentsCents: 5_000,
        refundCount: 0,
        refundsCents: 0,
        netCents: 5_000,
      },
      {
        payer: 'self_pay',
        paymentCount: 1,
        paymentsCents: 16_500,
        refundCount: 1,
        refundsCents: 1_500,
        netCents: 15_000,
      },
    ]);
    expect(body.ageing).toEqual([
      { bucket: '0-30', invoiceCount: 1, outstandingCents: 3_000 },
      { bucket: '31-60', invoiceCount: 1, outstandingCents: 2_000 },
      { bucket: '61-90', invoiceCount: 1, outstandingCents: 1_500 },
      { bucket: '90+', invoiceCount: 1, outstandingCents: 10_000 },
    ]);
  });

  it('groups by day and narrows to one department', async () => {
    const daily = (await report(`${PERIOD}&groupBy=day`)).json();
    expect(daily.revenueByPeriod.map((row: any) => row.period)).toEqual([
      '2025-01-10',
      '2025-02-15',
      '2025-03-25',
    ]);
    const cardiology = (await report(`${PERIOD}&departmentId=${departmentA.id}`)).json();
    expect(cardiology.filters.departmentName).toBe('Cardiology');
    expect(cardiology.totals).toMatchObject({
      invoiceCount: 2,
      revenueCents: 18_000,
      collectedCents: 15_000,
      insuranceCollectedCents: 0,
      outstandingCents: 4_500,
    });
    const unknown = await report(`${PERIOD}&departmentId=00000000-0000-4000-8000-000000000000`);
    expect(unknown.statusCode).toBe(404);
    expect((await report('from=2025-03-01&to=2025-02-01')).statusCode).toBe(400);
  });

  it('streams a CSV that parses back to the same figures as the JSON', async () => {
    const json = (await report(PERIOD)).json();
    const response = await report(`${PERIOD}&format=csv`);
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toContain('text/csv');
    expect(response.headers['content-disposition']).toContain('finance-2025-01-01-to-2025-03-31.csv');
    const rows = parse<Record<string, string>>(response.body, { columns: true });
    const sections = [
      'totals',
      'revenueByPeriod',
      'revenueByDepartment',
      'revenueByService',
      'payerMix',
      'ageing',
    ];
    expect([...new Set(rows.map((row) => row['section']))]).toEqual(sections);
    for (const section of sections) {
      const expected = Array.isArray(json[section]) ? json[section] : [json[section]];
      const parsed = rows.filter((row) => row['section'] === section).map(typed);
      expect(parsed).toHaveLength(expected.length);
      parsed.forEach((row, index) => {
        for (const [key, value] of Object.entries(expected[index]))
          expect(row[key], `${section}.${key}`).toEqual(value);
      });
    }
  });

  it('renders a PDF with the MediSys header, filters, the same totals, page numbers and who generated it', async () => {
    const response = await report(`${PERIOD}&format=pdf`);
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toBe('application/pdf');
    const { text, pages } = await pdfText(response.rawPayload);
    expect(text).toContain('MediSys');
    expect(text).toContain('Finance report');
    expect(text).toContain('Period: 2025-01-01 to 2025-03-31 (UTC), revenue by month');
    expect(text).toContain('Department: All departments');
    expect(text).toContain(`Generated by finance-reporter-${kind}`);
    expect(text).toContain(`Page 1 of ${pages}`);
    for (const [label, amount] of [
      ['Revenue (after discounts, before tax)', '250.00'],
      ['Invoiced (revenue + tax)', '265.00'],
      ['Collected (payments - refunds)', '200.00'],
      ['Collected from insurance', '50.00'],
      ['Outstanding at end of period', '165.00'],
    ] as const) {
      expect(text).toMatch(new RegExp(`${label.replace(/[()+]/g, '\\$&')}\\s+${amount.replace('.', '\\.')}`));
    }
    expect(text).toContain('Cardiology');
    expect(text).toContain('XR-CHEST');
    expect(text).toContain('90+');
  });

  it('is for finance and admin only: doctors and department heads get 403 from the service, recorded', async () => {
    const doctor = await t.userToken('doctor');
    const head = await t.userToken('department_head');
    for (const token of [doctor, head]) {
      const refused = await report(PERIOD, token);
      expect(refused.statusCode).toBe(403);
      expect(refused.json().detail).toMatch(/finance and admin/);
    }
    expect((await report(PERIOD, await t.userToken('staff'))).statusCode).toBe(403);
    expect((await report(PERIOD, await t.adminToken())).statusCode).toBe(200);
    const denied = await t.database.db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM audit_events WHERE action = 'ACCESS_DENIED' AND details->>'report' = 'finance'`,
    );
    expect(denied.rows[0]!.n).toBe(2);
    const generated = await t.database.db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM audit_events WHERE action = 'REPORT_GENERATED' AND details->>'report' = 'finance'`,
    );
    expect(generated.rows[0]!.n).toBeGreaterThan(0);
  });
});
