-- Inspections of enterprises under 国办发〔2024〕54号 (issue 15).

-- 检查事项清单: what the agency may inspect, published; an inspection of an enterprise
-- cites at least one item in force on its filing date ("清单之外无检查").
CREATE TABLE inspection_items (
    id               TEXT PRIMARY KEY NOT NULL,
    agency_id        TEXT NOT NULL REFERENCES agencies (id),
    code             TEXT NOT NULL,
    name             TEXT NOT NULL,
    power_id         TEXT NOT NULL REFERENCES powers (id),
    -- 检查标准: what is checked, in words.
    standard         TEXT NOT NULL,
    method           TEXT NOT NULL CHECK (method IN ('on_site', 'off_site')),
    -- Inspections of one enterprise under this item per calendar year; NULL: the agency's
    -- default (agency_settings.inspection_yearly_cap).
    yearly_cap       INTEGER CHECK (yearly_cap IS NULL OR yearly_cap >= 1),
    -- Complaint-triggered inspections do not count against the cap.
    complaint_exempt BOOLEAN NOT NULL DEFAULT TRUE,
    published_on     DATE NOT NULL,
    withdrawn_on     DATE,
    withdraw_reason  TEXT,
    created_by       TEXT NOT NULL REFERENCES users (id),
    created_at       TIMESTAMP NOT NULL,
    updated_at       TIMESTAMP NOT NULL,
    UNIQUE (agency_id, code)
);
CREATE INDEX inspection_items_agency_idx ON inspection_items (agency_id, published_on);

-- The items an inspection case covers (a joint inspection covers several).
CREATE TABLE case_inspection_items (
    case_id  TEXT NOT NULL REFERENCES cases (id),
    item_id  TEXT NOT NULL REFERENCES inspection_items (id),
    position INTEGER NOT NULL,
    PRIMARY KEY (case_id, item_id)
);
CREATE INDEX case_inspection_items_item_idx ON case_inspection_items (item_id);

-- The head's approval, the inspection code and the results notice of an inspection.
CREATE TABLE inspection_plans (
    case_id               TEXT PRIMARY KEY NOT NULL REFERENCES cases (id),
    method                TEXT NOT NULL CHECK (method IN ('on_site', 'off_site')),
    approved_by           TEXT REFERENCES users (id),
    approved_at           TIMESTAMP,
    approved_on           DATE,
    planned_from          DATE,
    planned_to            DATE,
    -- Started before approval in an emergency; approved afterwards by approval_due_on.
    emergency_reason      TEXT,
    emergency_started_on  DATE,
    approval_due_on       DATE,
    cap_exemption         TEXT CHECK (cap_exemption IN ('complaint', 'higher_authority')),
    cap_exemption_reason  TEXT,
    -- 行政检查码: issued on approval, shown to the enterprise at the start.
    code                  TEXT UNIQUE,
    code_presented        BOOLEAN NOT NULL DEFAULT FALSE,
    results_due_on        DATE,
    results_notified_on   DATE,
    results_notice_method TEXT
);

ALTER TABLE agency_settings ADD COLUMN inspection_yearly_cap INTEGER NOT NULL DEFAULT 2;
ALTER TABLE agency_settings ADD COLUMN emergency_approval_working_days INTEGER NOT NULL DEFAULT 2;
ALTER TABLE agency_settings ADD COLUMN results_notice_working_days INTEGER NOT NULL DEFAULT 5;
ALTER TABLE agency_settings ADD COLUMN joint_inspection_window_days INTEGER NOT NULL DEFAULT 10;
ALTER TABLE agency_settings ADD COLUMN alert_per_day INTEGER NOT NULL DEFAULT 1;
ALTER TABLE agency_settings ADD COLUMN alert_per_week INTEGER NOT NULL DEFAULT 2;
ALTER TABLE agency_settings ADD COLUMN alert_per_month INTEGER NOT NULL DEFAULT 3;
