-- Third-party outages met during autonomous work (WordPress, the model provider, Search Console, social
-- networks): one open row per site and service, retried with backoff until the service answers again.
-- The work itself waits where it is (approved pages stay unpublished, tasks stay pending): nothing is lost.
CREATE TABLE service_outages (
    id             bigserial PRIMARY KEY,
    site_id        bigint NOT NULL REFERENCES sites(id) ON DELETE CASCADE,
    service        text NOT NULL CHECK (service IN ('wordpress', 'model', 'search_console', 'social')),
    since          timestamptz NOT NULL DEFAULT now(),
    last_error     text NOT NULL CHECK (length(last_error) <= 2000),
    attempts       integer NOT NULL DEFAULT 1 CHECK (attempts >= 1),
    waiting        integer NOT NULL DEFAULT 0 CHECK (waiting >= 0),
    retry_tasks    text[] NOT NULL DEFAULT '{}',
    next_retry_at  timestamptz NOT NULL,
    resolved_at    timestamptz,
    updated_at     timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX service_outages_one_open ON service_outages (site_id, service) WHERE resolved_at IS NULL;
CREATE INDEX service_outages_due ON service_outages (next_retry_at) WHERE resolved_at IS NULL;
