"""Each network's rules for a post (length and how it is counted, the hook, hashtags, links, media), the
composition of a post from a draft, and the check that lists every rule a post breaks."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from igny8.tools.social.x_length import urls_in, weighted_length

Platform = Literal["linkedin", "x", "facebook", "instagram", "tiktok"]
PLATFORMS: tuple[Platform, ...] = ("linkedin", "x", "facebook", "instagram", "tiktok")
HASHTAG = re.compile(r"^#[A-Za-z0-9_]*[A-Za-z][A-Za-z0-9_]*$")
LINK_IN_BIO = "Link in bio."


@dataclass(frozen=True, slots=True)
class PlatformRules:
    platform: Platform
    max_length: int
    counts_as_x: bool  # X's weighted length (URLs 23) instead of characters
    hook_within: int | None  # the first sentence must end within this many characters (LinkedIn's "see more")
    max_hashtags: int
    min_hashtags: int
    links_click: bool  # False: a URL in the text is dead, so the link goes "in bio"
    needs_media: bool
    tone: str


RULES: dict[Platform, PlatformRules] = {
    "linkedin": PlatformRules("linkedin", 3000, False, 210, 5, 1, True, False, "professional and useful"),
    "x": PlatformRules("x", 280, True, None, 2, 0, True, False, "short, direct, conversational"),
    "facebook": PlatformRules("facebook", 2000, False, None, 3, 0, True, False, "friendly and plain"),
    "instagram": PlatformRules("instagram", 2200, False, 125, 30, 3, False, True, "warm and visual"),
    "tiktok": PlatformRules("tiktok", 2200, False, None, 5, 1, False, True, "casual and upbeat"),
}


@dataclass(frozen=True, slots=True)
class PostDraft:
    """What the social agent writes for one network; composed into the post's text by ``compose_post``."""

    hook: str
    body: str
    hashtags: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class ComposedPost:
    platform: Platform
    text: str
    link: str | None  # sent as the post's link (LinkedIn article, Facebook link) where links click
    media: str | None  # an image or video path or URL; required where the network needs media


def normalise_hashtag(tag: str) -> str:
    """'dental implants' → '#DentalImplants'; characters a hashtag cannot hold are dropped."""
    words = re.findall(r"[A-Za-z0-9_]+", tag)
    joined = "".join(w[:1].upper() + w[1:] for w in words)
    return f"#{joined}" if joined else ""


def compose_post(platform: Platform, draft: PostDraft, *, url: str, media: str | None) -> ComposedPost:
    """The text a network receives: the hook first, the link where links click (else "Link in bio."), the
    hashtags last."""
    rules = RULES[platform]
    tags = " ".join(t for t in dict.fromkeys(normalise_hashtag(t) for t in draft.hashtags) if t)
    link_line = url if rules.links_click else LINK_IN_BIO
    if platform == "x":
        parts = [draft.hook, link_line, tags]
    else:
        parts = [draft.hook, draft.body, link_line, tags]
    text = "\n\n".join(p.strip() for p in parts if p and p.strip())
    return ComposedPost(platform, text, url if rules.links_click else None, media)


def post_length(post: ComposedPost) -> int:
    return weighted_length(post.text) if RULES[post.platform].counts_as_x else len(post.text)


def _length_problems(post: ComposedPost, rules: PlatformRules) -> list[str]:
    problems = []
    length = post_length(post)
    counted = "X's weighted count, URLs 23" if rules.counts_as_x else "characters"
    if not post.text.strip():
        problems.append("the post is empty")
    if length > rules.max_length:
        problems.append(f"{length} {counted}, the limit is {rules.max_length}: shorten it")
    if rules.hook_within is not None:
        first = re.split(r"(?<=[.!?])\s|\n", post.text.strip(), maxsplit=1)[0]
        if len(first) > rules.hook_within:
            problems.append(
                f"the hook (first sentence) is {len(first)} characters: it must end within {rules.hook_within}"
            )
    return problems


def _hashtag_problems(post: ComposedPost, rules: PlatformRules) -> list[str]:
    problems = []
    tags = re.findall(r"(?<![\w#])#\w+", post.text)
    if len(tags) > rules.max_hashtags:
        problems.append(f"{len(tags)} hashtags, at most {rules.max_hashtags}")
    if len(tags) < rules.min_hashtags:
        problems.append(f"{len(tags)} hashtags, at least {rules.min_hashtags}")
    bad = [t for t in tags if not HASHTAG.match(t)]
    if bad:
        problems.append(f"hashtags need a letter and only letters, digits or _: {', '.join(bad)}")
    return problems


def _link_and_media_problems(post: ComposedPost, rules: PlatformRules) -> list[str]:
    problems = []
    if not rules.links_click and urls_in(post.text):
        problems.append(f"links do not click on {post.platform}: put the link in bio, not in the caption")
    if not rules.links_click and LINK_IN_BIO not in post.text:
        problems.append(f"on {post.platform} the caption must point to the link in bio")
    if rules.needs_media and not post.media:
        problems.append(f"{post.platform} needs an image or a video with the post")
    return problems


def rule_violations(post: ComposedPost) -> list[str]:
    """Every rule of the post's network that the post breaks, each said so that it can be fixed."""
    rules = RULES[post.platform]
    return _length_problems(post, rules) + _hashtag_problems(post, rules) + _link_and_media_problems(post, rules)
