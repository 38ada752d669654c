import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  addCoverage,
  api,
  CONSULTATION,
  getInvoice,
  issuedInvoice,
  pay,
} from '../../../tests/support/billing-factories.js';
import { auditActions, registerPatient } from '../../../tests/support/clinical-factories.js';
import { DATABASE_KINDS } from '../../../tests/support/databases.js';
import { buildTestApp, type TestApp } from '../../../tests/support/test-app.js';

describe.each(DATABASE_KINDS)('insurance claims on %s', (kind) => {
  let t: TestApp;
  let finance: string;
  let staff: string;

  beforeAll(async () => {
    t = await buildTestApp(kind);
    finance = await t.userToken('finance');
    staff = await t.userToken('staff');
  });
  afterAll(async () => t?.close());

  async function claimStep(claimId: string, step: string, body?: Record<string, unknown>) {
    return api(t, finance, 'POST', `/api/v1/claims/${claimId}/${step}`, body);
  }

  it('takes a claim through review, rejection, appeal, partial approval and payment posted to the invoice', async () => {
    const patient = (await registerPatient(t, staff)).id;
    const coverage = await addCoverage(t, finance, patient, { coverageBasisPoints: 8_000 });
    const invoice = await issuedInvoice(t, finance, patient, {
      items: [{ ...CONSULTATION, unitPriceCents: 12_347 }],
    });
    const submitted = await api(t, finance, 'POST', '/api/v1/claims', { invoiceId: invoice.id });
    expect(submitted.statusCode).toBe(201);
    const claim = submitted.json();
    // 80 % of 123.47 = 98.776, rounded half up to whole cents.
    expect(claim).toMatchObject({
      status: 'submitted',
      claimedCents: 9_878,
      coverageId: coverage.id,
      payer: 'Acme Health',
      policyNumber: coverage.policyNumber,
      invoiceNumber: invoice.number,
      approvedCents: null,
    });
    expect(claim.claimNumber).toMatch(/^CLM-\d{4}-\d{6}$/);
    const duplicate = await api(t, finance, 'POST', '/api/v1/claims', { invoiceId: invoice.id });
    expect(duplicate.statusCode).toBe(409);

    expect((await claimStep(claim.id, 'payment', {})).statusCode).toBe(409);
    expect((await claimStep(claim.id, 'review')).json().status).toBe('in_review');
    const noReason = await claimStep(claim.id, 'decision', { outcome: 'rejected' });
    expect(noReason.statusCode).toBe(400);
    const rejected = await claimStep(claim.id, 'decision', {
      outcome: 'rejected',
      reason: 'Referral missing',
    });
    expect(rejected.json()).toMatchObject({ status: 'rejected', rejectionReason: 'Referral missing' });
    expect((await claimStep(claim.id, 'payment', {})).statusCode).toBe(409);

    const appealed = await claimStep(claim.id, 'appeal', { note: 'Referral letter attached' });
    expect(appealed.statusCode).toBe(200);
    expect(appealed.json()).toMatchObject({
      status: 'in_review',
      appealNote: 'Referral letter attached',
      appealCount: 1,
    });
    const tooMuch = await claimStep(claim.id, 'decision', {
      outcome: 'partially_approved',
      approvedCents: 9_878,
    });
    expect(tooMuch.statusCode).toBe(400);
    const partial = await claimStep(claim.id, 'decision', {
      outcome: 'partially_approved',
      approvedCents: 6_000,
    });
    expect(partial.json()).toMatchObject({ status: 'partially_approved', approvedCents: 6_000 });

    const paid = await claimStep(claim.id, 'payment', { reference: 'REMIT-778' });
    expect(paid.statusCode).toBe(200);
    expect(paid.json()).toMatchObject({ status: 'paid', paidCents: 6_000 });
    expect(paid.json().paymentId).toMatch(/^[0-9a-f-]{36}$/);
    expect(paid.json().events.map((event: { toStatus: string }) => event.toStatus)).toEqual([
      'submitted',
      'in_review',
      'rejected',
      'in_review',
      'partially_approved',
      'paid',
    ]);
    const payment = (await api(t, finance, 'GET', `/api/v1/payments/${paid.json().paymentId}`)).json();
    expect(payment).toMatchObject({
      method: 'insurance',
      amountCents: 6_000,
      claimId: claim.id,
      reference: 'REMIT-778',
    });
    expect(await getInvoice(t, finance, invoice.id)).toMatchObject({
      status: 'partially_paid',
      paidCents: 6_000,
      outstandingCents: 6_347,
    });
    expect((await claimStep(claim.id, 'appeal', { note: 'again' })).statusCode).toBe(409);
    expect(await auditActions(t, patient)).toEqual(
      expect.arrayContaining([
        'COVERAGE_ADDED',
        'CLAIM_SUBMITTED',
        'CLAIM_REVIEW_STARTED',
        'CLAIM_REJECTED',
        'CLAIM_APPEALED',
        'CLAIM_APPROVED',
        'CLAIM_PAID',
        'PAYMENT_RECORDED',
      ]),
    );
  });

  it('refuses to post a claim payment that is more than is now outstanding, leaving the claim approved', async () => {
    const patient = (await registerPatient(t, staff)).id;
    await addCoverage(t, finance, patient, { coverageBasisPoints: 10_000 });
    const invoice = await issuedInvoice(t, finance, patient);
    const claim = (await api(t, finance, 'POST', '/api/v1/claims', { invoiceId: invoice.id })).json();
    expect(claim.claimedCents).toBe(10_000);
    await claimStep(claim.id, 'review');
    await claimStep(claim.id, 'decision', { outcome: 'approved' });
    expect((await pay(t, finance, invoice.id, 2_000, 'cash')).statusCode).toBe(201);
    const refused = await claimStep(claim.id, 'payment', {});
    expect(refused.statusCode).toBe(409);
    const after = (await api(t, finance, 'GET', `/api/v1/claims/${claim.id}`)).json();
    expect(after).toMatchObject({ status: 'approved', paidCents: 0, paymentId: null });
    const partOfIt = await claimStep(claim.id, 'payment', { amountCents: 8_000 });
    expect(partOfIt.json()).toMatchObject({ status: 'paid', paidCents: 8_000 });
    expect((await getInvoice(t, finance, invoice.id)).status).toBe('paid');
  });

  it('checks eligibility against the validity dates, and refuses a claim the coverage does not cover', async () => {
    const patient = (await registerPatient(t, staff)).id;
    const none = (
      await api(t, finance, 'GET', `/api/v1/patients/${patient}/eligibility?date=2024-06-01`)
    ).json();
    expect(none).toMatchObject({
      eligible: false,
      reason: 'The patient has no insurance coverage on record.',
    });
    const badRange = await api(t, finance, 'POST', `/api/v1/patients/${patient}/coverages`, {
      provider: 'Acme Health',
      policyNumber: 'P-1',
      coverageBasisPoints: 5_000,
      validFrom: '2024-02-01',
      validTo: '2024-01-31',
    });
    expect(badRange.statusCode).toBe(400);
    const coverage = await addCoverage(t, finance, patient, {
      validFrom: '2024-01-01',
      validTo: '2024-12-31',
    });
    const inside = (
      await api(t, finance, 'GET', `/api/v1/patients/${patient}/eligibility?date=2024-12-31`)
    ).json();
    expect(inside.eligible).toBe(true);
    expect(inside.coverages.map((item: { id: string }) => item.id)).toEqual([coverage.id]);
    const after = (
      await api(t, finance, 'GET', `/api/v1/patients/${patient}/eligibility?date=2025-01-01`)
    ).json();
    expect(after).toMatchObject({ eligible: false, reason: 'No coverage is valid on 2025-01-01.' });

    const invoice = await issuedInvoice(t, finance, patient);
    const refused = await api(t, finance, 'POST', '/api/v1/claims', { invoiceId: invoice.id });
    expect(refused.statusCode).toBe(422);
    expect(refused.json().detail).toMatch(/not eligible/);

    const stale = await api(
      t,
      finance,
      'PATCH',
      `/api/v1/coverages/${coverage.id}`,
      { validTo: null },
      {
        'if-match': '"7"',
      },
    );
    expect(stale.statusCode).toBe(412);
    const extended = await api(
      t,
      finance,
      'PATCH',
      `/api/v1/coverages/${coverage.id}`,
      { validTo: null },
      {
        'if-match': `"${coverage.version}"`,
      },
    );
    expect(extended.json()).toMatchObject({ validTo: null, version: coverage.version + 1 });
    expect((await api(t, finance, 'POST', '/api/v1/claims', { invoiceId: invoice.id })).statusCode).toBe(201);
    expect(await auditActions(t, patient)).toEqual(
      expect.arrayContaining(['ELIGIBILITY_CHECKED', 'COVERAGE_UPDATED']),
    );
  });

  it("exports a payer's submitted claims as CSV, streamed page by page without duplicates", async () => {
    const payer = `Export Mutual ${kind}`;
    const patient = await registerPatient(t, staff);
    await addCoverage(t, finance, patient.id, { provider: payer });
    const claims = [];
    for (let index = 0; index < 3; index++) {
      const invoice = await issuedInvoice(t, finance, patient.id, {
        items: [{ ...CONSULTATION, serviceCode: `SVC-${index}` }],
      });
      claims.push((await api(t, finance, 'POST', '/api/v1/claims', { invoiceId: invoice.id })).json());
    }
    await claimStep(claims[2].id, 'review');
    const response = await api(
      t,
      finance,
      'GET',
      `/api/v1/claims/export?payer=${encodeURIComponent(payer.toUpperCase())}&status=submitted`,
    );
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toContain('text/csv');
    const rows = parse<Record<string, string>>(response.body, { columns: true });
    expect(rows.map((row) => row['claimNumber'])).toEqual([claims[0].claimNumber, claims[1].claimNumber]);
    expect(rows[0]).toMatchObject({
      payer,
      patientMrn: patient.mrn,
      patientName: patient.name,
      invoiceTotalCents: '10000',
      claimedCents: '8000',
      status: 'submitted',
      serviceCodes: 'SVC-0',
    });

    // Beyond one page (500): rejected claims may be many per invoice, so 1,234 of them on one invoice.
    await t.database.db.query(
      `INSERT INTO claims (claim_number, invoice_id, patient_id, coverage_id, payer, policy_number_encrypted,
         status, claimed_cents, rejection_reason)
       SELECT 'CLM-BULK-' || n, c.invoice_id, c.patient_id, c.coverage_id, c.payer, c.policy_number_encrypted,
              'rejected', 100, 'Not covered'
         FROM claims c, generate_series(1, 1234) AS n WHERE c.id = $1`,
      [claims[0].id],
    );
    const bulk = await api(
      t,
      finance,
      'GET',
      `/api/v1/claims/export?payer=${encodeURIComponent(payer)}&status=rejected`,
    );
    const bulkRows = parse<Record<string, string>>(bulk.body, { columns: true });
    expect(bulkRows).toHaveLength(1234);
    expect(new Set(bulkRows.map((row) => row['claimNumber'])).size).toBe(1234);
    const exported = await t.database.db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM audit_events WHERE action = 'CLAIMS_EXPORTED'`,
    );
    expect(exported.rows[0]!.n).toBe(2);
  });

  it('keeps claims to finance and admin: staff and doctors may not read or write them', async () => {
    const patient = (await registerPatient(t, staff)).id;
    const doctor = await t.userToken('doctor');
    for (const token of [staff, doctor]) {
      expect((await api(t, token, 'GET', '/api/v1/claims')).statusCode).toBe(403);
      expect((await api(t, token, 'GET', `/api/v1/patients/${patient}/coverages`)).statusCode).toBe(403);
      const added = await api(t, token, 'POST', `/api/v1/patients/${patient}/coverages`, {
        provider: 'Acme Health',
        policyNumber: 'X',
        coverageBasisPoints: 100,
        validFrom: '2024-01-01',
      });
      expect(added.statusCode).toBe(403);
    }
    expect((await api(t, await t.adminToken(), 'GET', '/api/v1/claims')).statusCode).toBe(200);
  });
});
