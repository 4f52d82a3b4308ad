-- The discretion benchmark an on-the-spot decision (简易程序) applied, as JSON
-- (国办发〔2022〕27号); an ordinary decision keeps its benchmark in the proposal. A table of
-- its own because cases is at diesel's 64-column limit.
CREATE TABLE case_on_the_spot_benchmarks (
    case_id TEXT PRIMARY KEY NOT NULL REFERENCES cases(id),
    benchmark TEXT NOT NULL
);
