-- MediSys 0003: patients, with the trigram index that serves name LIKE/ILIKE '%...%'.
BEGIN;

CREATE EXTENSION IF NOT EXISTS pg_trgm;

CREATE SEQUENCE patient_mrn_seq START 100001;

CREATE TABLE patients (
  id                      uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  mrn                     text NOT NULL DEFAULT ('MRN' || lpad(nextval('patient_mrn_seq')::text, 8, '0')),
  name                    text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
  date_of_birth           date NOT NULL,
  sex                     text NOT NULL DEFAULT 'unknown' CHECK (sex IN ('female', 'male', 'other', 'unknown')),
  phone                   text,
  phone_digits            text GENERATED ALWAYS AS (regexp_replace(coalesce(phone, ''), '[^0-9]', '', 'g')) STORED,
  email                   text,
  address                 text,
  emergency_contact_name  text,
  emergency_contact_phone text,
  insurance_provider      text,
  insurance_number        text,
  archived                boolean NOT NULL DEFAULT false,
  archived_at             timestamptz,
  version                 integer NOT NULL DEFAULT 1,
  created_at              timestamptz NOT NULL DEFAULT now(),
  updated_at              timestamptz NOT NULL DEFAULT now(),
  created_by              uuid REFERENCES users (id),
  updated_by              uuid REFERENCES users (id)
);
CREATE UNIQUE INDEX idx_patients_mrn ON patients (mrn);
CREATE INDEX idx_patients_name ON patients USING gin (name gin_trgm_ops);
-- Serves phone searches by the number's trailing digits (with or without country code).
CREATE INDEX idx_patients_phone_digits ON patients USING gin (phone_digits gin_trgm_ops);
CREATE INDEX idx_patients_date_of_birth ON patients (date_of_birth);

INSERT INTO schema_version (version, description) VALUES (3, 'create patients');

COMMIT;
