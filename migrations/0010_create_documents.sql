-- MediSys 0010: patient documents (scans, referrals, lab reports, images, consents, photos).
-- The bytes live under uploads.dir; this table holds what they are and where. Rows are archived,
-- never deleted, like every clinical record.
BEGIN;

CREATE TABLE documents (
  -- Chosen by the application before the file is moved into place, so the path is known up front.
  id                uuid PRIMARY KEY,
  patient_id        uuid NOT NULL REFERENCES patients (id),
  title             text NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
  category          text NOT NULL
                      CHECK (category IN ('id_scan', 'referral', 'lab_report', 'imaging', 'consent', 'photo', 'other')),
  -- Detected from the content (magic bytes), never taken from the client.
  content_type      text NOT NULL
                      CHECK (content_type IN ('application/pdf', 'image/png', 'image/jpeg', 'image/webp',
                                              'image/tiff', 'application/dicom')),
  size_bytes        integer NOT NULL CHECK (size_bytes >= 0),
  sha256            text NOT NULL CHECK (sha256 ~ '^[0-9a-f]{64}$'),
  -- The client's file name, sanitised; metadata only, never part of a path.
  original_filename text CHECK (length(original_filename) <= 255),
  -- Relative to uploads.dir, made of the two ids only.
  storage_path      text NOT NULL,
  -- The patient's current identification photo (at most one per patient).
  profile_photo     boolean NOT NULL DEFAULT false,
  archived          boolean NOT NULL DEFAULT false,
  archived_at       timestamptz,
  archived_by       uuid REFERENCES users (id),
  uploaded_by       uuid NOT NULL REFERENCES users (id),
  uploaded_at       timestamptz NOT NULL DEFAULT now(),
  CHECK (profile_photo = false OR content_type IN ('image/png', 'image/jpeg', 'image/webp'))
);
CREATE INDEX idx_documents_patient ON documents (patient_id, uploaded_at DESC);
CREATE UNIQUE INDEX idx_documents_storage_path ON documents (storage_path);
CREATE UNIQUE INDEX idx_documents_profile_photo ON documents (patient_id) WHERE profile_photo;

INSERT INTO schema_version (version, description) VALUES (10, 'create documents');

COMMIT;
