-- Foundation schema: tenancy, the SAG world, the pipeline's work items and the credit ledger.
CREATE EXTENSION IF NOT EXISTS vector;

CREATE TABLE accounts (
    id          bigserial PRIMARY KEY,
    name        text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    created_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE sites (
    id          bigserial PRIMARY KEY,
    account_id  bigint NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    name        text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    url         text,
    site_type   text NOT NULL CHECK (site_type IN ('ecommerce', 'local_service', 'saas', 'blog')),
    industry    text NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX sites_account_idx ON sites (account_id);

CREATE TABLE site_sectors (
    id          bigserial PRIMARY KEY,
    site_id     bigint NOT NULL REFERENCES sites(id) ON DELETE CASCADE,
    sector      text NOT NULL,
    position    smallint NOT NULL CHECK (position BETWEEN 1 AND 5),
    UNIQUE (site_id, sector),
    UNIQUE (site_id, position)
);

-- Sector attribute templates produced at run time (source ai_generated or user_contributed);
-- the system templates ship as package data.
CREATE TABLE sector_templates (
    sector      text PRIMARY KEY,
    industry    text NOT NULL,
    source      text NOT NULL CHECK (source IN ('system', 'ai_generated', 'user_contributed')),
    template    jsonb NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE blueprints (
    id            bigserial PRIMARY KEY,
    site_id       bigint NOT NULL REFERENCES sites(id) ON DELETE CASCADE,
    version       integer NOT NULL CHECK (version >= 1),
    status        text NOT NULL CHECK (status IN ('draft', 'active', 'superseded')),
    snapshot      jsonb NOT NULL,
    health_score  real,
    created_at    timestamptz NOT NULL DEFAULT now(),
    activated_at  timestamptz,
    UNIQUE (site_id, version)
);
CREATE UNIQUE INDEX blueprints_one_active_per_site ON blueprints (site_id) WHERE status = 'active';

CREATE TABLE attributes (
    id            bigserial PRIMARY KEY,
    blueprint_id  bigint NOT NULL REFERENCES blueprints(id) ON DELETE CASCADE,
    slug          text NOT NULL,
    name          text NOT NULL,
    level         text NOT NULL CHECK (level IN ('primary', 'secondary', 'tertiary')),
    kind          text NOT NULL,
    "values"      jsonb NOT NULL,
    UNIQUE (blueprint_id, slug)
);

CREATE TABLE clusters (
    id                bigserial PRIMARY KEY,
    blueprint_id      bigint NOT NULL REFERENCES blueprints(id) ON DELETE CASCADE,
    slug              text NOT NULL,
    name              text NOT NULL,
    cluster_type      text NOT NULL CHECK (cluster_type IN ('product_category', 'condition_problem', 'feature',
                                            'brand', 'informational', 'comparison', 'location')),
    sector            text NOT NULL,
    attribute_values  jsonb NOT NULL,
    hub_title         text NOT NULL,
    hub_structure     text NOT NULL,
    UNIQUE (blueprint_id, slug)
);

CREATE TABLE keywords (
    id            bigserial PRIMARY KEY,
    site_id       bigint NOT NULL REFERENCES sites(id) ON DELETE CASCADE,
    blueprint_id  bigint REFERENCES blueprints(id) ON DELETE CASCADE,
    cluster_id    bigint REFERENCES clusters(id) ON DELETE SET NULL,
    text          text NOT NULL CHECK (length(text) BETWEEN 1 AND 300),
    intent        text NOT NULL CHECK (intent IN ('informational', 'commercial', 'transactional', 'navigational')),
    source        jsonb NOT NULL DEFAULT '{}'::jsonb,
    embedding     vector(384),
    UNIQUE (site_id, blueprint_id, text)
);
CREATE INDEX keywords_cluster_idx ON keywords (cluster_id);
CREATE INDEX keywords_embedding_hnsw ON keywords USING hnsw (embedding vector_cosine_ops);

CREATE TABLE ideas (
    id              bigserial PRIMARY KEY,
    site_id         bigint NOT NULL REFERENCES sites(id) ON DELETE CASCADE,
    blueprint_id    bigint NOT NULL REFERENCES blueprints(id) ON DELETE CASCADE,
    cluster_id      bigint REFERENCES clusters(id) ON DELETE SET NULL,
    idea_key        text NOT NULL,
    kind            text NOT NULL CHECK (kind IN ('hub', 'supporting', 'term', 'commercial')),
    title           text NOT NULL,
    content_type    text NOT NULL CHECK (content_type IN ('post', 'page', 'product', 'taxonomy')),
    structure       text NOT NULL,
    priority_phase  smallint NOT NULL CHECK (priority_phase BETWEEN 1 AND 4),
    target_keywords jsonb NOT NULL DEFAULT '[]'::jsonb,
    created_at      timestamptz NOT NULL DEFAULT now(),
    UNIQUE (blueprint_id, idea_key)
);

CREATE TABLE tasks (
    id          bigserial PRIMARY KEY,
    idea_id     bigint NOT NULL UNIQUE REFERENCES ideas(id) ON DELETE CASCADE,
    site_id     bigint NOT NULL REFERENCES sites(id) ON DELETE CASCADE,
    brief       jsonb NOT NULL,
    status      text NOT NULL DEFAULT 'queued' CHECK (status IN ('queued', 'writing', 'written', 'failed')),
    created_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE content (
    id          bigserial PRIMARY KEY,
    task_id     bigint NOT NULL UNIQUE REFERENCES tasks(id) ON DELETE CASCADE,
    site_id     bigint NOT NULL REFERENCES sites(id) ON DELETE CASCADE,
    title       text NOT NULL,
    slug        text NOT NULL,
    html        text NOT NULL,
    meta        jsonb NOT NULL DEFAULT '{}'::jsonb,
    status      text NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'review', 'approved', 'published')),
    embedding   vector(384),
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now(),
    UNIQUE (site_id, slug)
);
CREATE INDEX content_embedding_hnsw ON content USING hnsw (embedding vector_cosine_ops);

CREATE TABLE links (
    id                 bigserial PRIMARY KEY,
    site_id            bigint NOT NULL REFERENCES sites(id) ON DELETE CASCADE,
    source_content_id  bigint NOT NULL REFERENCES content(id) ON DELETE CASCADE,
    target_content_id  bigint NOT NULL REFERENCES content(id) ON DELETE CASCADE,
    link_type          text NOT NULL,
    anchor             text NOT NULL,
    score              real NOT NULL,
    UNIQUE (source_content_id, target_content_id),
    CHECK (source_content_id <> target_content_id)
);

CREATE TABLE images (
    id          bigserial PRIMARY KEY,
    content_id  bigint NOT NULL REFERENCES content(id) ON DELETE CASCADE,
    role        text NOT NULL,
    prompt      text NOT NULL,
    path        text,
    UNIQUE (content_id, role)
);

CREATE TABLE pipeline_runs (
    id            bigserial PRIMARY KEY,
    site_id       bigint NOT NULL REFERENCES sites(id) ON DELETE CASCADE,
    blueprint_id  bigint REFERENCES blueprints(id) ON DELETE SET NULL,
    status        text NOT NULL CHECK (status IN ('running', 'finished', 'failed', 'interrupted')),
    stages        jsonb NOT NULL DEFAULT '{}'::jsonb,
    started_at    timestamptz NOT NULL DEFAULT now(),
    finished_at   timestamptz
);

-- Every metered model call. idempotency_key makes a retried or resumed operation charge once.
CREATE TABLE credit_ledger (
    id                 bigserial PRIMARY KEY,
    account_id         bigint REFERENCES accounts(id) ON DELETE CASCADE,
    site_id            bigint REFERENCES sites(id) ON DELETE CASCADE,
    operation          text NOT NULL,
    agent_role         text NOT NULL,
    model              text NOT NULL,
    prompt_tokens      integer NOT NULL CHECK (prompt_tokens >= 0),
    completion_tokens  integer NOT NULL CHECK (completion_tokens >= 0),
    credits            integer NOT NULL CHECK (credits >= 0),
    idempotency_key    text UNIQUE,
    created_at         timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX credit_ledger_account_idx ON credit_ledger (account_id, created_at);
