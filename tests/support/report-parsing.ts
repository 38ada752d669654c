import { parse } from 'csv-parse/sync';
import { PDFParse } from 'pdf-parse';

/** The records of a CSV with a header line, each an object of strings. */
export function parseCsv(text: string): Record<string, string>[] {
  return parse<Record<string, string>>(text, { columns: true, skip_empty_lines: true });
}

/** How a JSON figure reads in CSV: numbers as written, null as empty. */
function asCsvCell(value: string | number | null | undefined): string {
  if (value === null || value === undefined) return '';
  return String(value);
}

/**
 * A report's CSV read back into the sections of its JSON: for each section, the rows with each CSV
 * column turned back into the JSON value's text. The caller compares them with the JSON's own sections.
 */
export function csvSections(text: string): Map<string, Record<string, string>[]> {
  const sections = new Map<string, Record<string, string>[]>();
  for (const record of parseCsv(text)) {
    const { section, ...cells } = record;
    sections.set(section!, [...(sections.get(section!) ?? []), cells]);
  }
  return sections;
}

/** The same sections made from the JSON, restricted to the columns the CSV has. */
export function jsonSections(
  json: Record<string, unknown>,
  sectionKeys: readonly string[],
  csvColumns: readonly string[],
): Map<string, Record<string, string>[]> {
  const sections = new Map<string, Record<string, string>[]>();
  for (const key of sectionKeys) {
    const value = json[key];
    const rows = (Array.isArray(value) ? value : [value]) as Record<string, string | number | null>[];
    sections.set(
      key,
      rows.map((row) => Object.fromEntries(csvColumns.map((column) => [column, asCsvCell(row[column])]))),
    );
  }
  return sections;
}

export async function pdfText(data: Buffer): Promise<string> {
  const parser = new PDFParse({ data });
  try {
    return (await parser.getText()).text;
  } finally {
    await parser.destroy();
  }
}
