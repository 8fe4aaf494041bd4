-- Search Console and indexing: one connection per site (refresh token or service-account key sealed with
-- IGNY8_SECRET_KEY), search analytics per day × page × query, the URL Inspection queue with its daily quota,
-- inspection results, IndexNow submissions, maintenance findings and title/meta rewrites.

CREATE TABLE gsc_connections (
    site_id        bigint PRIMARY KEY REFERENCES sites(id) ON DELETE CASCADE,
    property       text NOT NULL CHECK (property ~ '^(sc-domain:[a-z0-9.-]+|https?://[^/]+/.*)$'),
    auth_kind      text NOT NULL CHECK (auth_kind IN ('installed_app', 'service_account')),
    -- installed_app: {"client_id", "client_secret", "refresh_token"}; service_account: the key file's JSON.
    -- Sealed ('fernet:' + token); never logged, never returned.
    credential_secret  text NOT NULL CHECK (length(credential_secret) BETWEEN 1 AND 20000),
    state          text NOT NULL DEFAULT 'connected' CHECK (state IN ('connected', 'reconnect')),
    state_detail   text,
    created_at     timestamptz NOT NULL DEFAULT now(),
    updated_at     timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE gsc_search_analytics (
    site_id      bigint NOT NULL REFERENCES sites(id) ON DELETE CASCADE,
    date         date NOT NULL,
    page_url     text NOT NULL,
    query        text NOT NULL,
    clicks       integer NOT NULL,
    impressions  integer NOT NULL,
    ctr          double precision NOT NULL,
    position     double precision NOT NULL,
    PRIMARY KEY (site_id, date, page_url, query)
);
CREATE INDEX gsc_search_analytics_page_idx ON gsc_search_analytics (site_id, page_url, date);

-- Which days were fetched (a day may have no rows): days inside the settling window are fetched again.
CREATE TABLE gsc_synced_days (
    site_id     bigint NOT NULL REFERENCES sites(id) ON DELETE CASCADE,
    date        date NOT NULL,
    row_count   integer NOT NULL CHECK (row_count >= 0),
    fetched_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (site_id, date)
);

-- URL Inspection: one row per page; lower priority numbers go first, then the oldest due time.
CREATE TABLE gsc_inspection_queue (
    site_id      bigint NOT NULL REFERENCES sites(id) ON DELETE CASCADE,
    page_url     text NOT NULL,
    content_id   bigint REFERENCES content(id) ON DELETE CASCADE,
    priority     smallint NOT NULL CHECK (priority BETWEEN 0 AND 9),
    reason       text NOT NULL,
    due_at       timestamptz NOT NULL DEFAULT now(),
    attempts     integer NOT NULL DEFAULT 0,
    last_error   text,
    content_hash text,
    PRIMARY KEY (site_id, page_url)
);
CREATE INDEX gsc_inspection_queue_order_idx ON gsc_inspection_queue (site_id, priority, due_at, page_url);

CREATE TABLE gsc_inspection_results (
    site_id           bigint NOT NULL REFERENCES sites(id) ON DELETE CASCADE,
    page_url          text NOT NULL,
    verdict           text NOT NULL,
    coverage_state    text,
    indexing_state    text,
    page_fetch_state  text,
    last_crawl_time   timestamptz,
    google_canonical  text,
    user_canonical    text,
    inspected_at      timestamptz NOT NULL DEFAULT now(),
    result            jsonb NOT NULL,
    PRIMARY KEY (site_id, page_url)
);

-- Calls spent per property and quota day (Google's quota days run on Pacific time).
CREATE TABLE gsc_inspection_quota (
    property   text NOT NULL,
    quota_day  date NOT NULL,
    used       integer NOT NULL CHECK (used >= 0),
    PRIMARY KEY (property, quota_day)
);

CREATE TABLE indexnow_submissions (
    id            bigserial PRIMARY KEY,
    site_id       bigint NOT NULL REFERENCES sites(id) ON DELETE CASCADE,
    url           text NOT NULL,
    content_hash  text NOT NULL,
    status_code   integer NOT NULL,
    submitted_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX indexnow_submissions_url_idx ON indexnow_submissions (site_id, url, submitted_at);

-- What maintenance found in the data: decaying pages, cannibalised queries, ranking queries with no page,
-- low-CTR pages. One open finding per (kind, subject); found again it is refreshed.
CREATE TABLE gsc_findings (
    id          bigserial PRIMARY KEY,
    site_id     bigint NOT NULL REFERENCES sites(id) ON DELETE CASCADE,
    kind        text NOT NULL CHECK (kind IN ('decay', 'cannibalisation', 'missing_page', 'low_ctr')),
    subject     text NOT NULL,
    detail      jsonb NOT NULL,
    status      text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'acted', 'dismissed')),
    found_at    timestamptz NOT NULL DEFAULT now(),
    UNIQUE (site_id, kind, subject)
);

CREATE TABLE gsc_title_rewrites (
    id                  bigserial PRIMARY KEY,
    content_id          bigint NOT NULL REFERENCES content(id) ON DELETE CASCADE,
    before_title        text NOT NULL,
    before_description  text NOT NULL,
    after_title         text NOT NULL,
    after_description   text NOT NULL,
    evidence            jsonb NOT NULL,
    rewritten_at        timestamptz NOT NULL DEFAULT now()
);
