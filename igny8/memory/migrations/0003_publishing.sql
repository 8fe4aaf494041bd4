-- Stage 7: publishing to WordPress. One connection per site, and a record of every object created there
-- (posts and pages, terms, media), so that a re-run or a run after a crash updates instead of duplicating.

CREATE TABLE wordpress_connections (
    site_id      bigint PRIMARY KEY REFERENCES sites(id) ON DELETE CASCADE,
    base_url     text NOT NULL CHECK (base_url ~ '^https?://[^/]+'),
    username     text NOT NULL CHECK (length(username) BETWEEN 1 AND 200),
    -- A WordPress application password, stored as given (spaces included): a live credential that the
    -- site's owner can revoke in WordPress at any time. Never log it, never return it from the API.
    application_password_secret  text NOT NULL CHECK (length(application_password_secret) BETWEEN 1 AND 200),
    created_at   timestamptz NOT NULL DEFAULT now(),
    updated_at   timestamptz NOT NULL DEFAULT now()
);

-- One WordPress post or page per content row. payload_hash is the hash of what was last sent, so an
-- unchanged page is skipped and a changed one is updated in place.
CREATE TABLE publish_records (
    id            bigserial PRIMARY KEY,
    content_id    bigint NOT NULL UNIQUE REFERENCES content(id) ON DELETE CASCADE,
    site_id       bigint NOT NULL REFERENCES sites(id) ON DELETE CASCADE,
    wp_id         bigint NOT NULL CHECK (wp_id > 0),
    wp_type       text NOT NULL CHECK (wp_type IN ('posts', 'pages')),
    wp_link       text,
    payload_hash  text NOT NULL,
    published_at  timestamptz NOT NULL DEFAULT now(),
    updated_at    timestamptz NOT NULL DEFAULT now(),
    UNIQUE (site_id, wp_type, wp_id)
);

-- Terms of categories, tags and the blueprint's custom taxonomies (taxonomy = the WordPress taxonomy key).
CREATE TABLE publish_term_records (
    id          bigserial PRIMARY KEY,
    site_id     bigint NOT NULL REFERENCES sites(id) ON DELETE CASCADE,
    taxonomy    text NOT NULL,
    slug        text NOT NULL,
    wp_term_id  bigint NOT NULL CHECK (wp_term_id > 0),
    updated_at  timestamptz NOT NULL DEFAULT now(),
    UNIQUE (site_id, taxonomy, slug)
);

-- Uploaded images (the featured image of a page). source_path tells a re-rendered image from the one sent.
CREATE TABLE publish_media_records (
    id           bigserial PRIMARY KEY,
    image_id     bigint NOT NULL UNIQUE REFERENCES images(id) ON DELETE CASCADE,
    site_id      bigint NOT NULL REFERENCES sites(id) ON DELETE CASCADE,
    wp_media_id  bigint NOT NULL CHECK (wp_media_id > 0),
    wp_url       text,
    source_path  text NOT NULL,
    uploaded_at  timestamptz NOT NULL DEFAULT now()
);
