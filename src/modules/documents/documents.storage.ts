import { createHash, randomUUID } from 'node:crypto';
import type { FileHandle } from 'node:fs/promises';
import { mkdir, open, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import { fileTypeFromFile } from 'file-type';
import { ValidationError } from '../../shared/errors.js';
import { UploadTooLargeError } from './documents.errors.js';

/** Uploads in progress live here, inside uploads.dir, so the final rename never crosses file systems. */
const INCOMING_DIR = '.incoming';
const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** A received file, complete and synced to disk, not yet in its place. */
export interface StagedFile {
  readonly tempPath: string;
  readonly sizeBytes: number;
  readonly sha256: string;
  /** The MIME type its bytes say it is; undefined when they match nothing known. */
  readonly detectedType: string | undefined;
}

async function syncDirectory(directory: string): Promise<void> {
  const handle = await open(directory, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/**
 * The files behind documents, under uploads.dir as `<patient-id>/<document-id>`: paths are made only
 * of ids, never of anything a client sent. A file is written to `.incoming/` while it is hashed, synced,
 * and renamed into place only when its row is about to commit, so no reader ever sees half a file.
 */
export class DocumentStorage {
  constructor(private readonly root: string) {}

  /** The path of a document's file relative to uploads.dir (what the database stores). */
  relativePathOf(patientId: string, documentId: string): string {
    if (!UUID_PATTERN.test(patientId) || !UUID_PATTERN.test(documentId)) {
      throw new Error('document paths are made of lower-case uuids only');
    }
    return `${patientId}/${documentId}`;
  }

  /**
   * Streams `source` to a new file in `.incoming/`, hashing as it goes. Past `maxBytes` it stops
   * writing but keeps reading to the end, so the client's request is consumed and it gets its 413.
   * On any failure (the source breaks off, the disk fails) the partial file is removed.
   */
  async stage(source: AsyncIterable<Uint8Array>, maxBytes: number): Promise<StagedFile> {
    const incoming = path.join(this.root, INCOMING_DIR);
    await mkdir(incoming, { recursive: true, mode: 0o700 });
    const tempPath = path.join(incoming, `${randomUUID()}.part`);
    const handle = await open(tempPath, 'wx', 0o600);
    try {
      const { sizeBytes, sha256 } = await writeHashed(handle, source, maxBytes);
      if (sizeBytes > maxBytes) throw new UploadTooLargeError(maxBytes);
      if (sizeBytes === 0) {
        throw new ValidationError('The file is empty.', [{ field: 'file', message: 'must not be empty' }]);
      }
      await handle.close();
      const detected = await fileTypeFromFile(tempPath);
      return { tempPath, sizeBytes, sha256, detectedType: detected?.mime };
    } catch (error) {
      await handle.close().catch(() => undefined);
      await rm(tempPath, { force: true });
      throw error;
    }
  }

  /** Moves a staged file to its final place and makes the rename durable. */
  async place(staged: StagedFile, relativePath: string): Promise<void> {
    const target = this.absolute(relativePath);
    const directory = path.dirname(target);
    await mkdir(directory, { recursive: true, mode: 0o700 });
    await rename(staged.tempPath, target);
    await syncDirectory(directory);
  }

  /** Removes a staged file that will not be kept; harmless when it was already moved or removed. */
  async discard(staged: StagedFile | undefined): Promise<void> {
    if (staged) await rm(staged.tempPath, { force: true });
  }

  /** Removes a placed file whose row did not commit. */
  async remove(relativePath: string): Promise<void> {
    await rm(this.absolute(relativePath), { force: true });
  }

  /** Opens a stored file for reading; the caller closes it (a stream from it closes it when done). */
  async open(relativePath: string): Promise<FileHandle> {
    return open(this.absolute(relativePath), 'r');
  }

  private absolute(relativePath: string): string {
    const target = path.resolve(this.root, relativePath);
    if (!target.startsWith(path.resolve(this.root) + path.sep)) {
      throw new Error('a document path left uploads.dir');
    }
    return target;
  }
}

async function writeHashed(
  handle: FileHandle,
  source: AsyncIterable<Uint8Array>,
  maxBytes: number,
): Promise<{ sizeBytes: number; sha256: string }> {
  const hash = createHash('sha256');
  let sizeBytes = 0;
  for await (const chunk of source) {
    sizeBytes += chunk.byteLength;
    if (sizeBytes > maxBytes) continue;
    hash.update(chunk);
    await handle.writeFile(chunk);
  }
  if (sizeBytes <= maxBytes) await handle.sync();
  return { sizeBytes, sha256: hash.digest('hex') };
}
