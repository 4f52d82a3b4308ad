-- Signed checkpoints of the record (issue 14 item 9). A checkpoint commits, through a
-- Merkle root, to the head (length, hash of the last event) of every case's record; the
-- rows below keep only the heads that changed since the agency's previous checkpoint.
CREATE TABLE record_checkpoints (
    id            TEXT PRIMARY KEY NOT NULL,
    agency_id     TEXT NOT NULL REFERENCES agencies (id),
    seq           BIGINT NOT NULL,
    created_at    TIMESTAMP NOT NULL,
    tree_size     BIGINT NOT NULL,
    root_hash     TEXT NOT NULL,
    previous_hash TEXT NOT NULL,
    statement     TEXT NOT NULL,
    signature     TEXT NOT NULL,
    public_key    TEXT NOT NULL,
    origin        TEXT NOT NULL CHECK (origin IN ('schedule', 'on_demand')),
    requested_by  TEXT REFERENCES users (id),
    changed       BIGINT NOT NULL,
    UNIQUE (agency_id, seq)
);

CREATE TABLE checkpoint_heads (
    checkpoint_id TEXT NOT NULL REFERENCES record_checkpoints (id),
    case_id       TEXT NOT NULL REFERENCES cases (id),
    length        BIGINT NOT NULL,
    head_hash     TEXT NOT NULL,
    PRIMARY KEY (checkpoint_id, case_id)
);
CREATE INDEX checkpoint_heads_case_idx ON checkpoint_heads (case_id);

-- What was signed and published stays as it was.
CREATE TRIGGER record_checkpoints_no_update BEFORE UPDATE ON record_checkpoints
BEGIN
    SELECT RAISE(ABORT, 'record checkpoints are append-only: a signed checkpoint cannot be changed');
END;
CREATE TRIGGER record_checkpoints_no_delete BEFORE DELETE ON record_checkpoints
BEGIN
    SELECT RAISE(ABORT, 'record checkpoints are append-only: a signed checkpoint cannot be changed');
END;
CREATE TRIGGER checkpoint_heads_no_update BEFORE UPDATE ON checkpoint_heads
BEGIN
    SELECT RAISE(ABORT, 'record checkpoints are append-only: a signed checkpoint cannot be changed');
END;
CREATE TRIGGER checkpoint_heads_no_delete BEFORE DELETE ON checkpoint_heads
BEGIN
    SELECT RAISE(ABORT, 'record checkpoints are append-only: a signed checkpoint cannot be changed');
END;
