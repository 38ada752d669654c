import { createHash } from 'node:crypto';
import {
  closeSync,
  createReadStream,
  createWriteStream,
  fsyncSync,
  openSync,
  renameSync,
  rmSync,
} from 'node:fs';
import path from 'node:path';
import { Transform, type Readable, type Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { BackupError } from './backup-error.js';
import { checksumPath } from './backup-files.js';
import { decrypt, encrypt } from './gpg.js';

/** Something that produces a stream and reports, separately, whether it finished well (a child process). */
export interface Producer {
  readonly stream: Readable;
  readonly done: Promise<void>;
}

/** Passes data through, reporting bytes every 4 MiB and feeding an optional hash. */
export function counting(
  onProgress: ((bytes: number) => void) | undefined,
  hash?: ReturnType<typeof createHash>,
): Transform {
  let bytes = 0;
  let last = 0;
  return new Transform({
    transform(chunk: Buffer, _encoding, callback): void {
      bytes += chunk.length;
      hash?.update(chunk);
      if (onProgress && bytes - last > 4 * 1024 * 1024) {
        last = bytes;
        onProgress(bytes);
      }
      callback(null, chunk);
    },
  });
}

/** Copies `source` into `sink` while the sink accepts data, and drains the rest of `source` after it closes. */
export async function feedUntilClosed(source: Readable, sink: Writable): Promise<void> {
  let open = true;
  sink.on('error', () => (open = false));
  sink.on('close', () => (open = false));
  for await (const chunk of source) {
    if (open && !sink.write(chunk)) {
      await new Promise<void>((resolve) => {
        const done = (): void => {
          sink.off('drain', done);
          sink.off('close', done);
          resolve();
        };
        sink.once('drain', done);
        sink.once('close', done);
      });
    }
  }
  if (open) sink.end();
}

/**
 * Waits for every step of a pipeline of processes. When one fails, the others fail as a consequence
 * (EPIPE, a closed stream); the error reported is that of the first tool in `tools` that failed,
 * since its stderr says why, and otherwise the first failure.
 */
export async function allOrCause(
  steps: readonly Promise<unknown>[],
  tools: readonly Promise<unknown>[],
): Promise<void> {
  const [stepResults, toolResults] = await Promise.all([
    Promise.allSettled(steps),
    Promise.allSettled(tools),
  ]);
  const failed = [...toolResults, ...stepResults].find(
    (result): result is PromiseRejectedResult => result.status === 'rejected',
  );
  if (failed) throw failed.reason;
}

export interface EncryptedFile {
  readonly sha256: string;
  readonly sizeBytes: number;
}

/**
 * Streams `producer` through `gpg --symmetric` into `file`: written as `file.partial`, synced, then
 * renamed, with `file.sha256` beside it. Only ciphertext reaches the disk; on any failure the partial
 * file is removed and nothing is left behind.
 */
export async function writeEncrypted(
  file: string,
  passphraseFile: string,
  producer: Producer,
  options: { env?: NodeJS.ProcessEnv; onProgress?: ((bytes: number) => void) | undefined },
): Promise<EncryptedFile> {
  const partial = `${file}.partial`;
  const gpg = encrypt(passphraseFile, options.env);
  const hash = createHash('sha256');
  let sizeBytes = 0;
  const measure = new Transform({
    transform(chunk: Buffer, _encoding, callback): void {
      sizeBytes += chunk.length;
      callback(null, chunk);
    },
  });
  try {
    await allOrCause(
      [
        pipeline(producer.stream, gpg.child.stdin!),
        pipeline(
          gpg.child.stdout!,
          counting(options.onProgress, hash),
          measure,
          createWriteStream(partial, { mode: 0o600 }),
        ),
      ],
      [producer.done, gpg.done],
    );
    const descriptor = openSync(partial, 'r');
    fsyncSync(descriptor);
    closeSync(descriptor);
  } catch (error) {
    rmSync(partial, { force: true });
    throw new BackupError(`Backup failed, nothing was kept: ${(error as Error).message}`);
  }
  const sha256 = hash.digest('hex');
  renameSync(partial, file);
  const sums = createWriteStream(checksumPath(file), { mode: 0o600 });
  await new Promise<void>((resolve, reject) => {
    sums.once('error', reject);
    sums.end(`${sha256}  ${path.basename(file)}\n`, resolve);
  });
  return { sha256, sizeBytes };
}

/** `file` decrypted by gpg: the plaintext stream, and a promise of reading and decrypting it all. */
export function openDecrypted(
  file: string,
  passphraseFile: string,
  options: { env?: NodeJS.ProcessEnv; onProgress?: ((bytes: number) => void) | undefined },
): Producer {
  const gpg = decrypt(passphraseFile, options.env);
  const done = Promise.all([
    pipeline(createReadStream(file), counting(options.onProgress), gpg.child.stdin!),
    gpg.done,
  ]).then(() => undefined);
  // The caller awaits `done` with its own pipeline; this keeps an early failure from being unhandled.
  done.catch(() => undefined);
  return { stream: gpg.child.stdout!, done };
}
