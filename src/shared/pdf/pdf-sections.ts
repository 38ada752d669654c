import { PDF_FONT } from './fonts.js';
import { GREY } from './pdf-document.js';

/** Space left on the page under the cursor, above the bottom margin. */
function roomLeft(doc: PDFKit.PDFDocument): number {
  return doc.page.height - doc.page.margins.bottom - doc.y;
}

/** A section's title; starts a new page rather than leave it alone at the bottom of one. */
export function heading(doc: PDFKit.PDFDocument, text: string, spaceAfter = 0.3): void {
  if (roomLeft(doc) < 80) doc.addPage();
  doc.x = doc.page.margins.left;
  doc.font(PDF_FONT.bold).fontSize(12).fillColor('black').text(text);
  doc.moveDown(spaceAfter);
}

export interface Column {
  readonly header: string;
  readonly width: number;
  readonly align?: 'left' | 'right';
}

export interface TableStyle {
  readonly fontSize?: number;
  /** Space between a cell's text and the next column. */
  readonly cellGap?: number;
  /** Wrap header labels over as many lines as they need instead of cutting them. */
  readonly wrapHeader?: boolean;
}

/** A table: a bold header row (repeated on each new page), then one line per row, cut with an ellipsis. */
export function writeTable(
  doc: PDFKit.PDFDocument,
  columns: readonly Column[],
  rows: readonly (readonly string[])[],
  style: TableStyle = {},
): void {
  const { fontSize = 9, cellGap = 6, wrapHeader = false } = style;
  const rowHeight = 14;
  const left = doc.page.margins.left;
  const writeRow = (cells: readonly string[], height: number): void => {
    const y = doc.y;
    let x = left;
    columns.forEach((column, index) => {
      doc.text(cells[index] ?? '', x, y, {
        width: column.width - cellGap,
        height: height - 2,
        align: column.align ?? 'left',
        ellipsis: true,
      });
      x += column.width;
    });
    doc.x = left;
    doc.y = y + height;
  };
  const header = (): void => {
    const labels = columns.map((column) => column.header);
    doc.font(PDF_FONT.bold).fontSize(fontSize).fillColor('black');
    const height = wrapHeader
      ? Math.max(
          ...labels.map((label, index) =>
            doc.heightOfString(label, { width: columns[index]!.width - cellGap }),
          ),
        ) + 4
      : rowHeight;
    writeRow(labels, height);
    doc.font(PDF_FONT.regular).fontSize(fontSize);
  };
  const pageFull = (): boolean => roomLeft(doc) < 2 * rowHeight;
  if (pageFull()) doc.addPage();
  header();
  for (const row of rows) {
    if (pageFull()) {
      doc.addPage();
      header();
    }
    writeRow(row, rowHeight);
  }
  doc.moveDown(0.8);
}

export interface EntryStyle {
  readonly fontSize: number;
  readonly metaFontSize: number;
  /** Room an entry needs at the bottom of a page; with less it starts on the next one. */
  readonly keepTogether: number;
  /** Space after the entry, in lines. */
  readonly spaceAfter: number;
}

export interface Entry {
  /** The bold first line: when, what, who. */
  readonly heading: string;
  /** The entry's body, black unless a line says otherwise. */
  readonly lines: readonly { readonly text: string; readonly color?: string }[];
  /** Small grey print under the body. */
  readonly meta: string;
}

/** One entry of a chronological record such as a medical history or an access log. */
export function writeEntry(doc: PDFKit.PDFDocument, entry: Entry, style: EntryStyle): void {
  if (roomLeft(doc) < style.keepTogether) doc.addPage();
  doc.font(PDF_FONT.bold).fontSize(style.fontSize).fillColor('black').text(entry.heading);
  doc.font(PDF_FONT.regular);
  for (const line of entry.lines) doc.fillColor(line.color ?? 'black').text(line.text);
  doc.fontSize(style.metaFontSize).fillColor(GREY).text(entry.meta);
  doc.moveDown(style.spaceAfter);
}
