"""The optimizer agent: rewrites a page's prose towards its cluster (missing keywords, shorter sentences)
and fixes its metadata. The caller keeps a rewrite only if the score goes up. A rewritten paragraph keeps
every link it had (put back on the same anchor text); one whose new text lacks an anchor is not rewritten."""

from __future__ import annotations

import html
import re

from igny8.agents.prose_filter import clean_model_text
from igny8.llm.gateway import Completion, Meter, ModelGateway
from igny8.tools.seo.html_fragment import parse_fragment, serialise, text_of
from igny8.tools.seo.html_links import insert_link

REWRITE_TOKENS = 160
# The first plain paragraph of each section, right after its heading (the FAQ's answers are left alone).
REWRITABLE = "section[id]:not(#faq) > h2:first-child + p:not([class])"


def fit_description(description: str, text: str) -> str:
    """A meta description of 70–160 characters from what the page says."""
    description = re.sub(r"\s+", " ", description).strip()
    if len(description) < 70:
        extra = [s for s in re.split(r"(?<=[.!?])\s+", text) if s and s not in description]
        while extra and len(description) < 70:
            description = f"{description} {extra.pop(0)}".strip()
    if len(description) > 160:
        description = description[:157].rsplit(" ", 1)[0] + "…"
    return description


def _relinked(paragraph: str, links: list[tuple[str, str, dict[str, str]]]) -> str | None:
    """The rewritten paragraph with every link of the original put back on its anchor text, or None when an
    anchor is no longer in the text (then the original paragraph stays: a rewrite never drops a link)."""
    for anchor, href, attributes in links:
        paragraph, placed = insert_link(paragraph, anchor, href, attributes=attributes)
        if placed is None:
            return None
    return paragraph


class OptimizerAgent:
    def __init__(self, gateway: ModelGateway) -> None:
        self.gateway = gateway

    def rewrite(
        self,
        document: str,
        *,
        title: str,
        missing_keywords: list[str],
        meter: Meter | None = None,
        max_paragraphs: int = 4,
    ) -> tuple[str, list[Completion]]:
        calls: list[Completion] = []
        tree = parse_fragment(document)
        changed = False
        for paragraph in tree.css(REWRITABLE)[:max_paragraphs]:
            section = paragraph.parent
            heading = next((text_of(child) for child in section.iter() if child.tag == "h2"), "") if section else ""
            original = text_of(paragraph)
            mention = ", ".join(missing_keywords[:2]) or title
            answer = self.gateway.complete(
                "optimizer",
                [
                    {"role": "system", "content": "You edit web copy. Reply with the improved paragraph only."},
                    {
                        "role": "user",
                        "content": f"Page: {title}. Section: {heading}. Rewrite this paragraph in short, "
                        f"clear sentences and mention {mention}:\n{original}",
                    },
                ],
                operation="optimization",
                max_tokens=REWRITE_TOKENS,
                temperature=0.4,
                charge=False,
            )
            calls.append(answer)
            text = clean_model_text(answer.text)
            if len(text.split()) < 20:
                continue  # an unusable answer leaves the paragraph as it was
            links = [
                (a.text(deep=True), a.attributes.get("href") or "", {k: v or "" for k, v in a.attributes.items()})
                for a in paragraph.css("a[href]")
            ]
            for _, _, attributes in links:
                attributes.pop("href", None)
            relinked = _relinked(html.escape(text, quote=False), links)
            if relinked is None:
                continue
            paragraph.inner_html = relinked
            changed = True
        self.gateway.charge("optimizer", "optimization", calls, meter)
        return (serialise(tree) if changed else document), calls
