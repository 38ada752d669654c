import { pipeline, Readable } from 'node:stream';
import { stringify } from 'csv-stringify';
import {
  sectionRows,
  type Column,
  type ReportDefinition,
  type ReportFigures,
  type ReportRow,
} from './report-model.js';

/**
 * Rows to CSV as a stream: a row is read from `rows` only when the consumer has room for more, so the
 * reply's backpressure reaches the database reads. Formulas are escaped (a leading = + - @ gets a ')
 * so that a name typed into MediSys cannot run as a spreadsheet formula.
 */
export function csvStream(
  rows: Iterable<ReportRow> | AsyncIterable<ReportRow>,
  columns: readonly string[],
): Readable {
  const source = Readable.from(rows, { objectMode: true });
  const stringifier = stringify({ header: true, columns: [...columns], escape_formulas: true });
  // pipeline, not pipe: a failed read ends the reply with an error, and a client that goes away stops the reads.
  return pipeline(source, stringifier, () => undefined);
}

/**
 * A report's figures as one CSV table: a `section` column naming the JSON field the row comes from
 * (totals, byDoctor, ...), then every column of every section; a column that does not apply is empty.
 */
export function figuresCsv(definition: ReportDefinition, figures: ReportFigures): Readable {
  const columns = ['section'];
  for (const section of definition.sections) {
    for (const column of section.columns) if (!columns.includes(column.key)) columns.push(column.key);
  }
  const rows = definition.sections.flatMap((section) =>
    sectionRows(figures, section).map((row) => ({ section: section.key, ...row })),
  );
  return csvStream(rows, columns);
}

/** A row-level export as CSV, with one header line of the export's columns. */
export function rowsCsv(columns: readonly Column[], rows: AsyncIterable<ReportRow>): Readable {
  return csvStream(
    rows,
    columns.map((column) => column.key),
  );
}
