"""The writer agent: turns a task's brief into a page, section by section, in the layout of its structure.

The model writes the prose; the structure, headings, FAQ questions, steps, specifications and lists come
from the blueprint (a small model gives fluent but generic text; the SAG engine gives the shape).
All model calls of one page are metered as one ledger entry keyed by the task, so a retried page is
charged once.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from typing import Any

from igny8.llm.gateway import Completion, Meter, ModelGateway
from igny8.tools.content_structures import SectionSpec, layout_for

PROSE_TOKENS = 140
FAQ_LIMIT = 4


@dataclass
class WrittenSection:
    key: str
    heading: str
    kind: str
    html: str
    words: int
    text: str = ""


@dataclass
class PageDraft:
    title: str
    meta_description: str
    sections: list[WrittenSection]
    faq: list[tuple[str, str]]
    calls: list[Completion] = field(default_factory=list)

    @property
    def word_count(self) -> int:
        return sum(s.words for s in self.sections)


_META_TALK = re.compile(
    r"(?i)\b(here is|here's|you are asked|sample of the text|as an ai|this paragraph|"
    r"the web page|this web page|word count|i will|i'm going to|i'm here to help|assistant|"
    r"i can help|happy to help)\b"
)


def clean_model_text(text: str) -> str:
    """Plain prose from a model answer: no markdown, no talk about the task itself, collapsed whitespace."""
    text = re.sub(r"```.*?```", " ", text, flags=re.DOTALL)
    text = re.sub(r"(?m)^\s*(#+|[-*•]|\d+\.)\s*", "", text)
    text = re.sub(r"[*_`#>\"“”]+", "", text)
    text = re.sub(r"\s+", " ", text).strip()
    sentences = re.split(r"(?<=[.!?])\s+", text)
    kept = [s for s in sentences if s and not _META_TALK.search(s)]
    if kept and not re.search(r"[.!?]$", kept[-1]):
        kept = kept[:-1] or kept  # drop a sentence cut off by the token limit
    return " ".join(kept).strip()


def _words(text: str) -> int:
    return len(re.findall(r"\w+", text))


def _title_case(text: str) -> str:
    return text[:1].upper() + text[1:]


class WriterAgent:
    def __init__(self, gateway: ModelGateway) -> None:
        self.gateway = gateway

    def _prose(self, brief: dict[str, Any], heading: str, calls: list[Completion], meter: Meter | None) -> str:
        keywords = ", ".join(brief["target_keywords"][:3]) or brief["title"]
        messages = [
            {"role": "system", "content": "You are a website copywriter. Reply with the paragraph only."},
            {
                "role": "user",
                "content": f"Page: {brief['title']}. Section: {heading}. Write 60 to 90 words for "
                f"readers, mentioning {keywords}.",
            },
        ]
        answer = self.gateway.complete(
            "writer",
            messages,
            operation="content_generation",
            meter=meter,
            max_tokens=PROSE_TOKENS,
            temperature=0.7,
            charge=False,
        )
        calls.append(answer)
        return clean_model_text(answer.text)

    def _list_items(self, spec: SectionSpec, brief: dict[str, Any]) -> list[str]:
        related = [r["title"] for r in brief.get("related", [])]
        values = [v for values in brief.get("attribute_options", {}).values() for v in values]
        if spec.key in {"topics", "browse", "list"}:
            return (related or [_title_case(k) for k in brief["target_keywords"]])[:8]
        return (values or related)[:6]

    def _section(
        self, spec: SectionSpec, brief: dict[str, Any], calls: list[Completion], meter: Meter | None
    ) -> tuple[str, list[tuple[str, str]], str]:
        topic = brief.get("topic") or brief["title"]
        heading = spec.heading.format(topic=topic)
        faq: list[tuple[str, str]] = []
        prose = ""
        if spec.kind == "prose":
            prose = self._prose(brief, heading, calls, meter)
            body = f"<p>{html.escape(prose)}</p>"
        elif spec.kind == "faq":
            questions = brief.get("questions") or [f"What should I know about {topic.lower()}?"]
            parts = []
            for question in questions[:FAQ_LIMIT]:
                answer = self._prose(brief, question, calls, meter)
                faq.append((question, answer))
                parts.append(f"<h3>{html.escape(question)}</h3>\n<p>{html.escape(answer)}</p>")
            body = "\n".join(parts)
        elif spec.kind == "steps":
            steps = brief.get("steps") or ["Get in touch", "Talk through your needs", "Agree on a plan", "Follow up"]
            body = "<ol>" + "".join(f"<li>{html.escape(s)}</li>" for s in steps) + "</ol>"
            body += f"\n<p>{html.escape(self._prose(brief, heading, calls, meter))}</p>"
        elif spec.kind == "specs":
            rows = brief.get("specs") or {}
            body = (
                '<table class="specs"><tbody>'
                + "".join(f"<tr><th>{html.escape(k)}</th><td>{html.escape(v)}</td></tr>" for k, v in rows.items())
                + "</tbody></table>"
            )
        elif spec.kind == "comparison_table":
            compared = brief.get("compared") or []
            head = "".join(f"<th>{html.escape(c)}</th>" for c in compared)
            rows_html = "".join(
                f"<tr><th>{html.escape(aspect)}</th>" + "".join("<td>See below</td>" for _ in compared) + "</tr>"
                for aspect in ("Best for", "Typical cost", "Time needed")
            )
            body = (
                f'<table class="comparison"><thead><tr><th></th>{head}</tr></thead><tbody>{rows_html}</tbody></table>'
            )
        else:
            items = self._list_items(spec, brief)
            body = "<ul>" + "".join(f"<li>{html.escape(i)}</li>" for i in items) + "</ul>"
        return f'<section id="{spec.key}">\n<h2>{html.escape(heading)}</h2>\n{body}\n</section>', faq, prose

    def write_page(self, brief: dict[str, Any], *, meter: Meter | None = None) -> PageDraft:
        calls: list[Completion] = []
        sections: list[WrittenSection] = []
        faq: list[tuple[str, str]] = []
        for spec in layout_for(brief["structure"]):
            section_html, section_faq, prose = self._section(spec, brief, calls, meter)
            faq += section_faq
            text = html.unescape(re.sub(r"<[^>]+>", " ", section_html))
            sections.append(WrittenSection(spec.key, spec.heading, spec.kind, section_html, _words(text), prose))
        summary = next((s.text for s in sections if s.text), "") or brief["title"]
        meta = summary if len(summary) <= 155 else summary[:155].rsplit(" ", 1)[0]
        self.gateway.charge("writer", "content_generation", calls, meter)
        return PageDraft(title=brief["title"], meta_description=meta, sections=sections, faq=faq, calls=calls)
