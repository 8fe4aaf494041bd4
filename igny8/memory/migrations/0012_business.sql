-- The business layer: credit balances and plans, reservations before work, grants; backlink campaigns
-- and their orders; white-label report settings and generated reports.

-- One row per account: its plan and balance. balance = every grant - every ledger charge (never below 0);
-- held = credits reserved by work in progress (available = balance - held).
CREATE TABLE credit_accounts (
    account_id        bigint PRIMARY KEY REFERENCES accounts(id) ON DELETE CASCADE,
    plan              text NOT NULL CHECK (plan IN ('lite', 'pro')),
    balance           bigint NOT NULL CHECK (balance >= 0),
    held              bigint NOT NULL DEFAULT 0 CHECK (held >= 0),
    allowance_period  text CHECK (allowance_period ~ '^[0-9]{4}-[0-9]{2}$'),
    created_at        timestamptz NOT NULL DEFAULT now(),
    updated_at        timestamptz NOT NULL DEFAULT now(),
    CHECK (held <= balance)
);

-- Credits added to an account: the plan's monthly allowance (once per month) or a manual grant.
CREATE TABLE credit_grants (
    id               bigserial PRIMARY KEY,
    account_id       bigint NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    credits          bigint NOT NULL CHECK (credits > 0),
    reason           text NOT NULL CHECK (length(reason) BETWEEN 1 AND 200),
    idempotency_key  text UNIQUE,
    created_at       timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX credit_grants_account_idx ON credit_grants (account_id, created_at);

-- Credits set aside before a metered operation starts, under the operation's idempotency key; settled
-- (the ledger row written, the balance lowered) or released when it ends.
CREATE TABLE credit_reservations (
    idempotency_key  text PRIMARY KEY,
    account_id       bigint NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    site_id          bigint REFERENCES sites(id) ON DELETE CASCADE,
    operation        text NOT NULL,
    credits          bigint NOT NULL CHECK (credits >= 0),
    status           text NOT NULL CHECK (status IN ('held', 'settled', 'released')),
    created_at       timestamptz NOT NULL DEFAULT now(),
    closed_at        timestamptz
);
CREATE INDEX credit_reservations_held_idx ON credit_reservations (account_id) WHERE status = 'held';

-- Backlink campaigns: one per site and month's budget; targets are T1–T3 pages of the active blueprint.
CREATE TABLE backlink_campaigns (
    id              bigserial PRIMARY KEY,
    site_id         bigint NOT NULL REFERENCES sites(id) ON DELETE CASCADE,
    blueprint_id    bigint REFERENCES blueprints(id) ON DELETE SET NULL,
    budget_usd      numeric(12, 2) NOT NULL CHECK (budget_usd > 0),
    monthly_pace_usd numeric(12, 2) NOT NULL CHECK (monthly_pace_usd > 0),
    status          text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'paused', 'finished')),
    created_at      timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX backlink_campaigns_one_active ON backlink_campaigns (site_id) WHERE status = 'active';

CREATE TABLE backlink_targets (
    id            bigserial PRIMARY KEY,
    campaign_id   bigint NOT NULL REFERENCES backlink_campaigns(id) ON DELETE CASCADE,
    page_slug     text NOT NULL,
    page_url      text NOT NULL,
    keyword       text NOT NULL,
    tier          smallint NOT NULL CHECK (tier BETWEEN 1 AND 3),
    rank          integer NOT NULL CHECK (rank >= 1),
    status        text NOT NULL DEFAULT 'building' CHECK (status IN ('building', 'tipped', 'unresponsive', 'waiting')),
    tipped_on     date,
    UNIQUE (campaign_id, page_slug)
);

CREATE TABLE backlink_orders (
    id               bigserial PRIMARY KEY,
    campaign_id      bigint NOT NULL REFERENCES backlink_campaigns(id) ON DELETE CASCADE,
    target_id        bigint NOT NULL REFERENCES backlink_targets(id) ON DELETE CASCADE,
    provider         text NOT NULL,
    idempotency_key  text NOT NULL UNIQUE,
    external_id      text,
    publisher_id     text NOT NULL,
    publisher_domain text NOT NULL,
    anchor_text      text NOT NULL,
    anchor_kind      text NOT NULL CHECK (anchor_kind IN ('branded', 'url', 'generic', 'partial', 'exact')),
    price_usd        numeric(12, 2) NOT NULL CHECK (price_usd >= 0),
    status           text NOT NULL CHECK (status IN ('planned', 'ordered', 'in_progress', 'live', 'verified',
                                                     'rejected', 'overdue', 'lost')),
    live_url         text,
    due_on           date NOT NULL,
    ordered_at       timestamptz,
    live_at          timestamptz,
    verified_at      timestamptz,
    problem          text
);
CREATE INDEX backlink_orders_campaign_idx ON backlink_orders (campaign_id, status);

-- White-label branding per account, and every generated report.
CREATE TABLE report_brands (
    account_id     bigint PRIMARY KEY REFERENCES accounts(id) ON DELETE CASCADE,
    agency_name    text NOT NULL CHECK (length(agency_name) BETWEEN 1 AND 120),
    logo           bytea CHECK (octet_length(logo) <= 500000),
    logo_mime      text CHECK (logo_mime IN ('image/png', 'image/jpeg', 'image/svg+xml')),
    primary_color  text NOT NULL CHECK (primary_color ~ '^#[0-9a-fA-F]{6}$'),
    accent_color   text NOT NULL CHECK (accent_color ~ '^#[0-9a-fA-F]{6}$'),
    updated_at     timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE site_reports (
    id          bigserial PRIMARY KEY,
    site_id     bigint NOT NULL REFERENCES sites(id) ON DELETE CASCADE,
    month       text NOT NULL CHECK (month ~ '^[0-9]{4}-[0-9]{2}$'),
    format      text NOT NULL CHECK (format IN ('html', 'pdf')),
    path        text NOT NULL,
    figures     jsonb NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now(),
    UNIQUE (site_id, month, format)
);
