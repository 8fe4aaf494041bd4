-- Existing sites (Case 1) and imported keyword lists (stage 1): crawls, the pages they found, analyses and
-- adoption proposals, and keywords imported from files with their search metrics.
CREATE TABLE crawl_runs (
    id           bigserial PRIMARY KEY,
    site_id      bigint NOT NULL REFERENCES sites(id) ON DELETE CASCADE,
    start_url    text NOT NULL,
    started_at   timestamptz NOT NULL DEFAULT now(),
    finished_at  timestamptz,
    summary      jsonb NOT NULL DEFAULT '{}'::jsonb
);
CREATE INDEX crawl_runs_site_idx ON crawl_runs (site_id, id DESC);

CREATE TABLE crawled_pages (
    id                bigserial PRIMARY KEY,
    site_id           bigint NOT NULL REFERENCES sites(id) ON DELETE CASCADE,
    url               text NOT NULL CHECK (length(url) BETWEEN 1 AND 2000),
    canonical         text,
    status            smallint NOT NULL,
    title             text NOT NULL DEFAULT '',
    meta_description  text NOT NULL DEFAULT '',
    headings          jsonb NOT NULL DEFAULT '[]'::jsonb,
    main_text         text NOT NULL DEFAULT '',
    word_count        integer NOT NULL DEFAULT 0,
    internal_links    jsonb NOT NULL DEFAULT '[]'::jsonb,
    external_links    jsonb NOT NULL DEFAULT '[]'::jsonb,
    json_ld           jsonb NOT NULL DEFAULT '[]'::jsonb,
    wp_terms          jsonb NOT NULL DEFAULT '{}'::jsonb,
    noindex           boolean NOT NULL DEFAULT false,
    etag              text,
    last_modified     text,
    embedding         vector(384),
    last_crawl_id     bigint REFERENCES crawl_runs(id) ON DELETE SET NULL,
    fetched_at        timestamptz NOT NULL DEFAULT now(),
    UNIQUE (site_id, url)
);

CREATE TABLE site_analyses (
    id            bigserial PRIMARY KEY,
    site_id       bigint NOT NULL REFERENCES sites(id) ON DELETE CASCADE,
    blueprint_id  bigint REFERENCES blueprints(id) ON DELETE SET NULL,
    report        jsonb NOT NULL,
    created_at    timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX site_analyses_site_idx ON site_analyses (site_id, id DESC);

-- A proposal that adopts existing URLs: which planned page each URL serves, redirects for merged cannibals,
-- and terms to assign to existing posts; applied to WordPress only once approved.
CREATE TABLE adoption_proposals (
    id            bigserial PRIMARY KEY,
    site_id       bigint NOT NULL REFERENCES sites(id) ON DELETE CASCADE,
    analysis_id   bigint NOT NULL REFERENCES site_analyses(id) ON DELETE CASCADE,
    blueprint_id  bigint REFERENCES blueprints(id) ON DELETE SET NULL,
    status        text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'approved', 'rejected', 'applied')),
    proposal      jsonb NOT NULL,
    created_at    timestamptz NOT NULL DEFAULT now(),
    decided_at    timestamptz
);

CREATE TABLE keyword_imports (
    id            bigserial PRIMARY KEY,
    site_id       bigint NOT NULL REFERENCES sites(id) ON DELETE CASCADE,
    blueprint_id  bigint NOT NULL REFERENCES blueprints(id) ON DELETE CASCADE,
    file_sha256   text NOT NULL CHECK (length(file_sha256) = 64),
    file_name     text NOT NULL,
    file_format   text NOT NULL,
    row_count     integer NOT NULL CHECK (row_count >= 0),
    summary       jsonb NOT NULL DEFAULT '{}'::jsonb,
    created_at    timestamptz NOT NULL DEFAULT now(),
    UNIQUE (site_id, blueprint_id, file_sha256)
);

-- One row per imported keyword and blueprint: filed under exactly one cluster or one proposed new cluster.
CREATE TABLE imported_keywords (
    id                bigserial PRIMARY KEY,
    site_id           bigint NOT NULL REFERENCES sites(id) ON DELETE CASCADE,
    blueprint_id      bigint NOT NULL REFERENCES blueprints(id) ON DELETE CASCADE,
    import_id         bigint NOT NULL REFERENCES keyword_imports(id) ON DELETE CASCADE,
    text              text NOT NULL CHECK (length(text) BETWEEN 1 AND 300),
    intent            text NOT NULL CHECK (intent IN ('informational', 'commercial', 'transactional', 'navigational')),
    cluster_slug      text,
    proposed_cluster  text,
    method            text NOT NULL CHECK (method IN ('neighbour', 'model', 'proposed')),
    metrics           jsonb NOT NULL DEFAULT '{}'::jsonb,
    embedding         vector(384),
    CHECK ((cluster_slug IS NULL) <> (proposed_cluster IS NULL)),
    UNIQUE (site_id, blueprint_id, text)
);
CREATE INDEX imported_keywords_cluster_idx ON imported_keywords (blueprint_id, cluster_slug);
