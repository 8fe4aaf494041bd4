"""The social agent: a post that keeps its network's rules is kept; one that breaks a rule is sent back once
with the broken rules listed, and refused when the repair still breaks one."""

from __future__ import annotations

import pytest

from igny8.agents.social import PageForSocial, PostRefused, SocialAgent
from igny8.config import Settings
from igny8.llm import fake
from igny8.llm.gateway import ModelGateway
from igny8.tools.social.x_length import weighted_length
from tests.social.scripted_posts import DRAFTS, draft_for

PAGE = PageForSocial(
    title="Dental Implants in Austin",
    summary="What implants are, what they cost, how recovery goes.",
    url="https://brightsmile.example/dental-implants-in-austin-cost-recovery-and-what-to-expect/",
    keywords=("dental implants austin", "implant cost"),
    media="https://cdn.brightsmile.example/implants.png",
)


@pytest.mark.parametrize("platform", list(DRAFTS))
def test_each_network_gets_a_post_in_its_own_shape(settings: Settings, platform: str) -> None:
    with fake.override(fake.ScriptedModel(default=draft_for)) as model:
        post = SocialAgent(ModelGateway(settings)).write_post(platform, PAGE)  # type: ignore[arg-type]
    assert len(model.calls) == 1
    assert post.text.startswith(DRAFTS[platform]["hook"])
    if platform in ("instagram", "tiktok"):
        assert PAGE.url not in post.text and post.text.count("Link in bio.") == 1 and post.media == PAGE.media
    else:
        assert PAGE.url in post.text and post.link == PAGE.url
    prompt = model.calls[0]["messages"][-1]["content"]
    assert PAGE.title in prompt and ("a link counts 23" in prompt) == (platform == "x")


def test_a_post_that_breaks_a_rule_is_repaired_once(settings: Settings) -> None:
    too_long = {"hook": "Implants " * 31, "body": "", "hashtags": ["Dental"]}
    with fake.override(fake.ScriptedModel(replies=[too_long, DRAFTS["x"]])) as model:
        post = SocialAgent(ModelGateway(settings)).write_post("x", PAGE)
    assert len(model.calls) == 2
    repair = model.calls[1]["messages"][-1]["content"]
    assert "breaks these rules" in repair and "the limit is 280" in repair
    assert weighted_length(post.text) <= 280


def test_a_post_still_broken_after_its_repair_is_refused(settings: Settings) -> None:
    with_url = {
        "hook": "See https://brightsmile.example/implants now.",
        "body": "",
        "hashtags": ["Smile", "Teeth", "Dentist"],
    }
    with fake.override(fake.ScriptedModel(replies=[with_url, with_url])) as model:
        with pytest.raises(PostRefused) as refused:
            SocialAgent(ModelGateway(settings)).write_post("instagram", PAGE)
    assert len(model.calls) == 2
    assert refused.value.platform == "instagram"
    assert any("links do not click" in p for p in refused.value.problems)
