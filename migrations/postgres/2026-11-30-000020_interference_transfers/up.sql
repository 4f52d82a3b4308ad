-- 干预插手登记 (interference register) and 案件移送 (transfers), DESIGN §6.

-- One report of someone interfering in a case. Append-only: a correction is a new row
-- naming the one it corrects (corrects_id); no row is ever changed or deleted.
CREATE TABLE interference_reports (
    id          TEXT PRIMARY KEY NOT NULL,
    agency_id   TEXT NOT NULL REFERENCES agencies (id),
    reporter_id TEXT NOT NULL REFERENCES users (id),
    person_name TEXT NOT NULL,
    position    TEXT NOT NULL,
    internal    BOOLEAN NOT NULL,
    occurred_at TIMESTAMP NOT NULL,
    method      TEXT NOT NULL CHECK (method IN ('in_person', 'phone', 'message', 'document', 'other')),
    request     TEXT NOT NULL,
    case_id     TEXT REFERENCES cases (id),
    evidence_id TEXT REFERENCES evidence (id),
    corrects_id TEXT REFERENCES interference_reports (id),
    created_at  TIMESTAMP NOT NULL
);
CREATE INDEX interference_reports_agency_idx ON interference_reports (agency_id, id);
CREATE INDEX interference_reports_case_idx ON interference_reports (case_id);

-- Every read of a report, by whom and when. Append-only.
CREATE TABLE interference_reads (
    id        TEXT PRIMARY KEY NOT NULL,
    agency_id TEXT NOT NULL REFERENCES agencies (id),
    report_id TEXT NOT NULL REFERENCES interference_reports (id),
    reader_id TEXT NOT NULL REFERENCES users (id),
    at        TIMESTAMP NOT NULL
);
CREATE INDEX interference_reads_report_idx ON interference_reads (report_id, id);

-- Referrals of a report (e.g. to 街纪工委) and, in later rows, their outcomes. Append-only.
CREATE TABLE interference_referrals (
    id          TEXT PRIMARY KEY NOT NULL,
    agency_id   TEXT NOT NULL REFERENCES agencies (id),
    report_id   TEXT NOT NULL REFERENCES interference_reports (id),
    referred_to TEXT NOT NULL,
    note        TEXT,
    referred_by TEXT NOT NULL REFERENCES users (id),
    referred_at TIMESTAMP NOT NULL
);
CREATE UNIQUE INDEX interference_referrals_report_idx ON interference_referrals (report_id);

CREATE TABLE interference_referral_outcomes (
    id          TEXT PRIMARY KEY NOT NULL,
    agency_id   TEXT NOT NULL REFERENCES agencies (id),
    referral_id TEXT NOT NULL REFERENCES interference_referrals (id),
    outcome     TEXT NOT NULL,
    recorded_by TEXT NOT NULL REFERENCES users (id),
    recorded_at TIMESTAMP NOT NULL
);
CREATE UNIQUE INDEX interference_referral_outcomes_referral_idx ON interference_referral_outcomes (referral_id);

CREATE FUNCTION interference_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION '% is append-only: the interference register cannot be changed; file a correction instead', TG_TABLE_NAME;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER interference_reports_no_update_delete BEFORE UPDATE OR DELETE ON interference_reports
    FOR EACH ROW EXECUTE FUNCTION interference_append_only();
CREATE TRIGGER interference_reports_no_truncate BEFORE TRUNCATE ON interference_reports
    FOR EACH STATEMENT EXECUTE FUNCTION interference_append_only();
CREATE TRIGGER interference_reads_no_update_delete BEFORE UPDATE OR DELETE ON interference_reads
    FOR EACH ROW EXECUTE FUNCTION interference_append_only();
CREATE TRIGGER interference_reads_no_truncate BEFORE TRUNCATE ON interference_reads
    FOR EACH STATEMENT EXECUTE FUNCTION interference_append_only();
CREATE TRIGGER interference_referrals_no_update_delete BEFORE UPDATE OR DELETE ON interference_referrals
    FOR EACH ROW EXECUTE FUNCTION interference_append_only();
CREATE TRIGGER interference_referrals_no_truncate BEFORE TRUNCATE ON interference_referrals
    FOR EACH STATEMENT EXECUTE FUNCTION interference_append_only();
CREATE TRIGGER interference_referral_outcomes_no_update_delete BEFORE UPDATE OR DELETE ON interference_referral_outcomes
    FOR EACH ROW EXECUTE FUNCTION interference_append_only();
CREATE TRIGGER interference_referral_outcomes_no_truncate BEFORE TRUNCATE ON interference_referral_outcomes
    FOR EACH STATEMENT EXECUTE FUNCTION interference_append_only();

-- A case transferred (移送) to a department or judicial organs: the letter (移送函) with its
-- gap-free number, then the receiving side's receipt and its feedback. Never deleted.
CREATE TABLE transfers (
    id                    TEXT PRIMARY KEY NOT NULL,
    agency_id             TEXT NOT NULL REFERENCES agencies (id),
    case_id               TEXT NOT NULL REFERENCES cases (id),
    kind                  TEXT NOT NULL CHECK (kind IN ('department', 'judicial')),
    to_department         TEXT NOT NULL,
    reason                TEXT NOT NULL,
    letter_number         TEXT NOT NULL,
    number_year           INTEGER NOT NULL,
    number_seq            INTEGER NOT NULL,
    transferred_on        DATE NOT NULL,
    transferred_by        TEXT NOT NULL REFERENCES users (id),
    created_at            TIMESTAMP NOT NULL,
    received_on           DATE,
    receiver_name         TEXT,
    receipt_recorded_by   TEXT REFERENCES users (id),
    receipt_recorded_at   TIMESTAMP,
    feedback              TEXT,
    feedback_on           DATE,
    feedback_recorded_by  TEXT REFERENCES users (id),
    feedback_recorded_at  TIMESTAMP,
    CHECK (feedback IS NULL OR received_on IS NOT NULL)
);
CREATE UNIQUE INDEX transfers_number_idx ON transfers (agency_id, number_year, number_seq);
CREATE INDEX transfers_case_idx ON transfers (case_id);

CREATE FUNCTION transfers_kept() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'transfers are kept: a transfer cannot be deleted';
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER transfers_no_delete BEFORE DELETE ON transfers
    FOR EACH ROW EXECUTE FUNCTION transfers_kept();

-- A case received from another department (source: referral), linked to the sender's letter.
CREATE TABLE incoming_transfers (
    id              TEXT PRIMARY KEY NOT NULL,
    agency_id       TEXT NOT NULL REFERENCES agencies (id),
    case_id         TEXT NOT NULL REFERENCES cases (id),
    from_department TEXT NOT NULL,
    letter_number   TEXT NOT NULL,
    received_on     DATE NOT NULL,
    created_by      TEXT NOT NULL REFERENCES users (id),
    created_at      TIMESTAMP NOT NULL
);
CREATE UNIQUE INDEX incoming_transfers_letter_idx ON incoming_transfers (agency_id, from_department, letter_number);
CREATE INDEX incoming_transfers_case_idx ON incoming_transfers (case_id);
