-- Evidence (证据) and audio-video records (音像记录) attached to a case (DESIGN §5.1). The
-- file itself is stored once per content under the data directory, named by its SHA-256;
-- a row is one upload, with its own record event. Rows are never changed or deleted: a
-- wrong item is answered by a correcting upload, which the record shows.
CREATE TABLE evidence (
    id                TEXT PRIMARY KEY NOT NULL,
    agency_id         TEXT NOT NULL REFERENCES agencies (id),
    case_id           TEXT NOT NULL REFERENCES cases (id),
    kind              TEXT NOT NULL CHECK (kind IN ('photo', 'video', 'audio', 'document', 'other')),
    filename          TEXT NOT NULL,
    original_filename TEXT NOT NULL,
    content_type      TEXT NOT NULL,
    sha256            TEXT NOT NULL CHECK (length(sha256) = 64),
    size_bytes        BIGINT NOT NULL CHECK (size_bytes > 0),
    captured_at       TIMESTAMP,
    captured_by       TEXT NOT NULL REFERENCES users (id),
    device            TEXT,
    description       TEXT,
    uploaded_by       TEXT NOT NULL REFERENCES users (id),
    uploaded_at       TIMESTAMP NOT NULL,
    record_seq        INTEGER NOT NULL,
    correction_reason TEXT
);
CREATE INDEX evidence_case_idx ON evidence (case_id, id);
CREATE INDEX evidence_sha256_idx ON evidence (sha256);

CREATE FUNCTION evidence_fixed() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'evidence is kept and fixed: an evidence item cannot be changed or deleted; upload a correction';
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER evidence_fixed BEFORE UPDATE OR DELETE ON evidence
    FOR EACH ROW EXECUTE FUNCTION evidence_fixed();

CREATE TRIGGER evidence_no_truncate BEFORE TRUNCATE ON evidence
    FOR EACH STATEMENT EXECUTE FUNCTION evidence_fixed();
