-- MediSys 0013: invoices with gapless yearly numbers, payments and refunds. Money is integer cents (bigint).
BEGIN;

-- Gapless running numbers per kind and year (invoices, receipts). The row is upserted and so locked by the
-- transaction that takes a number; a rolled-back transaction gives its number back. A sequence would not:
-- it leaves gaps, which auditors of invoice numbering do not accept.
CREATE TABLE document_counters (
  kind        text NOT NULL CHECK (kind IN ('invoice', 'receipt', 'claim')),
  year        integer NOT NULL CHECK (year BETWEEN 2000 AND 9999),
  last_number integer NOT NULL CHECK (last_number >= 1),
  PRIMARY KEY (kind, year)
);

CREATE TABLE invoices (
  id                     uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  number                 text,
  patient_id             uuid NOT NULL REFERENCES patients (id),
  status                 text NOT NULL DEFAULT 'draft'
                         CHECK (status IN ('draft', 'issued', 'partially_paid', 'paid', 'void')),
  -- Where the revenue belongs: set directly, or taken from the appointment's doctor or the admission.
  department_id          uuid REFERENCES departments (id),
  appointment_id         uuid REFERENCES appointments (id),
  admission_id           uuid REFERENCES admissions (id),
  subtotal_cents         bigint NOT NULL CHECK (subtotal_cents >= 0),
  -- A percentage discount is kept as asked (basis points) and as the cents it came to.
  discount_basis_points  integer CHECK (discount_basis_points BETWEEN 0 AND 10000),
  discount_cents         bigint NOT NULL DEFAULT 0 CHECK (discount_cents >= 0),
  tax_rate_basis_points  integer NOT NULL DEFAULT 0 CHECK (tax_rate_basis_points BETWEEN 0 AND 10000),
  tax_cents              bigint NOT NULL DEFAULT 0 CHECK (tax_cents >= 0),
  total_cents            bigint NOT NULL,
  -- Payments less refunds. Kept by the triggers below; the CHECK is what makes overpaying impossible.
  paid_cents             bigint NOT NULL DEFAULT 0,
  outstanding_cents      bigint GENERATED ALWAYS AS (total_cents - paid_cents) STORED,
  notes                  text CHECK (length(notes) <= 2000),
  issue_date             date,
  issued_at              timestamptz,
  issued_by              uuid REFERENCES users (id),
  voided_at              timestamptz,
  voided_by              uuid REFERENCES users (id),
  void_reason            text CHECK (length(void_reason) BETWEEN 1 AND 1000),
  -- A reissued invoice points at the void one it replaces; each void invoice is reissued at most once.
  replaces_invoice_id    uuid REFERENCES invoices (id),
  version                integer NOT NULL DEFAULT 1,
  created_at             timestamptz NOT NULL DEFAULT now(),
  updated_at             timestamptz NOT NULL DEFAULT now(),
  created_by             uuid REFERENCES users (id),
  updated_by             uuid REFERENCES users (id),
  CONSTRAINT invoices_discount_within_subtotal CHECK (discount_cents <= subtotal_cents),
  CONSTRAINT invoices_total_adds_up CHECK (total_cents = subtotal_cents - discount_cents + tax_cents),
  CONSTRAINT invoices_never_overpaid CHECK (paid_cents >= 0 AND paid_cents <= total_cents),
  CONSTRAINT invoices_number_when_issued CHECK (
    (status = 'draft' AND number IS NULL AND issued_at IS NULL)
    OR (status IN ('issued', 'partially_paid', 'paid') AND number IS NOT NULL AND issued_at IS NOT NULL
        AND issue_date IS NOT NULL)
    OR status = 'void'),
  CONSTRAINT invoices_void_has_reason CHECK ((status = 'void') = (voided_at IS NOT NULL AND void_reason IS NOT NULL)),
  CONSTRAINT invoices_void_only_unpaid CHECK (status <> 'void' OR paid_cents = 0)
);
CREATE UNIQUE INDEX idx_invoices_number ON invoices (number) WHERE number IS NOT NULL;
CREATE UNIQUE INDEX idx_invoices_replaces ON invoices (replaces_invoice_id) WHERE replaces_invoice_id IS NOT NULL;
CREATE INDEX idx_invoices_patient ON invoices (patient_id, created_at);
CREATE INDEX idx_invoices_status ON invoices (status, issue_date);
CREATE INDEX idx_invoices_issue_date ON invoices (issue_date) WHERE issue_date IS NOT NULL;
CREATE INDEX idx_invoices_department ON invoices (department_id, issue_date);

