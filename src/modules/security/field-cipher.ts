import { createCipheriv, createDecipheriv, createHmac, hkdfSync, randomBytes } from 'node:crypto';
import type { Keyring } from './key-file.js';

/** The encrypted columns, named `table.column`; the name is bound into each ciphertext and keyed hash. */
export type EncryptedField =
  | 'patients.national_id'
  | 'patients.insurance_number'
  | 'insurance_coverages.policy_number'
  | 'claims.policy_number';

/** A stored value that does not open: unknown key, wrong key, or changed bytes. */
export class FieldDecryptionError extends Error {
  override name = 'FieldDecryptionError';
}

const FORMAT = 'v1';
const IV_BYTES = 12;
const TAG_BYTES = 16;
/** How often an unknown key id may trigger a re-read of the key file (a key added since start). */
const RELOAD_INTERVAL_MS = 5000;

interface DerivedKeys {
  readonly encryption: Buffer;
  readonly index: Buffer;
  readonly check: string;
}

/**
 * Separate keys for encryption and for the search index come from each master key (HKDF-SHA256), so a
 * keyed hash never reuses the encryption key; the check value lets the database tell which master key
 * it was encrypted with without holding it.
 */
function derive(master: Buffer): DerivedKeys {
  const expand = (info: string): Buffer =>
    Buffer.from(hkdfSync('sha256', master, Buffer.from('medisys'), Buffer.from(info), 32));
  return {
    encryption: expand('medisys field encryption v1'),
    index: expand('medisys search index v1'),
    check: expand('medisys key check v1').toString('hex').slice(0, 32),
  };
}

/**
 * What identifies the same identifier however it was typed: Unicode-normalised, upper case, without
 * spaces or dashes ("ab 12-34" and "AB1234" are one national id). Only the keyed hash uses this; the
 * stored value keeps what was entered.
 */
export function normaliseIdentifier(value: string): string {
  return value.normalize('NFKC').toUpperCase().replace(/[\s-]/g, '');
}

/**
 * AES-256-GCM for single fields. A stored value is `v1:<keyId>:<base64url(iv | ciphertext | tag)>`:
 * the key id says which key opens it (so keys can rotate), and the field name is the additional
 * authenticated data (a value copied into another column does not open there). Exact search uses
 * `searchHash`, an HMAC-SHA256 of the normalised value under a key derived for that purpose.
 */
export class FieldCipher {
  private loaded: Keyring | undefined;
  private readonly load: (() => Keyring) | undefined;
  private derived = new Map<string, DerivedKeys>();
  private lastReloadMs = 0;

  constructor(
    /** The keys, or how to read them the first time they are needed (commands that never encrypt never read them). */
    keyring: Keyring | (() => Keyring),
    /** Re-reads the key file; called when a value names a key this process has not loaded. */
    private readonly reload?: () => Keyring,
  ) {
    if (typeof keyring === 'function') {
      this.load = keyring;
    } else {
      this.loaded = keyring;
      this.deriveAll();
    }
  }

  private get keyring(): Keyring {
    if (!this.loaded) {
      this.loaded = this.load!();
      this.deriveAll();
    }
    return this.loaded;
  }

  get activeKeyId(): string {
    return this.keyring.activeKeyId;
  }

  get keyFile(): string {
    return this.keyring.file;
  }

  keyIds(): string[] {
    return [...this.keyring.keys.keys()];
  }

  hasKey(keyId: string): boolean {
    return this.keyring.keys.has(keyId);
  }

  /** A public fingerprint of a key (derived one-way), recorded in encryption_keys. */
  checkValue(keyId: string): string {
    return this.keysOf(keyId).check;
  }

  encrypt(field: EncryptedField, plaintext: string): string {
    const keyId = this.keyring.activeKeyId;
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.keysOf(keyId).encryption, iv);
    cipher.setAAD(Buffer.from(field));
    const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    const sealed = Buffer.concat([iv, body, cipher.getAuthTag()]).toString('base64url');
    return `${FORMAT}:${keyId}:${sealed}`;
  }

  encryptOptional(field: EncryptedField, plaintext: string | null | undefined): string | null {
    return plaintext === null || plaintext === undefined ? null : this.encrypt(field, plaintext);
  }

  decrypt(field: EncryptedField, stored: string): string {
    const keyId = keyIdOf(stored);
    const sealed = Buffer.from(stored.slice(FORMAT.length + keyId.length + 2), 'base64url');
    if (sealed.length < IV_BYTES + TAG_BYTES)
      throw new FieldDecryptionError(`A ${field} value is truncated.`);
    const decipher = createDecipheriv(
      'aes-256-gcm',
      this.keysOf(keyId).encryption,
      sealed.subarray(0, IV_BYTES),
    );
    decipher.setAAD(Buffer.from(field));
    decipher.setAuthTag(sealed.subarray(sealed.length - TAG_BYTES));
    try {
      return Buffer.concat([
        decipher.update(sealed.subarray(IV_BYTES, sealed.length - TAG_BYTES)),
        decipher.final(),
      ]).toString('utf8');
    } catch {
      throw new FieldDecryptionError(
        `A ${field} value does not open with key ${keyId}: the key in ${this.keyring.file} is not the one it was encrypted with, or the value was changed.`,
      );
    }
  }

  decryptOptional(field: EncryptedField, stored: string | null): string | null {
    return stored === null ? null : this.decrypt(field, stored);
  }

  /** The keyed hash of `value` under the active key (what is stored beside a new value). */
  searchHash(field: EncryptedField, value: string, keyId = this.keyring.activeKeyId): string {
    return createHmac('sha256', this.keysOf(keyId).index)
      .update(`${field}\u0000${normaliseIdentifier(value)}`)
      .digest('hex');
  }

  /** The keyed hash under every loaded key: while a rotation runs, rows carry hashes of either key. */
  searchHashes(field: EncryptedField, value: string): string[] {
    return this.keyIds().map((keyId) => this.searchHash(field, value, keyId));
  }

  private keysOf(keyId: string): DerivedKeys {
    let keys = this.derived.get(keyId);
    if (!keys && this.reload && Date.now() - this.lastReloadMs > RELOAD_INTERVAL_MS) {
      this.lastReloadMs = Date.now();
      this.loaded = this.reload();
      this.deriveAll();
      keys = this.derived.get(keyId);
    }
    if (!keys) {
      throw new FieldDecryptionError(
        `A stored value is encrypted with key ${keyId}, which is not in ${this.keyring.file}. Put the key file that holds it on this machine (every instance needs the same file).`,
      );
    }
    return keys;
  }

  private deriveAll(): void {
    const derived = new Map<string, DerivedKeys>();
    for (const [id, master] of this.keyring.keys) derived.set(id, derive(master));
    this.derived = derived;
  }
}

/** The key id of a stored value, without opening it. */
export function keyIdOf(stored: string): string {
  const parts = stored.split(':', 3);
  if (parts.length < 3 || parts[0] !== FORMAT || parts[1] === '') {
    throw new FieldDecryptionError('A stored value is not in the v1:<keyId>:<data> format.');
  }
  return parts[1]!;
}
