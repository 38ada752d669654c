export {
  FieldCipher,
  FieldDecryptionError,
  normaliseIdentifier,
  keyIdOf,
  type EncryptedField,
} from './field-cipher.js';
export { KeyFileError, appendKey, parseKeyFile, readKeyFile, type Keyring } from './key-file.js';
export {
  openFieldCipher,
  lazyFieldCipher,
  generatedKeyNotice,
  type OpenedFieldCipher,
} from './field-keys.js';
export {
  FieldEncryptionService,
  type EncryptionPassResult,
  type EncryptionProgress,
} from './field-encryption.service.js';
export { AccessReviewService, type AccessReview, type AccessReviewEntry } from './access-review.service.js';
