-- The web app's sign-in sessions: the browser holds only a random token in an HttpOnly cookie; the table
-- keeps its SHA-256, the CSRF token of the session, and the account key it signed in with, sealed with the
-- secret box (the web app sends it to the API on the browser's behalf, so the browser never holds it).
CREATE TABLE web_sessions (
    id            bigserial PRIMARY KEY,
    token_hash    text NOT NULL UNIQUE,
    account_id    bigint NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    api_key_id    bigint NOT NULL REFERENCES api_keys(id) ON DELETE CASCADE,
    sealed_key    text NOT NULL,
    csrf_token    text NOT NULL,
    created_at    timestamptz NOT NULL DEFAULT now(),
    expires_at    timestamptz NOT NULL
);
CREATE INDEX web_sessions_expiry_idx ON web_sessions (expires_at);
