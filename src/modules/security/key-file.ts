import { randomBytes } from 'node:crypto';
import {
  chmodSync,
  existsSync,
  linkSync,
  mkdirSync,
  readFileSync,
  renameSync,
  statSync,
  unlinkSync,
  writeFileSync,
} from 'node:fs';
import path from 'node:path';

/** A key file's problem: the CLI prints the message (it says what to do) and exits 1. */
export class KeyFileError extends Error {
  override name = 'KeyFileError';
}

/** Key ids go into every stored value (`v1:<keyId>:...`), so they must not contain `:`. */
const KEY_ID_PATTERN = /^[A-Za-z0-9._-]{1,40}$/;
const KEY_BYTES = 32;

export interface Keyring {
  /** The file the keys came from, for messages. */
  readonly file: string;
  /** Master keys by id, in file order. */
  readonly keys: ReadonlyMap<string, Buffer>;
  /** The newest key: the last line of the file. New values are encrypted with it. */
  readonly activeKeyId: string;
}

const HEADER = `# MediSys field-encryption keys (AES-256-GCM for national identifiers and insurance policy numbers).
# One key a line: <id>=<base64 of 32 random bytes>. The LAST line is the active key: new values are
# encrypted with it and \`medisys security rotate-key\` re-encrypts everything with it. Keep older lines
# until rotate-key has finished. Back this file up apart from the database: without it the encrypted
# fields cannot be read, and with it a stolen database backup can be.
`;

/** Parses `id=base64key` lines; `#` comments and blank lines are ignored; the last key is active. */
export function parseKeyFile(text: string, file: string): Keyring {
  const keys = new Map<string, Buffer>();
  let activeKeyId: string | undefined;
  const lines = text.split(/\r?\n/);
  lines.forEach((raw, index) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    const where = `${file}:${index + 1}`;
    const separator = line.indexOf('=');
    if (separator <= 0) throw new KeyFileError(`${where}: expected <id>=<base64 key>.`);
    const id = line.slice(0, separator).trim();
    const encoded = line.slice(separator + 1).trim();
    if (!KEY_ID_PATTERN.test(id)) {
      throw new KeyFileError(
        `${where}: the key id "${id}" must be 1-40 letters, digits, dot, dash or underscore.`,
      );
    }
    const key = Buffer.from(encoded, 'base64');
    if (
      key.length !== KEY_BYTES ||
      key.toString('base64').replace(/=+$/, '') !== encoded.replace(/=+$/, '')
    ) {
      throw new KeyFileError(
        `${where}: the key "${id}" is not the base64 of ${KEY_BYTES} bytes (make one with \`medisys security add-key\` or \`openssl rand -base64 32\`).`,
      );
    }
    if (keys.has(id)) throw new KeyFileError(`${where}: the key id "${id}" appears twice.`);
    keys.set(id, key);
    activeKeyId = id;
  });
  if (activeKeyId === undefined) {
    throw new KeyFileError(`${file} holds no key. Add one with \`medisys security add-key\`.`);
  }
  return { file, keys, activeKeyId };
}

/** Reads and parses a key file; a file open to every user is refused, as ssh refuses a readable private key. */
export function readKeyFile(file: string): Keyring {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new KeyFileError(
      `Cannot read the encryption key file ${file} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}). ` +
        'Restore it from your key backup, fix security.encryption.key-file, or create it with `medisys security add-key`.',
    );
  }
  if (process.platform !== 'win32' && (statSync(file).mode & 0o007) !== 0) {
    throw new KeyFileError(
      `The encryption key file ${file} is open to every user of this machine. Run \`chmod 600 ${file}\` (owner only) and start again.`,
    );
  }
  return parseKeyFile(text, file);
}

/** A new key id: the day it was made and a random suffix, so ids sort by age and never collide. */
export function newKeyId(now: Date = new Date()): string {
  return `k${now.toISOString().slice(0, 10).replace(/-/g, '')}-${randomBytes(3).toString('hex')}`;
}

function keyLine(id: string): string {
  return `${id}=${randomBytes(KEY_BYTES).toString('base64')}\n`;
}

/**
 * Creates `file` with one new key unless it exists, atomically: the content is written to a private
 * temporary file and hard-linked into place, so two instances starting at once on a fresh machine
 * end up with the same key (the second link fails and that instance reads the first one's file).
 */
export function createKeyFileIfMissing(file: string): { created: boolean; keyId: string | undefined } {
  if (existsSync(file)) return { created: false, keyId: undefined };
  mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  const id = newKeyId();
  const temporary = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  writeFileSync(temporary, HEADER + keyLine(id), { mode: 0o600, flag: 'wx' });
  try {
    linkSync(temporary, file);
    return { created: true, keyId: id };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return { created: false, keyId: undefined };
    throw error;
  } finally {
    unlinkSync(temporary);
  }
}

/**
 * Appends a new key as the last (active) line, creating the file when missing. The file is rewritten
 * through a temporary file and a rename, so a reader never sees half a line. Returns the new key id.
 */
export function appendKey(file: string): string {
  if (createKeyFileIfMissing(file).created) return readKeyFile(file).activeKeyId;
  const current = readFileSync(file, 'utf8');
  const existing = parseKeyFile(current, file);
  let id = newKeyId();
  while (existing.keys.has(id)) id = newKeyId();
  const temporary = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  writeFileSync(temporary, `${current.endsWith('\n') ? current : `${current}\n`}${keyLine(id)}`, {
    mode: 0o600,
    flag: 'wx',
  });
  chmodSync(temporary, 0o600);
  renameSync(temporary, file);
  return id;
}
