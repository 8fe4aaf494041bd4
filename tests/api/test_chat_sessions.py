"""A chat session over real HTTP: start a build, stream its events (SSE), answer both review pauses with
edits and approval, and continue the session on a restarted server."""

import httpx
import pytest

from igny8.services import Services
from tests.api.conftest import LiveServer, new_tenant, read_events


@pytest.fixture(scope="module")
def tenant(api_runtime: Services, live_server: LiveServer) -> dict:
    with httpx.Client(base_url=live_server.url) as http:
        return new_tenant(api_runtime, http, "chatty")


def test_chat_session_end_to_end_with_restart(api_runtime: Services, live_server: LiveServer, tenant: dict) -> None:
    key = tenant["account_key"]
    headers = {"X-IGNY8-API-KEY": key}
    started = httpx.post(
        f"{live_server.url}/api/v1/chat/sessions",
        headers=headers,
        json={
            "industry": "healthcare-medical",
            "sectors": ["dental-clinics"],
            "site_type": "local_service",
            "site_id": tenant["site"],
            "business": {"services": ["Invisalign", "Dental Implants", "Veneers", "Teeth Whitening"]},
        },
    )
    assert started.status_code == 202, started.text
    session = started.json()["data"]["id"]

    events = read_events(live_server.url, key, session, 0)
    kinds = [kind for _, kind, _ in events]
    assert kinds[0] == "message" and "progress" in kinds and kinds[-2:] == ["review", "end"]
    review = events[-2][2]
    assert review["stage"] == "attributes"
    treatments = next(a for a in review["attributes"] if a["slug"] == "treatment")["values"]
    assert treatments == ["Invisalign", "Dental Implants", "Veneers", "Teeth Whitening"]

    # A reconnecting EventSource sends Last-Event-ID rather than ``after``: the stream resumes after that id.
    resumed = httpx.get(
        f"{live_server.url}/api/v1/chat/sessions/{session}/events",
        params={"timeout": 5},
        headers={**headers, "Last-Event-ID": str(events[-2][0])},
        timeout=30,
    )
    assert resumed.status_code == 200 and "event: review" not in resumed.text and "event: end" in resumed.text

    bad = httpx.post(
        f"{live_server.url}/api/v1/chat/sessions/{session}/messages",
        headers=headers,
        json={"text": "please make it nicer"},
    )
    assert bad.status_code == 422 and "cannot read" in bad.json()["error"]

    sent = httpx.post(
        f"{live_server.url}/api/v1/chat/sessions/{session}/messages",
        headers=headers,
        json={"text": "rename value treatment Veneers = Porcelain Veneers"},
    )
    assert sent.status_code == 202
    last = events[-2][0]
    events = read_events(live_server.url, key, session, last)
    review = [payload for _, kind, payload in events if kind == "review"][-1]
    assert "Porcelain Veneers" in next(a for a in review["attributes"] if a["slug"] == "treatment")["values"]
    last = max(i for i, _, _ in events if i)

    assert (
        httpx.post(
            f"{live_server.url}/api/v1/chat/sessions/{session}/messages", headers=headers, json={"text": "looks good"}
        ).status_code
        == 202
    )
    events = read_events(live_server.url, key, session, last)
    review = [payload for _, kind, payload in events if kind == "review"][-1]
    assert review["stage"] == "clusters" and review["clusters"]

    # The server goes away; a new one on the same database picks the session up where it waits.
    with LiveServer(api_runtime) as restarted:
        state = httpx.get(f"{restarted.url}/api/v1/chat/sessions/{session}", headers=headers).json()["data"]
        assert state["status"] == "awaiting_review" and state["review"]["stage"] == "clusters"
        answer = httpx.post(
            f"{restarted.url}/api/v1/chat/sessions/{session}/review", headers=headers, json={"approve": True}
        )
        assert answer.status_code == 202
        events = read_events(restarted.url, key, session, max(i for i, _, _ in events if i))
        done = [payload for _, kind, payload in events if kind == "done"]
        assert done and done[0]["site_id"] == tenant["site"] and done[0]["version"] >= 1
        again = httpx.post(
            f"{restarted.url}/api/v1/chat/sessions/{session}/review", headers=headers, json={"approve": True}
        )
        assert again.status_code == 409
