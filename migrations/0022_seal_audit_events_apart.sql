-- MediSys 0022: the hash chain of the audit trail moves to a table of its own, so that an audit row is
-- written once and never touched again.
--
-- Until now the sealer set chain_seq, prev_hash and row_hash on each audit_events row after it committed:
-- an UPDATE per row, which wrote the row a second time, added an entry to each of its eight indexes and ran
-- the append-only trigger's comparison of the whole row. That was about a third of a cached patient
-- read's cost. Now audit_events is strictly insert-only again, and each seal is one narrow row in
-- audit_seals (insert-only too). Finding what is left to seal stays cheap: rows above the highest sealed id,
-- plus the ids the sealer passed over because they had not committed yet (audit_seal_gaps; a gap is
-- dropped once every transaction that could still commit it has ended). The chain's hashes are unchanged:
-- existing seals move across as they are. Design: docs/decisions/tamper-evident-audit.md.
BEGIN;

CREATE TABLE audit_seals (
  chain_seq bigint PRIMARY KEY,
  event_id  bigint NOT NULL UNIQUE,
  prev_hash text   NOT NULL,
  row_hash  text   NOT NULL
);

-- Ids below the highest sealed one that had no committed row when the sealer passed them: a transaction
-- still running then (its row is sealed once it commits) or one that rolled back (dropped once no
-- transaction older than running_before is left).
CREATE TABLE audit_seal_gaps (
  event_id       bigint PRIMARY KEY,
  noticed_at     timestamptz NOT NULL DEFAULT now(),
  running_before xid8 NOT NULL
);

INSERT INTO audit_seals (chain_seq, event_id, prev_hash, row_hash)
  SELECT chain_seq, id, prev_hash, row_hash FROM audit_events WHERE chain_seq IS NOT NULL;
INSERT INTO audit_seal_gaps (event_id, running_before)
  SELECT id, pg_snapshot_xmax(pg_current_snapshot()) FROM audit_events
   WHERE chain_seq IS NULL AND id < (SELECT max(event_id) FROM audit_seals);

DROP INDEX idx_audit_events_chain_seq;
DROP INDEX idx_audit_events_unsealed;
ALTER TABLE audit_events
  DROP CONSTRAINT audit_events_sealed_whole,
  DROP COLUMN chain_seq,
  DROP COLUMN prev_hash,
  DROP COLUMN row_hash;

-- Append-only again, without exception, for the audit rows and their seals alike (even the owner).
CREATE OR REPLACE FUNCTION audit_events_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION '% is append-only', TG_TABLE_NAME USING ERRCODE = 'insufficient_privilege';
END;
$$;
CREATE TRIGGER audit_seals_append_only BEFORE UPDATE OR DELETE ON audit_seals
  FOR EACH ROW EXECUTE FUNCTION audit_events_refuse_change();
CREATE TRIGGER audit_seals_no_truncate BEFORE TRUNCATE ON audit_seals
  FOR EACH STATEMENT EXECUTE FUNCTION audit_events_refuse_change();

-- The application role inserts and reads seals; the gaps are its sealer's own bookkeeping.
GRANT SELECT, INSERT ON audit_seals TO medisys_app;
REVOKE UPDATE, DELETE, TRUNCATE ON audit_seals FROM medisys_app;
GRANT SELECT, INSERT, DELETE ON audit_seal_gaps TO medisys_app;
GRANT SELECT ON audit_seals, audit_seal_gaps TO medisys_readonly;

INSERT INTO schema_version (version, description) VALUES (22, 'seal audit events apart');

COMMIT;
