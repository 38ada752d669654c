import { formatCents } from '@/lib/format';
import type { ReportName } from './report-query';

/** A report's JSON: its heading, then its figures (a `totals` object and tables of rows). */
export type ReportJson = Readonly<Record<string, unknown>> & {
  readonly report: string;
  readonly title: string;
  readonly generatedAt: string;
  readonly generatedBy: string;
  readonly filters: Readonly<Record<string, string | null>>;
};

type Cell = string | number | null;
type Row = Readonly<Record<string, Cell>>;

export interface PreviewColumn {
  readonly key: string;
  readonly label: string;
  readonly numeric: boolean;
}

export interface PreviewTable {
  readonly key: string;
  readonly title: string;
  readonly columns: readonly PreviewColumn[];
  readonly rows: readonly Row[];
}

const HEADING_FIELDS = new Set(['report', 'title', 'filters', 'generatedAt', 'generatedBy']);

/** `byAgeBand` → "By age band", `revenueCents` → "Revenue", `noShowRate` → "No-show rate". */
export function labelOf(key: string): string {
  const words = key
    .replace(/Cents$/, '')
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .toLowerCase()
    .replace(/\bno shows?\b/, (match) => match.replace(' ', '-'));
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/** A figure as staff read it: cents as money, rates as percentages, counts with separators. */
export function formatCell(key: string, value: Cell | undefined): string {
  if (value === null || value === undefined || value === '') return '—';
  if (typeof value === 'string') return value;
  if (key.endsWith('Cents')) return formatCents(value);
  if (key.endsWith('Rate')) return `${(value * 100).toLocaleString('en-GB', { maximumFractionDigits: 1 })} %`;
  return value.toLocaleString('en-GB', { maximumFractionDigits: 2 });
}

function isRow(value: unknown): value is Row {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * The report's figures as tables, in the order the server lists them: the totals as one row, each
 * list as its rows. Ids are left out (the names beside them say the same to a person).
 */
export function previewTables(report: ReportJson): PreviewTable[] {
  const tables: PreviewTable[] = [];
  for (const [key, value] of Object.entries(report)) {
    if (HEADING_FIELDS.has(key)) continue;
    const rows = Array.isArray(value) ? value.filter(isRow) : isRow(value) ? [value] : undefined;
    if (!rows) continue;
    const keys: string[] = [];
    for (const row of rows) {
      for (const column of Object.keys(row)) if (!keys.includes(column)) keys.push(column);
    }
    tables.push({
      key,
      title: labelOf(key),
      columns: keys
        .filter((column) => !/Id$/.test(column))
        .map((column) => ({
          key: column,
          label: labelOf(column),
          numeric: rows.some((row) => typeof row[column] === 'number'),
        })),
      rows,
    });
  }
  return tables;
}

export interface ChartSpec {
  readonly title: string;
  /** What a bar measures; money is charted in whole units, not cents. */
  readonly series: string;
  readonly points: readonly { readonly label: string; readonly value: number }[];
}

/** Which table of each report is charted, and by which figure. */
const CHARTS: Readonly<Record<ReportName, { table: string; label: string; value: string; title: string }>> = {
  finance: { table: 'revenueByPeriod', label: 'period', value: 'revenueCents', title: 'Revenue by period' },
  patients: { table: 'byMonth', label: 'month', value: 'patients', title: 'Registrations by month' },
  appointments: {
    table: 'byStatus',
    label: 'status',
    value: 'appointments',
    title: 'Appointments by status',
  },
  'doctor-performance': {
    table: 'byDoctor',
    label: 'doctorName',
    value: 'appointments',
    title: 'Appointments by doctor',
  },
  departments: {
    table: 'byDepartment',
    label: 'departmentName',
    value: 'appointments',
    title: 'Appointments by department',
  },
};

/** The bars of the report's chart, at most `limit` of them (the first rows, in the report's order). */
export function reportChart(name: ReportName, report: ReportJson, limit = 24): ChartSpec {
  const spec = CHARTS[name];
  const rows = Array.isArray(report[spec.table]) ? (report[spec.table] as unknown[]).filter(isRow) : [];
  const money = spec.value.endsWith('Cents');
  return {
    title: spec.title,
    series: money ? `${labelOf(spec.value)} (whole units)` : labelOf(spec.value),
    points: rows.slice(0, limit).map((row) => {
      const value = typeof row[spec.value] === 'number' ? (row[spec.value] as number) : 0;
      return {
        label: String(row[spec.label] ?? '—').replace(/_/g, ' '),
        value: money ? Math.round(value / 100) : value,
      };
    }),
  };
}

/** The chart as a sentence, for screen readers and anyone who prefers text. */
export function chartSummary(chart: ChartSpec): string {
  if (chart.points.length === 0) return 'Nothing to chart for this period.';
  return `${chart.series}: ${chart.points.map((point) => `${point.label} ${point.value.toLocaleString('en-GB')}`).join(', ')}.`;
}
