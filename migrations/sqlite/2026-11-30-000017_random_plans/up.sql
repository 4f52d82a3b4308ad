-- Double random, one public (双随机、一公开; issue 16, 国办发〔2015〕58号, 国发〔2019〕5号).

-- Published inspection items on the random-inspection list (随机抽查事项清单).
ALTER TABLE inspection_items ADD COLUMN random BOOLEAN NOT NULL DEFAULT FALSE;

-- 回避: an officer is never drawn for a subject he or she has an interest in.
CREATE TABLE recusals (
    id         TEXT PRIMARY KEY NOT NULL,
    agency_id  TEXT NOT NULL REFERENCES agencies (id),
    officer_id TEXT NOT NULL REFERENCES users (id),
    subject_id TEXT NOT NULL REFERENCES subjects (id),
    reason     TEXT NOT NULL,
    created_by TEXT NOT NULL REFERENCES users (id),
    created_at TIMESTAMP NOT NULL,
    UNIQUE (agency_id, officer_id, subject_id)
);

-- A plan: what is drawn, from which pools, and the SHA-256 commitment to its secret seed,
-- published before the draw; the seed itself is shown only once drawn.
CREATE TABLE random_plans (
    id                     TEXT PRIMARY KEY NOT NULL,
    agency_id              TEXT NOT NULL REFERENCES agencies (id),
    name                   TEXT NOT NULL,
    item_ids               TEXT NOT NULL,
    subject_filter         TEXT NOT NULL,
    subject_count          INTEGER,
    subject_ratio_permille INTEGER,
    inspectors_per_subject INTEGER NOT NULL CHECK (inspectors_per_subject >= 2),
    period_from            DATE NOT NULL,
    period_to              DATE NOT NULL,
    seed_commitment        TEXT NOT NULL,
    seed                   TEXT NOT NULL,
    subject_pool_size      INTEGER NOT NULL,
    subject_pool_sha256    TEXT NOT NULL,
    inspector_pool_size    INTEGER NOT NULL,
    inspector_pool_sha256  TEXT NOT NULL,
    created_by             TEXT NOT NULL REFERENCES users (id),
    created_at             TIMESTAMP NOT NULL,
    CHECK ((subject_count IS NULL) <> (subject_ratio_permille IS NULL))
);
CREATE INDEX random_plans_agency_idx ON random_plans (agency_id, created_at);

-- Each draw of a plan, the first and any redraw (with its reason), with the pools it drew
-- from and what it drew: everything the public verification recomputes.
CREATE TABLE random_draws (
    id              TEXT PRIMARY KEY NOT NULL,
    plan_id         TEXT NOT NULL REFERENCES random_plans (id),
    seq             INTEGER NOT NULL,
    seed            TEXT NOT NULL,
    reason          TEXT,
    drawn_by        TEXT NOT NULL REFERENCES users (id),
    witness         TEXT NOT NULL,
    drawn_on        DATE NOT NULL,
    drawn_at        TIMESTAMP NOT NULL,
    subject_pool    TEXT NOT NULL,
    excluded_at_cap TEXT NOT NULL,
    inspector_pool  TEXT NOT NULL,
    recusals        TEXT NOT NULL,
    result          TEXT NOT NULL,
    UNIQUE (plan_id, seq)
);

-- The inspection cases a draw created, and when each result was made public (一公开).
CREATE TABLE random_plan_cases (
    draw_id      TEXT NOT NULL REFERENCES random_draws (id),
    plan_id      TEXT NOT NULL REFERENCES random_plans (id),
    case_id      TEXT NOT NULL REFERENCES cases (id),
    subject_id   TEXT NOT NULL REFERENCES subjects (id),
    published_on DATE,
    PRIMARY KEY (draw_id, case_id)
);
CREATE INDEX random_plan_cases_plan_idx ON random_plan_cases (plan_id);
