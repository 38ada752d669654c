import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** The shipped list (resources/common-passwords.txt, see resources/README.md for its source). */
export const COMMON_PASSWORDS_FILE = fileURLToPath(
  new URL('../../../resources/common-passwords.txt', import.meta.url),
);

let common: ReadonlySet<string> | undefined;

/** The common passwords, lower-case; read once, on first use, so start-up does not pay for it. */
export function commonPasswords(): ReadonlySet<string> {
  common ??= new Set(
    readFileSync(COMMON_PASSWORDS_FILE, 'utf8')
      .split('\n')
      .map((line) => line.trim())
      .filter((line) => line !== ''),
  );
  return common;
}

/** Whether a password is on the common list, whatever its letter case. */
export function isCommonPassword(password: string): boolean {
  return commonPasswords().has(password.toLowerCase());
}
