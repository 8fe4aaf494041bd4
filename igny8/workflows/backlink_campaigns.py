"""Backlink campaigns (`igny8 backlinks plan|run|status`): targets T1–T3 of the active blueprint with a budget
and a monthly pace; each run orders this month's links for the targets being built (anchors from the plan,
the cheapest fitting publishers, idempotent orders), follows every order to 'live', verifies the link on the
publisher's page, flags links not live by their deadline, and moves the budget to the next target once a page
has tipped (its positions shifted after its links) or stopped responding."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from igny8.config import Settings
from igny8.memory import backlinks_repo as repo
from igny8.memory import reports_repo
from igny8.memory.blueprints import get_blueprint
from igny8.memory.database import Database
from igny8.memory.tenancy import get_site
from igny8.tools.backlinks.anchors import plan_anchors
from igny8.tools.backlinks.fatgrid import FatGridClient
from igny8.tools.backlinks.live_check import verify_live_link
from igny8.tools.backlinks.marketplace import Marketplace, Publisher
from igny8.tools.backlinks.prnews import PRNewsClient
from igny8.tools.backlinks.tiers import campaign_targets
from igny8.tools.backlinks.tipping import detect_tipping_point
from igny8.tools.crawl.address_guard import AddressPolicy

LINKS_PER_TARGET = 3
TARGETS_AT_ONCE = 2
MAX_BUDGET_USD = 1_000_000


class CampaignError(ValueError):
    """A campaign request that cannot go ahead; the text says what to fix."""


@dataclass(frozen=True, slots=True)
class CampaignRun:
    ordered: int
    spent_usd: float
    left_this_month_usd: float


def marketplaces_from(settings: Settings) -> list[Marketplace]:
    """The configured marketplaces (a key set means the client is used)."""
    found: list[Marketplace] = []
    if settings.fatgrid_api_key is not None:
        found.append(
            FatGridClient(
                base_url=settings.fatgrid_api_base,
                api_key=settings.fatgrid_api_key.get_secret_value(),
                timeout_s=settings.marketplace_timeout_s,
            )
        )
    if settings.prnews_api_key is not None:
        found.append(
            PRNewsClient(
                base_url=settings.prnews_api_base,
                api_key=settings.prnews_api_key.get_secret_value(),
                timeout_s=settings.marketplace_timeout_s,
            )
        )
    if not found:
        raise CampaignError("no link marketplace is configured: set IGNY8_FATGRID_API_KEY or IGNY8_PRNEWS_API_KEY")
    return found


def _page_url(site_url: str, slug: str) -> str:
    return f"{site_url.rstrip('/')}/{slug}/"


def plan_campaign(
    database: Database, *, account_id: int, site_id: int, budget_usd: float | None, months: int = 3
) -> dict[str, Any]:
    """Create the site's campaign (or change its budget) and return the plan: targets by tier, the pace."""
    if budget_usd is not None and not 0 < budget_usd <= MAX_BUDGET_USD:
        raise CampaignError(f"--budget must be more than 0 and at most {MAX_BUDGET_USD:,} USD")
    if not 1 <= months <= 24:
        raise CampaignError("--months must be between 1 and 24")
    with database.connection() as conn:
        site = get_site(conn, account_id=account_id, site_id=site_id)
        if not site.url:
            raise CampaignError(f"site {site_id} has no URL: links need a live page to point to")
        blueprint = get_blueprint(conn, account_id=account_id, site_id=site_id)
        campaign = repo.active_campaign(conn, site_id=site_id)
        if campaign is None:
            if budget_usd is None:
                raise CampaignError("the site has no campaign yet: give it a --budget in USD")
            campaign_id = repo.create_campaign(
                conn,
                site_id=site_id,
                blueprint_id=blueprint.id or 0,
                budget_usd=budget_usd,
                monthly_pace_usd=round(budget_usd / months, 2),
            )
        else:
            campaign_id = int(campaign["id"])
            if budget_usd is not None:
                repo.set_budget(
                    conn, campaign_id=campaign_id, budget_usd=budget_usd, monthly_pace_usd=round(budget_usd / months, 2)
                )
        for rank, page in enumerate(campaign_targets(blueprint), start=1):
            repo.add_target(
                conn,
                campaign_id=campaign_id,
                slug=page.slug,
                url=_page_url(site.url, page.slug),
                keyword=(page.keywords[0] if page.keywords else page.title).lower(),
                tier=page.tier,
                rank=rank,
                status="building" if rank <= TARGETS_AT_ONCE else "waiting",
            )
    return campaign_status(database, account_id=account_id, site_id=site_id)


