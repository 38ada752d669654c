import type { Queryable } from '../../db/index.js';

export const REPORT_NAMES = ['patients', 'appointments', 'doctor-performance', 'departments'] as const;
export type ReportName = (typeof REPORT_NAMES)[number];

export type Cell = string | number | null;
export type ReportRow = Readonly<Record<string, Cell>>;

/** How a figure reads in the PDF (an id is left out of it); JSON and CSV carry the raw value. */
export type CellKind = 'id' | 'text' | 'count' | 'rate' | 'decimal' | 'cents';

export interface Column {
  /** The JSON field and the CSV header. */
  readonly key: string;
  /** The heading in the PDF. */
  readonly label: string;
  readonly kind: CellKind;
}

/**
 * A part of a report's figures: the field of the same `key` in its JSON, either one object (the totals)
 * or a list of rows. CSV and PDF are written from these, so all three formats show the same figures.
 */
export interface Section {
  readonly key: string;
  readonly title: string;
  readonly columns: readonly Column[];
}

export type ReportFigures = Record<string, unknown>;

/** What a report covers once the caller's role has been applied: the period, and a department or doctor. */
export interface ReportScope {
  /** First and last day, inclusive, as YYYY-MM-DD in `timeZone`. */
  readonly from: string;
  readonly to: string;
  readonly timeZone: string;
  readonly departmentId: string | null;
  readonly doctorId: string | null;
}

/** A row-level CSV export: one line per record, read in keyset pages so that no size fills memory. */
export interface RowExport {
  readonly columns: readonly Column[];
  rows(db: Queryable, scope: ReportScope): AsyncIterable<ReportRow>;
}

export interface ReportDefinition<Figures extends ReportFigures = ReportFigures> {
  readonly name: ReportName;
  readonly title: string;
  /** Whether a doctor may read it, restricted to their own figures (doctor-performance only). */
  readonly doctorsMayRead: boolean;
  /** `totals` first, then the tables; each names a field of the figures. */
  readonly sections: readonly Section[];
  compute(db: Queryable, scope: ReportScope): Promise<Figures>;
  readonly rowExport?: RowExport;
}

/** The rows of one section of computed figures: the totals object as one row, a table as its rows. */
export function sectionRows(figures: ReportFigures, section: Section): ReportRow[] {
  const value = figures[section.key];
  if (Array.isArray(value)) return value as ReportRow[];
  if (value && typeof value === 'object') return [value as ReportRow];
  return [];
}

/** A share as a fraction rounded to 4 places (0.1667), or null when there is nothing to divide by. */
export function rate(part: number, whole: number): number | null {
  return whole > 0 ? Math.round((part / whole) * 10_000) / 10_000 : null;
}

/** A mean rounded to `places`, or null when there are no values. */
export function mean(sum: number, count: number, places: number): number | null {
  if (count === 0) return null;
  const factor = 10 ** places;
  return Math.round((sum / count) * factor) / factor;
}

/**
 * The bounds of the report period as SQL over three parameters: `$1` first day, `$2` last day (both
 * dates), `$3` the time zone. Local midnights, so a day means the hospital's day.
 */
export const PERIOD_START = `(($1::date)::timestamp AT TIME ZONE $3::text)`;
export const PERIOD_END = `((($2::date) + 1)::timestamp AT TIME ZONE $3::text)`;
