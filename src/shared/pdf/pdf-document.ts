import PDFDocument from 'pdfkit';
import { PDF_FONT, pdfFontFaces, type PdfFontFaces } from './fonts.js';

export const MARGIN = 50;
export const GREY = '#555555';

/** 'YYYY-MM-DD HH:mm' (with `seconds`, 'YYYY-MM-DD HH:mm:ss') in `timeZone`, as staff read times. */
export function localDateTime(
  value: string | Date,
  timeZone: string,
  { seconds = false }: { readonly seconds?: boolean } = {},
): string {
  const parts = new Intl.DateTimeFormat('en-CA', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    ...(seconds ? { second: '2-digit' as const } : {}),
    hourCycle: 'h23',
  }).formatToParts(new Date(value));
  const part = (type: Intl.DateTimeFormatPartTypes): string =>
    parts.find((candidate) => candidate.type === type)?.value ?? '';
  const minute = `${part('year')}-${part('month')}-${part('day')} ${part('hour')}:${part('minute')}`;
  return seconds ? `${minute}:${part('second')}` : minute;
}

export interface DocumentOptions {
  readonly layout?: 'portrait' | 'landscape';
  readonly margin?: number;
  /** Defaults to this machine's faces; tests pass others. */
  readonly faces?: PdfFontFaces;
}

/**
 * An A4 document whose pages stay buffered until `finishPages`, so that each can say "Page n of N",
 * with `PDF_FONT` bound to DejaVu Sans (embedded, so that any patient's name shows) where it is installed.
 */
export function newDocument(title: string, options: DocumentOptions = {}): PDFKit.PDFDocument {
  const faces = options.faces ?? pdfFontFaces();
  const doc = new PDFDocument({
    size: 'A4',
    layout: options.layout ?? 'portrait',
    margin: options.margin ?? MARGIN,
    bufferPages: true,
    // pdfkit writes its default font into every document, used or not: make that our regular face.
    font: faces.regular,
    info: { Title: title, Author: 'MediSys', Creator: 'MediSys' },
  });
  doc.registerFont(PDF_FONT.regular, faces.regular);
  doc.registerFont(PDF_FONT.bold, faces.bold);
  return doc.font(PDF_FONT.regular);
}

export interface PageStampOptions {
  /** The header line's distance from the top of the page. */
  readonly headerTop?: number;
  /** The page number's distance from the bottom of the page. */
  readonly footerBottom?: number;
}

/** The MediSys header, the document's label and "Page n of N" on every page; then ends the document. */
export function finishPages(
  doc: PDFKit.PDFDocument,
  label: string,
  options: PageStampOptions = {},
): PDFKit.PDFDocument {
  const { headerTop = 20, footerBottom = 35 } = options;
  const range = doc.bufferedPageRange();
  for (let index = range.start; index < range.start + range.count; index++) {
    doc.switchToPage(index);
    const { left, right, bottom } = doc.page.margins;
    // Writing inside the bottom margin would otherwise make pdfkit start a new page.
    doc.page.margins.bottom = 0;
    const width = doc.page.width - left - right;
    doc.font(PDF_FONT.bold).fontSize(9).fillColor('black').text('MediSys', left, headerTop, { width });
    doc
      .font(PDF_FONT.regular)
      .fontSize(8)
      .fillColor(GREY)
      .text(label, left, headerTop, { width, align: 'right' });
    doc.text(`Page ${index - range.start + 1} of ${range.count}`, left, doc.page.height - footerBottom, {
      width,
      align: 'center',
    });
    doc.page.margins.bottom = bottom;
  }
  doc.end();
  return doc;
}

export interface TitleBlock {
  readonly title: string;
  /** One line each, such as `Patient: …`. */
  readonly fields: readonly string[];
  /** Small grey print under the fields: who generated the document, when, what it leaves out. */
  readonly note: string;
  /** Space under the title and above the note, in lines. */
  readonly spacing?: { readonly afterTitle: number; readonly beforeNote: number };
}

/** The document's title, its subject's fields and the note; the cursor ends a line below, in grey. */
export function writeTitleBlock(doc: PDFKit.PDFDocument, block: TitleBlock): void {
  const { afterTitle, beforeNote } = block.spacing ?? { afterTitle: 0.5, beforeNote: 0.5 };
  doc.font(PDF_FONT.bold).fontSize(16).fillColor('black').text(block.title);
  doc.moveDown(afterTitle);
  doc.font(PDF_FONT.regular).fontSize(10);
  for (const field of block.fields) doc.text(field);
  if (beforeNote > 0) doc.moveDown(beforeNote);
  doc.fontSize(8).fillColor(GREY).text(block.note);
  doc.moveDown(1);
}
