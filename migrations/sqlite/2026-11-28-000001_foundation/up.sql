-- Foundation: agencies (执法主体), users, auth sessions, login throttling, working-day calendar.
-- Portable types: ids are UUID text, timestamps are UTC, business dates are DATE.

CREATE TABLE agencies (
    id          TEXT PRIMARY KEY NOT NULL,
    code        TEXT NOT NULL UNIQUE,
    name        TEXT NOT NULL,
    case_prefix TEXT NOT NULL,
    created_at  TIMESTAMP NOT NULL
);

CREATE TABLE users (
    id                     TEXT PRIMARY KEY NOT NULL,
    agency_id              TEXT NOT NULL REFERENCES agencies (id),
    username               TEXT NOT NULL UNIQUE,
    display_name           TEXT NOT NULL,
    password_hash          TEXT NOT NULL,
    roles                  TEXT NOT NULL,
    active                 BOOLEAN NOT NULL DEFAULT 1,
    certificate_no         TEXT,
    certificate_expires_on DATE,
    enforcement_field      TEXT,
    legal_qualification    TEXT,
    created_at             TIMESTAMP NOT NULL,
    updated_at             TIMESTAMP NOT NULL
);
CREATE INDEX users_agency_idx ON users (agency_id, id);

-- One row per login; its refresh tokens form a rotation family.
CREATE TABLE auth_sessions (
    id             TEXT PRIMARY KEY NOT NULL,
    user_id        TEXT NOT NULL REFERENCES users (id),
    created_at     TIMESTAMP NOT NULL,
    revoked_at     TIMESTAMP,
    revoked_reason TEXT
);
CREATE INDEX auth_sessions_user_idx ON auth_sessions (user_id);

-- Only SHA-256 digests of refresh tokens are stored.
CREATE TABLE refresh_tokens (
    token_hash TEXT PRIMARY KEY NOT NULL,
    session_id TEXT NOT NULL REFERENCES auth_sessions (id),
    issued_at  TIMESTAMP NOT NULL,
    expires_at TIMESTAMP NOT NULL,
    used_at    TIMESTAMP
);
CREATE INDEX refresh_tokens_session_idx ON refresh_tokens (session_id);

CREATE TABLE login_failures (
    id        TEXT PRIMARY KEY NOT NULL,
    username  TEXT NOT NULL,
    failed_at TIMESTAMP NOT NULL
);
CREATE INDEX login_failures_username_idx ON login_failures (username, failed_at);

-- Exceptions to the Monday–Friday week: statutory holidays and make-up working days (调休).
CREATE TABLE calendar_days (
    day  DATE PRIMARY KEY NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('holiday', 'workday')),
    name TEXT NOT NULL
);

-- Which years the calendar holds and where they came from (seed or an admin's edit).
CREATE TABLE calendar_years (
    year       INTEGER PRIMARY KEY NOT NULL,
    source     TEXT NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    updated_by TEXT
);