def _publishers(marketplaces: Sequence[Marketplace], *, topic: str, max_price: float) -> list[tuple[Publisher, Any]]:
    offers = [(p, m) for m in marketplaces for p in m.publishers(topic=topic, max_price_usd=max_price)]
    return sorted(offers, key=lambda offer: (offer[0].price_usd, offer[0].domain))


def run_campaign(
    database: Database,
    settings: Settings,
    *,
    account_id: int,
    site_id: int,
    marketplaces: Sequence[Marketplace],
    now: datetime | None = None,
) -> CampaignRun:
    """Order this month's links (never over the month's pace or the budget), then follow every open order."""
    now = now or datetime.now(UTC)
    month_start = now.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    with database.connection() as conn:
        site = get_site(conn, account_id=account_id, site_id=site_id)
        campaign = repo.active_campaign(conn, site_id=site_id)
        if campaign is None:
            raise CampaignError(f"site {site_id} has no campaign: `igny8 backlinks plan --site {site_id} --budget USD`")
        campaign_id = int(campaign["id"])
        left = min(
            float(campaign["monthly_pace_usd"]) - repo.spent_usd(conn, campaign_id=campaign_id, since=month_start),
            float(campaign["budget_usd"]) - repo.spent_usd(conn, campaign_id=campaign_id),
        )
        targets = [t for t in repo.targets(conn, campaign_id=campaign_id) if t["status"] == "building"]
        existing = repo.orders(conn, campaign_id=campaign_id)
    offers = _publishers(marketplaces, topic=site.industry, max_price=max(left, 0)) if left > 0 else []
    by_name = {m.name: m for m in marketplaces}
    ordered = 0
    spent = 0.0
    deadline = (now + timedelta(days=settings.backlink_live_deadline_days)).date()
    for target in targets:
        mine = [o for o in existing if o["target_id"] == target["id"]]
        live_or_open = [o for o in mine if o["status"] != "rejected"]
        used_domains = {o["publisher_domain"] for o in mine}
        wanted = LINKS_PER_TARGET - len(live_or_open)
        anchors = plan_anchors(
            max(wanted, 0),
            existing=[o["anchor_kind"] for o in live_or_open],
            brand=site.name,
            page_url=target["page_url"],
            keyword=target["keyword"],
        )
        for serial, anchor in enumerate(anchors, start=len(mine)):
            offer = next(
                (o for o in offers if o[0].domain not in used_domains and o[0].price_usd <= left - spent), None
            )
            if offer is None:
                break
            publisher, _ = offer
            used_domains.add(publisher.domain)
            key = f"igny8-c{campaign_id}-t{target['id']}-n{serial}"
            with database.connection() as conn:
                repo.insert_planned_order(
                    conn,
                    campaign_id=campaign_id,
                    target_id=target["id"],
                    provider=publisher.provider,
                    idempotency_key=key,
                    publisher_id=publisher.publisher_id,
                    publisher_domain=publisher.domain,
                    anchor_text=anchor.text,
                    anchor_kind=anchor.kind,
                    price_usd=publisher.price_usd,
                    due_on=deadline,
                )
            spent += publisher.price_usd
            ordered += 1
    _send_planned_orders(database, campaign_id, by_name, now)
    refresh_orders(database, settings, site_id=site_id, marketplaces=marketplaces, now=now)
    return CampaignRun(ordered, round(spent, 2), round(max(left - spent, 0), 2))


def _send_planned_orders(database: Database, campaign_id: int, by_name: dict[str, Marketplace], now: datetime) -> None:
    """Every 'planned' order (new, or left by a run that died before the marketplace answered) is sent with its
    own key: the marketplace returns the same order for a key it has seen."""
    with database.connection() as conn:
        planned = [o for o in repo.orders(conn, campaign_id=campaign_id) if o["status"] == "planned"]
        targets = {t["id"]: t for t in repo.targets(conn, campaign_id=campaign_id)}
    for order in planned:
        marketplace = by_name.get(order["provider"])
        if marketplace is None:
            continue  # its marketplace is not configured in this process; it stays planned
        state = marketplace.place_order(
            publisher=Publisher(
                order["provider"], order["publisher_id"], order["publisher_domain"], float(order["price_usd"])
            ),
            target_url=targets[order["target_id"]]["page_url"],
            anchor=order["anchor_text"],
            key=order["idempotency_key"],
        )
        with database.connection() as conn:
            repo.mark_ordered(conn, order_id=order["id"], external_id=state.external_id, status=state.status, at=now)


