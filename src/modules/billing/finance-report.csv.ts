import { pipeline, Readable } from 'node:stream';
import { stringify } from 'csv-stringify';
import {
  FINANCE_SECTIONS,
  sectionRows,
  type FinanceFigures,
  type FinanceRow,
} from './finance-report.model.js';

/** Every column of every section, after `section`, in first-seen order. */
export function financeCsvColumns(): string[] {
  const columns = ['section'];
  for (const section of FINANCE_SECTIONS) {
    for (const column of section.columns) if (!columns.includes(column.key)) columns.push(column.key);
  }
  return columns;
}

function* financeRows(figures: FinanceFigures): Generator<FinanceRow> {
  for (const section of FINANCE_SECTIONS) {
    for (const row of sectionRows(figures, section)) {
      const cells: Record<string, string | number | null> = { section: section.key };
      for (const column of section.columns) cells[column.key] = row[column.key] ?? null;
      yield cells;
    }
  }
}

/**
 * The report as one CSV table streamed through csv-stringify: a `section` column naming the JSON field
 * each row comes from (totals, revenueByPeriod, ...), then the columns of every section (empty where a
 * column does not apply), amounts in integer cents. Text that looks like a spreadsheet formula is
 * escaped with a leading ' so that a department name cannot run as one.
 */
export function financeCsv(figures: FinanceFigures): Readable {
  const source = Readable.from(financeRows(figures), { objectMode: true });
  const stringifier = stringify({ header: true, columns: financeCsvColumns(), escape_formulas: true });
  // pipeline, not pipe: a failure ends the reply with an error instead of leaving it hanging.
  return pipeline(source, stringifier, () => undefined);
}
