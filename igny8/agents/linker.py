"""The linker agent: plans a page's internal links and places them in its HTML.

Anchors come from text already in the page. When a required link (a supporting page to its hub) has no
natural anchor, the linker model writes one short bridging sentence that contains the anchor; it is
marked ``data-igny8-bridge`` so editors can see it. A model answer without the anchor is not used; a
fixed sentence (marked ``template``) stands in, so the required link is never lost.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass

from igny8.agents.prose_filter import echoes_prompt, invented_people
from igny8.domain.text import split_sentences
from igny8.llm.gateway import Meter, ModelGateway
from igny8.tools.seo.html_links import insert_link
from igny8.tools.seo.link_scoring import Candidate, choose_links, score_candidate

BRIDGE_TOKENS = 60


@dataclass
class PlacedLink:
    target: str
    link_type: str
    anchor: str
    score: float
    bridged: str | None  # None, "model" or "template"


def page_href(slug: str) -> str:
    return f"/{slug}/"


# The linker's prompt, beside it (prompt echo in a bridge is measured against it).
BRIDGE_REQUEST = (
    'Write one short sentence inviting the reader to read our page "{anchor}". Use the exact words "{anchor}".'
)


def _usable_bridge(text: str, anchor: str, asked: str) -> bool:
    """One plain sentence that names the anchor: not talk about the task ("Here's a revised version..."),
    not an echo of the request, no invented people; otherwise the fixed sentence is used."""
    sentences = split_sentences(text)
    return (
        len(sentences) == 1
        and anchor.lower() in text.lower()
        and len(text.split()) <= 40
        and "<" not in text
        and not echoes_prompt(text, [asked])
        and not invented_people(text)
    )


class LinkerAgent:
    def __init__(self, gateway: ModelGateway | None) -> None:
        self.gateway = gateway

    def _bridge(self, document: str, candidate: Candidate, meter: Meter | None) -> tuple[str, str]:
        anchor = re.split(r"[:?]", candidate.target.title)[0].strip() or candidate.target.title
        sentence, kind = None, "template"
        asked = BRIDGE_REQUEST.format(anchor=anchor)
        if self.gateway is not None:
            answer = self.gateway.complete(
                "linker",
                [
                    {"role": "system", "content": "Reply with one sentence only."},
                    {"role": "user", "content": asked},
                ],
                operation="internal_linking",
                max_tokens=BRIDGE_TOKENS,
                temperature=0.3,
                meter=meter.part(candidate.target.slug) if meter else None,
            )
            text = re.sub(r"\s+", " ", answer.text).strip().strip('"')
            if _usable_bridge(text, anchor, asked):
                sentence, kind = text, "model"
        if sentence is None:
            sentence = f"For the full picture, read {anchor}."
        paragraph = f'<p class="igny8-bridge" data-igny8-bridge="{kind}">{html.escape(sentence)}</p>'
        closing = document.rfind("</section>")
        at = closing if closing >= 0 else (document.rfind("</article>") if "</article>" in document else len(document))
        return document[:at] + paragraph + "\n" + document[at:], anchor

    def place_links(
        self,
        document: str,
        candidates: list[Candidate],
        word_count: int,
        meter: Meter | None = None,
        used_anchors: set[str] | None = None,
    ) -> tuple[str, list[PlacedLink]]:
        used = {a.lower() for a in used_anchors or set()}
        scored = [score_candidate(c, document, used) for c in candidates]
        placed: list[PlacedLink] = []
        for candidate in choose_links(scored, word_count, already=len(used)):
            bridged = None
            anchor = candidate.anchor
            updated, link = (
                insert_link(document, anchor, page_href(candidate.target.slug)) if anchor else (document, None)
            )
            if link is None and candidate.mandatory:
                document, anchor = self._bridge(document, candidate, meter)
                updated, link = insert_link(document, anchor, page_href(candidate.target.slug))
                bridged = "model" if 'data-igny8-bridge="model"' in document else "template"
            if link is None:
                continue
            document = updated
            placed.append(PlacedLink(candidate.target.slug, candidate.link_type, link.anchor, candidate.score, bridged))
        return document, placed
