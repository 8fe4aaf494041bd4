-- Stages 8 and 9: social posts and videos made from written pages.

-- What a site chose: the networks its pages are promoted on and the video format made for each page
-- (NULL: no video). A site without a row runs neither stage.
CREATE TABLE promotion_choices (
    site_id       bigint PRIMARY KEY REFERENCES sites(id) ON DELETE CASCADE,
    platforms     text[] NOT NULL DEFAULT '{}'
                  CHECK (platforms <@ ARRAY['linkedin', 'x', 'facebook', 'instagram', 'tiktok']::text[]),
    video_format  text CHECK (video_format IN ('short', 'medium', 'long')),
    updated_at    timestamptz NOT NULL DEFAULT now()
);

-- One connected account per site and network. The OAuth 2.0 access token is sealed with IGNY8_SECRET_KEY
-- (memory/secret_box.py); account_ref is who posts: a LinkedIn person or organization URN, a Facebook page
-- id, an Instagram user id; X and TikTok post as the token's user.
CREATE TABLE social_accounts (
    site_id               bigint NOT NULL REFERENCES sites(id) ON DELETE CASCADE,
    platform              text NOT NULL CHECK (platform IN ('linkedin', 'x', 'facebook', 'instagram', 'tiktok')),
    account_ref           text NOT NULL CHECK (length(account_ref) BETWEEN 1 AND 200),
    access_token_secret   text NOT NULL CHECK (length(access_token_secret) BETWEEN 1 AND 4000),
    expires_at            timestamptz,
    needs_reconnect       boolean NOT NULL DEFAULT false,
    updated_at            timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (site_id, platform)
);

-- One post per page, network and page version: the idempotency key makes a re-plan add nothing and a
-- publish send each post once. A failure keeps the row (attempts, last_error, next_attempt_at).
CREATE TABLE social_posts (
    id               bigserial PRIMARY KEY,
    site_id          bigint NOT NULL REFERENCES sites(id) ON DELETE CASCADE,
    content_id       bigint NOT NULL REFERENCES content(id) ON DELETE CASCADE,
    platform         text NOT NULL CHECK (platform IN ('linkedin', 'x', 'facebook', 'instagram', 'tiktok')),
    page_version     text NOT NULL,
    idempotency_key  text NOT NULL UNIQUE,
    body             text NOT NULL CHECK (length(body) BETWEEN 1 AND 5000),
    link             text,
    media_path       text,
    scheduled_at     timestamptz NOT NULL,
    status           text NOT NULL DEFAULT 'scheduled'
                     CHECK (status IN ('scheduled', 'sending', 'published', 'failed', 'needs_reconnect')),
    remote_id        text,
    attempts         integer NOT NULL DEFAULT 0 CHECK (attempts >= 0),
    next_attempt_at  timestamptz,
    last_error       text,
    published_at     timestamptz,
    created_at       timestamptz NOT NULL DEFAULT now(),
    UNIQUE (content_id, platform, page_version)
);
CREATE INDEX social_posts_due ON social_posts (site_id, status, scheduled_at);

-- The account's own engagement per published post, which refines the best posting hour per network.
CREATE TABLE social_engagement (
    post_id      bigint PRIMARY KEY REFERENCES social_posts(id) ON DELETE CASCADE,
    engagements  integer NOT NULL CHECK (engagements >= 0),
    measured_at  timestamptz NOT NULL DEFAULT now()
);

-- A narrated video made from a page, one per page and format.
CREATE TABLE videos (
    id          bigserial PRIMARY KEY,
    site_id     bigint NOT NULL REFERENCES sites(id) ON DELETE CASCADE,
    content_id  bigint NOT NULL REFERENCES content(id) ON DELETE CASCADE,
    format      text NOT NULL CHECK (format IN ('short', 'medium', 'long')),
    path        text NOT NULL,
    srt_path    text NOT NULL,
    vtt_path    text NOT NULL,
    duration_s  real NOT NULL CHECK (duration_s > 0),
    width       integer NOT NULL,
    height      integer NOT NULL,
    voice       text NOT NULL,
    json_ld     jsonb NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now(),
    UNIQUE (content_id, format)
);
