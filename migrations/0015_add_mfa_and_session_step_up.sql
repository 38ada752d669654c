-- MediSys 0015: multi-factor sign-in (TOTP and recovery codes) and the freshness of a session's MFA check.
BEGIN;

-- users.mfa_secret and users.mfa_enabled exist since 0002. An enrolment first stores its secret as
-- pending; confirming it with a code moves it to mfa_secret.
ALTER TABLE users
  ADD COLUMN mfa_pending_secret text,
  ADD COLUMN mfa_pending_since  timestamptz,
  ADD COLUMN mfa_enabled_at     timestamptz,
  -- The 30-second TOTP step of the last code accepted: a code is accepted only for a later step, so
  -- each code works once, on every instance.
  ADD COLUMN mfa_last_used_step bigint;

-- Single-use codes for when the authenticator is lost. Only their SHA-256 is stored.
CREATE TABLE mfa_recovery_codes (
  id         uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  user_id    uuid NOT NULL REFERENCES users (id),
  code_hash  text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  used_at    timestamptz
);
CREATE UNIQUE INDEX idx_mfa_recovery_codes_user_code ON mfa_recovery_codes (user_id, code_hash);

-- When the session's user last proved the second factor (at sign-in or by a step-up); exports, merges,
-- role changes and break-the-glass need it recent.
ALTER TABLE sessions ADD COLUMN mfa_verified_at timestamptz;

INSERT INTO schema_version (version, description) VALUES (15, 'add mfa and session step-up');

COMMIT;
