"""The redirects an approved adoption proposal asks for (a merged page → the page that adopts its role),
created in WordPress through the site's IGNY8 plugin (``GET/POST /wp-json/igny8/v1/redirects``).

Idempotent: what the plugin already has is read first, a redirect already there is not sent again, and each
one is sent on its own, so a refusal is reported for that redirect only. A WordPress outage stops the push:
the rest wait (recorded as an outage, like publishing) and the next approval run sends them. Without a
connected plugin nothing is sent and the owner is told which redirects to create, and where."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any
from urllib.parse import unquote, urlsplit

import psycopg

from igny8.memory import plugin_bridges, site_redirects_repo
from igny8.memory.secret_box import SecretBox
from igny8.stages.outages import describe, outage_service, record_outage
from igny8.stages.plugin_bridge import plugin_client_for_site
from igny8.tools.integrations.plugin_bridge_client import PluginBridgeClient
from igny8.tools.integrations.wordpress_client import WordPressAuthError, WordPressError

REDIRECT_STATUS = 301
ORIGIN = "analysis"


@dataclass
class RedirectOutcome:
    """Each proposed redirect in one list: source and target paths (plus ``error`` for failed ones)."""

    created: list[dict[str, str]] = field(default_factory=list)
    present: list[dict[str, str]] = field(default_factory=list)
    failed: list[dict[str, str]] = field(default_factory=list)
    waiting: list[dict[str, str]] = field(default_factory=list)
    manual: list[dict[str, str]] = field(default_factory=list)
    outage: str | None = None
    advice: str | None = None

    @property
    def done(self) -> bool:
        """Every redirect exists in WordPress (or there were none)."""
        return not (self.failed or self.waiting or self.manual)

    def as_dict(self) -> dict[str, Any]:
        return {**self.__dict__, "done": self.done}


def source_path(url: str) -> str:
    """What the plugin stores as a source: the path, decoded, lowercased, without its slashes at the ends."""
    return "/" + unquote(urlsplit(url).path).strip("/").lower()


def wanted_redirects(
    site_url: str, proposed: list[dict[str, str]]
) -> tuple[list[dict[str, str]], list[dict[str, str]]]:
    """(redirects to make as {source, target} paths, refused ones with ``error``): both ends on the site's
    host (``site_url``; when empty, on one host), the source not the home page, the target a different page."""
    wanted: dict[str, dict[str, str]] = {}
    refused = []
    for item in proposed:
        source, target = source_path(item["from"]), urlsplit(item["to"]).path or "/"
        pair = {"source": source, "target": target}
        hosts = {(urlsplit(item[end]).hostname or "").lower() for end in ("from", "to")}
        home = site_url or item["from"]  # a site without a stored URL: both ends on the crawled host
        if hosts != {(urlsplit(home).hostname or "").lower()}:
            refused.append({**pair, "error": f"{item['from']} → {item['to']} is not within {home}"})
        elif source == "/" or source == source_path(item["to"]):
            refused.append({**pair, "error": "a redirect needs a source page other than the home page and its target"})
        else:
            wanted.setdefault(source, pair)
    return list(wanted.values()), refused


def _push(client: PluginBridgeClient, wanted: list[dict[str, str]], outcome: RedirectOutcome) -> BaseException | None:
    """Send what the plugin lacks, one redirect a call; returns the outage that stopped the push, if one did."""
    pending = list(wanted)
    try:
        existing = {row["source"]: row["target"] for row in client.call("GET", "/redirects") or []}
    except WordPressError as exc:
        if outage_service(exc) == "wordpress":
            outcome.waiting.extend(pending)
            return exc
        outcome.failed.extend({**item, "error": str(exc)} for item in pending)
        return None
    while pending:
        item = pending.pop(0)
        there = existing.get(item["source"])
        if there == item["target"]:
            outcome.present.append(item)
            continue
        if there is not None:
            outcome.failed.append(
                {
                    **item,
                    "error": f"WordPress already redirects {item['source']} to {there}: change or delete that "
                    "redirect in Settings → IGNY8 → Redirects first",
                }
            )
            continue
        body = {"redirects": [{**item, "status": REDIRECT_STATUS, "origin": ORIGIN}]}
        try:
            client.call("POST", "/redirects", body)
        except WordPressAuthError as exc:  # the same refusal for every one that follows
            outcome.failed.extend({**left, "error": str(exc)} for left in [item, *pending])
            return None
        except WordPressError as exc:
            if outage_service(exc) == "wordpress":
                outcome.waiting.extend([item, *pending])
                return exc
            outcome.failed.append({**item, "error": str(exc)})
            continue
        outcome.created.append(item)
    return None


def _manual_advice(site_id: int, proposal_id: int) -> str:
    return (
        "no IGNY8 plugin is connected, so these redirects were not created: add each one (301) in WordPress under "
        'Settings → IGNY8 → Redirects ("Add redirect"), or connect the plugin '
        f"(`igny8 plugin connect --site {site_id} --url ...`) and run "
        f"`igny8 site approve --site {site_id} --proposal {proposal_id}` again to create them"
    )


def create_proposed_redirects(
    conn: psycopg.Connection,
    *,
    account_id: int,
    site_id: int,
    site_url: str,
    proposal_id: int,
    proposed: list[dict[str, str]],
    secrets: SecretBox | None = None,
) -> RedirectOutcome:
    """Create the proposal's redirects through the plugin (or list them for the owner); every redirect's state
    is recorded in site_redirects. Redirects already recorded as created are not sent again."""
    outcome = RedirectOutcome()
    bridge = plugin_bridges.get_bridge(conn, site_id=site_id)
    wanted, refused = wanted_redirects(bridge.site_url if bridge else site_url, proposed)
    outcome.failed.extend(refused)
    stopped: BaseException | None = None
    if not wanted:
        pass
    elif bridge is None:
        outcome.manual.extend(wanted)
        outcome.advice = _manual_advice(site_id, proposal_id)
    else:
        with plugin_client_for_site(conn, account_id=account_id, site_id=site_id, secrets=secrets) as client:
            stopped = _push(client, wanted, outcome)
    for state in site_redirects_repo.STATES:
        for item in getattr(outcome, state):
            site_redirects_repo.record_redirect(
                conn,
                site_id=site_id,
                proposal_id=proposal_id,
                source=item["source"],
                target=item["target"],
                state=state,
                error=item.get("error"),
                http_status=REDIRECT_STATUS,
            )
    if stopped is not None:
        row = record_outage(conn, site_id=site_id, service="wordpress", exc=stopped, waiting=len(outcome.waiting))
        outcome.outage = describe(row)
        outcome.advice = (
            f"run `igny8 site approve --site {site_id} --proposal {proposal_id}` again once WordPress answers"
        )
    return outcome
