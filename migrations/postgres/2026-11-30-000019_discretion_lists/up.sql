-- The four lists (issue 17, 国办发〔2022〕27号): 不予处罚清单 (with 首违不罚, APL art. 33),
-- 减轻处罚清单, 从轻处罚清单 and 不予实施行政强制措施清单. One row per version of an entry:
-- a circumstance (情形) of a power of the list, its conditions and legal basis. An entry is
-- identified by (power_id, list, circumstance); a change is a new version from its
-- effective_from, the previous one closed the day before and kept: a decision keeps citing
-- the version it applied.
CREATE TABLE discretion_list_entries (
    id              TEXT PRIMARY KEY NOT NULL,
    agency_id       TEXT NOT NULL REFERENCES agencies (id),
    power_id        TEXT NOT NULL REFERENCES powers (id),
    list            TEXT NOT NULL
        CHECK (list IN ('no_penalty', 'mitigated', 'lenient', 'no_coercion')),
    circumstance    TEXT NOT NULL,
    version         INTEGER NOT NULL CHECK (version >= 1),
    conditions      TEXT NOT NULL,
    legal_basis     TEXT NOT NULL,
    -- 首违不罚: the entry applies to a first violation only (APL art. 33 ¶1); only on the
    -- no-penalty list.
    first_violation BOOLEAN NOT NULL,
    effective_from  DATE NOT NULL,
    effective_to    DATE,
    change_note     TEXT,
    created_by      TEXT NOT NULL REFERENCES users (id),
    created_at      TIMESTAMP NOT NULL,
    UNIQUE (power_id, list, circumstance, version),
    CHECK (NOT first_violation OR list = 'no_penalty')
);
-- The public lists: an agency's entries in force on a day.
CREATE INDEX discretion_list_entries_agency_idx ON discretion_list_entries (agency_id, list, effective_from);
