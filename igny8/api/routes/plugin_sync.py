"""The WordPress plugin registers itself (site key): where it answers and the secret its igny8/v1 routes
verify, so the backend can push the blueprint and ask for a sync (stages/plugin_bridge.py)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from pydantic import Field

from igny8.api.deps import RuntimeDep, SitePrincipalDep
from igny8.api.envelope import ok
from igny8.domain.text import InputModel
from igny8.memory import sync_events
from igny8.memory.secret_box import secret_box_for
from igny8.stages.plugin_bridge import MAX_SECRET, MIN_SECRET, save_plugin_bridge

router = APIRouter(prefix="/plugin", tags=["wordpress plugin"])


class BridgeIn(InputModel):
    site_url: str = Field(min_length=8, max_length=300, pattern=r"^https?://[^\s]+$")
    secret: str = Field(min_length=MIN_SECRET, max_length=MAX_SECRET, pattern=r"^[A-Za-z0-9]+$")


@router.post("/bridge")
def register_bridge(body: BridgeIn, principal: SitePrincipalDep, request: Request, runtime: RuntimeDep):  # type: ignore[no-untyped-def]
    assert principal.site_id is not None
    with runtime.database.connection() as conn:
        save_plugin_bridge(
            conn,
            account_id=principal.account_id,
            site_id=principal.site_id,
            site_url=body.site_url,
            secret=body.secret,
            secrets=secret_box_for(runtime.settings),
        )
        sync_events.record_site_event(
            conn, site_id=principal.site_id, kind="bridge", payload={"site_url": body.site_url}
        )
    return ok(request, {"site_id": principal.site_id, "site_url": body.site_url.rstrip("/"), "registered": True})
