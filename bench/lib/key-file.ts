import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createKeyFileIfMissing } from '../../src/modules/security/key-file.js';

/**
 * The field-encryption key file of the bench database, shared by every instance and by the in-process
 * app, and kept beside the bench (git-ignored) for as long as the loaded database is reused: values one
 * run encrypts must be readable by the next.
 */
export const BENCH_KEY_FILE = fileURLToPath(new URL('../.state/field-encryption.keys', import.meta.url));

export function ensureBenchKeyFile(): string {
  mkdirSync(path.dirname(BENCH_KEY_FILE), { recursive: true, mode: 0o700 });
  createKeyFileIfMissing(BENCH_KEY_FILE);
  return BENCH_KEY_FILE;
}
