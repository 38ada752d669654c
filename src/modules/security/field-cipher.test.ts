import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { AppConfig } from '../../config/load.js';
import { FieldCipher, FieldDecryptionError, keyIdOf, normaliseIdentifier } from './field-cipher.js';
import { lazyFieldCipher } from './field-keys.js';
import { appendKey, createKeyFileIfMissing, KeyFileError, parseKeyFile, readKeyFile } from './key-file.js';

const workDir = mkdtempSync(path.join(tmpdir(), 'medisys-keys-'));
afterAll(() => rmSync(workDir, { recursive: true, force: true }));

const keyLine = (id: string): string => `${id}=${randomBytes(32).toString('base64')}`;
const ring = (...ids: string[]) => parseKeyFile(ids.map(keyLine).join('\n'), 'test.keys');

describe('the field cipher', () => {
  const cipher = new FieldCipher(ring('k1'));

  it('round-trips a value and stores neither it nor a fixed ciphertext', () => {
    const first = cipher.encrypt('patients.national_id', '850101-1234');
    const second = cipher.encrypt('patients.national_id', '850101-1234');
    expect(first).toMatch(/^v1:k1:[A-Za-z0-9_-]+$/);
    expect(first).not.toContain('850101');
    expect(first).not.toBe(second);
    expect(cipher.decrypt('patients.national_id', first)).toBe('850101-1234');
    expect(keyIdOf(first)).toBe('k1');
  });

  it('refuses a value moved to another column or changed by one character', () => {
    const stored = cipher.encrypt('claims.policy_number', 'POL-1');
    expect(() => cipher.decrypt('insurance_coverages.policy_number', stored)).toThrow(FieldDecryptionError);
    const last = stored.at(-1) === 'A' ? 'B' : 'A';
    expect(() => cipher.decrypt('claims.policy_number', stored.slice(0, -1) + last)).toThrow(
      FieldDecryptionError,
    );
  });

  it('hashes identifiers however they were typed, per field and per key', () => {
    expect(normaliseIdentifier(' ab 12-34 ')).toBe('AB1234');
    const hash = cipher.searchHash('patients.national_id', 'ab 12-34');
    expect(hash).toMatch(/^[0-9a-f]{64}$/);
    expect(cipher.searchHash('patients.national_id', 'AB1234')).toBe(hash);
    expect(cipher.searchHash('patients.insurance_number', 'AB1234')).not.toBe(hash);
    expect(new FieldCipher(ring('k1')).searchHash('patients.national_id', 'AB1234')).not.toBe(hash);
  });

  it('encrypts with the last key of the file and opens values of every key in it', () => {
    const oldLine = keyLine('old');
    const stored = new FieldCipher(parseKeyFile(oldLine, 'f')).encrypt('patients.national_id', 'X-1');
    const both = new FieldCipher(parseKeyFile(`# comment\n${oldLine}\n\n${keyLine('new')}\n`, 'f'));
    expect(both.activeKeyId).toBe('new');
    expect(both.decrypt('patients.national_id', stored)).toBe('X-1');
    expect(keyIdOf(both.encrypt('patients.national_id', 'X-1'))).toBe('new');
    const withoutOld = new FieldCipher(parseKeyFile(keyLine('new'), 'f'));
    expect(() => withoutOld.decrypt('patients.national_id', stored)).toThrow(/key old/);
  });

  it('finds a key added to the file since start when a value names it', () => {
    const file = path.join(workDir, 'reload.keys');
    createKeyFileIfMissing(file);
    const running = new FieldCipher(readKeyFile(file), () => readKeyFile(file));
    const newKeyId = appendKey(file);
    const elsewhere = new FieldCipher(readKeyFile(file));
    const stored = elsewhere.encrypt('patients.national_id', 'Y-2');
    expect(keyIdOf(stored)).toBe(newKeyId);
    expect(running.decrypt('patients.national_id', stored)).toBe('Y-2');
    expect(running.activeKeyId).toBe(newKeyId);
  });
});

describe('key files', () => {
  it('are generated once, owner-only, and shared by two processes racing to create them', () => {
    const file = path.join(workDir, 'generated', 'field-encryption.keys');
    const first = createKeyFileIfMissing(file);
    const second = createKeyFileIfMissing(file);
    expect(first.created).toBe(true);
    expect(second.created).toBe(false);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(readKeyFile(file).activeKeyId).toBe(first.keyId);
  });

  it('refuse malformed lines, short keys, repeated ids and files open to everyone', () => {
    expect(() => parseKeyFile('k1', 'f')).toThrow(/expected <id>=<base64 key>/);
    expect(() => parseKeyFile(`k1=${randomBytes(16).toString('base64')}`, 'f')).toThrow(/32 bytes/);
    expect(() => parseKeyFile(`${keyLine('a:b')}`, 'f')).toThrow(/key id/);
    expect(() => parseKeyFile(`${keyLine('k1')}\n${keyLine('k1')}`, 'f')).toThrow(/twice/);
    expect(() => parseKeyFile('# only a comment\n', 'f')).toThrow(/holds no key/);
    const open = path.join(workDir, 'open.keys');
    writeFileSync(open, `${keyLine('k1')}\n`, { mode: 0o644 });
    expect(() => readKeyFile(open)).toThrow(KeyFileError);
    expect(() => readKeyFile(path.join(workDir, 'missing.keys'))).toThrow(
      /Cannot read the encryption key file/,
    );
  });

  it('are made by a command only once it encrypts something, and announced once', () => {
    const file = path.join(workDir, 'lazy', 'field-encryption.keys');
    const config = { security: { encryption: { keyFile: file, generateKeyFile: true } } };
    const generated: string[] = [];
    const cipher = lazyFieldCipher(config as unknown as Pick<AppConfig, 'security'>, (made) =>
      generated.push(made.keyId),
    );
    expect(cipher.decryptOptional('patients.national_id', null)).toBeNull();
    expect(existsSync(file)).toBe(false);
    const stored = cipher.encrypt('patients.national_id', 'Z-3');
    expect(existsSync(file)).toBe(true);
    expect(generated).toEqual([keyIdOf(stored)]);
    expect(cipher.decrypt('patients.national_id', stored)).toBe('Z-3');
    expect(generated).toHaveLength(1);
  });

  it('keep their older keys when a key is added, the new one last and active', () => {
    const file = path.join(workDir, 'append.keys');
    const created = createKeyFileIfMissing(file);
    const added = appendKey(file);
    const keyring = readKeyFile(file);
    expect([...keyring.keys.keys()]).toEqual([created.keyId, added]);
    expect(keyring.activeKeyId).toBe(added);
    expect(statSync(file).mode & 0o777).toBe(0o600);
  });
});
