"""The optimizer agent: rewrites a page's prose towards its cluster (missing keywords, shorter sentences)
and fixes its metadata. The caller keeps a rewrite only if the score goes up."""

from __future__ import annotations

import html
import re

from igny8.agents.writer import clean_model_text
from igny8.llm.gateway import Completion, Meter, ModelGateway

REWRITE_TOKENS = 160
_PARAGRAPH = re.compile(r'(<section id="(?!faq)[^"]+">\s*<h2>(.*?)</h2>\s*<p>)(.*?)(</p>)', re.DOTALL)


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
        rewritten = 0

        def replace(match: re.Match[str]) -> str:
            nonlocal rewritten
            if rewritten >= max_paragraphs:
                return match.group(0)
            heading = html.unescape(re.sub(r"<[^>]+>", "", match.group(2)))
            original = html.unescape(re.sub(r"<[^>]+>", "", match.group(3)))
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
            rewritten += 1
            if len(text.split()) < 20:
                return match.group(0)  # an unusable answer leaves the paragraph as it was
            return f"{match.group(1)}{html.escape(text)}{match.group(4)}"

        updated = _PARAGRAPH.sub(replace, document)
        self.gateway.charge("optimizer", "optimization", calls, meter)
        return updated, calls
