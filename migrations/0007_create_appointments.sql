-- MediSys 0007: appointments, with double booking refused by the database itself, and their history.
BEGIN;

-- btree_gist (for the exclusion constraints below) was created by 0006.
CREATE TABLE appointments (
  id           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  patient_id   uuid NOT NULL REFERENCES patients (id),
  doctor_id    uuid NOT NULL REFERENCES doctors (id),
  starts_at    timestamptz NOT NULL,
  ends_at      timestamptz NOT NULL,
  status       text NOT NULL DEFAULT 'scheduled'
               CHECK (status IN ('scheduled', 'checked_in', 'completed', 'cancelled', 'no_show')),
  reason       text CHECK (length(reason) <= 1000),
  -- Booked outside the doctor's working hours by a role allowed to (appointments:overbook).
  overbooked   boolean NOT NULL DEFAULT false,
  cancellation_reason text CHECK (length(cancellation_reason) <= 1000),
  checked_in_at timestamptz,
  completed_at  timestamptz,
  cancelled_at  timestamptz,
  version      integer NOT NULL DEFAULT 1,
  created_at   timestamptz NOT NULL DEFAULT now(),
  updated_at   timestamptz NOT NULL DEFAULT now(),
  created_by   uuid REFERENCES users (id),
  updated_by   uuid REFERENCES users (id),
  CHECK (starts_at < ends_at),
  -- A doctor, and a patient, can be in one active appointment at a time. The database decides, so the
  -- rule holds for concurrent requests and across every instance; the service maps 23P01 to 409.
  CONSTRAINT appointments_doctor_busy EXCLUDE USING gist (
    doctor_id WITH =, tstzrange(starts_at, ends_at, '[)') WITH &&
  ) WHERE (status IN ('scheduled', 'checked_in')),
  CONSTRAINT appointments_patient_busy EXCLUDE USING gist (
    patient_id WITH =, tstzrange(starts_at, ends_at, '[)') WITH &&
  ) WHERE (status IN ('scheduled', 'checked_in'))
);
CREATE INDEX idx_appointments_doctor_starts ON appointments (doctor_id, starts_at);
CREATE INDEX idx_appointments_patient_starts ON appointments (patient_id, starts_at);
CREATE INDEX idx_appointments_starts ON appointments (starts_at);

-- Every booking, status change and reschedule, in order; append-only like audit_events.
CREATE TABLE appointment_changes (
  id                 bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  appointment_id     uuid NOT NULL REFERENCES appointments (id),
  change             text NOT NULL
                     CHECK (change IN ('booked', 'rescheduled', 'checked_in', 'completed', 'cancelled', 'no_show')),
  from_status        text,
  to_status          text NOT NULL,
  previous_starts_at timestamptz,
  previous_ends_at   timestamptz,
  starts_at          timestamptz NOT NULL,
  ends_at            timestamptz NOT NULL,
  overbooked         boolean NOT NULL DEFAULT false,
  note               text CHECK (length(note) <= 1000),
  changed_by         uuid REFERENCES users (id),
  changed_at         timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX idx_appointment_changes_appointment ON appointment_changes (appointment_id, id);

CREATE FUNCTION appointment_changes_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'appointment_changes is append-only' USING ERRCODE = 'insufficient_privilege';
END;
$$;

CREATE TRIGGER appointment_changes_append_only BEFORE UPDATE OR DELETE ON appointment_changes
  FOR EACH ROW EXECUTE FUNCTION appointment_changes_refuse_change();

INSERT INTO schema_version (version, description) VALUES (7, 'create appointments');

COMMIT;
