-- Sessions of the staff web console (/console/): a cookie carries a random token; only its
-- SHA-256 is kept here, so a leaked table yields no usable session. The CSRF token is the
-- per-session secret every console form echoes in a hidden field.
CREATE TABLE console_sessions (
    token_hash TEXT PRIMARY KEY NOT NULL,
    user_id    TEXT NOT NULL REFERENCES users (id),
    csrf_token TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP NOT NULL
);
CREATE INDEX console_sessions_user_idx ON console_sessions (user_id);
CREATE INDEX console_sessions_expires_idx ON console_sessions (expires_at);
