-- MediSys 0021: every instance keeps recently checked sessions in memory for a few seconds
-- (security.session.cache-ttl), so that a request does not pay a database round trip to be authenticated.
-- These triggers tell every instance (LISTEN medisys_session_changes) the moment a change commits that
-- could end a session or alter what it may do: a session ended, deleted or stepped up with MFA, or its
-- user's name, role, active flag, lock, forced password change or MFA enrolment changed. The payload is
-- the user's id; the instance forgets that user's cached sessions. PostgreSQL delivers a transaction's
-- notifications only after it commits and folds identical ones, so ending all of a user's sessions is one
-- message. A session's last_seen_at (touched every 15 s while in use) notifies nobody.
BEGIN;

CREATE FUNCTION notify_session_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_TABLE_NAME = 'users' THEN
    PERFORM pg_notify('medisys_session_changes', OLD.id::text);
  ELSE
    PERFORM pg_notify('medisys_session_changes', OLD.user_id::text);
  END IF;
  RETURN NULL;
END
$$;

CREATE TRIGGER sessions_notify_update AFTER UPDATE ON sessions FOR EACH ROW
  WHEN (OLD.ended_at IS DISTINCT FROM NEW.ended_at
        OR OLD.mfa_verified_at IS DISTINCT FROM NEW.mfa_verified_at
        OR OLD.expires_at IS DISTINCT FROM NEW.expires_at
        OR OLD.token_hash IS DISTINCT FROM NEW.token_hash
        OR OLD.user_id IS DISTINCT FROM NEW.user_id)
  EXECUTE FUNCTION notify_session_change();
CREATE TRIGGER sessions_notify_delete AFTER DELETE ON sessions FOR EACH ROW
  EXECUTE FUNCTION notify_session_change();

CREATE TRIGGER users_notify_update AFTER UPDATE ON users FOR EACH ROW
  WHEN (OLD.username IS DISTINCT FROM NEW.username
        OR OLD.role IS DISTINCT FROM NEW.role
        OR OLD.active IS DISTINCT FROM NEW.active
        OR OLD.locked_until IS DISTINCT FROM NEW.locked_until
        OR OLD.must_change_password IS DISTINCT FROM NEW.must_change_password
        OR OLD.mfa_enabled IS DISTINCT FROM NEW.mfa_enabled)
  EXECUTE FUNCTION notify_session_change();
CREATE TRIGGER users_notify_delete AFTER DELETE ON users FOR EACH ROW
  EXECUTE FUNCTION notify_session_change();

INSERT INTO schema_version (version, description) VALUES (21, 'notify session changes');

COMMIT;
