-- The redirects an approved adoption proposal asks for (a merged page → the page that adopts its role), one
-- row per source path of a site: created in WordPress through the IGNY8 plugin ('created'), found there
-- already ('present'), refused by it ('failed', with its message), waiting out a WordPress outage
-- ('waiting'), or left to the owner because no plugin is connected ('manual').
CREATE TABLE site_redirects (
    id            bigserial PRIMARY KEY,
    site_id       bigint NOT NULL REFERENCES sites(id) ON DELETE CASCADE,
    proposal_id   bigint NOT NULL REFERENCES adoption_proposals(id) ON DELETE CASCADE,
    source        text NOT NULL,
    target        text NOT NULL,
    http_status   smallint NOT NULL DEFAULT 301 CHECK (http_status IN (301, 302)),
    state         text NOT NULL CHECK (state IN ('created', 'present', 'failed', 'waiting', 'manual')),
    error         text,
    created_at    timestamptz NOT NULL DEFAULT now(),
    updated_at    timestamptz NOT NULL DEFAULT now(),
    UNIQUE (site_id, source)
);
