-- 法制审核 (APL art. 58, DESIGN §5.2): counsel's reviews of a case's proposals, each
-- signed once, and the agency's scope setting.
CREATE TABLE legal_reviews (
    id               TEXT PRIMARY KEY NOT NULL,
    agency_id        TEXT NOT NULL REFERENCES agencies (id),
    case_id          TEXT NOT NULL REFERENCES cases (id),
    seq              INTEGER NOT NULL,
    status           TEXT NOT NULL CHECK (status IN ('pending', 'done')),
    proposal         TEXT NOT NULL,
    package          TEXT NOT NULL,
    submitted_at     TIMESTAMP NOT NULL,
    submitted_on     DATE NOT NULL,
    submitted_by     TEXT NOT NULL REFERENCES users (id),
    record_length    INTEGER NOT NULL,
    record_head_hash TEXT NOT NULL,
    outcome          TEXT CHECK (outcome IN ('approved', 'needs_changes', 'rejected')),
    checklist        TEXT,
    opinion          TEXT,
    opinion_hash     TEXT,
    reviewer_id      TEXT REFERENCES users (id),
    reviewed_at      TIMESTAMP,
    reviewed_on      DATE,
    UNIQUE (case_id, seq)
);
CREATE INDEX legal_reviews_queue_idx ON legal_reviews (agency_id, status, submitted_at);

ALTER TABLE cases ADD COLUMN legal_review_id TEXT;
ALTER TABLE cases ADD COLUMN legal_review_outcome TEXT;
ALTER TABLE cases ADD COLUMN criminal_transfer_flagged BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE agency_settings ADD COLUMN legal_review_scope TEXT NOT NULL DEFAULT 'all_ordinary'
    CHECK (legal_review_scope IN ('all_ordinary', 'major_only'));
