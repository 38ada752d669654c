import PDFDocument from 'pdfkit';

export const MARGIN = 50;
export const GREY = '#555555';

/** 'YYYY-MM-DD HH:mm' in `timeZone`, as staff read times. */
export function localDateTime(value: string | Date, timeZone: string): string {
  const parts = new Intl.DateTimeFormat('en-CA', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).formatToParts(new Date(value));
  const part = (type: Intl.DateTimeFormatPartTypes): string =>
    parts.find((candidate) => candidate.type === type)?.value ?? '';
  return `${part('year')}-${part('month')}-${part('day')} ${part('hour')}:${part('minute')}`;
}

/** An A4 document whose pages stay buffered until `finishPages`, so that each can say "Page n of N". */
export function newDocument(
  title: string,
  layout: 'portrait' | 'landscape' = 'portrait',
): PDFKit.PDFDocument {
  return new PDFDocument({
    size: 'A4',
    layout,
    margin: MARGIN,
    bufferPages: true,
    info: { Title: title, Author: 'MediSys', Creator: 'MediSys' },
  });
}

/** The MediSys header, the document's label and "Page n of N" on every page; then ends the document. */
export function finishPages(doc: PDFKit.PDFDocument, label: string): PDFKit.PDFDocument {
  const range = doc.bufferedPageRange();
  for (let index = range.start; index < range.start + range.count; index++) {
    doc.switchToPage(index);
    const bottomMargin = doc.page.margins.bottom;
    // Writing inside the bottom margin would otherwise make pdfkit start a new page.
    doc.page.margins.bottom = 0;
    const width = doc.page.width - 2 * MARGIN;
    doc.font('Helvetica-Bold').fontSize(9).fillColor('black').text('MediSys', MARGIN, 20, { width });
    doc.font('Helvetica').fontSize(8).fillColor(GREY).text(label, MARGIN, 20, { width, align: 'right' });
    doc.text(`Page ${index - range.start + 1} of ${range.count}`, MARGIN, doc.page.height - 35, {
      width,
      align: 'center',
    });
    doc.page.margins.bottom = bottomMargin;
  }
  doc.end();
  return doc;
}

export interface Column {
  readonly header: string;
  readonly width: number;
  readonly align?: 'left' | 'right';
}

/** A table: a bold header row (repeated on each new page), then one line per row, cut with an ellipsis. */
export function writeTable(
  doc: PDFKit.PDFDocument,
  columns: readonly Column[],
  rows: readonly string[][],
): void {
  const rowHeight = 14;
  const writeRow = (cells: readonly string[], bold: boolean): void => {
    const y = doc.y;
    let x = MARGIN;
    doc
      .font(bold ? 'Helvetica-Bold' : 'Helvetica')
      .fontSize(9)
      .fillColor('black');
    columns.forEach((column, index) => {
      doc.text(cells[index] ?? '', x, y, {
        width: column.width - 6,
        height: rowHeight - 2,
        align: column.align ?? 'left',
        ellipsis: true,
      });
      x += column.width;
    });
    doc.x = MARGIN;
    doc.y = y + rowHeight;
  };
  const header = (): void =>
    writeRow(
      columns.map((column) => column.header),
      true,
    );
  const pageFull = (): boolean => doc.y > doc.page.height - MARGIN - 2 * rowHeight;
  if (pageFull()) doc.addPage();
  header();
  for (const row of rows) {
    if (pageFull()) {
      doc.addPage();
      header();
    }
    writeRow(row, false);
  }
  doc.moveDown(0.8);
}

export function heading(doc: PDFKit.PDFDocument, text: string): void {
  if (doc.y > doc.page.height - MARGIN - 80) doc.addPage();
  doc.x = MARGIN;
  doc.font('Helvetica-Bold').fontSize(12).fillColor('black').text(text);
  doc.moveDown(0.3);
}
