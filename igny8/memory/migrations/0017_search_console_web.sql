-- Search Console from the web app: an installed-app authorisation in flight, between the page that sends the
-- browser to Google's consent screen and Google's redirect back to the web app's callback. The state is kept
-- as its SHA-256, bound to the web session that started it, used once (deleted when taken) and short-lived.
-- The OAuth client (with its secret) and the PKCE verifier are sealed with IGNY8_SECRET_KEY.

CREATE TABLE gsc_oauth_pending (
    state_hash        text PRIMARY KEY CHECK (length(state_hash) = 64),
    web_session_id    bigint NOT NULL REFERENCES web_sessions(id) ON DELETE CASCADE,
    account_id        bigint NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    site_id           bigint NOT NULL REFERENCES sites(id) ON DELETE CASCADE,
    property          text NOT NULL CHECK (length(property) BETWEEN 1 AND 500),
    sealed_client     text NOT NULL CHECK (length(sealed_client) BETWEEN 1 AND 20000),
    sealed_verifier   text NOT NULL CHECK (length(sealed_verifier) BETWEEN 1 AND 2000),
    redirect_uri      text NOT NULL CHECK (length(redirect_uri) BETWEEN 1 AND 2000),
    created_at        timestamptz NOT NULL DEFAULT now(),
    expires_at        timestamptz NOT NULL
);
CREATE INDEX gsc_oauth_pending_expiry_idx ON gsc_oauth_pending (expires_at);
