import { existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { BackupError } from './backup-error.js';
import { applicationArchivePath, checkRecordedChecksum, type ApplicationArchive } from './backup-files.js';
import { runTool } from './processes.js';
import { allOrCause, openDecrypted, writeEncrypted } from './streams.js';

/** The parts of the manual's application backup, with where each is taken from. */
export interface ApplicationSources {
  /** The folder of the configuration file (the manual's /opt/medisys/config); undefined without one. */
  readonly config: string | undefined;
  readonly logs: string;
  readonly uploads: string;
  /** The field-encryption key file: without it, encrypted identifiers in a restored database are unreadable. */
  readonly keyFile: string;
}

interface ToolOptions {
  readonly env?: NodeJS.ProcessEnv;
  readonly onProgress?: ((bytes: number) => void) | undefined;
}

/**
 * A folder of links named after the parts (config/, logs/, uploads/, keys/), so one `tar --dereference`
 * stores each under its part name wherever it lives. Only links: no data is copied to disk.
 */
function stage(sources: ApplicationSources): { dir: string; parts: Record<string, string> } {
  const dir = mkdtempSync(path.join(tmpdir(), 'medisys-app-backup-'));
  const parts: Record<string, string> = {};
  for (const [part, source] of [
    ['config', sources.config],
    ['logs', sources.logs],
    ['uploads', sources.uploads],
  ] as const) {
    if (source && existsSync(source)) {
      symlinkSync(source, path.join(dir, part));
      parts[part] = source;
    }
  }
  if (existsSync(sources.keyFile)) {
    mkdirSync(path.join(dir, 'keys'));
    symlinkSync(sources.keyFile, path.join(dir, 'keys', path.basename(sources.keyFile)));
    parts['keys'] = sources.keyFile;
  }
  return { dir, parts };
}

/**
 * The manual's application backup (configuration, logs, uploaded files) plus the field-encryption
 * keys, as one `tar -cz` streamed through gpg into `<backup>.app.tar.gz.gpg`, with its `.sha256`.
 */
export async function createApplicationArchive(
  backupFile: string,
  passphraseFile: string,
  sources: ApplicationSources,
  options: ToolOptions,
): Promise<ApplicationArchive> {
  const file = applicationArchivePath(backupFile);
  const staged = stage(sources);
  try {
    const names = Object.keys(staged.parts);
    if (names.length === 0)
      throw new BackupError('There is no configuration, log, upload or key file to archive.');
    // Uploads in progress are partial files; logs being written change while read (tar exit 1).
    const tar = runTool(
      'tar',
      [
        '-czf',
        '-',
        '--dereference',
        '--warning=no-file-changed',
        '--exclude=uploads/.incoming',
        '-C',
        staged.dir,
        ...names,
      ],
      options.env ?? process.env,
      'ignore',
      [0, 1],
    );
    const encrypted = await writeEncrypted(
      file,
      passphraseFile,
      { stream: tar.child.stdout!, done: tar.done },
      options,
    );
    return { file: path.basename(file), ...encrypted, parts: staged.parts };
  } finally {
    rmSync(staged.dir, { recursive: true, force: true });
  }
}

/** Checksum, full decryption and `tar -tz` of the application archive; returns the findings. */
export async function verifyApplicationArchive(
  backupFile: string,
  passphraseFile: string,
  options: ToolOptions,
): Promise<string[]> {
  const file = applicationArchivePath(backupFile);
  if (!existsSync(file)) return [];
  const findings = [await checkRecordedChecksum(file)];
  const decrypted = openDecrypted(file, passphraseFile, options);
  const list = runTool('tar', ['-tzf', '-'], options.env ?? process.env);
  let listing = '';
  list.child.stdout!.on('data', (chunk: Buffer) => (listing += chunk.toString()));
  try {
    await allOrCause([pipeline(decrypted.stream, list.child.stdin!)], [decrypted.done, list.done]);
  } catch (error) {
    throw new BackupError(
      `${path.basename(file)} cannot be decrypted and read: ${(error as Error).message}. Use another backup.`,
    );
  }
  const entries = listing.split('\n').filter((line) => line !== '');
  const parts = [...new Set(entries.map((entry) => entry.split('/')[0]))].sort();
  findings.push(`${path.basename(file)} decrypts and lists ${entries.length} entries (${parts.join(', ')})`);
  return findings;
}
