import { randomBytes } from 'node:crypto';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import PDFDocument from 'pdfkit';

export interface FormPart {
  readonly name: string;
  /** Set for a file part. */
  readonly filename?: string;
  readonly contentType?: string;
  readonly data: Buffer | string;
}

/** A multipart/form-data body and its Content-Type header, for inject() or a raw socket. */
export function multipartBody(
  parts: readonly FormPart[],
  boundary = `----medisys${randomBytes(8).toString('hex')}`,
): { payload: Buffer; contentType: string } {
  const chunks: Buffer[] = [];
  for (const part of parts) {
    let head = `--${boundary}\r\nContent-Disposition: form-data; name="${part.name}"`;
    if (part.filename !== undefined) head += `; filename="${part.filename}"`;
    head += '\r\n';
    if (part.contentType) head += `Content-Type: ${part.contentType}\r\n`;
    chunks.push(Buffer.from(`${head}\r\n`), Buffer.from(part.data), Buffer.from('\r\n'));
  }
  chunks.push(Buffer.from(`--${boundary}--\r\n`));
  return { payload: Buffer.concat(chunks), contentType: `multipart/form-data; boundary=${boundary}` };
}

/** A real one-page PDF saying `text`. */
export async function pdfBytes(text: string): Promise<Buffer> {
  const document = new PDFDocument({
    size: 'A4',
    info: { Title: 'MediSys test', CreationDate: new Date(0) },
  });
  const chunks: Buffer[] = [];
  document.on('data', (chunk: Buffer) => chunks.push(chunk));
  const ended = new Promise<void>((resolve) => document.on('end', resolve));
  document.fontSize(14).text(text);
  document.end();
  await ended;
  return Buffer.concat(chunks);
}

/** A valid 1x1 PNG. */
export const PNG_1X1 = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==',
  'base64',
);

/** Something with a PNG signature and `size` bytes in all (for size limits and cut-off uploads). */
export function pngSized(size: number): Buffer {
  return Buffer.concat([PNG_1X1, randomBytes(Math.max(0, size - PNG_1X1.length))]);
}

/** The start of a 64-bit Linux executable (ELF header), padded with code-like bytes. */
export function elfExecutable(): Buffer {
  const header = Buffer.alloc(64);
  Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0x02, 0x01, 0x01, 0x00]).copy(header, 0);
  header.writeUInt16LE(2, 16); // ET_EXEC
  header.writeUInt16LE(0x3e, 18); // x86-64
  header.writeUInt32LE(1, 20);
  return Buffer.concat([header, randomBytes(2048)]);
}

/** The start of a Windows executable (MZ header with a PE signature). */
export function windowsExecutable(): Buffer {
  const file = Buffer.alloc(2048);
  file.write('MZ', 0, 'latin1');
  file.writeUInt32LE(0x80, 0x3c);
  file.write('PE\0\0', 0x80, 'latin1');
  file.write('This program cannot be run in DOS mode.', 0x4e, 'latin1');
  return file;
}

/** Every regular file under `directory` (recursively), relative to it, sorted; [] when it does not exist. */
export function filesUnder(directory: string): string[] {
  try {
    return readdirSync(directory, { recursive: true, withFileTypes: true })
      .filter((entry) => entry.isFile())
      .map((entry) => path.relative(directory, path.join(entry.parentPath, entry.name)))
      .sort();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
}

/** Polls `condition` until it holds, failing after `timeoutMs`. */
export async function waitFor(
  condition: () => boolean | Promise<boolean>,
  timeoutMs = 10_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
