-- MediSys 0006: departments, doctors, their working hours and dated exceptions, and staff assignment.
BEGIN;

CREATE EXTENSION IF NOT EXISTS btree_gist;

CREATE TABLE departments (
  id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  code            text NOT NULL CHECK (code ~ '^[A-Z0-9][A-Z0-9_-]{0,19}$'),
  name            text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
  head_doctor_id  uuid,
  location        text,
  floor           text,
  phone           text,
  email           text,
  operating_hours text,
  archived        boolean NOT NULL DEFAULT false,
  version         integer NOT NULL DEFAULT 1,
  created_at      timestamptz NOT NULL DEFAULT now(),
  updated_at      timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX idx_departments_code ON departments (code);

CREATE TABLE doctors (
  id             uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  name           text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
  license_number text NOT NULL CHECK (length(license_number) BETWEEN 1 AND 64),
  specialization text NOT NULL CHECK (length(specialization) BETWEEN 1 AND 200),
  department_id  uuid REFERENCES departments (id),
  phone          text,
  email          text,
  qualifications text,
  photo_path     text,
  user_id        uuid REFERENCES users (id),
  -- Length of a bookable slot in the free-slot finder.
  slot_minutes   integer NOT NULL DEFAULT 15 CHECK (slot_minutes BETWEEN 5 AND 480),
  archived       boolean NOT NULL DEFAULT false,
  version        integer NOT NULL DEFAULT 1,
  created_at     timestamptz NOT NULL DEFAULT now(),
  updated_at     timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX idx_doctors_license_number ON doctors (license_number);
CREATE UNIQUE INDEX idx_doctors_user ON doctors (user_id) WHERE user_id IS NOT NULL;
CREATE INDEX idx_doctors_department ON doctors (department_id);
CREATE INDEX idx_doctors_name ON doctors USING gin (name gin_trgm_ops);
CREATE INDEX idx_doctors_specialization ON doctors USING gin (specialization gin_trgm_ops);

ALTER TABLE departments ADD CONSTRAINT departments_head_doctor_fk FOREIGN KEY (head_doctor_id) REFERENCES doctors (id);

-- Weekly hours, in hospital.timezone local time. Several rows on one weekday leave breaks between them.
-- weekday is ISO: 1 = Monday ... 7 = Sunday.
CREATE TABLE doctor_working_hours (
  id        uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  doctor_id uuid NOT NULL REFERENCES doctors (id),
  weekday   smallint NOT NULL CHECK (weekday BETWEEN 1 AND 7),
  starts_at time NOT NULL,
  ends_at   time NOT NULL,
  CHECK (starts_at < ends_at),
  EXCLUDE USING gist (doctor_id WITH =, weekday WITH =, tsrange('2000-01-01'::date + starts_at, '2000-01-01'::date + ends_at) WITH &&)
);
CREATE INDEX idx_doctor_working_hours_doctor ON doctor_working_hours (doctor_id, weekday);

-- Dated exceptions: 'unavailable' (leave, sickness; whole day when the times are null) or 'extra' (an added session).
CREATE TABLE doctor_schedule_exceptions (
  id         uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  doctor_id  uuid NOT NULL REFERENCES doctors (id),
  on_date    date NOT NULL,
  kind       text NOT NULL CHECK (kind IN ('unavailable', 'extra')),
  starts_at  time,
  ends_at    time,
  reason     text,
  created_at timestamptz NOT NULL DEFAULT now(),
  CHECK ((starts_at IS NULL AND ends_at IS NULL AND kind = 'unavailable') OR (starts_at < ends_at))
);
CREATE INDEX idx_doctor_schedule_exceptions_doctor ON doctor_schedule_exceptions (doctor_id, on_date);

-- Who works in a department, and as what; a member is either a user account or a doctor.
CREATE TABLE department_staff (
  id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  department_id uuid NOT NULL REFERENCES departments (id),
  user_id       uuid REFERENCES users (id),
  doctor_id     uuid REFERENCES doctors (id),
  position      text NOT NULL CHECK (length(position) BETWEEN 1 AND 100),
  created_at    timestamptz NOT NULL DEFAULT now(),
  CHECK ((user_id IS NULL) <> (doctor_id IS NULL))
);
CREATE UNIQUE INDEX idx_department_staff_user ON department_staff (department_id, user_id) WHERE user_id IS NOT NULL;
CREATE UNIQUE INDEX idx_department_staff_doctor ON department_staff (department_id, doctor_id) WHERE doctor_id IS NOT NULL;
CREATE INDEX idx_department_staff_user_any ON department_staff (user_id) WHERE user_id IS NOT NULL;

INSERT INTO schema_version (version, description) VALUES (6, 'create departments and doctors');

COMMIT;
