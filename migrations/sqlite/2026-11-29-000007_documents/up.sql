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

CREATE TRIGGER documents_no_delete BEFORE DELETE ON documents
BEGIN
    SELECT RAISE(ABORT, 'documents are kept: an issued document cannot be deleted');
END;

CREATE TRIGGER documents_fixed BEFORE UPDATE ON documents
WHEN NEW.id IS NOT OLD.id OR NEW.agency_id IS NOT OLD.agency_id OR NEW.case_id IS NOT OLD.case_id
    OR NEW.kind IS NOT OLD.kind OR NEW.number IS NOT OLD.number OR NEW.content IS NOT OLD.content
    OR NEW.content_hash IS NOT OLD.content_hash OR NEW.issued_at IS NOT OLD.issued_at
    OR OLD.superseded_by IS NOT NULL
BEGIN
    SELECT RAISE(ABORT, 'an issued document is fixed: it may only be marked superseded, once');
END;
