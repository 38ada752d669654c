-- MediSys 0011: object-level access to clinical records. Care-team memberships put a patient in a
-- user's care beside appointments and admissions; emergency ("break the glass") grants open one
-- patient's record to one user for a limited time and wait for review. Neither is ever deleted.
BEGIN;

CREATE TABLE care_team_members (
  id         uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  patient_id uuid NOT NULL REFERENCES patients (id),
  user_id    uuid NOT NULL REFERENCES users (id),
  -- What the member is to this patient (attending, consultant, nurse ...), free text.
  role       text NOT NULL CHECK (length(role) BETWEEN 1 AND 100),
  added_by   uuid REFERENCES users (id),
  added_at   timestamptz NOT NULL DEFAULT now(),
  ended_at   timestamptz,
  ended_by   uuid REFERENCES users (id),
  CHECK (ended_at IS NULL OR ended_at >= added_at),
  CHECK ((ended_at IS NULL) = (ended_by IS NULL))
);
-- One current membership per user and patient; ended ones stay as history.
CREATE UNIQUE INDEX idx_care_team_members_current ON care_team_members (patient_id, user_id)
  WHERE ended_at IS NULL;
CREATE INDEX idx_care_team_members_patient ON care_team_members (patient_id, added_at);

CREATE TABLE emergency_access_grants (
  id             uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  patient_id     uuid NOT NULL REFERENCES patients (id),
  user_id        uuid NOT NULL REFERENCES users (id),
  reason         text NOT NULL CHECK (length(reason) BETWEEN 10 AND 500),
  granted_at     timestamptz NOT NULL DEFAULT now(),
  expires_at     timestamptz NOT NULL,
  -- Set when a review finds the access unjustified while it is still open: it closes at once.
  revoked_at     timestamptz,
  review_outcome text CHECK (review_outcome IN ('justified', 'unjustified')),
  review_note    text CHECK (length(review_note) BETWEEN 1 AND 2000),
  reviewed_by    uuid REFERENCES users (id),
  reviewed_at    timestamptz,
  CHECK (expires_at > granted_at),
  CHECK ((review_outcome IS NULL) = (reviewed_at IS NULL) AND (reviewed_at IS NULL) = (reviewed_by IS NULL)),
  CHECK (revoked_at IS NULL OR review_outcome = 'unjustified')
);
-- Serves the access check: this user's grants on this patient, newest expiry first.
CREATE INDEX idx_emergency_access_user_patient ON emergency_access_grants (user_id, patient_id, expires_at);
-- Serves the review queue.
CREATE INDEX idx_emergency_access_unreviewed ON emergency_access_grants (granted_at) WHERE reviewed_at IS NULL;
CREATE INDEX idx_emergency_access_patient ON emergency_access_grants (patient_id, granted_at);

-- A grant is evidence: it is never deleted, its who/what/why/when never change, and it is reviewed once.
CREATE FUNCTION emergency_access_grants_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' THEN
    RAISE EXCEPTION 'emergency_access_grants rows are never deleted' USING ERRCODE = 'insufficient_privilege';
  END IF;
  -- patient_id may change: a merge of duplicate records moves the grant with the patient.
  IF NEW.user_id <> OLD.user_id OR NEW.reason <> OLD.reason OR NEW.granted_at <> OLD.granted_at
     OR NEW.expires_at <> OLD.expires_at
     OR (OLD.reviewed_at IS NOT NULL AND (
           NEW.reviewed_at IS DISTINCT FROM OLD.reviewed_at OR NEW.reviewed_by IS DISTINCT FROM OLD.reviewed_by
           OR NEW.review_outcome IS DISTINCT FROM OLD.review_outcome
           OR NEW.review_note IS DISTINCT FROM OLD.review_note
           OR NEW.revoked_at IS DISTINCT FROM OLD.revoked_at)) THEN
    RAISE EXCEPTION 'an emergency access grant is changed only by its one review' USING ERRCODE = 'insufficient_privilege';
  END IF;
  RETURN NEW;
END;
$$;

CREATE TRIGGER emergency_access_grants_guarded BEFORE UPDATE OR DELETE ON emergency_access_grants
  FOR EACH ROW EXECUTE FUNCTION emergency_access_grants_guard();

CREATE FUNCTION care_team_members_refuse_delete() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'care_team_members rows are ended, never deleted' USING ERRCODE = 'insufficient_privilege';
END;
$$;

CREATE TRIGGER care_team_members_no_delete BEFORE DELETE ON care_team_members
  FOR EACH ROW EXECUTE FUNCTION care_team_members_refuse_delete();

INSERT INTO schema_version (version, description) VALUES (11, 'create care team and emergency access');

COMMIT;