def refresh_orders(
    database: Database, settings: Settings, *, site_id: int, marketplaces: Sequence[Marketplace], now: datetime
) -> None:
    """Follow each open order; verify live links on the publisher's page; flag what is overdue; then tipping."""
    by_name = {m.name: m for m in marketplaces}
    policy = AddressPolicy.from_setting(settings.backlink_verify_allow_private)
    with database.connection() as conn:
        campaign = repo.active_campaign(conn, site_id=site_id)
        if campaign is None:
            return
        open_orders = [
            o
            for o in repo.orders(conn, campaign_id=campaign["id"])
            if o["status"] in ("ordered", "in_progress", "live", "overdue") and o["external_id"]
        ]
        targets = {t["id"]: t for t in repo.targets(conn, campaign_id=campaign["id"])}
    for order in open_orders:
        marketplace = by_name.get(order["provider"])
        if marketplace is None:
            continue
        state = marketplace.order_status(order["external_id"])
        update: dict[str, Any] = {"status": state.status, "live_url": state.live_url}
        if state.status == "live" and state.live_url:
            check = verify_live_link(
                state.live_url,
                target_url=targets[order["target_id"]]["page_url"],
                policy=policy,
                user_agent=settings.crawl_user_agent,
            )
            update["live_at"] = now
            if check.found:
                update.update(status="verified", verified_at=now, problem=None)
            else:
                update["problem"] = check.problem
        if update["status"] not in ("verified", "rejected") and now.date() > order["due_on"]:
            update["status"] = "overdue"
            update["problem"] = update.get("problem") or f"not live by {order['due_on']:%Y-%m-%d}"
        with database.connection() as conn:
            repo.update_order(conn, order_id=order["id"], **update)
    move_budget_on(database, site_id=site_id, today=now.date())


def move_budget_on(database: Database, *, site_id: int, today: date) -> list[dict[str, Any]]:
    """A building target whose positions tipped (or that stopped responding) makes room for the next one."""
    moved = []
    with database.connection() as conn:
        campaign = repo.active_campaign(conn, site_id=site_id)
        if campaign is None:
            return moved
        targets = repo.targets(conn, campaign_id=campaign["id"])
        orders = repo.orders(conn, campaign_id=campaign["id"])
        for target in [t for t in targets if t["status"] == "building"]:
            live = [o["live_at"] for o in orders if o["target_id"] == target["id"] and o["status"] == "verified"]
            if not live:
                continue
            series = reports_repo.position_series(conn, site_id=site_id, page_url=target["page_url"])
            result = detect_tipping_point(
                [r["date"] for r in series],
                [float(r["position"]) for r in series],
                links_live_on=min(live).date(),
                today=today,
            )
            if result.verdict == "building":
                continue
            repo.set_target_status(conn, target_id=target["id"], status=result.verdict, tipped_on=result.tipped_on)
            waiting = next((t for t in targets if t["status"] == "waiting"), None)
            if waiting is not None:
                repo.set_target_status(conn, target_id=waiting["id"], status="building")
                waiting["status"] = "building"
            moved.append(
                {"page": target["page_slug"], "verdict": result.verdict, "next": waiting and waiting["page_slug"]}
            )
    return moved


def campaign_status(database: Database, *, account_id: int, site_id: int) -> dict[str, Any]:
    with database.connection() as conn:
        get_site(conn, account_id=account_id, site_id=site_id)
        campaign = repo.active_campaign(conn, site_id=site_id)
        if campaign is None:
            return {"campaign": None, "targets": [], "orders": []}
        targets = repo.targets(conn, campaign_id=campaign["id"])
        orders = repo.orders(conn, campaign_id=campaign["id"])
        spent = repo.spent_usd(conn, campaign_id=campaign["id"])
    slugs = {t["id"]: t["page_slug"] for t in targets}
    return {
        "campaign": {
            "id": campaign["id"],
            "budget_usd": float(campaign["budget_usd"]),
            "monthly_pace_usd": float(campaign["monthly_pace_usd"]),
            "spent_usd": spent,
        },
        "tiers": {f"T{tier}": sum(1 for t in targets if t["tier"] == tier) for tier in (1, 2, 3)},
        "targets": [
            {
                "page": t["page_slug"],
                "url": t["page_url"],
                "tier": f"T{t['tier']}",
                "status": t["status"],
                "tipped_on": t["tipped_on"].isoformat() if t["tipped_on"] else None,
            }
            for t in targets
        ],
        "orders": [
            {
                "page": slugs[o["target_id"]],
                "provider": o["provider"],
                "publisher": o["publisher_domain"],
                "anchor": o["anchor_text"],
                "anchor_kind": o["anchor_kind"],
                "price_usd": float(o["price_usd"]),
                "status": o["status"],
                "live_url": o["live_url"],
                "due_on": o["due_on"].isoformat(),
                "problem": o["problem"],
            }
            for o in orders
        ],
    }
