ALTER TABLE agency_settings DROP COLUMN disclosure_auto_publish;
ALTER TABLE agency_settings DROP COLUMN disclosure_other_working_days;
ALTER TABLE agency_settings DROP COLUMN disclosure_penalty_working_days;
DROP TABLE disclosures;
