import type {
  AgeingFigures,
  DepartmentRevenue,
  PayerFigures,
  PeriodRevenue,
  RevenueFigures,
  ServiceRevenue,
} from './finance-report.queries.js';

export interface FinanceTotals extends RevenueFigures {
  readonly paymentsCents: number;
  readonly refundsCents: number;
  readonly collectedCents: number;
  readonly insuranceCollectedCents: number;
  readonly selfPayCollectedCents: number;
  readonly outstandingInvoiceCount: number;
  readonly outstandingCents: number;
}

export interface FinanceFilters {
  readonly from: string;
  readonly to: string;
  readonly timeZone: string;
  readonly groupBy: 'day' | 'month';
  readonly departmentId: string | null;
  readonly departmentName: string | null;
}

export interface FinanceFigures {
  readonly totals: FinanceTotals;
  readonly revenueByPeriod: PeriodRevenue[];
  readonly revenueByDepartment: DepartmentRevenue[];
  readonly revenueByService: ServiceRevenue[];
  readonly payerMix: PayerFigures[];
  readonly ageing: AgeingFigures[];
}

/** The finance report in the shape of the other reports: what, filters, who and when, then the figures. */
export interface FinanceReport extends FinanceFigures {
  readonly report: 'finance';
  readonly title: string;
  readonly filters: FinanceFilters;
  readonly generatedAt: string;
  readonly generatedBy: string;
}

/** How a figure reads in the PDF (an id is left out of it); JSON and CSV carry the raw value. */
export type CellKind = 'id' | 'text' | 'count' | 'cents';

export interface FinanceColumn {
  /** The JSON field and the CSV header. */
  readonly key: string;
  /** The heading in the PDF. */
  readonly label: string;
  readonly kind: CellKind;
}

export interface FinanceSection {
  /** The JSON field the rows come from; the CSV's `section` column. */
  readonly key: keyof FinanceFigures;
  readonly title: string;
  readonly columns: readonly FinanceColumn[];
}

const revenueColumns: FinanceColumn[] = [
  { key: 'invoiceCount', label: 'Invoices', kind: 'count' },
  { key: 'subtotalCents', label: 'Subtotal', kind: 'cents' },
  { key: 'discountCents', label: 'Discounts', kind: 'cents' },
  { key: 'revenueCents', label: 'Revenue', kind: 'cents' },
  { key: 'taxCents', label: 'Tax', kind: 'cents' },
  { key: 'invoicedCents', label: 'Invoiced', kind: 'cents' },
];

/**
 * The sections of the report, in order. JSON, CSV and PDF are all written from these, so the three
 * formats carry the same figures; the CSV is one table with a `section` column (as the other reports').
 */
export const FINANCE_SECTIONS: readonly FinanceSection[] = [
  {
    key: 'totals',
    title: 'Totals',
    columns: [
      { key: 'invoiceCount', label: 'Invoices issued', kind: 'count' },
      { key: 'subtotalCents', label: 'Subtotal', kind: 'cents' },
      { key: 'discountCents', label: 'Discounts', kind: 'cents' },
      { key: 'revenueCents', label: 'Revenue (after discounts, before tax)', kind: 'cents' },
      { key: 'taxCents', label: 'Tax', kind: 'cents' },
      { key: 'invoicedCents', label: 'Invoiced (revenue + tax)', kind: 'cents' },
      { key: 'paymentsCents', label: 'Payments received', kind: 'cents' },
      { key: 'refundsCents', label: 'Refunds paid', kind: 'cents' },
      { key: 'collectedCents', label: 'Collected (payments - refunds)', kind: 'cents' },
      { key: 'insuranceCollectedCents', label: 'Collected from insurance', kind: 'cents' },
      { key: 'selfPayCollectedCents', label: 'Collected from self-pay', kind: 'cents' },
      { key: 'outstandingInvoiceCount', label: 'Invoices with a balance', kind: 'count' },
      { key: 'outstandingCents', label: 'Outstanding at end of period', kind: 'cents' },
    ],
  },
  {
    key: 'revenueByPeriod',
    title: 'Revenue by period',
    columns: [{ key: 'period', label: 'Period', kind: 'text' }, ...revenueColumns],
  },
  {
    key: 'revenueByDepartment',
    title: 'Revenue by department',
    columns: [
      { key: 'departmentId', label: 'Department id', kind: 'id' },
      { key: 'departmentCode', label: 'Code', kind: 'text' },
      { key: 'departmentName', label: 'Department', kind: 'text' },
      ...revenueColumns,
    ],
  },
  {
    key: 'revenueByService',
    title: 'Services (line amounts before invoice discounts and tax)',
    columns: [
      { key: 'serviceCode', label: 'Service code', kind: 'text' },
      { key: 'description', label: 'Description', kind: 'text' },
      { key: 'lineCount', label: 'Lines', kind: 'count' },
      { key: 'quantity', label: 'Quantity', kind: 'count' },
      { key: 'grossCents', label: 'Amount', kind: 'cents' },
    ],
  },
  {
    key: 'payerMix',
    title: 'Insurance and self-pay (money received in the period)',
    columns: [
      { key: 'payer', label: 'Payer', kind: 'text' },
      { key: 'paymentCount', label: 'Payments', kind: 'count' },
      { key: 'paymentsCents', label: 'Received', kind: 'cents' },
      { key: 'refundCount', label: 'Refunds', kind: 'count' },
      { key: 'refundsCents', label: 'Refunded', kind: 'cents' },
      { key: 'netCents', label: 'Net', kind: 'cents' },
    ],
  },
  {
    key: 'ageing',
    title: 'Outstanding balances by age (days since issue, at end of period)',
    columns: [
      { key: 'bucket', label: 'Days', kind: 'text' },
      { key: 'invoiceCount', label: 'Invoices', kind: 'count' },
      { key: 'outstandingCents', label: 'Outstanding', kind: 'cents' },
    ],
  },
];

export type FinanceRow = Readonly<Record<string, string | number | null>>;

/** The rows of one section: the totals object as one row, a table as its rows. */
export function sectionRows(figures: FinanceFigures, section: FinanceSection): FinanceRow[] {
  const value = figures[section.key];
  return (Array.isArray(value) ? value : [value]) as unknown as FinanceRow[];
}
