-- MediSys 0017: encryption at rest of national identifiers and insurance policy numbers.
--
-- Values are encrypted by the application (AES-256-GCM, keys from security.encryption.key-file) and
-- stored as 'v1:<keyId>:<base64url(iv|ciphertext|tag)>'; a keyed hash (HMAC-SHA256) beside a value
-- serves exact search and uniqueness. SQL cannot encrypt without the key, so this migration only
-- makes room: existing plaintext moves to *_plaintext columns, which MediSys empties on its next start
-- (and `medisys security rotate-key` does too), encrypting each value. New rows never use them.
BEGIN;

-- patients: a national identifier (new, optional) and the insurance number given at registration.
ALTER TABLE patients RENAME COLUMN insurance_number TO insurance_number_plaintext;
ALTER TABLE patients
  ADD COLUMN insurance_number_encrypted text,
  ADD COLUMN insurance_number_hash      text,
  ADD COLUMN national_id_encrypted      text,
  ADD COLUMN national_id_hash           text,
  ADD CONSTRAINT patients_insurance_number_once
    CHECK (num_nonnulls(insurance_number_plaintext, insurance_number_encrypted) <= 1),
  ADD CONSTRAINT patients_insurance_number_hashed
    CHECK ((insurance_number_encrypted IS NULL) = (insurance_number_hash IS NULL)),
  ADD CONSTRAINT patients_insurance_number_sealed
    CHECK (insurance_number_encrypted ~ '^v1:[A-Za-z0-9._-]{1,40}:[A-Za-z0-9_-]+$'),
  ADD CONSTRAINT patients_national_id_hashed
    CHECK ((national_id_encrypted IS NULL) = (national_id_hash IS NULL)),
  ADD CONSTRAINT patients_national_id_sealed
    CHECK (national_id_encrypted ~ '^v1:[A-Za-z0-9._-]{1,40}:[A-Za-z0-9_-]+$');
CREATE INDEX idx_patients_national_id_hash ON patients (national_id_hash) WHERE national_id_hash IS NOT NULL;
CREATE INDEX idx_patients_insurance_number_hash ON patients (insurance_number_hash)
  WHERE insurance_number_hash IS NOT NULL;
-- Finds what is left to encrypt without reading the whole table; empty once it is done.
CREATE INDEX idx_patients_insurance_number_plaintext ON patients (id) WHERE insurance_number_plaintext IS NOT NULL;

-- insurance_coverages: the policy number; uniqueness per payer and patient now holds on its keyed hash.
ALTER TABLE insurance_coverages RENAME COLUMN policy_number TO policy_number_plaintext;
ALTER TABLE insurance_coverages ALTER COLUMN policy_number_plaintext DROP NOT NULL;
ALTER TABLE insurance_coverages
  ADD COLUMN policy_number_encrypted text,
  ADD COLUMN policy_number_hash      text,
  ADD CONSTRAINT insurance_coverages_policy_number_once
    CHECK (num_nonnulls(policy_number_plaintext, policy_number_encrypted) = 1),
  ADD CONSTRAINT insurance_coverages_policy_number_hashed
    CHECK ((policy_number_encrypted IS NULL) = (policy_number_hash IS NULL)),
  ADD CONSTRAINT insurance_coverages_policy_number_sealed
    CHECK (policy_number_encrypted ~ '^v1:[A-Za-z0-9._-]{1,40}:[A-Za-z0-9_-]+$');
DROP INDEX idx_insurance_coverages_policy;
CREATE UNIQUE INDEX idx_insurance_coverages_policy
  ON insurance_coverages (lower(provider), policy_number_hash, patient_id);
CREATE INDEX idx_insurance_coverages_policy_hash ON insurance_coverages (policy_number_hash);
CREATE INDEX idx_insurance_coverages_policy_plaintext ON insurance_coverages (id)
  WHERE policy_number_plaintext IS NOT NULL;

-- claims: the policy number copied from the coverage when the claim was made.
ALTER TABLE claims RENAME COLUMN policy_number TO policy_number_plaintext;
ALTER TABLE claims ALTER COLUMN policy_number_plaintext DROP NOT NULL;
ALTER TABLE claims
  ADD COLUMN policy_number_encrypted text,
  ADD CONSTRAINT claims_policy_number_once
    CHECK (num_nonnulls(policy_number_plaintext, policy_number_encrypted) = 1),
  ADD CONSTRAINT claims_policy_number_sealed
    CHECK (policy_number_encrypted ~ '^v1:[A-Za-z0-9._-]{1,40}:[A-Za-z0-9_-]+$');
CREATE INDEX idx_claims_policy_plaintext ON claims (id) WHERE policy_number_plaintext IS NOT NULL;

-- The keys values were encrypted with, by id and a one-way check value (never the key): an instance
-- started with a key file that lacks a key in use, or holds a different key under the same id, is
-- refused at start instead of failing on every read. A key is retired once rotate-key has moved
-- every value off it.
CREATE TABLE encryption_keys (
  key_id        text PRIMARY KEY CHECK (key_id ~ '^[A-Za-z0-9._-]{1,40}$'),
  check_value   text NOT NULL,
  registered_at timestamptz NOT NULL DEFAULT now(),
  retired_at    timestamptz
);

INSERT INTO schema_version (version, description) VALUES (17, 'encrypt identifiers');

COMMIT;
