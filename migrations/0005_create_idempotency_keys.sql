-- MediSys 0005: remembered responses of POSTs sent with an Idempotency-Key, per user.
BEGIN;

CREATE TABLE idempotency_keys (
  user_id         uuid NOT NULL REFERENCES users (id),
  key             text NOT NULL,
  method          text NOT NULL,
  path            text NOT NULL,
  request_hash    text NOT NULL,
  response_status integer NOT NULL,
  response_body   jsonb NOT NULL,
  created_at      timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (user_id, key)
);
CREATE INDEX idx_idempotency_keys_created_at ON idempotency_keys (created_at);

INSERT INTO schema_version (version, description) VALUES (5, 'create idempotency_keys');

COMMIT;
