ALTER TABLE agency_settings DROP COLUMN legal_review_scope;
ALTER TABLE cases DROP COLUMN criminal_transfer_flagged;
ALTER TABLE cases DROP COLUMN legal_review_outcome;
ALTER TABLE cases DROP COLUMN legal_review_id;
DROP TABLE legal_reviews;
