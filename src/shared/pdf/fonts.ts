import { existsSync } from 'node:fs';
import path from 'node:path';
import type { Logger } from 'pino';

/** Where Debian's fonts-dejavu-core puts DejaVu Sans; scripts/setup.sh installs it. */
export const DEJAVU_DIR = '/usr/share/fonts/truetype/dejavu';

/** The names every MediSys PDF writer passes to `doc.font()`; `newDocument` binds them to a face. */
export const PDF_FONT = { regular: 'MediSys-Regular', bold: 'MediSys-Bold' } as const;

/** The faces behind `PDF_FONT`: TrueType files to embed, or pdfkit's built-in Helvetica. */
export interface PdfFontFaces {
  readonly regular: string;
  readonly bold: string;
  /** False when DejaVu Sans was not found and PDFs fall back to Helvetica (Latin-1 only). */
  readonly embedded: boolean;
}

const HELVETICA: PdfFontFaces = { regular: 'Helvetica', bold: 'Helvetica-Bold', embedded: false };

/** DejaVu Sans from `dir` when both its regular and bold files are there, else Helvetica. */
export function findPdfFontFaces(dir: string): PdfFontFaces {
  const regular = path.join(dir, 'DejaVuSans.ttf');
  const bold = path.join(dir, 'DejaVuSans-Bold.ttf');
  return existsSync(regular) && existsSync(bold) ? { regular, bold, embedded: true } : HELVETICA;
}

// The font files are a property of the machine, not of a configuration, so they are looked up once.
let machineFaces: PdfFontFaces | undefined;

/** The faces of this machine's PDFs (DejaVu Sans, whose glyphs cover Latin, Greek and Cyrillic). */
export function pdfFontFaces(): PdfFontFaces {
  machineFaces ??= findPdfFontFaces(DEJAVU_DIR);
  return machineFaces;
}

/** Says once, at start-up, that PDFs will not show names beyond Latin-1 until the font is installed. */
export function warnIfPdfFontMissing(logger: Logger, faces: PdfFontFaces = pdfFontFaces()): void {
  if (faces.embedded) return;
  logger.warn(
    { fontDir: DEJAVU_DIR },
    'PDF font DejaVu Sans not found: PDFs use Helvetica, which cannot show Greek, Cyrillic or most ' +
      'Central European letters in names; install the Debian package fonts-dejavu-core (scripts/setup.sh)',
  );
}
