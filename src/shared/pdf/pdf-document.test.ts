import { Writable } from 'node:stream';
import { PDFParse } from 'pdf-parse';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { NON_LATIN_NAMES, pdfFonts } from '../../../tests/support/pdf-fonts.js';
import { findPdfFontFaces, pdfFontFaces, warnIfPdfFontMissing, type PdfFontFaces } from './fonts.js';
import { finishPages, newDocument, writeTitleBlock } from './pdf-document.js';
import { heading, writeEntry, writeTable } from './pdf-sections.js';

const MISSING = findPdfFontFaces('/nonexistent/fonts');

async function bytesOf(doc: PDFKit.PDFDocument): Promise<Buffer> {
  const chunks: Buffer[] = [];
  doc.on('data', (chunk: Buffer) => chunks.push(chunk));
  await new Promise((resolve) => doc.on('end', resolve));
  return Buffer.concat(chunks);
}

async function textOf(pdf: Buffer): Promise<string> {
  const parser = new PDFParse({ data: pdf });
  try {
    return (await parser.getText()).text;
  } finally {
    await parser.destroy();
  }
}

/** A document with every kind of section the MediSys writers use, about `name`. */
function sample(name: string, faces?: PdfFontFaces): Promise<Buffer> {
  const doc = newDocument('Sample', faces ? { faces } : {});
  writeTitleBlock(doc, { title: 'Medical history', fields: [`Patient: ${name}`], note: 'Generated' });
  writeEntry(
    doc,
    { heading: `Seen by ${name}`, lines: [{ text: 'Stable' }], meta: 'Recorded by dr' },
    { fontSize: 10, metaFontSize: 8, keepTogether: 90, spaceAfter: 0.8 },
  );
  heading(doc, 'Refunds');
  writeTable(doc, [{ header: 'Payer', width: 300 }], [[name]]);
  return bytesOf(finishPages(doc, `Confidential · ${name}`));
}

describe('MediSys PDFs', () => {
  it('embed DejaVu Sans, regular and bold, and no built-in font', async () => {
    expect(pdfFontFaces().embedded).toBe(true);
    const fonts = pdfFonts(await sample('Łukasz Żółć'));
    expect(fonts.embedded).toEqual(['DejaVuSans', 'DejaVuSans-Bold']);
    expect(fonts.named).toEqual(['DejaVuSans', 'DejaVuSans-Bold']);
  });

  it.each(NON_LATIN_NAMES)('write %s so that it reads back from every kind of section', async (name) => {
    const text = await textOf(await sample(name));
    expect(text).toContain(`Patient: ${name}`);
    expect(text).toContain(`Seen by ${name}`);
    expect(text).toContain(`Confidential · ${name}`);
    expect(text.split(name)).toHaveLength(5);
  });

  it('fall back to Helvetica when the font files are missing, and still write a readable PDF', async () => {
    expect(MISSING.embedded).toBe(false);
    const pdf = await sample('Anna Kowalski', MISSING);
    expect(pdfFonts(pdf)).toEqual({ embedded: [], named: ['Helvetica', 'Helvetica-Bold'] });
    expect(await textOf(pdf)).toContain('Patient: Anna Kowalski');
  });
});

describe('the missing-font warning', () => {
  function capture(): { logger: pino.Logger; lines: string[] } {
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done): void {
        lines.push(chunk.toString());
        done();
      },
    });
    return { logger: pino({ level: 'info' }, sink), lines };
  }

  it('names the Debian package when DejaVu Sans is missing', () => {
    const { logger, lines } = capture();
    warnIfPdfFontMissing(logger, MISSING);
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0]!)).toMatchObject({ level: 40, fontDir: '/usr/share/fonts/truetype/dejavu' });
    expect(lines[0]).toContain('fonts-dejavu-core');
  });

  it('says nothing when the font is there', () => {
    const { logger, lines } = capture();
    warnIfPdfFontMissing(logger, findPdfFontFaces('/usr/share/fonts/truetype/dejavu'));
    expect(lines).toEqual([]);
  });
});
