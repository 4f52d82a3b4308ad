-- Approvals the yearly cap refused (issue 15, 国办发〔2024〕54号 四). The refused step
-- changes no case and leaves no record event; this log lets the head's statistics say how
-- often the cap stopped an inspection. Written after the refusal, in a transaction of its own.
CREATE TABLE inspection_cap_refusals (
    id         TEXT PRIMARY KEY NOT NULL,
    agency_id  TEXT NOT NULL REFERENCES agencies (id),
    case_id    TEXT NOT NULL REFERENCES cases (id),
    subject_id TEXT NOT NULL REFERENCES subjects (id),
    refused_by TEXT NOT NULL REFERENCES users (id),
    refused_on DATE NOT NULL,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX inspection_cap_refusals_agency_idx ON inspection_cap_refusals (agency_id, refused_on);
