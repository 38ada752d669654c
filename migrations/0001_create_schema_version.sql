-- MediSys 0001: the table that records which migrations are applied.
-- Each migration is one transaction that records itself, so `psql -f` and `medisys migrate` agree.
BEGIN;

CREATE TABLE schema_version (
  version      integer PRIMARY KEY,
  description  text NOT NULL,
  checksum     text,
  installed_by text NOT NULL DEFAULT current_user,
  installed_on timestamptz NOT NULL DEFAULT now()
);

INSERT INTO schema_version (version, description) VALUES (1, 'create schema_version');

COMMIT;
