-- Back to three kinds. A 个体工商户 in the register fails the old CHECK, and the whole
-- revert with it: re-register such subjects (or delete them) first; nothing is converted
-- silently.
ALTER TABLE subjects DROP CONSTRAINT subjects_kind_check;
ALTER TABLE subjects ADD CONSTRAINT subjects_kind_check
    CHECK (kind IN ('enterprise', 'individual', 'other_org'));
