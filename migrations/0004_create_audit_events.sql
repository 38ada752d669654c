-- MediSys 0004: the audit trail, append-only (no UPDATE, DELETE or TRUNCATE, even by the owner).
BEGIN;

CREATE TABLE audit_events (
  id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  occurred_at    timestamptz NOT NULL DEFAULT now(),
  action         text NOT NULL,
  outcome        text NOT NULL DEFAULT 'success' CHECK (outcome IN ('success', 'denied', 'failure')),
  actor_user_id  uuid,
  actor_username text,
  actor_role     text,
  entity_type    text,
  entity_id      text,
  patient_id     uuid,
  client_address text,
  request_id     text,
  details        jsonb NOT NULL DEFAULT '{}'::jsonb
);
CREATE INDEX idx_audit_events_occurred_at ON audit_events (occurred_at);
CREATE INDEX idx_audit_events_patient ON audit_events (patient_id, occurred_at) WHERE patient_id IS NOT NULL;
CREATE INDEX idx_audit_events_actor ON audit_events (actor_user_id, occurred_at);
CREATE INDEX idx_audit_events_action ON audit_events (action, occurred_at);

CREATE FUNCTION audit_events_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'audit_events is append-only' USING ERRCODE = 'insufficient_privilege';
END;
$$;

CREATE TRIGGER audit_events_append_only BEFORE UPDATE OR DELETE ON audit_events
  FOR EACH ROW EXECUTE FUNCTION audit_events_refuse_change();
CREATE TRIGGER audit_events_no_truncate BEFORE TRUNCATE ON audit_events
  FOR EACH STATEMENT EXECUTE FUNCTION audit_events_refuse_change();

INSERT INTO schema_version (version, description) VALUES (4, 'create audit_events');

COMMIT;
