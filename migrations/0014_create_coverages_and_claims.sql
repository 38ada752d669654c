-- MediSys 0014: patients' insurance coverage, claims to payers built from issued invoices, and their history.
BEGIN;

CREATE TABLE insurance_coverages (
  id                    uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  patient_id            uuid NOT NULL REFERENCES patients (id),
  -- The payer, as claims are exported to it.
  provider              text NOT NULL CHECK (length(provider) BETWEEN 1 AND 200),
  policy_number         text NOT NULL CHECK (length(policy_number) BETWEEN 1 AND 100),
  -- Share of an invoice the payer covers, in basis points (8000 = 80 %).
  coverage_basis_points integer NOT NULL CHECK (coverage_basis_points BETWEEN 1 AND 10000),
  valid_from            date NOT NULL,
  -- Open-ended while null.
  valid_to              date,
  version               integer NOT NULL DEFAULT 1,
  created_at            timestamptz NOT NULL DEFAULT now(),
  updated_at            timestamptz NOT NULL DEFAULT now(),
  created_by            uuid REFERENCES users (id),
  updated_by            uuid REFERENCES users (id),
  CHECK (valid_to IS NULL OR valid_to >= valid_from)
);
CREATE INDEX idx_insurance_coverages_patient ON insurance_coverages (patient_id, valid_from);
CREATE UNIQUE INDEX idx_insurance_coverages_policy ON insurance_coverages (lower(provider), policy_number, patient_id);

CREATE TABLE claims (
  id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  claim_number    text NOT NULL,
  invoice_id      uuid NOT NULL REFERENCES invoices (id),
  patient_id      uuid NOT NULL REFERENCES patients (id),
  coverage_id     uuid NOT NULL REFERENCES insurance_coverages (id),
  -- Copied from the coverage when the claim is made: the claim states what was claimed from whom.
  payer           text NOT NULL,
  policy_number   text NOT NULL,
  status          text NOT NULL DEFAULT 'submitted'
                  CHECK (status IN ('submitted', 'in_review', 'approved', 'partially_approved', 'rejected', 'paid')),
  claimed_cents   bigint NOT NULL CHECK (claimed_cents > 0),
  approved_cents  bigint CHECK (approved_cents >= 0),
  paid_cents      bigint NOT NULL DEFAULT 0 CHECK (paid_cents >= 0),
  rejection_reason text CHECK (length(rejection_reason) BETWEEN 1 AND 1000),
  appeal_note     text CHECK (length(appeal_note) BETWEEN 1 AND 2000),
  appeal_count    integer NOT NULL DEFAULT 0 CHECK (appeal_count >= 0),
  submitted_at    timestamptz NOT NULL DEFAULT now(),
  decided_at      timestamptz,
  paid_at         timestamptz,
  version         integer NOT NULL DEFAULT 1,
  created_at      timestamptz NOT NULL DEFAULT now(),
  updated_at      timestamptz NOT NULL DEFAULT now(),
  created_by      uuid REFERENCES users (id),
  updated_by      uuid REFERENCES users (id),
  CHECK (approved_cents IS NULL OR approved_cents <= claimed_cents),
  CHECK (paid_cents <= coalesce(approved_cents, 0)),
  CHECK (status NOT IN ('approved', 'partially_approved', 'paid') OR approved_cents > 0),
  CHECK (status <> 'rejected' OR rejection_reason IS NOT NULL),
  CHECK ((status = 'paid') = (paid_at IS NOT NULL))
);
CREATE UNIQUE INDEX idx_claims_number ON claims (claim_number);
-- One live claim per invoice; a rejected one may be replaced (or appealed, when no other is live).
CREATE UNIQUE INDEX idx_claims_one_live_per_invoice ON claims (invoice_id) WHERE status <> 'rejected';
CREATE INDEX idx_claims_payer_status ON claims (lower(payer), status, submitted_at, id);
CREATE INDEX idx_claims_status ON claims (status, submitted_at);
CREATE INDEX idx_claims_patient ON claims (patient_id, submitted_at);

-- Every status change of a claim, with its note, in order; append-only.
CREATE TABLE claim_events (
  id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  claim_id    uuid NOT NULL REFERENCES claims (id),
  from_status text,
  to_status   text NOT NULL,
  amount_cents bigint,
  note        text CHECK (length(note) <= 2000),
  changed_by  uuid REFERENCES users (id),
  changed_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX idx_claim_events_claim ON claim_events (claim_id, id);

CREATE FUNCTION claim_events_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'claim_events is append-only' USING ERRCODE = 'insufficient_privilege';
END;
$$;
CREATE TRIGGER claim_events_append_only BEFORE UPDATE OR DELETE ON claim_events
  FOR EACH ROW EXECUTE FUNCTION claim_events_refuse_change();

-- An insurance payment that settles a claim says which.
ALTER TABLE payments ADD COLUMN claim_id uuid REFERENCES claims (id);
CREATE INDEX idx_payments_claim ON payments (claim_id) WHERE claim_id IS NOT NULL;
ALTER TABLE payments ADD CONSTRAINT payments_claim_is_insurance CHECK (claim_id IS NULL OR method = 'insurance');

INSERT INTO schema_version (version, description) VALUES (14, 'create coverages and claims');

COMMIT;
