"""The social agent (stage 8): a published page → one post per chosen network, in that network's tone, length,
hashtags and link handling. Every post is checked against its network's rules (tools/social/rules.py); a post
that breaks one is sent back to the model once with the broken rules listed, and refused if it still does."""

from __future__ import annotations

from dataclasses import dataclass

from pydantic import BaseModel, Field

from igny8.llm.gateway import Meter, ModelGateway, ModelOutputError
from igny8.tools.social.rules import RULES, ComposedPost, Platform, PostDraft, compose_post, rule_violations


class SocialDraftAnswer(BaseModel):
    """The model's draft of one post (bounded, so a small model ends its JSON)."""

    hook: str = Field(min_length=10, max_length=300, description="One sentence that makes a reader stop.")
    body: str = Field(default="", max_length=2000, description="Two to four short sentences; empty for X.")
    hashtags: list[str] = Field(default_factory=list, max_length=8, description="Without spaces.")


@dataclass(frozen=True, slots=True)
class PageForSocial:
    """What a post is made from: the page's title, a summary of what it says, its URL, keywords, media."""

    title: str
    summary: str
    url: str
    keywords: tuple[str, ...]
    media: str | None


class PostRefused(ValueError):
    """The post broke its network's rules even after one repair; nothing is stored for it."""

    def __init__(self, platform: Platform, problems: list[str]) -> None:
        super().__init__(f"{platform} post refused: {'; '.join(problems)}")
        self.platform = platform
        self.problems = problems


def _instructions(platform: Platform, page: PageForSocial) -> str:
    rules = RULES[platform]
    limit = "280 characters in all (a link counts 23)" if platform == "x" else f"{rules.max_length} characters"
    link = (
        "The link is added for you; do not write it."
        if rules.links_click
        else ("Links do not click there: write no URL; 'Link in bio.' is added for you.")
    )
    return (
        f"Write a {platform} post promoting this page. Tone: {rules.tone}. At most {limit}. "
        f"Hashtags: {rules.min_hashtags}–{rules.max_hashtags}, one word each. {link}"
        + (
            f" The first sentence (the hook) must end within {rules.hook_within} characters."
            if rules.hook_within
            else ""
        )
        + f"\nTitle: {page.title}\nWhat it says: {page.summary}\nKeywords: {', '.join(page.keywords[:6])}"
    )


class SocialAgent:
    def __init__(self, gateway: ModelGateway) -> None:
        self.gateway = gateway

    def _draft(self, messages: list[dict[str, str]], meter: Meter | None) -> PostDraft:
        answer = self.gateway.structured("social", messages, SocialDraftAnswer, operation="social_posts", meter=meter)
        return PostDraft(answer.hook.strip(), answer.body.strip(), tuple(answer.hashtags))

    def write_post(self, platform: Platform, page: PageForSocial, *, meter: Meter | None = None) -> ComposedPost:
        """A post that keeps every rule of ``platform``, or PostRefused (ModelOutputError when the model's
        answer is not even a draft)."""
        messages = [
            {"role": "system", "content": "You write social media posts for a business. Answer in JSON."},
            {"role": "user", "content": _instructions(platform, page)},
        ]
        draft = self._draft(messages, meter.part("draft") if meter else None)
        post = compose_post(platform, draft, url=page.url, media=page.media)
        problems = rule_violations(post)
        if not problems:
            return post
        repair = messages + [
            {
                "role": "assistant",
                "content": SocialDraftAnswer(
                    hook=draft.hook, body=draft.body, hashtags=list(draft.hashtags)
                ).model_dump_json(),
            },
            {"role": "user", "content": "That post breaks these rules: " + "; ".join(problems) + ". Fix them."},
        ]
        try:
            draft = self._draft(repair, meter.part("repair") if meter else None)
        except ModelOutputError as exc:
            raise PostRefused(platform, [*problems, f"the repair was not a valid draft ({exc})"]) from exc
        post = compose_post(platform, draft, url=page.url, media=page.media)
        problems = rule_violations(post)
        if problems:
            raise PostRefused(platform, problems)
        return post