CREATE TABLE invoice_items (
  id               uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  invoice_id       uuid NOT NULL REFERENCES invoices (id),
  position         integer NOT NULL CHECK (position >= 1),
  service_code     text CHECK (service_code ~ '^[A-Za-z0-9][A-Za-z0-9._-]{0,31}$'),
  description      text NOT NULL CHECK (length(description) BETWEEN 1 AND 500),
  quantity         integer NOT NULL CHECK (quantity BETWEEN 1 AND 100000),
  unit_price_cents bigint NOT NULL CHECK (unit_price_cents >= 0),
  line_total_cents bigint NOT NULL,
  CHECK (line_total_cents = quantity * unit_price_cents),
  UNIQUE (invoice_id, position)
);
CREATE INDEX idx_invoice_items_service_code ON invoice_items (service_code);

CREATE TABLE payments (
  id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  receipt_number  text NOT NULL,
  invoice_id      uuid NOT NULL REFERENCES invoices (id),
  patient_id      uuid NOT NULL REFERENCES patients (id),
  amount_cents    bigint NOT NULL CHECK (amount_cents > 0),
  method          text NOT NULL CHECK (method IN ('cash', 'card', 'bank_transfer', 'insurance')),
  reference       text CHECK (length(reference) BETWEEN 1 AND 200),
  refunded_cents  bigint NOT NULL DEFAULT 0,
  received_at     timestamptz NOT NULL DEFAULT now(),
  received_by     uuid REFERENCES users (id),
  CONSTRAINT payments_refunds_within_amount CHECK (refunded_cents >= 0 AND refunded_cents <= amount_cents)
);
CREATE UNIQUE INDEX idx_payments_receipt_number ON payments (receipt_number);
CREATE INDEX idx_payments_invoice ON payments (invoice_id, received_at);
CREATE INDEX idx_payments_patient ON payments (patient_id, received_at);
CREATE INDEX idx_payments_received_at ON payments (received_at);

CREATE TABLE payment_refunds (
  id           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  payment_id   uuid NOT NULL REFERENCES payments (id),
  invoice_id   uuid NOT NULL REFERENCES invoices (id),
  patient_id   uuid NOT NULL REFERENCES patients (id),
  amount_cents bigint NOT NULL CHECK (amount_cents > 0),
  reason       text NOT NULL CHECK (length(reason) BETWEEN 1 AND 1000),
  refunded_at  timestamptz NOT NULL DEFAULT now(),
  refunded_by  uuid REFERENCES users (id)
);
CREATE INDEX idx_payment_refunds_payment ON payment_refunds (payment_id);
CREATE INDEX idx_payment_refunds_invoice ON payment_refunds (invoice_id, refunded_at);
CREATE INDEX idx_payment_refunds_patient ON payment_refunds (patient_id, refunded_at);
CREATE INDEX idx_payment_refunds_refunded_at ON payment_refunds (refunded_at);

-- An issued invoice is never edited, only voided (and reissued as a new draft): its number, amounts and
-- department are fixed once it leaves draft. (patient_id may move: merging duplicate patients re-points
-- their records.) Its status follows what has been paid.
CREATE FUNCTION invoices_guard_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF OLD.status <> 'draft' AND (
       NEW.number IS DISTINCT FROM OLD.number
       OR NEW.subtotal_cents <> OLD.subtotal_cents OR NEW.discount_cents <> OLD.discount_cents
       OR NEW.tax_cents <> OLD.tax_cents OR NEW.total_cents <> OLD.total_cents
       OR NEW.issue_date IS DISTINCT FROM OLD.issue_date
       OR NEW.department_id IS DISTINCT FROM OLD.department_id) THEN
    RAISE EXCEPTION 'invoice % is issued and cannot be edited', OLD.id USING ERRCODE = 'check_violation';
  END IF;
  IF OLD.status = 'void' AND NEW.status <> 'void' THEN
    RAISE EXCEPTION 'invoice % is void', OLD.id USING ERRCODE = 'check_violation';
  END IF;
  IF NEW.status IN ('issued', 'partially_paid', 'paid') THEN
    NEW.status := CASE
      WHEN NEW.paid_cents >= NEW.total_cents THEN 'paid'
      WHEN NEW.paid_cents = 0 THEN 'issued'
      ELSE 'partially_paid'
    END;
  END IF;
  RETURN NEW;
