import { randomBytes } from 'node:crypto';
import { availableParallelism } from 'node:os';
import argon2 from 'argon2';
import { ConcurrencyGate } from '../../shared/concurrency-gate.js';
import type { FieldError } from '../../shared/errors.js';
import { isCommonPassword } from './common-passwords.js';

/** OWASP's argon2id recommendation: 19 MiB, 2 iterations, 1 lane. */
const ARGON2_OPTIONS = { type: argon2.argon2id, memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

/**
 * Hashes in flight at once, per process: one per core. Each takes a core for ~13 ms; with more in
 * flight than cores (libuv runs four), a burst of sign-ins leaves the event loop and PostgreSQL a
 * fraction of a core and every other request waits. Per process because the cores are.
 */
const hashing = new ConcurrencyGate(availableParallelism());

export const PASSWORD_MIN_LENGTH = 12;
export const PASSWORD_MAX_LENGTH = 128;

export async function hashPassword(password: string): Promise<string> {
  return hashing.run(() => argon2.hash(password, ARGON2_OPTIONS));
}

let dummyHash: Promise<string> | undefined;

/**
 * Verifies a password. With no stored hash (unknown user) it still spends the time of a real
 * verification, so response times do not reveal which usernames exist.
 */
export async function verifyPassword(storedHash: string | undefined, password: string): Promise<boolean> {
  if (storedHash === undefined) {
    dummyHash ??= hashPassword(randomBytes(16).toString('hex'));
    const hash = await dummyHash;
    await hashing.run(() => argon2.verify(hash, password)).catch(() => false);
    return false;
  }
  try {
    return await hashing.run(() => argon2.verify(storedHash, password));
  } catch {
    return false;
  }
}

/** Whether a stored hash was made with other parameters than today's, so it should be remade. */
export function passwordNeedsRehash(storedHash: string): boolean {
  try {
    return !storedHash.startsWith('$argon2id$') || argon2.needsRehash(storedHash, ARGON2_OPTIONS);
  } catch {
    return false;
  }
}

/**
 * The password rules (NIST SP 800-63B, OWASP ASVS 2.1): 12 to 128 characters counted as Unicode code
 * points, no composition rules, not on the shipped list of common passwords, not containing the
 * username. Returns every problem, each naming the field; empty when acceptable.
 */
export function passwordProblems(password: string, username: string, field = 'password'): FieldError[] {
  const problems: FieldError[] = [];
  const length = [...password].length;
  if (length < PASSWORD_MIN_LENGTH) {
    problems.push({
      field,
      message: `must be at least ${PASSWORD_MIN_LENGTH} characters long (it has ${length}); a phrase of several words is easiest`,
    });
  }
  if (length > PASSWORD_MAX_LENGTH) {
    problems.push({
      field,
      message: `must be at most ${PASSWORD_MAX_LENGTH} characters long (it has ${length})`,
    });
  }
  if (isCommonPassword(password)) {
    problems.push({
      field,
      message: 'is one of the most common passwords, which attackers try first; choose another',
    });
  }
  if (username.length >= 3 && password.toLowerCase().includes(username.toLowerCase())) {
    problems.push({ field, message: 'must not contain the username' });
  }
  return problems;
}

/** A random password for generated accounts: 24 characters from 144 random bits. */
export function generatePassword(): string {
  return randomBytes(18).toString('base64url');
}
