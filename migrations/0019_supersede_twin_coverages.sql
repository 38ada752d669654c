-- MediSys 0019: a patient merge where both records hold the same insurance policy. The merged record's
-- coverage becomes a twin "superseded by" the survivor's: it moves with the merged record's other rows
-- (its claims still point at it), is left out of the survivor's coverage list and eligibility, and
-- comes back when the merge is undone. Only coverages in force count towards one policy per patient.
BEGIN;

ALTER TABLE insurance_coverages
  ADD COLUMN superseded_by uuid REFERENCES insurance_coverages (id),
  ADD CONSTRAINT insurance_coverages_not_self_superseded CHECK (superseded_by IS DISTINCT FROM id);

DROP INDEX idx_insurance_coverages_policy;
CREATE UNIQUE INDEX idx_insurance_coverages_policy
  ON insurance_coverages (lower(provider), policy_number_hash, patient_id)
  WHERE superseded_by IS NULL;
INSERT INTO schema_version (version, description) VALUES (19, 'supersede twin coverages');

COMMIT;
