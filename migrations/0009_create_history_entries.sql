-- MediSys 0009: the medical history: typed entries, each a chain of versions (amendments never overwrite).
BEGIN;

CREATE TABLE history_entries (
  id                      uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  patient_id              uuid NOT NULL REFERENCES patients (id),
  entry_type              text NOT NULL CHECK (entry_type IN
                            ('diagnosis', 'allergy', 'medication', 'procedure', 'vital_signs', 'clinical_note')),
  current_version         integer NOT NULL DEFAULT 1 CHECK (current_version >= 1),
  -- Entries are never deleted; a wrong one is marked and stays readable.
  entered_in_error        boolean NOT NULL DEFAULT false,
  entered_in_error_reason text CHECK (length(entered_in_error_reason) BETWEEN 1 AND 1000),
  entered_in_error_at     timestamptz,
  entered_in_error_by     uuid REFERENCES users (id),
  created_at              timestamptz NOT NULL DEFAULT now(),
  created_by              uuid NOT NULL REFERENCES users (id),
  CHECK (entered_in_error = (entered_in_error_at IS NOT NULL)),
  CHECK (NOT entered_in_error OR entered_in_error_reason IS NOT NULL)
);
CREATE INDEX idx_history_entries_patient ON history_entries (patient_id, entry_type);

CREATE TABLE history_entry_versions (
  entry_id                   uuid NOT NULL REFERENCES history_entries (id),
  version                    integer NOT NULL CHECK (version >= 1),
  -- When the fact was observed or happened (not when it was typed in).
  recorded_at                timestamptz NOT NULL,
  text                       text CHECK (length(text) BETWEEN 1 AND 10000),
  icd10_code                 text CHECK (icd10_code ~ '^[A-TV-Z][0-9][0-9AB](\.[0-9A-TV-Z]{1,4})?$'),
  allergy_severity           text CHECK (allergy_severity IN ('mild', 'moderate', 'severe', 'life_threatening')),
  systolic_mmhg              smallint CHECK (systolic_mmhg BETWEEN 40 AND 300),
  diastolic_mmhg             smallint CHECK (diastolic_mmhg BETWEEN 20 AND 200),
  pulse_bpm                  smallint CHECK (pulse_bpm BETWEEN 20 AND 300),
  temperature_celsius        numeric(4, 1) CHECK (temperature_celsius BETWEEN 25 AND 45),
  respiratory_rate_per_min   smallint CHECK (respiratory_rate_per_min BETWEEN 4 AND 80),
  oxygen_saturation_percent  smallint CHECK (oxygen_saturation_percent BETWEEN 50 AND 100),
  amendment_reason           text CHECK (length(amendment_reason) BETWEEN 1 AND 1000),
  author_user_id             uuid NOT NULL REFERENCES users (id),
  created_at                 timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (entry_id, version),
  CHECK ((version = 1) = (amendment_reason IS NULL)),
  CHECK ((systolic_mmhg IS NULL) = (diastolic_mmhg IS NULL)),
  CHECK (diastolic_mmhg IS NULL OR diastolic_mmhg < systolic_mmhg)
);

CREATE FUNCTION history_entry_versions_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'history_entry_versions is append-only' USING ERRCODE = 'insufficient_privilege';
END;
$$;

CREATE TRIGGER history_entry_versions_append_only BEFORE UPDATE OR DELETE ON history_entry_versions
  FOR EACH ROW EXECUTE FUNCTION history_entry_versions_refuse_change();
CREATE TRIGGER history_entry_versions_no_truncate BEFORE TRUNCATE ON history_entry_versions
  FOR EACH STATEMENT EXECUTE FUNCTION history_entry_versions_refuse_change();

-- Entries are archived by marking, never deleted.
CREATE FUNCTION history_entries_refuse_delete() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'history_entries are never deleted; mark them entered in error' USING ERRCODE = 'insufficient_privilege';
END;
$$;

CREATE TRIGGER history_entries_no_delete BEFORE DELETE ON history_entries
  FOR EACH ROW EXECUTE FUNCTION history_entries_refuse_delete();

INSERT INTO schema_version (version, description) VALUES (9, 'create history entries');

COMMIT;
