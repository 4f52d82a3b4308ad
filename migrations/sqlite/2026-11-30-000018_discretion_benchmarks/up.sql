-- Discretion benchmarks (行政裁量权基准, 国办发〔2022〕27号; issue 17).

-- One row per version of a benchmark: for a violation circumstance (违法情节) of a power of
-- the list, a grade of discretion with its conditions and the penalties it allows. A
-- benchmark is identified by (power_id, circumstance, grade); a change is a new version
-- from its effective_from and closes the previous one the day before. Nothing is deleted:
-- a decision keeps citing the version it applied.
CREATE TABLE discretion_benchmarks (
    id                 TEXT PRIMARY KEY NOT NULL,
    agency_id          TEXT NOT NULL REFERENCES agencies (id),
    power_id           TEXT NOT NULL REFERENCES powers (id),
    circumstance       TEXT NOT NULL,
    grade              TEXT NOT NULL
        CHECK (grade IN ('no_penalty', 'mitigated', 'lenient', 'ordinary', 'severe')),
    version            INTEGER NOT NULL CHECK (version >= 1),
    conditions         TEXT NOT NULL,
    -- A JSON array of penalty types (the cases' words, e.g. ["warning","fine"]), by
    -- severity; [] for no_penalty.
    penalty_types      TEXT NOT NULL,
    -- The fine, either a range in fen ("以上/以下" include the figure) …
    fine_min_fen       BIGINT,
    fine_max_fen       BIGINT,
    -- … or a multiple of an amount (违法所得, 货值金额…), in thousandths: 1.5 倍 is 1500,
    -- 5 % is 50. Never both; neither when the grade allows no fine.
    fine_basis         TEXT CHECK (fine_basis IN
        ('illegal_gains', 'illegal_turnover', 'goods_value', 'project_cost', 'contract_amount')),
    multiple_min_milli INTEGER,
    multiple_max_milli INTEGER,
    effective_from     DATE NOT NULL,
    effective_to       DATE,
    change_note        TEXT,
    created_by         TEXT NOT NULL REFERENCES users (id),
    created_at         TIMESTAMP NOT NULL,
    UNIQUE (power_id, circumstance, grade, version),
    CHECK (fine_min_fen IS NULL OR fine_min_fen >= 0),
    CHECK (fine_max_fen IS NULL OR fine_max_fen >= 0),
    CHECK (fine_min_fen IS NULL OR fine_max_fen IS NULL OR fine_min_fen <= fine_max_fen),
    CHECK (multiple_min_milli IS NULL OR multiple_min_milli >= 0),
    CHECK (multiple_max_milli IS NULL OR multiple_max_milli >= 0),
    CHECK (multiple_min_milli IS NULL OR multiple_max_milli IS NULL OR multiple_min_milli <= multiple_max_milli),
    CHECK ((fine_basis IS NULL) = (multiple_min_milli IS NULL AND multiple_max_milli IS NULL)),
    CHECK (fine_basis IS NULL OR (fine_min_fen IS NULL AND fine_max_fen IS NULL))
);
-- The public list: an agency's benchmarks in force on a day.
CREATE INDEX discretion_benchmarks_agency_idx ON discretion_benchmarks (agency_id, effective_from);
