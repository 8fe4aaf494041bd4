-- The IGNY8 Bridge plugin's side of a site: where the plugin answers and the secret its routes verify
-- (sealed with memory/secret_box.py), so the backend can push a blueprint or ask for a sync.
CREATE TABLE IF NOT EXISTS plugin_bridges (
    site_id       bigint PRIMARY KEY REFERENCES sites(id) ON DELETE CASCADE,
    site_url      text NOT NULL CHECK (site_url ~ '^https?://' AND length(site_url) <= 300),
    secret_sealed text NOT NULL CHECK (length(secret_sealed) BETWEEN 1 AND 2000),
    updated_at    timestamptz NOT NULL DEFAULT now()
);
