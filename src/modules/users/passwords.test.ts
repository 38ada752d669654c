import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { COMMON_PASSWORDS_FILE, commonPasswords, isCommonPassword } from './common-passwords.js';
import { hashPassword, passwordNeedsRehash, passwordProblems, verifyPassword } from './passwords.js';

describe('password rules', () => {
  it('refuses 11 characters and accepts 12, saying why', () => {
    expect(passwordProblems('elevenchars', 'nurse.joy')).toEqual([
      {
        field: 'password',
        message: expect.stringMatching(/at least 12 characters long \(it has 11\)/),
      },
    ]);
    expect(passwordProblems('twelve chars', 'nurse.joy')).toEqual([]);
  });

  it('counts characters, not bytes: 12 emoji are 12 characters', () => {
    expect(passwordProblems('🩺'.repeat(12), 'nurse.joy')).toEqual([]);
    expect(passwordProblems('🩺'.repeat(11), 'nurse.joy')).toHaveLength(1);
  });

  it('accepts 128 characters and refuses 129', () => {
    expect(passwordProblems('x'.repeat(127) + 'y', 'nurse.joy')).toEqual([]);
    expect(passwordProblems('x'.repeat(128) + 'y', 'nurse.joy')[0]?.message).toMatch(/at most 128/);
  });

  it('refuses a common password whatever its case, naming the field and the reason', () => {
    for (const common of ['qwerty123456', 'QWERTY123456', 'administrator', 'password']) {
      const problems = passwordProblems(common, 'nurse.joy', 'newPassword');
      expect(problems.map((problem) => problem.field)).toContain('newPassword');
      expect(problems.some((problem) => /most common passwords/.test(problem.message))).toBe(true);
    }
  });

  it('imposes no composition rules: a long phrase of lower-case words passes', () => {
    expect(passwordProblems('the ward kettle is always on', 'nurse.joy')).toEqual([]);
  });

  it('refuses a password containing the username, in any case', () => {
    expect(passwordProblems('my name is Nurse.Joy ok', 'nurse.joy')[0]?.message).toBe(
      'must not contain the username',
    );
  });

  it('keeps the passwords the tests and the bootstrap use acceptable', () => {
    for (const password of ['correct horse battery staple', 'a fine long password 1']) {
      expect(passwordProblems(password, 'admin')).toEqual([]);
    }
  });
});

describe('the common-password list', () => {
  it('ships at least the top 10,000, lower-case, most common first', () => {
    const lines = readFileSync(COMMON_PASSWORDS_FILE, 'utf8').split('\n').filter(Boolean);
    expect(lines.length).toBeGreaterThanOrEqual(10_000);
    expect(lines.slice(0, 2)).toEqual(['123456', 'password']);
    expect(commonPasswords().size).toBe(lines.length);
    expect(isCommonPassword('Dragon')).toBe(true);
    expect(isCommonPassword('the ward kettle is always on')).toBe(false);
  });
});

describe('password hashing', () => {
  it('uses argon2id with m=19456 KiB, t=2, p=1, and verifies', async () => {
    const hash = await hashPassword('the ward kettle is always on');
    const [, algorithm, version, parameters] = hash.split('$');
    expect(algorithm).toBe('argon2id');
    expect(version).toBe('v=19');
    expect(Object.fromEntries(parameters!.split(',').map((pair) => pair.split('=')))).toEqual({
      m: '19456',
      t: '2',
      p: '1',
    });
    expect(await verifyPassword(hash, 'the ward kettle is always on')).toBe(true);
    expect(await verifyPassword(hash, 'the ward kettle is always off')).toBe(false);
    expect(passwordNeedsRehash(hash)).toBe(false);
    expect(
      passwordNeedsRehash('$argon2id$v=19$m=65536,p=4,t=3$c29tZXNhbHRzb21lc2FsdA$abcdefghijklmnopqrstuv'),
    ).toBe(true);
  });
});
