-- Subjects may be 个体工商户: kind 'individual_business' joins the CHECK on subjects.kind.
-- The constraint is the one 2026-11-28-000002_registers declared on the column, named by
-- PostgreSQL's rule <table>_<column>_check; replacing it keeps every row and reference.
ALTER TABLE subjects DROP CONSTRAINT subjects_kind_check;
ALTER TABLE subjects ADD CONSTRAINT subjects_kind_check
    CHECK (kind IN ('enterprise', 'individual', 'individual_business', 'other_org'));
