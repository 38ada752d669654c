-- MediSys 0020: patient search at a million patients.
-- 1. The duplicate-candidate GiST index (0012) was keyed on (date_of_birth, name): for a name-only
--    condition (the search's `name ILIKE '%term%'`) the planner took it, underestimating its cost, and
--    scanned all of it (150 ms at 1,000,000 patients for a term matching nothing). Keyed on lower(name)
--    it still serves the candidate scan (trigrams are case-folded either way, so `%` answers the same),
--    and the search uses the GIN trigram index on name, as intended.
-- 2. A b-tree on the active patients' (name, id), for the list without a term, read in name order.
-- 3. A phone number is searched by its last digits: a prefix of the reversed digits is a b-tree range
--    scan (20 ms with the trigram index, whose digit trigrams are in every number); that trigram index
--    then serves nothing and is dropped.
BEGIN;

DROP INDEX idx_patients_active_birth_date_name;
CREATE INDEX idx_patients_active_birth_date_name ON patients
  USING gist (date_of_birth, lower(name) gist_trgm_ops) WHERE NOT archived;
CREATE INDEX idx_patients_active_name ON patients (name, id) WHERE NOT archived;
CREATE INDEX idx_patients_phone_digits_reversed ON patients (reverse(phone_digits) text_pattern_ops)
  WHERE phone_digits <> '';
DROP INDEX idx_patients_phone_digits;

INSERT INTO schema_version (version, description) VALUES (20, 'tune patient search indexes');

COMMIT;
