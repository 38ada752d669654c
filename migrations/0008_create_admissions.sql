-- MediSys 0008: emergency admissions, their movement log, and temporary records for unidentified patients.
BEGIN;

-- An emergency patient whose identity is not yet known gets a temporary record ("Unknown ...") with an
-- estimated date of birth. Once identified, its records move to the registered patient and the temporary
-- record is archived, pointing at the record it was merged into.
ALTER TABLE patients ADD COLUMN unidentified boolean NOT NULL DEFAULT false;
ALTER TABLE patients ADD COLUMN date_of_birth_estimated boolean NOT NULL DEFAULT false;
ALTER TABLE patients ADD COLUMN merged_into_patient_id uuid REFERENCES patients (id);
ALTER TABLE patients ADD CONSTRAINT patients_merged_only_when_archived
  CHECK (merged_into_patient_id IS NULL OR archived);

-- The running number in temporary names, so that two unknown arrivals in the same minute differ.
CREATE SEQUENCE unidentified_patient_seq;

CREATE TABLE admissions (
  id                    uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  patient_id            uuid NOT NULL REFERENCES patients (id),
  -- Emergency Severity Index: 1 (resuscitation) to 5 (non-urgent).
  triage_priority       smallint NOT NULL CHECK (triage_priority BETWEEN 1 AND 5),
  chief_complaint       text NOT NULL CHECK (length(chief_complaint) BETWEEN 1 AND 1000),
  arrived_at            timestamptz NOT NULL DEFAULT now(),
  status                text NOT NULL DEFAULT 'admitted' CHECK (status IN ('admitted', 'transferred', 'discharged')),
  department_id         uuid REFERENCES departments (id),
  doctor_id             uuid REFERENCES doctors (id),
  ward                  text CHECK (length(ward) BETWEEN 1 AND 100),
  bed                   text CHECK (length(bed) BETWEEN 1 AND 50),
  discharged_at         timestamptz,
  discharge_disposition text CHECK (discharge_disposition IN
                          ('home', 'transferred_out', 'against_medical_advice', 'deceased', 'other')),
  discharge_note        text CHECK (length(discharge_note) BETWEEN 1 AND 2000),
  version               integer NOT NULL DEFAULT 1,
  created_at            timestamptz NOT NULL DEFAULT now(),
  updated_at            timestamptz NOT NULL DEFAULT now(),
  created_by            uuid REFERENCES users (id),
  updated_by            uuid REFERENCES users (id),
  CHECK ((status = 'discharged') = (discharged_at IS NOT NULL)),
  CHECK (discharged_at IS NULL OR discharged_at >= arrived_at),
  -- A bed is only meaningful within a ward.
  CHECK (bed IS NULL OR ward IS NOT NULL)
);
-- A patient is in one place at a time, and a bed holds one patient: decided by the database so it
-- holds across instances.
CREATE UNIQUE INDEX idx_admissions_one_open_per_patient ON admissions (patient_id) WHERE status <> 'discharged';
CREATE UNIQUE INDEX idx_admissions_bed_occupied ON admissions (ward, bed)
  WHERE status <> 'discharged' AND bed IS NOT NULL;
-- Serves the live board: open admissions by priority, then arrival.
CREATE INDEX idx_admissions_board ON admissions (triage_priority, arrived_at) WHERE status <> 'discharged';
CREATE INDEX idx_admissions_patient ON admissions (patient_id, arrived_at);
CREATE INDEX idx_admissions_department ON admissions (department_id, arrived_at);
CREATE INDEX idx_admissions_arrived_at ON admissions (arrived_at);

-- Where the patient was from each moment on: one row on admission, one per transfer, one on discharge.
CREATE TABLE admission_movements (
  id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  admission_id  uuid NOT NULL REFERENCES admissions (id),
  kind          text NOT NULL CHECK (kind IN ('admitted', 'transferred', 'discharged')),
  occurred_at   timestamptz NOT NULL,
  department_id uuid REFERENCES departments (id),
  doctor_id     uuid REFERENCES doctors (id),
  ward          text,
  bed           text,
  note          text CHECK (length(note) BETWEEN 1 AND 2000),
  recorded_by   uuid REFERENCES users (id),
  recorded_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX idx_admission_movements_admission ON admission_movements (admission_id, occurred_at);

CREATE FUNCTION admission_movements_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'admission_movements is append-only' USING ERRCODE = 'insufficient_privilege';
END;
$$;

CREATE TRIGGER admission_movements_append_only BEFORE UPDATE OR DELETE ON admission_movements
  FOR EACH ROW EXECUTE FUNCTION admission_movements_refuse_change();

INSERT INTO schema_version (version, description) VALUES (8, 'create admissions');

COMMIT;
