-- The service: API keys (hashed), chat sessions with their event log, plugin sync, health history and
-- the maintenance scheduler.
CREATE TABLE api_keys (
    id          bigserial PRIMARY KEY,
    account_id  bigint NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    site_id     bigint REFERENCES sites(id) ON DELETE CASCADE,   -- NULL: an account key
    prefix      text NOT NULL UNIQUE,
    key_hash    text NOT NULL,
    label       text NOT NULL DEFAULT '',
    created_at  timestamptz NOT NULL DEFAULT now(),
    revoked_at  timestamptz
);

CREATE TABLE chat_sessions (
    id          text PRIMARY KEY,
    account_id  bigint NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    site_id     bigint REFERENCES sites(id) ON DELETE CASCADE,
    status      text NOT NULL CHECK (status IN ('running', 'awaiting_review', 'completed', 'failed')),
    request     jsonb NOT NULL,
    result      jsonb,
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX chat_sessions_account_idx ON chat_sessions (account_id);

CREATE TABLE chat_events (
    id          bigserial PRIMARY KEY,
    session_id  text NOT NULL REFERENCES chat_sessions(id) ON DELETE CASCADE,
    kind        text NOT NULL,
    payload     jsonb NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX chat_events_session_idx ON chat_events (session_id, id);

CREATE TABLE site_pages (
    id          bigserial PRIMARY KEY,
    site_id     bigint NOT NULL REFERENCES sites(id) ON DELETE CASCADE,
    wp_type     text NOT NULL,
    wp_id       bigint NOT NULL,
    title       text NOT NULL,
    url         text,
    slug        text,
    terms       jsonb NOT NULL DEFAULT '{}'::jsonb,
    excerpt     text NOT NULL DEFAULT '',
    updated_at  timestamptz NOT NULL DEFAULT now(),
    UNIQUE (site_id, wp_type, wp_id)
);

CREATE TABLE sync_events (
    id          bigserial PRIMARY KEY,
    site_id     bigint NOT NULL REFERENCES sites(id) ON DELETE CASCADE,
    kind        text NOT NULL,
    content_id  bigint REFERENCES content(id) ON DELETE CASCADE,
    payload     jsonb NOT NULL DEFAULT '{}'::jsonb,
    created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX sync_events_site_idx ON sync_events (site_id, id);

CREATE TABLE health_history (
    id            bigserial PRIMARY KEY,
    site_id       bigint NOT NULL REFERENCES sites(id) ON DELETE CASCADE,
    blueprint_id  bigint REFERENCES blueprints(id) ON DELETE SET NULL,
    score         real NOT NULL,
    components    jsonb NOT NULL,
    computed_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX health_history_site_idx ON health_history (site_id, computed_at);

CREATE TABLE maintenance_schedules (
    site_id         bigint PRIMARY KEY REFERENCES sites(id) ON DELETE CASCADE,
    every_hours     integer NOT NULL CHECK (every_hours BETWEEN 1 AND 8760),
    tasks           jsonb NOT NULL,
    enabled         boolean NOT NULL DEFAULT true,
    next_run_at     timestamptz NOT NULL,
    updated_at      timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE maintenance_runs (
    id           bigserial PRIMARY KEY,
    site_id      bigint NOT NULL REFERENCES sites(id) ON DELETE CASCADE,
    status       text NOT NULL CHECK (status IN ('running', 'finished', 'failed')),
    report       jsonb NOT NULL DEFAULT '{}'::jsonb,
    started_at   timestamptz NOT NULL DEFAULT now(),
    finished_at  timestamptz
);
-- At most one maintenance run per site at a time.
CREATE UNIQUE INDEX maintenance_one_running_per_site ON maintenance_runs (site_id) WHERE status = 'running';
