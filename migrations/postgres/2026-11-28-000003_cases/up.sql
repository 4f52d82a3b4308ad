-- Cases (案件) and their full-process record (执法全过程记录).

-- Per-agency settings of the procedure.
CREATE TABLE agency_settings (
    agency_id                         TEXT PRIMARY KEY NOT NULL REFERENCES agencies (id),
    defense_period_working_days       INTEGER NOT NULL DEFAULT 5,
    hearing_threshold_individual_fen  BIGINT NOT NULL DEFAULT 1000000,
    hearing_threshold_organisation_fen BIGINT NOT NULL DEFAULT 10000000,
    updated_at                        TIMESTAMP NOT NULL,
    updated_by                        TEXT REFERENCES users (id)
);

-- Gap-free sequences per (agency, counter, year): 'inspection', 'penalty', 'decision'.
-- The row is incremented inside the transaction that uses the number, so a rolled-back
-- transaction leaves no gap and concurrent ones queue on the row.
CREATE TABLE number_counters (
    agency_id TEXT NOT NULL REFERENCES agencies (id),
    counter   TEXT NOT NULL,
    year      INTEGER NOT NULL,
    last_seq  INTEGER NOT NULL,
    PRIMARY KEY (agency_id, counter, year)
);

CREATE TABLE cases (
    id                       TEXT PRIMARY KEY NOT NULL,
    agency_id                TEXT NOT NULL REFERENCES agencies (id),
    kind                     TEXT NOT NULL CHECK (kind IN ('inspection', 'penalty')),
    procedure                TEXT CHECK (procedure IN ('simple', 'ordinary')),
    case_number              TEXT NOT NULL,
    number_year              INTEGER NOT NULL,
    number_seq               INTEGER NOT NULL,
    status                   TEXT NOT NULL,
    subject_id               TEXT NOT NULL REFERENCES subjects (id),
    summary                  TEXT NOT NULL,
    source                   TEXT NOT NULL,
    parent_case_id           TEXT REFERENCES cases (id),
    opened_on                DATE NOT NULL,
    violation_on             DATE,
    serious_harm             BOOLEAN NOT NULL DEFAULT FALSE,
    location                 TEXT,
    inspection_result        TEXT,
    rectification_deadline   DATE,
    notice_decision_type     TEXT,
    notice_fine_fen          BIGINT,
    notified_on              DATE,
    defense_due_on           DATE,
    defense_state            TEXT,
    hearing_rights           BOOLEAN NOT NULL DEFAULT FALSE,
    hearing_request_due_on   DATE,
    hearing_state            TEXT,
    hearing_on               DATE,
    collective_discussion_on DATE,
    decision_due_on          DATE,
    outcome                  TEXT,
    decision_type            TEXT,
    fine_amount_fen          BIGINT,
    decided_on               DATE,
    decision_number          TEXT,
    service_due_on           DATE,
    served_on                DATE,
    service_method           TEXT,
    payment_due_on           DATE,
    paid_fen                 BIGINT NOT NULL DEFAULT 0,
    executed_on              DATE,
    closed_on                DATE,
    archived_on              DATE,
    transferred_to           TEXT,
    transfer_reason          TEXT,
    terminated_reason        TEXT,
    version                  INTEGER NOT NULL,
    created_at               TIMESTAMP NOT NULL,
    created_by               TEXT NOT NULL REFERENCES users (id),
    updated_at               TIMESTAMP NOT NULL,
    UNIQUE (agency_id, kind, number_year, number_seq),
    UNIQUE (agency_id, case_number)
);
CREATE INDEX cases_agency_idx ON cases (agency_id, id);
CREATE INDEX cases_agency_opened_idx ON cases (agency_id, opened_on);
CREATE INDEX cases_subject_idx ON cases (subject_id);

-- Officers handling a case (承办人员); position 0 is the lead.
CREATE TABLE case_officers (
    case_id  TEXT NOT NULL REFERENCES cases (id),
    user_id  TEXT NOT NULL REFERENCES users (id),
    position INTEGER NOT NULL,
    PRIMARY KEY (case_id, user_id)
);
CREATE INDEX case_officers_user_idx ON case_officers (user_id);

-- The power versions a case cites: the text in force on the case's date.
CREATE TABLE case_powers (
    case_id          TEXT NOT NULL REFERENCES cases (id),
    power_id         TEXT NOT NULL REFERENCES powers (id),
    power_version_id TEXT NOT NULL REFERENCES power_versions (id),
    PRIMARY KEY (case_id, power_id)
);
CREATE INDEX case_powers_power_idx ON case_powers (power_id);

-- Findings of an inspection (检查发现的问题/隐患).
CREATE TABLE case_findings (
    case_id      TEXT NOT NULL REFERENCES cases (id),
    position     INTEGER NOT NULL,
    description  TEXT NOT NULL,
    hazard_level TEXT NOT NULL CHECK (hazard_level IN ('none', 'general', 'major')),
    rectified    BOOLEAN NOT NULL DEFAULT FALSE,
    rectified_on DATE,
    -- handed on to a penalty case opened from the inspection
    escalated    BOOLEAN NOT NULL DEFAULT FALSE,
    PRIMARY KEY (case_id, position)
);

-- The full-process record: append-only and hash-chained.
CREATE TABLE case_events (
    case_id   TEXT NOT NULL REFERENCES cases (id),
    seq       INTEGER NOT NULL,
    at        TIMESTAMP NOT NULL,
    actor_id  TEXT NOT NULL REFERENCES users (id),
    action    TEXT NOT NULL,
    payload   TEXT NOT NULL,
    prev_hash TEXT NOT NULL,
    hash      TEXT NOT NULL,
    PRIMARY KEY (case_id, seq)
);

CREATE FUNCTION case_events_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'case_events is append-only: the full-process record cannot be changed';
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER case_events_no_update_delete BEFORE UPDATE OR DELETE ON case_events
    FOR EACH ROW EXECUTE FUNCTION case_events_append_only();

CREATE TRIGGER case_events_no_truncate BEFORE TRUNCATE ON case_events
    FOR EACH STATEMENT EXECUTE FUNCTION case_events_append_only();

-- Responses of POSTs sent with an Idempotency-Key, replayed for retries.
CREATE TABLE idempotency_keys (
    user_id      TEXT NOT NULL REFERENCES users (id),
    key          TEXT NOT NULL,
    request_hash TEXT NOT NULL,
    status       INTEGER NOT NULL,
    body         TEXT NOT NULL,
    created_at   TIMESTAMP NOT NULL,
    PRIMARY KEY (user_id, key)
);
