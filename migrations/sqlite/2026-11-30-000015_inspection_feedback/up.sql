-- What an enterprise says about an inspection through its code (issue 15): one rating per
-- inspection, with a comment or a complaint that the head handles.
CREATE TABLE inspection_feedback (
    case_id       TEXT PRIMARY KEY NOT NULL REFERENCES cases (id),
    agency_id     TEXT NOT NULL REFERENCES agencies (id),
    rating        INTEGER NOT NULL CHECK (rating BETWEEN 1 AND 5),
    comment       TEXT,
    complaint     BOOLEAN NOT NULL DEFAULT FALSE,
    status        TEXT NOT NULL CHECK (status IN ('received', 'open', 'handled')),
    created_at    TIMESTAMP NOT NULL,
    handled_by    TEXT REFERENCES users (id),
    handled_at    TIMESTAMP,
    handling_note TEXT
);
CREATE INDEX inspection_feedback_agency_idx ON inspection_feedback (agency_id, complaint, status);
