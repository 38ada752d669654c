/** Patient names whose letters Helvetica (WinAnsi) cannot show: Polish, Greek and Cyrillic. */
export const NON_LATIN_NAMES = ['Łukasz Żółć', 'Ελένη Παπαδοπούλου', 'Ольга Щербакова'] as const;

export interface PdfFonts {
  /** The fonts whose TrueType programs are embedded (FontFile2), without the subset prefix. */
  readonly embedded: string[];
  /** Every /BaseFont the PDF names, embedded or one of the 14 built-in fonts. */
  readonly named: string[];
}

/** The fonts a PDF uses, read from its uncompressed object dictionaries. */
export function pdfFonts(pdf: Buffer): PdfFonts {
  const source = pdf.toString('latin1');
  const named = [...source.matchAll(/\/BaseFont \/(?:[A-Z]{6}\+)?([\w-]+)/g)].map((match) => match[1]!);
  const embedded = [...source.matchAll(/\/FontName \/(?:[A-Z]{6}\+)?([\w-]+)[^>]*?\/FontFile2 \d+ 0 R/g)].map(
    (match) => match[1]!,
  );
  return { embedded: [...new Set(embedded)].sort(), named: [...new Set(named)].sort() };
}
