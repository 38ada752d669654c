import type { AppConfig } from '../../config/load.js';
import { FieldCipher } from './field-cipher.js';
import { createKeyFileIfMissing, readKeyFile } from './key-file.js';

export interface OpenedFieldCipher {
  readonly cipher: FieldCipher;
  /** Set when this call generated the default key file: the caller tells the operator once. */
  readonly generated: { readonly file: string; readonly keyId: string } | undefined;
}

/**
 * The field cipher of the configured key file. With no `security.encryption.key-file` the key file is
 * `<data.dir>/keys/field-encryption.keys`, generated (mode 0600) the first time it is needed, so a
 * newcomer's `npm start` encrypts from the first record; a configured file must exist. `medisys serve`
 * opens the keys at start; a command opens them `lazily`, only once it encrypts or decrypts something,
 * and then reports a generated file through `onGenerated`.
 */
export function openFieldCipher(config: Pick<AppConfig, 'security'>): OpenedFieldCipher {
  const { keyFile, generateKeyFile } = config.security.encryption;
  const created = generateKeyFile ? createKeyFileIfMissing(keyFile) : { created: false, keyId: undefined };
  const cipher = new FieldCipher(readKeyFile(keyFile), () => readKeyFile(keyFile));
  return {
    cipher,
    generated: created.created ? { file: keyFile, keyId: created.keyId! } : undefined,
  };
}

/** A cipher that reads (or generates) its key file only when first used. */
export function lazyFieldCipher(
  config: Pick<AppConfig, 'security'>,
  onGenerated: (generated: { file: string; keyId: string }) => void,
): FieldCipher {
  const { keyFile, generateKeyFile } = config.security.encryption;
  return new FieldCipher(
    () => {
      const created = generateKeyFile
        ? createKeyFileIfMissing(keyFile)
        : { created: false, keyId: undefined };
      if (created.created) onGenerated({ file: keyFile, keyId: created.keyId! });
      return readKeyFile(keyFile);
    },
    () => readKeyFile(keyFile),
  );
}

/** The lines an operator must see once when a key was generated, like the first admin password. */
export function generatedKeyNotice(generated: { file: string; keyId: string }): string[] {
  return [
    '',
    `  MediSys generated the field-encryption key ${generated.keyId} in ${generated.file} (mode 0600).`,
    '  National identifiers and insurance policy numbers are encrypted with it. Back this file up now,',
    '  apart from the database backups: without it those fields cannot be read after a restore.',
    '  Several instances must share one key file (security.encryption.key-file).',
    '',
  ];
}
