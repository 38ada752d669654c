-- MediSys 0018: a tamper-evident audit trail, and the database roles the application runs as.
--
-- Each audit_events row gets a place in a hash chain (chain_seq) with the hash of the row before it
-- (prev_hash) and its own hash over everything it records (row_hash). Inserts stay as they were, so
-- no request waits on a chain lock: MediSys seals committed rows shortly after (one instance at a time,
-- under an advisory lock) and `medisys audit verify` walks the chain. Design and limits:
-- docs/decisions/tamper-evident-audit.md.
BEGIN;

ALTER TABLE audit_events
  ADD COLUMN chain_seq bigint,
  ADD COLUMN prev_hash text,
  ADD COLUMN row_hash  text,
  ADD CONSTRAINT audit_events_sealed_whole
    CHECK (num_nulls(chain_seq, prev_hash, row_hash) IN (0, 3));
CREATE UNIQUE INDEX idx_audit_events_chain_seq ON audit_events (chain_seq);
-- What the sealer has left to do; near empty at all times.
CREATE INDEX idx_audit_events_unsealed ON audit_events (id) WHERE chain_seq IS NULL;
-- The accounting of disclosures lists the searches whose results showed a patient (details.patientIds).
CREATE INDEX idx_audit_events_search_hits ON audit_events USING gin ((details -> 'patientIds') jsonb_path_ops)
  WHERE action = 'PATIENT_SEARCHED';

-- Still append-only. The one change allowed is sealing: setting the three chain columns of a row that
-- has none, with everything the row records unchanged. A sealed row can never change again.
CREATE OR REPLACE FUNCTION audit_events_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'UPDATE' AND OLD.chain_seq IS NULL AND NEW.chain_seq IS NOT NULL
     AND (to_jsonb(NEW) - ARRAY['chain_seq', 'prev_hash', 'row_hash'])
       = (to_jsonb(OLD) - ARRAY['chain_seq', 'prev_hash', 'row_hash']) THEN
    RETURN NEW;
  END IF;
  RAISE EXCEPTION 'audit_events is append-only' USING ERRCODE = 'insufficient_privilege';
END;
$$;

-- Roles are cluster-wide and may exist already (another database of the cluster, or made by a DBA
-- beforehand); creating them tolerates that, also when two databases migrate at the same moment.
DO $$
DECLARE
  role_name text;
BEGIN
  FOREACH role_name IN ARRAY ARRAY['medisys_app', 'medisys_readonly'] LOOP
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = role_name) THEN
      BEGIN
        EXECUTE format('CREATE ROLE %I NOLOGIN', role_name);
      EXCEPTION
        WHEN duplicate_object OR unique_violation THEN NULL;
        WHEN insufficient_privilege THEN
          RAISE EXCEPTION 'cannot create the role %: the migrating user lacks CREATEROLE', role_name
            USING HINT = format('Have a superuser run CREATE ROLE %I NOLOGIN; then migrate again.', role_name);
      END;
    END IF;
  END LOOP;
END;
$$;

-- medisys_app: what the application needs. Login roles are made members of it (docs/operations.md).
GRANT USAGE ON SCHEMA public TO medisys_app, medisys_readonly;
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO medisys_app;
GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA public TO medisys_app;
-- The migrations' record is the migrating owner's to write.
REVOKE INSERT, UPDATE, DELETE ON schema_version FROM medisys_app;
-- The audit trail: insert and read; update only the three chain columns, which is what sealing sets.
REVOKE UPDATE, DELETE, TRUNCATE ON audit_events FROM medisys_app;
GRANT UPDATE (chain_seq, prev_hash, row_hash) ON audit_events TO medisys_app;

-- medisys_readonly: reads everything (reporting, audits, access reviews), changes nothing.
GRANT SELECT ON ALL TABLES IN SCHEMA public TO medisys_readonly;
GRANT SELECT ON ALL SEQUENCES IN SCHEMA public TO medisys_readonly;

-- Tables later migrations create (as the same owner) come with the same grants.
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO medisys_app;
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT USAGE, SELECT, UPDATE ON SEQUENCES TO medisys_app;
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT ON TABLES TO medisys_readonly;
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT ON SEQUENCES TO medisys_readonly;

INSERT INTO schema_version (version, description) VALUES (18, 'chain audit events');

COMMIT;
