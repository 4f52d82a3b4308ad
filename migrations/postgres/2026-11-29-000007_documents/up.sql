-- 行政处罚决定书, 不予行政处罚决定书 and 行政处罚事先告知书 (APL art. 44, 59, 62-64): the
-- content of each document as issued, fixed by the step that issued it, with the SHA-256
-- of its canonical JSON (the case record's event carries the same hash). A document is
-- never changed or deleted; a later document may only mark it superseded, once.
CREATE TABLE documents (
    id            TEXT PRIMARY KEY NOT NULL,
    agency_id     TEXT NOT NULL REFERENCES agencies (id),
    case_id       TEXT NOT NULL REFERENCES cases (id),
    kind          TEXT NOT NULL CHECK (kind IN ('decision', 'no_penalty_decision', 'notice')),
    number        TEXT NOT NULL,
    content       TEXT NOT NULL,
    content_hash  TEXT NOT NULL,
    issued_at     TIMESTAMP NOT NULL,
    superseded_by TEXT REFERENCES documents (id),
    UNIQUE (agency_id, number)
);
CREATE INDEX documents_case_idx ON documents (case_id, id);

CREATE FUNCTION documents_fixed() RETURNS trigger AS $$
BEGIN
    IF TG_OP <> 'UPDATE' THEN
        RAISE EXCEPTION 'documents are kept: an issued document cannot be deleted';
    END IF;
    IF NEW.id <> OLD.id OR NEW.agency_id <> OLD.agency_id OR NEW.case_id <> OLD.case_id
        OR NEW.kind <> OLD.kind OR NEW.number <> OLD.number OR NEW.content <> OLD.content
        OR NEW.content_hash <> OLD.content_hash OR NEW.issued_at <> OLD.issued_at
        OR OLD.superseded_by IS NOT NULL THEN
        RAISE EXCEPTION 'an issued document is fixed: it may only be marked superseded, once';
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER documents_fixed BEFORE UPDATE OR DELETE ON documents
    FOR EACH ROW EXECUTE FUNCTION documents_fixed();

CREATE TRIGGER documents_no_truncate BEFORE TRUNCATE ON documents
    FOR EACH STATEMENT EXECUTE FUNCTION documents_fixed();
