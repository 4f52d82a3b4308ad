-- 案卷评查 (DESIGN §6): scoring templates (versions, never changed once stored), quarterly
-- campaigns with their recorded seed and eligible set, one review per sampled file, and the
-- rectification items a review raises for the case's lead officer.
CREATE TABLE review_templates (
    id         TEXT PRIMARY KEY NOT NULL,
    agency_id  TEXT NOT NULL REFERENCES agencies (id),
    code       TEXT NOT NULL,
    version    INTEGER NOT NULL CHECK (version >= 1),
    name       TEXT NOT NULL,
    content    TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    created_by TEXT REFERENCES users (id),
    UNIQUE (agency_id, code, version)
);

CREATE TABLE review_campaigns (
    id              TEXT PRIMARY KEY NOT NULL,
    agency_id       TEXT NOT NULL REFERENCES agencies (id),
    name            TEXT NOT NULL,
    period          TEXT NOT NULL,
    period_from     DATE NOT NULL,
    period_to       DATE NOT NULL,
    scope           TEXT NOT NULL,
    sample          TEXT NOT NULL,
    seed            TEXT NOT NULL,
    template_id     TEXT NOT NULL REFERENCES review_templates (id),
    eligible        TEXT NOT NULL,
    eligible_count  INTEGER NOT NULL,
    eligible_digest TEXT NOT NULL,
    sample_count    INTEGER NOT NULL,
    created_at      TIMESTAMP NOT NULL,
    created_by      TEXT NOT NULL REFERENCES users (id)
);
CREATE INDEX review_campaigns_agency_idx ON review_campaigns (agency_id, id);

CREATE TABLE case_file_reviews (
    id           TEXT PRIMARY KEY NOT NULL,
    agency_id    TEXT NOT NULL REFERENCES agencies (id),
    campaign_id  TEXT NOT NULL REFERENCES review_campaigns (id),
    case_id      TEXT NOT NULL REFERENCES cases (id),
    position     INTEGER NOT NULL,
    reviewer_id  TEXT NOT NULL REFERENCES users (id),
    status       TEXT NOT NULL CHECK (status IN ('assigned', 'scored')),
    findings     TEXT NOT NULL,
    sheet        TEXT,
    sheet_hash   TEXT,
    max_tenths   BIGINT,
    total_tenths BIGINT,
    grade        TEXT CHECK (grade IN ('excellent', 'pass', 'fail')),
    vetoed       BOOLEAN,
    mark         TEXT CHECK (mark IN ('exemplary', 'poor')),
    scored_at    TIMESTAMP,
    scored_on    DATE,
    record_seq   INTEGER,
    UNIQUE (campaign_id, case_id),
    UNIQUE (campaign_id, position)
);
CREATE INDEX case_file_reviews_reviewer_idx ON case_file_reviews (reviewer_id, status);
CREATE INDEX case_file_reviews_case_idx ON case_file_reviews (case_id);

CREATE TABLE rectifications (
    id             TEXT PRIMARY KEY NOT NULL,
    agency_id      TEXT NOT NULL REFERENCES agencies (id),
    review_id      TEXT NOT NULL REFERENCES case_file_reviews (id),
    case_id        TEXT NOT NULL REFERENCES cases (id),
    item_key       TEXT NOT NULL,
    description    TEXT NOT NULL,
    officer_id     TEXT NOT NULL REFERENCES users (id),
    due_on         DATE NOT NULL,
    status         TEXT NOT NULL CHECK (status IN ('open', 'answered', 'closed')),
    created_at     TIMESTAMP NOT NULL,
    created_by     TEXT NOT NULL REFERENCES users (id),
    answer         TEXT,
    answered_at    TIMESTAMP,
    answered_on    DATE,
    reviewed_by    TEXT REFERENCES users (id),
    reviewed_at    TIMESTAMP,
    review_comment TEXT,
    closed_on      DATE
);
CREATE INDEX rectifications_agency_status_idx ON rectifications (agency_id, status, due_on);
CREATE INDEX rectifications_officer_idx ON rectifications (officer_id, status);
CREATE INDEX rectifications_review_idx ON rectifications (review_id);

-- A stored template version and a scored file are what later reports rest on: fixed.
CREATE TRIGGER review_templates_fixed BEFORE UPDATE ON review_templates
BEGIN
    SELECT RAISE(ABORT, 'a review template version is fixed: store a new version');
END;

CREATE TRIGGER review_templates_kept BEFORE DELETE ON review_templates
BEGIN
    SELECT RAISE(ABORT, 'a review template version is kept');
END;

CREATE TRIGGER case_file_reviews_scored_fixed BEFORE UPDATE ON case_file_reviews
WHEN OLD.status = 'scored'
BEGIN
    SELECT RAISE(ABORT, 'a scored case-file review is fixed');
END;

CREATE TRIGGER case_file_reviews_kept BEFORE DELETE ON case_file_reviews
BEGIN
    SELECT RAISE(ABORT, 'a case-file review is kept');
END;
