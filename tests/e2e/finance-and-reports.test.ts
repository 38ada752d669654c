import { readFileSync } from 'node:fs';
import type { Locator, Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { chromiumAvailable } from './browser.js';
import { useBrowserSuite } from './harness.js';
import { checkPage, field, navigationLinks, signIn } from './support.js';

const ADMIN_PASSWORD = 'ward rounds at dawn 2024';
const FINANCE_PASSWORD = 'ledgers balance on friday';
const PATIENT_NAME = 'Grace Brewster Hopper';

/** Clicks `button` and reads the file the page downloads as a result. */
async function downloaded(page: Page, button: Locator): Promise<{ name: string; content: Buffer }> {
  const [download] = await Promise.all([page.waitForEvent('download'), button.click()]);
  const file = await download.path();
  return { name: download.suggestedFilename(), content: readFileSync(file) };
}

/**
 * Billing and reports in Chromium against a real `medisys serve` (embedded database): finance bills a
 * patient, issues the invoice, takes a payment that settles it and downloads the receipt; then
 * previews a report and downloads it as CSV and PDF with the session cookie. Every page passes axe
 * and is saved as a screenshot; no page breaks the Content-Security-Policy.
 */
describe.skipIf(!chromiumAvailable())('finance and reports in a browser', () => {
  const suite = useBrowserSuite({
    name: 'finance',
    adminPassword: ADMIN_PASSWORD,
    env: { MEDISYS_SECURITY_THROTTLE_LOGIN_PER_ADDRESS: '500' },
    signInAdmin: true,
  });
  let patientId = '';
  let page: Page;

  beforeAll(async () => {
    suite.keepAdminSessionAlive();
    await suite.createUser('fiona', FINANCE_PASSWORD, 'finance');
    patientId = (await suite.created('/api/v1/patients', { name: PATIENT_NAME, dateOfBirth: '1946-12-09' }))
      .id;
    page = await suite.userPage('fiona');
  });

  it(
    'lets finance bill a patient, issue the invoice, settle it with a payment and download the receipt',
    { timeout: 180_000 },
    async () => {
      await signIn(page, 'fiona', FINANCE_PASSWORD);
      await page.getByRole('heading', { name: 'Dashboard' }).waitFor();
      const links = await navigationLinks(page);
      expect(links.slice(links.indexOf('Invoices'), links.indexOf('Invoices') + 3)).toEqual([
        'Invoices',
        'Insurance claims',
        'Reports',
      ]);
      expect(links).not.toContain('Users and roles');

      await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Invoices' }).click();
      await page.getByRole('heading', { name: 'Invoices', level: 1 }).waitFor();
      await page.getByText('No invoice matches these filters.').waitFor();
      await checkPage(page, 'finance-invoices-empty');

      await page.getByRole('link', { name: 'New invoice' }).click();
      await page.getByRole('heading', { name: 'New invoice' }).waitFor();
      await page.getByRole('button', { name: 'Create draft' }).click();
      await page.getByText('Choose the patient to bill.').waitFor();
      await page.getByText('An amount such as 45.00.').waitFor();
      await checkPage(page, 'finance-new-invoice-errors');

      await page.getByRole('combobox', { name: 'Patient' }).fill('Hopper');
      await page.getByRole('option', { name: new RegExp(PATIENT_NAME) }).click();
      await field(page, 'Service code').fill('CONS-GP');
      await field(page, 'Description').fill('General practice consultation');
      await field(page, 'Quantity').fill('2');
      await field(page, 'Unit price').fill('45.00');
      await field(page, 'Tax %').fill('15');
      // 2 × 45.00 = 90.00; 15 % tax = 13.50; total 103.50, worked out in the browser as the server will.
      await expect
        .poll(() => page.getByTestId('invoice-totals').innerText())
        .toMatch(/Subtotal\s+90\.00[\s\S]*Tax\s+13\.50[\s\S]*Total\s+103\.50/);
      await checkPage(page, 'finance-new-invoice');
      await page.getByRole('button', { name: 'Create draft' }).click();

      await page.getByRole('heading', { name: /Draft invoice/ }).waitFor();
      expect(page.url()).toMatch(/\/finance\/invoices\/[0-9a-f-]{36}$/);
      await expect(page.getByTestId('invoice-totals').innerText()).resolves.toMatch(/Total\s+103\.50/);
      await checkPage(page, 'finance-invoice-draft');

      await page.getByRole('button', { name: 'Issue invoice' }).click();
      const issuedHeading = page.getByRole('heading', { name: /Invoice INV-\d{4}-\d{6}/ });
      await issuedHeading.waitFor();
      const invoiceNumber = /INV-\d{4}-\d{6}/.exec(await issuedHeading.innerText())![0];
      await page.getByText('No payments yet.').waitFor();
      await page.getByText('No insurance coverage on record').waitFor();
      await checkPage(page, 'finance-invoice-issued');

      await page.getByRole('button', { name: 'Record payment' }).click();
      const dialog = page.getByRole('dialog');
      await expect(field(dialog, 'Amount').inputValue()).resolves.toBe('103.50');
      await field(dialog, 'Reference').fill('Card slip 0042');
      await checkPage(page, 'finance-payment-dialog');
      await dialog.getByRole('button', { name: 'Record payment' }).click();
      await dialog.waitFor({ state: 'detached' });
      await expect.poll(() => page.getByTestId('outstanding').innerText()).toBe('0.00');
      await expect(page.getByRole('heading', { level: 1 }).innerText()).resolves.toMatch(/Paid/i);
      await expect(page.getByRole('button', { name: 'Record payment' }).count()).resolves.toBe(0);
      await page
        .getByTestId('payment-row')
        .getByText(/RCP-\d{4}-\d{6}/)
        .waitFor();
      await checkPage(page, 'finance-invoice-paid');

      await page.getByTestId('payment-row').getByRole('button', { name: 'Show receipt' }).click();
      const receipt = page.getByTestId('receipt');
      await receipt.getByRole('heading', { name: /Receipt RCP-/ }).waitFor();
      await expect(receipt.innerText()).resolves.toContain(PATIENT_NAME);
      await expect(receipt.innerText()).resolves.toContain(invoiceNumber);
      await checkPage(page, 'finance-receipt');
      const receiptPdf = await downloaded(page, receipt.getByRole('button', { name: 'Download PDF' }));
      expect(receiptPdf.name).toMatch(/^receipt-RCP-\d{4}-\d{6}\.pdf$/);
      expect(receiptPdf.content.subarray(0, 5).toString('latin1')).toBe('%PDF-');
      await page.keyboard.press('Escape');
      await receipt.waitFor({ state: 'detached' });

      await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Invoices' }).click();
      await page.getByRole('combobox', { name: 'Status' }).click();
      await page.getByRole('option', { name: 'Paid', exact: true }).click();
      await expect.poll(() => page.url()).toMatch(/status=paid/);
      const row = page.getByTestId('invoice-row');
      await expect.poll(() => row.count()).toBe(1);
      await expect(row.innerText()).resolves.toMatch(
        new RegExp(`${invoiceNumber}[\\s\\S]*${PATIENT_NAME}[\\s\\S]*103\\.50[\\s\\S]*Paid`, 'i'),
      );
      await checkPage(page, 'finance-invoices-paid');

      // The patient's page lists the invoice and links to it, and gives the statement of account.
      await page.goto(`/patients/${patientId}/invoices`);
      await page.getByRole('button', { name: 'Statement' }).click();
      const statement = page.getByRole('dialog', { name: 'Statement of account' });
      const statementLines = statement.getByTestId('statement-lines');
      await expect
        .poll(() => statementLines.innerText())
        .toMatch(new RegExp(`${invoiceNumber}[\\s\\S]*103\\.50`));
      await expect(statementLines.innerText()).resolves.toMatch(/RCP-\d{4}-\d{6}/);
      await expect(statement.innerText()).resolves.toMatch(/Closing balance[^\n]*\n+0\.00/);
      await checkPage(page, 'patient-statement');
      const statementPdf = await downloaded(page, statement.getByRole('button', { name: 'Download PDF' }));
      expect(statementPdf.name).toMatch(/^statement-[A-Z0-9-]+-\d{4}-\d{2}-\d{2}\.pdf$/);
      expect(statementPdf.content.subarray(0, 5).toString('latin1')).toBe('%PDF-');
      await page.keyboard.press('Escape');
      await statement.waitFor({ state: 'detached' });
      await page.getByRole('link', { name: invoiceNumber }).click();
      await page.getByRole('heading', { name: new RegExp(`Invoice ${invoiceNumber}`) }).waitFor();
    },
  );

  it(
    'previews a report with a chart and downloads it as CSV and as PDF with the session cookie',
    { timeout: 120_000 },
    async () => {
      await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Reports' }).click();
      await page.getByRole('heading', { name: 'Reports', level: 1 }).waitFor();
      await expect(page.getByRole('combobox', { name: 'Report' }).inputValue()).resolves.toBe('Finance');
      await checkPage(page, 'reports-empty');

      await page.getByRole('button', { name: 'Preview' }).click();
      const preview = page.getByTestId('report-preview');
      await preview.waitFor();
      // This month's invoice and its payment, as issued and paid above.
      await expect(preview.getByTestId('report-table-totals').innerText()).resolves.toMatch(/103\.50/);
      await expect(page.getByTestId('chart-summary').innerText()).resolves.toMatch(
        /^Revenue \(whole units\): \d{4}-\d{2} 90\.$/,
      );
      await checkPage(page, 'reports-finance-preview');

      const csv = await downloaded(page, page.getByRole('button', { name: 'Download CSV' }));
      expect(csv.name).toMatch(/^finance-\d{4}-\d{2}-01-to-\d{4}-\d{2}-\d{2}\.csv$/);
      const lines = csv.content.toString('utf8').trim().split(/\r?\n/);
      expect(lines[0]).toMatch(/^section,invoiceCount,/);
      expect(lines.find((line) => line.startsWith('totals,'))).toContain('10350');

      const pdf = await downloaded(page, page.getByRole('button', { name: 'Download PDF' }));
      expect(pdf.name).toMatch(/^finance-.*\.pdf$/);
      expect(pdf.content.subarray(0, 5).toString('latin1')).toBe('%PDF-');

      // Another report of the catalogue, through the same screen.
      await page.getByRole('combobox', { name: 'Report' }).click();
      await page.getByRole('option', { name: 'Patient registrations' }).click();
      await page.getByRole('button', { name: 'Preview' }).click();
      await page.getByRole('heading', { name: /Patient/, level: 2 }).waitFor();
      await expect(preview.getByTestId('report-table-totals').innerText()).resolves.toMatch(
        /Registrations\s+1/,
      );
      await checkPage(page, 'reports-patients-preview');
      const patientsCsv = await downloaded(page, page.getByRole('button', { name: 'Download CSV' }));
      expect(patientsCsv.content.toString('utf8').split(/\r?\n/)[0]).toBe(
        'section,registrations,sex,patients,ageBand,month',
      );
    },
  );

  it(
    "claims an invoice from the patient's insurer and walks the claim to payment",
    { timeout: 120_000 },
    async () => {
      await suite.created(`/api/v1/patients/${patientId}/coverages`, {
        provider: 'Harbour Mutual',
        policyNumber: 'HM-77120',
        coverageBasisPoints: 8_000,
        validFrom: '2020-01-01',
      });
      const draft = await suite.created('/api/v1/invoices', {
        patientId,
        items: [{ serviceCode: 'XR-CHEST', description: 'Chest X-ray', quantity: 1, unitPriceCents: 20_000 }],
      });
      const issued = await suite.api('POST', `/api/v1/invoices/${draft.id}/issue`, {});
      expect(issued.status).toBe(200);

      await page.goto(`/finance/invoices/${draft.id}`);
      await page.getByRole('heading', { name: new RegExp(`Invoice ${issued.body.number}`) }).waitFor();
      await page.getByRole('cell', { name: 'Harbour Mutual' }).waitFor();
      await page.getByRole('button', { name: 'Claim from the insurer' }).click();
      const claim = page.getByTestId('claim-row');
      // 80 % of 200.00.
      await expect
        .poll(() => claim.innerText())
        .toMatch(/CLM-\d{4}-\d{6}[\s\S]*Harbour Mutual[\s\S]*160\.00/);
      await expect(claim.getByTestId('status').innerText()).resolves.toMatch(/submitted/i);
      await checkPage(page, 'finance-claim-submitted');

      await claim.getByRole('button', { name: 'Mark in review' }).click();
      await claim.getByRole('button', { name: 'Record decision' }).click();
      const dialog = page.getByRole('dialog');
      await page.getByRole('combobox', { name: 'Outcome' }).click();
      await page.getByRole('option', { name: 'Partially approved' }).click();
      await field(dialog, 'Approved amount').fill('150');
      await checkPage(page, 'finance-claim-decision');
      await dialog.getByRole('button', { name: 'Record decision' }).click();
      await dialog.waitFor({ state: 'detached' });
      await expect.poll(() => claim.getByTestId('status').innerText()).toMatch(/partially approved/i);

      await claim.getByRole('button', { name: 'Record payer payment' }).click();
      await expect(field(dialog, 'Amount paid by the payer').inputValue()).resolves.toBe('150.00');
      await field(dialog, 'Remittance reference').fill('REM-2291');
      await dialog.getByRole('button', { name: 'Record payer payment' }).click();
      await dialog.waitFor({ state: 'detached' });
      await expect.poll(() => claim.getByTestId('status').innerText()).toMatch(/paid/i);
      // The payer's payment is posted to the invoice; the patient owes the rest.
      await expect.poll(() => page.getByTestId('outstanding').innerText()).toBe('50.00');
      await expect(page.getByTestId('payment-row').innerText()).resolves.toMatch(/Insurance[\s\S]*150\.00/);
      await checkPage(page, 'finance-claim-paid');

      await page
        .getByRole('navigation', { name: 'Main' })
        .getByRole('link', { name: 'Insurance claims' })
        .click();
      await page.getByRole('heading', { name: 'Insurance claims', level: 1 }).waitFor();
      await expect.poll(() => page.getByTestId('claim-row').count()).toBe(1);
      await checkPage(page, 'finance-claims');

      // The payer's batch of paid claims as CSV, with the session cookie.
      const exportForm = page.getByRole('form', { name: 'Export claims as CSV' });
      await exportForm.getByRole('button', { name: 'Download CSV' }).click();
      await exportForm.getByText('Name the payer, as on the coverage.').waitFor();
      await field(exportForm, 'Payer').fill('Harbour Mutual');
      await page.getByRole('combobox', { name: 'Claims in status' }).click();
      await page.getByRole('option', { name: 'Paid', exact: true }).click();
      await checkPage(page, 'finance-claims-export');
      const batch = await downloaded(page, exportForm.getByRole('button', { name: 'Download CSV' }));
      expect(batch.name).toBe('claims-Harbour-Mutual-paid.csv');
      const rows = batch.content.toString('utf8').trim().split(/\r?\n/);
      expect(rows).toHaveLength(2);
      expect(rows[1]).toMatch(/CLM-\d{4}-\d{6}/);
      expect(rows[1]).toContain('HM-77120');
    },
  );

  it(
    "corrects a draft's line over a concurrent edit and issues it, refunds a payment and reissues a void invoice",
    { timeout: 180_000 },
    async () => {
      const draft = await suite.created('/api/v1/invoices', {
        patientId,
        items: [
          {
            serviceCode: 'CONS-SPEC',
            description: 'Specialist consultation',
            quantity: 1,
            unitPriceCents: 6_000,
          },
          { serviceCode: 'LAB-CBC', description: 'Full blood count', quantity: 1, unitPriceCents: 2_500 },
        ],
      });
      await page.goto(`/finance/invoices/${draft.id}`);
      await page.getByRole('heading', { name: /Draft invoice/ }).waitFor();
      await expect(page.getByTestId('invoice-totals').innerText()).resolves.toMatch(/Total\s+85\.00/);
      await page.getByRole('button', { name: 'Edit draft' }).click();
      const form = page.getByRole('form', { name: 'Edit the draft invoice' });
      const lines = form.getByTestId('invoice-line');
      await expect.poll(() => lines.count()).toBe(2);
      await expect(field(lines.nth(1), 'Unit price').inputValue()).resolves.toBe('25.00');
      await checkPage(page, 'finance-invoice-draft-edit');

      // Someone else saves a note on the draft while this edit is open.
      const before = await suite.api('GET', `/api/v1/invoices/${draft.id}`);
      const noted = await suite.api(
        'PATCH',
        `/api/v1/invoices/${draft.id}`,
        { notes: 'Referred by Dr Lister' },
        { 'if-match': before.headers.get('etag')! },
      );
      expect(noted.status, JSON.stringify(noted.body)).toBe(200);

      // Two blood counts: 60.00 + 2 × 25.00 = 110.00, previewed as typed.
      await field(lines.nth(1), 'Quantity').fill('2');
      await expect.poll(() => form.getByTestId('invoice-totals').innerText()).toMatch(/Total\s+110\.00/);
      await form.getByRole('button', { name: 'Save draft' }).click();
      const conflict = page.getByTestId('edit-conflict');
      await conflict.waitFor();
      await expect(conflict.innerText()).resolves.toMatch(/Services[\s\S]*2 × Full blood count/);
      await expect(conflict.innerText()).resolves.toMatch(/Notes[\s\S]*Referred by Dr Lister/);
      await expect(form.getByRole('button', { name: 'Save draft' }).isDisabled()).resolves.toBe(true);
      await checkPage(page, 'finance-invoice-draft-conflict');
      await conflict.getByRole('button', { name: 'Apply my changes to the new version' }).click();
      await conflict.waitFor({ state: 'detached' });
      await expect(field(form, 'Notes').inputValue()).resolves.toBe('Referred by Dr Lister');
      await form.getByRole('button', { name: 'Save draft' }).click();
      await form.waitFor({ state: 'detached' });
      await expect
        .poll(() => page.getByTestId('invoice-totals').innerText())
        .toMatch(/Subtotal\s+110\.00[\s\S]*Total\s+110\.00/);
      await page.getByText('Notes: Referred by Dr Lister').waitFor();
      const saved = await suite.api('GET', `/api/v1/invoices/${draft.id}`);
      expect(saved.body.items.map((item: { quantity: number }) => item.quantity)).toEqual([1, 2]);
      expect(saved.body.notes).toBe('Referred by Dr Lister');

      await page.getByRole('button', { name: 'Issue invoice' }).click();
      await page.getByRole('heading', { name: /Invoice INV-\d{4}-\d{6}/ }).waitFor();
      await expect(page.getByRole('button', { name: 'Edit draft' }).count()).resolves.toBe(0);

      // A payment of the whole, then 10.00 of it refunded: 10.00 is owed again.
      await page.getByRole('button', { name: 'Record payment' }).click();
      const dialog = page.getByRole('dialog');
      await dialog.getByRole('button', { name: 'Record payment' }).click();
      await dialog.waitFor({ state: 'detached' });
      await expect.poll(() => page.getByTestId('outstanding').innerText()).toBe('0.00');
      await page
        .getByTestId('payment-row')
        .getByRole('button', { name: /^Refund receipt RCP-/ })
        .click();
      await expect(field(dialog, 'Amount to refund').inputValue()).resolves.toBe('110.00');
      await field(dialog, 'Amount to refund').fill('10');
      await dialog.getByRole('button', { name: 'Refund' }).click();
      await dialog.getByText('Say why the money is refunded.').waitFor();
      await field(dialog, 'Reason').fill('Second blood count not taken');
      await checkPage(page, 'finance-refund-dialog');
      await dialog.getByRole('button', { name: 'Refund' }).click();
      await dialog.waitFor({ state: 'detached' });
      await expect.poll(() => page.getByTestId('outstanding').innerText()).toBe('10.00');
      await expect(page.getByTestId('payment-row').innerText()).resolves.toContain('10.00 refunded');
      await checkPage(page, 'finance-invoice-refunded');

      // A void invoice is reissued as a new draft that points back to it.
      const wrong = await suite.created('/api/v1/invoices', {
        patientId,
        items: [{ description: 'Physiotherapy session', quantity: 1, unitPriceCents: 4_000 }],
      });
      expect((await suite.api('POST', `/api/v1/invoices/${wrong.id}/issue`, {})).status).toBe(200);
      const voided = await suite.api('POST', `/api/v1/invoices/${wrong.id}/void`, {
        reason: 'Wrong patient',
      });
      expect(voided.status).toBe(200);
      await page.goto(`/finance/invoices/${wrong.id}`);
      await page.getByText('This invoice is void').waitFor();
      await checkPage(page, 'finance-invoice-void');
      await page.getByRole('button', { name: 'Reissue as a new draft' }).click();
      await page.getByRole('heading', { name: /Draft invoice/ }).waitFor();
      await expect.poll(() => page.url()).not.toContain(wrong.id);
      await page.getByRole('link', { name: 'the void invoice it replaces' }).click();
      await page.getByRole('link', { name: 'Open the corrected copy' }).waitFor();
      await expect(page.getByRole('button', { name: 'Reissue as a new draft' }).count()).resolves.toBe(0);
    },
  );

  it('broke no Content-Security-Policy rule and threw no script error on any page', () => {
    suite.expectNoPageProblems();
  });
});
