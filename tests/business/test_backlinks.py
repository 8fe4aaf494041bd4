"""Backlink campaigns against local FatGrid and PRNews.io servers: T1–T3 targets, a natural anchor mix, orders
placed once (a re-run and a crash between planning and sending order nothing new), live links verified on the
publisher's page, late ones flagged, and the budget moved on when a page tips."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from igny8.config import Settings
from igny8.memory.tenancy import set_site_url
from igny8.services import Services
from igny8.tools.backlinks.fatgrid import FatGridClient
from igny8.tools.backlinks.marketplace import (
    Marketplace,
    MarketplaceAuthError,
    MarketplaceRefused,
    OrderState,
    Publisher,
)
from igny8.tools.backlinks.prnews import PRNewsClient
from igny8.workflows.backlink_campaigns import (
    LINKS_PER_TARGET,
    CampaignError,
    CampaignRun,
    campaign_status,
    marketplaces_from,
    move_budget_on,
    plan_campaign,
    refresh_orders,
    run_campaign,
)
from igny8.workflows.public_errors import public_error
from tests.business.marketplace_server import MarketState, marketplace_server
from tests.dental_site import new_dental_site

FATGRID = [
    {"id": "d1", "domain": "smilemag.example", "price": 50.0},
    {"id": "d2", "domain": "oralhealthdaily.example", "price": 80.0},
    {"id": "d3", "domain": "clinicnews.example", "price": 120.0},
    {"id": "d4", "domain": "bigportal.example", "price": 900.0},
]
PRNEWS = [
    {"id": "11", "domain": "dentaltimes.example", "price": 60.0},
    {"id": "12", "domain": "medwire.example", "price": 95.0},
]
NOW = datetime(2026, 11, 3, 9, 0, tzinfo=UTC)


@pytest.fixture()
def markets() -> Iterator[tuple[MarketState, MarketState]]:
    fatgrid = MarketState("fatgrid", "fg-key", [dict(p) for p in FATGRID], rate_limit_next=1)
    prnews = MarketState("prnews", "pr-key", [dict(p) for p in PRNEWS])
    with marketplace_server(fatgrid), marketplace_server(prnews):
        yield fatgrid, prnews


@pytest.fixture()
def market_settings(lorem_settings: Settings, markets: tuple[MarketState, MarketState]) -> Settings:
    """The production clients pointed at the local servers (base URLs and keys are settings)."""
    fatgrid, prnews = markets
    return Settings(
        data_dir=lorem_settings.data_dir,
        embedder="fake",
        environment="test",
        fatgrid_api_base=fatgrid.base_url,
        fatgrid_api_key="fg-key",
        prnews_api_base=prnews.base_url,
        prnews_api_key="pr-key",
        backlink_verify_allow_private="127.0.0.1",
    )


@dataclass
class Campaign:
    """One dental site with a URL, its campaign calls, and the production clients aimed at the local servers."""

    runtime: Services
    settings: Settings
    account: int
    site: int

    @property
    def clients(self) -> list[Marketplace]:
        return marketplaces_from(self.settings)

    def plan(self, budget: float | None = 1200, months: int = 3) -> dict[str, Any]:
        return plan_campaign(
            self.runtime.database, account_id=self.account, site_id=self.site, budget_usd=budget, months=months
        )

    def run(self, now: datetime = NOW, marketplaces: list[Any] | None = None) -> CampaignRun:
        return run_campaign(
            self.runtime.database,
            self.settings,
            account_id=self.account,
            site_id=self.site,
            marketplaces=marketplaces if marketplaces is not None else self.clients,
            now=now,
        )

    def refresh(self, now: datetime) -> None:
        refresh_orders(self.runtime.database, self.settings, site_id=self.site, marketplaces=self.clients, now=now)

    def status(self) -> dict[str, Any]:
        return campaign_status(self.runtime.database, account_id=self.account, site_id=self.site)


@pytest.fixture()
def campaign(runtime: Services, market_settings: Settings) -> Campaign:
    account, site = new_dental_site(runtime, name="Bright Smile")
    with runtime.database.connection() as conn:
        set_site_url(conn, site_id=site, url="https://brightsmile.example")
    return Campaign(runtime, market_settings, account, site)


def test_plan_targets_tiers_one_to_three_with_a_pace(campaign: Campaign) -> None:
    with pytest.raises(CampaignError, match="--budget"):
        campaign.plan(budget=None)
    with pytest.raises(CampaignError, match="more than 0"):
        campaign.plan(budget=-5)
    plan = campaign.plan()
    assert plan["campaign"]["monthly_pace_usd"] == 400.0
    tiers = [t["tier"] for t in plan["targets"]]
    assert set(tiers) <= {"T1", "T2", "T3"} and tiers == sorted(tiers) and "T1" in tiers
    assert [t["status"] for t in plan["targets"][:3]] == ["building", "building", "waiting"]
    assert all(t["url"].startswith("https://brightsmile.example/") for t in plan["targets"])


def test_a_campaign_orders_once_and_a_rerun_orders_nothing_new(
    campaign: Campaign, markets: tuple[MarketState, MarketState]
) -> None:
    fatgrid, prnews = markets
    campaign.plan()
    first = campaign.run()
    assert first.ordered == 2 * LINKS_PER_TARGET and first.spent_usd == 2 * (50 + 60 + 80)
    assert len(fatgrid.orders) + len(prnews.orders) == 6
    assert set(fatgrid.posts.values()) | set(prnews.posts.values()) == {1}

    again = campaign.run()
    assert again.ordered == 0 and len(fatgrid.orders) + len(prnews.orders) == 6

    status = campaign.status()
    assert all(o["status"] == "ordered" for o in status["orders"])
    kinds = Counter(o["anchor_kind"] for o in status["orders"])
    assert kinds["branded"] + kinds["url"] > len(status["orders"]) / 2 and kinds["exact"] <= 1
    for page in {o["page"] for o in status["orders"]}:
        assert len({o["publisher"] for o in status["orders"] if o["page"] == page}) == LINKS_PER_TARGET
    assert status["campaign"]["spent_usd"] <= status["campaign"]["monthly_pace_usd"]


class _LostAnswer:
    """A marketplace whose answers are lost once: the order reaches the server, the process dies before it hears."""

    def __init__(self, inner: Marketplace) -> None:
        self.inner, self.name, self.lost = inner, inner.name, False

    def publishers(self, **kwargs: Any) -> list[Publisher]:
        return self.inner.publishers(**kwargs)

    def place_order(self, **kwargs: Any) -> OrderState:
        self.inner.place_order(**kwargs)
        if not self.lost:
            self.lost = True
            raise ConnectionResetError("killed before the answer was stored")
        return self.inner.place_order(**kwargs)

    def order_status(self, external_id: str) -> OrderState:
        return self.inner.order_status(external_id)


def test_a_run_killed_after_sending_an_order_buys_nothing_twice(
    campaign: Campaign, markets: tuple[MarketState, MarketState]
) -> None:
    fatgrid, prnews = markets
    campaign.plan()
    with pytest.raises(ConnectionResetError):
        campaign.run(marketplaces=[_LostAnswer(client) for client in campaign.clients])
    resumed = campaign.run()
    assert resumed.ordered == 0  # the planned orders were sent again under their keys
    assert len(fatgrid.orders) + len(prnews.orders) == 6
    status = campaign.status()
    assert len(status["orders"]) == 6 and all(o["status"] == "ordered" for o in status["orders"])


def test_live_links_are_verified_and_a_link_not_live_by_its_deadline_is_flagged(
    campaign: Campaign, markets: tuple[MarketState, MarketState]
) -> None:
    fatgrid, prnews = markets
    campaign.plan()
    campaign.run()
    fg_orders = sorted(fatgrid.orders)
    fatgrid.publish(fg_orders[0])  # live, with the link
    fatgrid.publish(fg_orders[1], with_link=False)  # live, but the link is missing
    prnews.publish(sorted(prnews.orders)[0])
    campaign.refresh(NOW + timedelta(days=5))
    status = campaign.status()
    assert Counter(o["status"] for o in status["orders"]) == {"verified": 2, "live": 1, "ordered": 3}
    missing = next(o for o in status["orders"] if o["status"] == "live")
    assert "no link to https://brightsmile.example/" in missing["problem"]

    campaign.refresh(NOW + timedelta(days=campaign.settings.backlink_live_deadline_days + 1))
    status = campaign.status()
    assert Counter(o["status"] for o in status["orders"]) == {"verified": 2, "overdue": 4}
    assert all(o["problem"] for o in status["orders"] if o["status"] == "overdue")


def test_a_page_that_tipped_hands_its_budget_to_the_next_target(
    campaign: Campaign, markets: tuple[MarketState, MarketState]
) -> None:
    plan = campaign.plan()
    first_target, third_target = plan["targets"][0], plan["targets"][2]
    campaign.run()
    for state in markets:
        for order_id, order in list(state.orders.items()):
            if order["target_url"] == first_target["url"]:
                state.publish(order_id)
    campaign.refresh(NOW)
    with campaign.runtime.database.connection() as conn:
        for day in range(-30, 30):
            position = 18.0 + (day % 3) * 0.4 if day < 12 else 8.0 + (day % 3) * 0.4
            conn.execute(
                "INSERT INTO gsc_search_analytics (site_id, date, page_url, query, clicks, impressions, ctr, position)"
                " VALUES (%s, %s, %s, 'dental implants', 3, 100, 0.03, %s)",
                (campaign.site, NOW.date() + timedelta(days=day), first_target["url"], position),
            )
    moved = move_budget_on(campaign.runtime.database, site_id=campaign.site, today=NOW.date() + timedelta(days=30))
    assert moved == [{"page": first_target["page"], "verdict": "tipped", "next": third_target["page"]}]
    tipped = next(t for t in campaign.status()["targets"] if t["page"] == first_target["page"])
    assert tipped["status"] == "tipped" and tipped["tipped_on"] == (NOW.date() + timedelta(days=12)).isoformat()
    assert campaign.run(now=NOW + timedelta(days=30)).ordered == LINKS_PER_TARGET
    assert third_target["page"] in {o["page"] for o in campaign.status()["orders"]}


def test_marketplace_errors_are_told_plainly(markets: tuple[MarketState, MarketState]) -> None:
    fatgrid, prnews = markets
    wrong = FatGridClient(base_url=fatgrid.base_url, api_key="wrong")
    with pytest.raises(MarketplaceAuthError, match="FatGrid refused the API key") as refused:
        wrong.publishers(topic="health", max_price_usd=100)
    shown = public_error(refused.value)
    assert shown is not None and "FatGrid" in shown.message
    prnews.funds_usd = 10
    client = PRNewsClient(base_url=prnews.base_url, api_key="pr-key")
    publisher = client.publishers(topic="health", max_price_usd=100)[0]
    with pytest.raises(MarketplaceRefused, match="Insufficient balance"):
        client.place_order(publisher=publisher, target_url="https://x.example/a/", anchor="x", key="k1")
