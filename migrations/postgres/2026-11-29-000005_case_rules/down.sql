-- The lists cannot be folded back into one type; notices and decisions are left empty.
ALTER TABLE cases ADD COLUMN notice_decision_type TEXT;
ALTER TABLE cases ADD COLUMN notice_fine_fen BIGINT;
ALTER TABLE cases ADD COLUMN decision_type TEXT;
ALTER TABLE cases DROP COLUMN notice_penalties;
ALTER TABLE cases DROP COLUMN penalties;
ALTER TABLE cases DROP COLUMN proposal;
ALTER TABLE cases DROP COLUMN violation_ended_on;
ALTER TABLE cases DROP COLUMN discovered_on;
ALTER TABLE cases DROP COLUMN education_recorded_on;
ALTER TABLE cases DROP COLUMN filing_acknowledgement_due_on;
ALTER TABLE cases DROP COLUMN filing_acknowledged_on;
ALTER TABLE agency_settings DROP COLUMN filing_approval;
ALTER TABLE agency_settings DROP COLUMN extension_rule;
ALTER TABLE agency_settings DROP COLUMN extension_max_days;
ALTER TABLE agency_settings DROP COLUMN acknowledgement_working_days;
