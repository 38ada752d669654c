-- MediSys 0002: staff accounts and their sign-in sessions.
BEGIN;

CREATE TABLE users (
  id                   uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  username             text NOT NULL,
  display_name         text,
  role                 text NOT NULL CHECK (role IN ('admin', 'doctor', 'finance', 'department_head', 'staff')),
  active               boolean NOT NULL DEFAULT true,
  password_hash        text NOT NULL,
  must_change_password boolean NOT NULL DEFAULT false,
  password_changed_at  timestamptz NOT NULL DEFAULT now(),
  failed_attempts      integer NOT NULL DEFAULT 0,
  locked_until         timestamptz,
  mfa_secret           text,
  mfa_enabled          boolean NOT NULL DEFAULT false,
  last_login           timestamptz,
  created_date         timestamptz NOT NULL DEFAULT now(),
  updated_at           timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT users_username_format CHECK (username ~ '^[a-z0-9][a-z0-9._-]{1,62}$')
);
CREATE UNIQUE INDEX idx_users_username ON users (username);
CREATE INDEX idx_users_last_login ON users (last_login) WHERE active;

-- The token itself is never stored: only its SHA-256, so a database leak yields no usable session.
CREATE TABLE sessions (
  id             uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  user_id        uuid NOT NULL REFERENCES users (id),
  token_hash     text NOT NULL,
  created_at     timestamptz NOT NULL DEFAULT now(),
  last_seen_at   timestamptz NOT NULL DEFAULT now(),
  expires_at     timestamptz NOT NULL,
  ended_at       timestamptz,
  end_reason     text,
  client_address text,
  user_agent     text
);
CREATE UNIQUE INDEX idx_sessions_token_hash ON sessions (token_hash);
CREATE INDEX idx_sessions_user_open ON sessions (user_id) WHERE ended_at IS NULL;

INSERT INTO schema_version (version, description) VALUES (2, 'create users and sessions');

COMMIT;
