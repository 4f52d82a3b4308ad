-- A penalty decision revoked (撤销) or found void (确认无效): by the agency correcting itself,
-- a reconsideration decision or a judgment (APL art. 48, 75). One per case, never changed.
CREATE TABLE case_revocations (
    case_id     TEXT PRIMARY KEY NOT NULL REFERENCES cases (id),
    kind        TEXT NOT NULL CHECK (kind IN ('revoked', 'void')),
    authority   TEXT NOT NULL CHECK (authority IN ('reconsideration', 'lawsuit', 'self_correction')),
    revoked_on  DATE NOT NULL,
    document_no TEXT,
    reason      TEXT NOT NULL
);

-- Statistics (DESIGN §7) count cases by the day they were opened (cases_agency_opened_idx)
-- and decisions by the day they were made, per agency.
CREATE INDEX cases_agency_decided_idx ON cases (agency_id, decided_on);