END;
$$;
CREATE TRIGGER invoices_guard_change BEFORE UPDATE ON invoices
  FOR EACH ROW EXECUTE FUNCTION invoices_guard_change();

CREATE FUNCTION invoice_items_only_on_drafts() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  invoice_status text;
BEGIN
  SELECT status INTO invoice_status FROM invoices
   WHERE id = CASE WHEN TG_OP = 'DELETE' THEN OLD.invoice_id ELSE NEW.invoice_id END;
  IF invoice_status IS DISTINCT FROM 'draft' THEN
    RAISE EXCEPTION 'the items of an issued invoice cannot change' USING ERRCODE = 'check_violation';
  END IF;
  RETURN CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
END;
$$;
CREATE TRIGGER invoice_items_only_on_drafts BEFORE INSERT OR UPDATE OR DELETE ON invoice_items
  FOR EACH ROW EXECUTE FUNCTION invoice_items_only_on_drafts();

-- Payments and refunds move the invoice's paid amount in the same statement, so the invoice CHECK
-- refuses anything that would take the outstanding amount below zero, whoever writes the row.
CREATE FUNCTION payments_apply() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  invoice_status text;
BEGIN
  SELECT status INTO invoice_status FROM invoices WHERE id = NEW.invoice_id FOR UPDATE;
  IF invoice_status NOT IN ('issued', 'partially_paid', 'paid') THEN
    RAISE EXCEPTION 'payments are taken on issued invoices only' USING ERRCODE = 'check_violation';
  END IF;
  UPDATE invoices SET paid_cents = paid_cents + NEW.amount_cents, updated_at = now() WHERE id = NEW.invoice_id;
  RETURN NEW;
END;
$$;
CREATE TRIGGER payments_apply AFTER INSERT ON payments FOR EACH ROW EXECUTE FUNCTION payments_apply();

CREATE FUNCTION payment_refunds_apply() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE payments SET refunded_cents = refunded_cents + NEW.amount_cents WHERE id = NEW.payment_id;
  UPDATE invoices SET paid_cents = paid_cents - NEW.amount_cents, updated_at = now() WHERE id = NEW.invoice_id;
  RETURN NEW;
END;
$$;
CREATE TRIGGER payment_refunds_apply AFTER INSERT ON payment_refunds
  FOR EACH ROW EXECUTE FUNCTION payment_refunds_apply();

-- Money received and returned is a record, not a state: payments change only by their refunded amount
-- growing, refunds not at all; either may be re-pointed to another patient record by a merge.
CREATE FUNCTION payments_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' OR NEW.amount_cents <> OLD.amount_cents OR NEW.invoice_id <> OLD.invoice_id
     OR NEW.method <> OLD.method OR NEW.received_at <> OLD.received_at
     OR NEW.receipt_number <> OLD.receipt_number OR NEW.refunded_cents < OLD.refunded_cents THEN
    RAISE EXCEPTION 'payments are append-only' USING ERRCODE = 'insufficient_privilege';
  END IF;
  RETURN NEW;
END;
$$;
CREATE TRIGGER payments_append_only BEFORE UPDATE OR DELETE ON payments
  FOR EACH ROW EXECUTE FUNCTION payments_append_only();

CREATE FUNCTION payment_refunds_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' OR NEW.amount_cents <> OLD.amount_cents OR NEW.payment_id <> OLD.payment_id
     OR NEW.invoice_id <> OLD.invoice_id OR NEW.refunded_at <> OLD.refunded_at THEN
    RAISE EXCEPTION 'payment_refunds is append-only' USING ERRCODE = 'insufficient_privilege';
  END IF;
  RETURN NEW;
END;
$$;
CREATE TRIGGER payment_refunds_append_only BEFORE UPDATE OR DELETE ON payment_refunds
  FOR EACH ROW EXECUTE FUNCTION payment_refunds_refuse_change();

INSERT INTO schema_version (version, description) VALUES (13, 'create invoices and payments');

COMMIT;
