-- The case rules counsel asked for (issue 8): penalties as lists (APL art. 9), the
-- officers' proposal and the head's decision (art. 57), continuing violations and the
-- discovery date (art. 36), education before 首违不罚 (art. 33), the filing of
-- on-the-spot decisions (art. 52), and the settings that govern them.
ALTER TABLE cases ADD COLUMN notice_penalties TEXT NOT NULL DEFAULT '[]';
ALTER TABLE cases ADD COLUMN penalties TEXT NOT NULL DEFAULT '[]';
ALTER TABLE cases ADD COLUMN proposal TEXT;
ALTER TABLE cases ADD COLUMN violation_ended_on DATE;
ALTER TABLE cases ADD COLUMN discovered_on DATE;
ALTER TABLE cases ADD COLUMN education_recorded_on DATE;
ALTER TABLE cases ADD COLUMN filing_acknowledgement_due_on DATE;
ALTER TABLE cases ADD COLUMN filing_acknowledged_on DATE;
-- Service, on-the-spot collection and its hand-over, remedies, court enforcement (art. 61–73).
ALTER TABLE cases ADD COLUMN electronic_service_consent_on DATE;
ALTER TABLE cases ADD COLUMN handover_due_on DATE;
ALTER TABLE cases ADD COLUMN handed_over_on DATE;
ALTER TABLE cases ADD COLUMN remedy_pending_since DATE;
ALTER TABLE cases ADD COLUMN late_penalty_paused_days BIGINT NOT NULL DEFAULT 0;
ALTER TABLE cases ADD COLUMN court_enforcement_applied_on DATE;
-- Recusal (回避, art. 43): a pending request, and officers who stepped aside.
ALTER TABLE cases ADD COLUMN recusal_requested_for TEXT;
ALTER TABLE case_officers ADD COLUMN recused BOOLEAN NOT NULL DEFAULT 0;

-- Carry notices and decisions made before over to lists: the old single type with its fine.
UPDATE cases SET
    notice_penalties = CASE
        WHEN notice_decision_type IS NULL THEN '[]'
        WHEN notice_decision_type = 'fine' THEN json_array(json_object('type', 'fine', 'amount_fen', notice_fine_fen))
        WHEN COALESCE(notice_fine_fen, 0) > 0 THEN json_array(json_object('type', 'fine', 'amount_fen', notice_fine_fen), json_object('type', CASE notice_decision_type WHEN 'confiscation' THEN 'confiscate_illegal_gains' WHEN 'suspension' THEN 'suspend_business' WHEN 'revocation' THEN 'revoke_license' ELSE notice_decision_type END))
        ELSE json_array(json_object('type', CASE notice_decision_type WHEN 'confiscation' THEN 'confiscate_illegal_gains' WHEN 'suspension' THEN 'suspend_business' WHEN 'revocation' THEN 'revoke_license' ELSE notice_decision_type END))
    END,
    penalties = CASE
        WHEN decision_type IS NULL THEN '[]'
        WHEN decision_type = 'fine' THEN json_array(json_object('type', 'fine', 'amount_fen', fine_amount_fen))
        WHEN COALESCE(fine_amount_fen, 0) > 0 THEN json_array(json_object('type', 'fine', 'amount_fen', fine_amount_fen), json_object('type', CASE decision_type WHEN 'confiscation' THEN 'confiscate_illegal_gains' WHEN 'suspension' THEN 'suspend_business' WHEN 'revocation' THEN 'revoke_license' ELSE decision_type END))
        ELSE json_array(json_object('type', CASE decision_type WHEN 'confiscation' THEN 'confiscate_illegal_gains' WHEN 'suspension' THEN 'suspend_business' WHEN 'revocation' THEN 'revoke_license' ELSE decision_type END))
    END;
ALTER TABLE cases DROP COLUMN notice_decision_type;
ALTER TABLE cases DROP COLUMN notice_fine_fen;
ALTER TABLE cases DROP COLUMN decision_type;

ALTER TABLE agency_settings ADD COLUMN filing_approval BOOLEAN NOT NULL DEFAULT 1;
ALTER TABLE agency_settings ADD COLUMN extension_rule TEXT;
ALTER TABLE agency_settings ADD COLUMN extension_max_days INTEGER NOT NULL DEFAULT 30;
ALTER TABLE agency_settings ADD COLUMN acknowledgement_working_days INTEGER NOT NULL DEFAULT 5;
