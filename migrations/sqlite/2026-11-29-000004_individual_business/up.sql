-- Subjects may be 个体工商户: kind 'individual_business' joins the CHECK on subjects.kind.
--
-- SQLite cannot alter a CHECK constraint, so the table is rebuilt. The migration runs in a
-- transaction with foreign keys ON (the app's connections set it), where
-- `PRAGMA foreign_keys` cannot be changed. Instead the foreign keys are deferred to COMMIT:
-- dropping `subjects` counts one pending violation per case row pointing at it, and
-- re-inserting each subject into the new table of the SAME name (never a rename, which
-- would leave those violations counted) resolves them again. Should any row fail to come
-- back, COMMIT fails and nothing changes.
PRAGMA defer_foreign_keys = ON;

-- The copy declares the columns as subjects does (types, hence affinities), without its
-- constraints, so each value comes back exactly as it was stored.
CREATE TEMP TABLE subjects_copy (
    id                   TEXT NOT NULL,
    agency_id            TEXT NOT NULL,
    kind                 TEXT NOT NULL,
    name                 TEXT NOT NULL,
    uscc                 TEXT,
    id_card_no           TEXT,
    legal_representative TEXT,
    address              TEXT,
    industry             TEXT,
    risk_level           TEXT,
    contact_phone        TEXT,
    created_at           TIMESTAMP NOT NULL,
    updated_at           TIMESTAMP NOT NULL
);
INSERT INTO subjects_copy (id, agency_id, kind, name, uscc, id_card_no, legal_representative, address,
                           industry, risk_level, contact_phone, created_at, updated_at)
SELECT id, agency_id, kind, name, uscc, id_card_no, legal_representative, address,
       industry, risk_level, contact_phone, created_at, updated_at
FROM subjects;

DROP TABLE subjects;

CREATE TABLE subjects (
    id                   TEXT PRIMARY KEY NOT NULL,
    agency_id            TEXT NOT NULL REFERENCES agencies (id),
    kind                 TEXT NOT NULL CHECK (kind IN ('enterprise', 'individual', 'individual_business', 'other_org')),
    name                 TEXT NOT NULL,
    -- 统一社会信用代码 (GB 32100-2015), 18 characters; a 个体工商户's starts with 92
    uscc                 TEXT,
    -- 公民身份号码 (GB 11643), 18 characters; shown masked
    id_card_no           TEXT,
    legal_representative TEXT,
    address              TEXT,
    industry             TEXT,
    risk_level           TEXT CHECK (risk_level IN ('low', 'medium', 'high')),
    contact_phone        TEXT,
    created_at           TIMESTAMP NOT NULL,
    updated_at           TIMESTAMP NOT NULL,
    UNIQUE (agency_id, uscc)
);

INSERT INTO subjects (id, agency_id, kind, name, uscc, id_card_no, legal_representative, address,
                      industry, risk_level, contact_phone, created_at, updated_at)
SELECT id, agency_id, kind, name, uscc, id_card_no, legal_representative, address,
       industry, risk_level, contact_phone, created_at, updated_at
FROM subjects_copy;

DROP TABLE subjects_copy;

CREATE INDEX subjects_agency_name_idx ON subjects (agency_id, name);
-- Lists page through an agency's subjects in id (creation) order.
CREATE INDEX subjects_agency_idx ON subjects (agency_id, id);
