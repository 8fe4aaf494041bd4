"""Images through the gateway: guarded, charged once per key, the real OpenAI images protocol; and a title
card that never shows the image prompt."""

from __future__ import annotations

import base64
from pathlib import Path
from typing import Any

import pytest
from pydantic import SecretStr

from igny8.config import Settings
from igny8.llm import fake, gateway
from igny8.llm.gateway import Meter, ModelGateway, ModelRequestsForbidden
from igny8.memory.credit_ledger import credits_spent
from igny8.memory.database import Database
from igny8.memory.tenancy import create_account
from igny8.tools.content.image_render import image_prompts, render_image, render_svg_card
from tests.llm.conftest import OpenAIStub

TITLE = "Dental Implants: Costs & Options"
CLUSTER = "Implant costs"


@pytest.fixture()
def account(database: Database) -> int:
    with database.connection() as conn:
        return create_account(conn, name="image tenant")


def _spent(database: Database, account: int) -> int:
    with database.connection() as conn:
        return credits_spent(conn, account_id=account)


def test_the_title_card_shows_the_title_and_cluster_never_the_prompt(tmp_path: Path) -> None:
    prompt = image_prompts(TITLE, CLUSTER, None)["featured"]
    path = render_image(prompt, TITLE, tmp_path / "card", subtitle=CLUSTER)
    svg = path.read_text(encoding="utf-8")
    assert path.suffix == ".svg"
    assert "Dental Implants: Costs &amp; Options" in svg and CLUSTER in svg
    assert "editorial style" not in svg and "Title card for the page" not in svg
    assert prompt not in svg
    # the prompt only picks the colours: two images of one page may differ, never by text
    other = render_svg_card(TITLE, subtitle=CLUSTER, seed="Simple diagram illustrating 'Costs'")
    assert "diagram" not in other


def test_no_image_model_renders_a_card_and_charges_nothing(
    settings: Settings, database: Database, account: int, tmp_path: Path
) -> None:
    gw = ModelGateway(settings, database)
    path = render_image("a prompt", TITLE, tmp_path / "card", gateway=gw, meter=Meter(account_id=account))
    assert path.suffix == ".svg"
    assert _spent(database, account) == 0


def test_a_real_image_model_is_forbidden_in_tests(settings: Settings, tmp_path: Path) -> None:
    gw = ModelGateway(settings.model_copy(update={"image_model": "openai/dall-e-3"}))
    with pytest.raises(ModelRequestsForbidden):
        render_image("a prompt", TITLE, tmp_path / "img", gateway=gw)


def test_the_fake_image_model_is_charged_the_minimum_once_per_key(
    settings: Settings, database: Database, account: int, tmp_path: Path
) -> None:
    gw = ModelGateway(settings.model_copy(update={"image_model": "openai/dall-e-3"}), database)
    meter = Meter(account_id=account, idempotency_key="image_generation:image:1")
    with fake.override(fake.ScriptedModel()) as m:
        first = render_image("a lighthouse", TITLE, tmp_path / "img", gateway=gw, meter=meter)
        render_image("a lighthouse", TITLE, tmp_path / "img", gateway=gw, meter=meter)
    assert first.suffix == ".png" and first.read_bytes() == fake.TINY_PNG
    assert [c["image_prompt"] for c in m.calls] == ["a lighthouse"] * 2
    assert _spent(database, account) == 5  # no token usage: the image_generation minimum, once


def _images_settings(settings: Settings, stub: OpenAIStub, model: str) -> Settings:
    return settings.model_copy(
        update={
            "image_model": model,
            "model_api_base": stub.base_url,
            "model_api_key": SecretStr("sk-image-test-key"),
            "model_retries": 0,
        }
    )


def test_an_openai_images_server_is_called_with_the_configured_key_and_base(
    settings: Settings,
    database: Database,
    account: int,
    tmp_path: Path,
    openai_stub: OpenAIStub,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    openai_stub.respond = lambda path, headers, body: (
        200,
        {"created": 1, "data": [{"b64_json": base64.b64encode(fake.TINY_PNG).decode(), "revised_prompt": "x"}]},
    )
    monkeypatch.setattr(gateway, "ALLOW_MODEL_REQUESTS", True)
    gw = ModelGateway(_images_settings(settings, openai_stub, "openai/dall-e-3"), database)
    meter = Meter(account_id=account, idempotency_key="image_generation:image:7")
    path = render_image("a lighthouse at dawn", TITLE, tmp_path / "img", gateway=gw, meter=meter)
    render_image("a lighthouse at dawn", TITLE, tmp_path / "img", gateway=gw, meter=meter)
    assert path.read_bytes() == fake.TINY_PNG
    request = openai_stub.requests[0]
    assert request["path"] == "/v1/images/generations"
    assert request["headers"]["authorization"] == "Bearer sk-image-test-key"
    assert request["body"]["model"] == "dall-e-3" and request["body"]["prompt"] == "a lighthouse at dawn"
    assert request["body"]["response_format"] == "b64_json"
    assert len(openai_stub.requests) == 2
    assert _spent(database, account) == 5


# gpt-image-1 answers in base64 only: LiteLLM refuses response_format before sending; an OpenAI-compatible
# server may refuse it with a 400 instead. Either way it is dropped, and remembered for the model.
@pytest.mark.parametrize(
    ("model", "sent_response_format"),
    [("openai/gpt-image-1", [False, False]), ("openai/dall-e-2", [True, False, False])],
)
def test_token_usage_of_an_image_model_is_charged_and_a_refused_response_format_is_dropped(
    model: str,
    sent_response_format: list[bool],
    settings: Settings,
    database: Database,
    account: int,
    tmp_path: Path,
    openai_stub: OpenAIStub,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def respond(path: str, headers: dict[str, str], body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        if "response_format" in body:  # gpt-image-1 always answers in base64 and refuses the parameter
            message = "Unknown parameter: 'response_format'."
            return 400, {"error": {"message": message, "type": "invalid_request_error", "param": "response_format"}}
        usage = {"input_tokens": 50, "output_tokens": 4160, "total_tokens": 4210}
        return 200, {"created": 1, "data": [{"b64_json": base64.b64encode(fake.TINY_PNG).decode()}], "usage": usage}

    openai_stub.respond = respond
    monkeypatch.setattr(gateway, "ALLOW_MODEL_REQUESTS", True)
    gw = ModelGateway(_images_settings(settings, openai_stub, model), database)
    for key in ("a", "b"):
        image = gw.image(
            "a lighthouse", meter=Meter(account_id=account, idempotency_key=f"image_generation:{model}:{key}")
        )
        assert image.data == fake.TINY_PNG
    assert ["response_format" in r["body"] for r in openai_stub.requests] == sent_response_format
    assert _spent(database, account) == 2 * 85  # ceil(4210 / 50) credits per image
