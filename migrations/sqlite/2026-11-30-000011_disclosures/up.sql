-- 事后公示 (DESIGN §5.3): each decision, and each inspection closed with findings, is to be
-- disclosed by a due date (7 working days for penalty decisions, 20 otherwise); what is
-- published is the redacted content, fixed when published. A decision revoked, changed or
-- found void is withdrawn or updated within 3 working days (APL art. 48 ¶2).
CREATE TABLE disclosures (
    id                TEXT PRIMARY KEY NOT NULL,
    agency_id         TEXT NOT NULL REFERENCES agencies (id),
    case_id           TEXT NOT NULL REFERENCES cases (id),
    kind              TEXT NOT NULL CHECK (kind IN ('penalty_decision', 'other_decision', 'inspection_result')),
    status            TEXT NOT NULL CHECK (status IN ('pending', 'published', 'withdrawn', 'exempt')),
    exempt_reason     TEXT,
    document_id       TEXT REFERENCES documents (id),
    source_on         DATE NOT NULL,
    due_on            DATE NOT NULL,
    created_at        TIMESTAMP NOT NULL,
    published_on      DATE,
    published_at      TIMESTAMP,
    published_by      TEXT REFERENCES users (id),
    content           TEXT,
    content_hash      TEXT,
    title             TEXT,
    correction_due_on DATE,
    correction_reason TEXT,
    updated_on        DATE,
    update_reason     TEXT,
    withdrawn_on      DATE,
    withdrawn_at      TIMESTAMP,
    withdrawn_by      TEXT REFERENCES users (id),
    withdraw_reason   TEXT
);
CREATE INDEX disclosures_agency_status_idx ON disclosures (agency_id, status, due_on);
CREATE INDEX disclosures_public_idx ON disclosures (agency_id, published_on, id);
CREATE INDEX disclosures_case_idx ON disclosures (case_id);

ALTER TABLE agency_settings ADD COLUMN disclosure_penalty_working_days INTEGER NOT NULL DEFAULT 7;
ALTER TABLE agency_settings ADD COLUMN disclosure_other_working_days INTEGER NOT NULL DEFAULT 20;
ALTER TABLE agency_settings ADD COLUMN disclosure_auto_publish BOOLEAN NOT NULL DEFAULT FALSE;
