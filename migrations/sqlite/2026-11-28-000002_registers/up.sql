-- Registers every case cites: the power list (权责清单), versioned, and the subjects
-- (检查对象名录库).

-- A power's stable identity within its agency; its content lives in versions.
CREATE TABLE powers (
    id              TEXT PRIMARY KEY NOT NULL,
    agency_id       TEXT NOT NULL REFERENCES agencies (id),
    code            TEXT NOT NULL,
    current_version INTEGER NOT NULL,
    created_at      TIMESTAMP NOT NULL,
    updated_at      TIMESTAMP NOT NULL,
    UNIQUE (agency_id, code)
);

-- Each edit adds a version and closes the previous one; versions are never deleted, so a
-- case keeps citing the text that was in force on its date.
CREATE TABLE power_versions (
    id                 TEXT PRIMARY KEY NOT NULL,
    power_id           TEXT NOT NULL REFERENCES powers (id),
    agency_id          TEXT NOT NULL REFERENCES agencies (id),
    version            INTEGER NOT NULL,
    code               TEXT NOT NULL,
    name               TEXT NOT NULL,
    category           TEXT NOT NULL CHECK (category IN ('penalty', 'inspection', 'coercion', 'other')),
    legal_basis        TEXT NOT NULL,
    source_department  TEXT NOT NULL,
    fine_min_fen       BIGINT,
    fine_max_fen       BIGINT,
    requires_av_record BOOLEAN NOT NULL DEFAULT 0,
    effective_from     DATE NOT NULL,
    effective_to       DATE,
    change_note        TEXT,
    created_at         TIMESTAMP NOT NULL,
    created_by         TEXT REFERENCES users (id),
    UNIQUE (power_id, version),
    -- The discretion range (裁量基准) in fen: never negative, never inverted.
    CHECK (fine_min_fen IS NULL OR fine_min_fen >= 0),
    CHECK (fine_max_fen IS NULL OR fine_max_fen >= 0),
    CHECK (fine_min_fen IS NULL OR fine_max_fen IS NULL OR fine_min_fen <= fine_max_fen)
);
CREATE INDEX power_versions_agency_idx ON power_versions (agency_id, code);

CREATE TABLE subjects (
    id                   TEXT PRIMARY KEY NOT NULL,
    agency_id            TEXT NOT NULL REFERENCES agencies (id),
    kind                 TEXT NOT NULL CHECK (kind IN ('enterprise', 'individual', 'other_org')),
    name                 TEXT NOT NULL,
    -- 统一社会信用代码 (GB 32100-2015), 18 characters
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
CREATE INDEX subjects_agency_name_idx ON subjects (agency_id, name);
-- Lists page through an agency's subjects in id (creation) order.
CREATE INDEX subjects_agency_idx ON subjects (agency_id, id);
