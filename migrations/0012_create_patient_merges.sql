-- MediSys 0012: merges of duplicate patient records, each with the snapshot that lets it be undone,
-- and the indexes that keep the search for duplicate candidates bounded on large patient tables.
BEGIN;

CREATE TABLE patient_merges (
  id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  survivor_id uuid NOT NULL REFERENCES patients (id),
  merged_id   uuid NOT NULL REFERENCES patients (id),
  reason      text NOT NULL CHECK (length(reason) BETWEEN 1 AND 1000),
  -- The merged patient's row as it was, and for every table with a foreign key to patients the primary
  -- keys of the rows that pointed at the merged patient: undo moves back exactly those rows.
  snapshot    jsonb NOT NULL,
  merged_by   uuid NOT NULL REFERENCES users (id),
  merged_at   timestamptz NOT NULL DEFAULT now(),
  undone_by   uuid REFERENCES users (id),
  undone_at   timestamptz,
  CHECK (survivor_id <> merged_id),
  CHECK ((undone_at IS NULL) = (undone_by IS NULL))
);
-- A record is merged away at most once at a time; an undone merge may be followed by a new one.
CREATE UNIQUE INDEX idx_patient_merges_one_active_per_merged ON patient_merges (merged_id) WHERE undone_at IS NULL;
CREATE INDEX idx_patient_merges_survivor ON patient_merges (survivor_id, merged_at);
CREATE INDEX idx_patient_merges_merged ON patient_merges (merged_id, merged_at);
CREATE INDEX idx_patient_merges_merged_at ON patient_merges (merged_at);

-- A merge finds the records already merged into the duplicate (to re-point them) without a table scan.
CREATE INDEX idx_patients_merged_into ON patients (merged_into_patient_id) WHERE merged_into_patient_id IS NOT NULL;

-- Duplicate candidates are looked up per patient: a similar name (pg_trgm %) with the same birth date,
-- answered by one GiST probe that checks both (btree_gist, from 0006, lets GiST compare dates) ...
CREATE INDEX idx_patients_active_birth_date_name ON patients
  USING gist (date_of_birth, name gist_trgm_ops) WHERE NOT archived;
-- ... or with the same phone digits (the trigram index on phone_digits serves "ends with", not equality).
CREATE INDEX idx_patients_phone_digits_equal ON patients (phone_digits) WHERE phone_digits <> '';
-- The candidate scan walks the most recently registered active patients first.
CREATE INDEX idx_patients_active_created ON patients (created_at DESC, id DESC) WHERE NOT archived;

INSERT INTO schema_version (version, description) VALUES (12, 'create patient_merges');

COMMIT;
