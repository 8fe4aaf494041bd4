"""The writer agent: turns a task's brief into a page, section by section, in the layout of its structure.

The model writes the prose; the structure, headings, FAQ questions, steps, specifications, comparison
cells and lists come from the blueprint (a small model gives fluent but generic text; the SAG engine gives
the shape). A section whose data the blueprint does not hold is left out rather than filled with a
placeholder. All model calls of one page are metered as one ledger entry keyed by the task, so a retried
page is charged once.

Two profiles (``writer_profile`` setting): ``compact`` for the embedded 135M-270M models (short sections,
instructions in the system message, one worked example to continue from, strict post-filters), and
``full`` for capable models (each section written with the page's whole outline and the brief's facts in
the prompt, with a word budget that gives hubs 1,500-2,500 words and supporting pages 800-1,500).
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from typing import Any, Literal

from igny8.agents.prose_filter import filter_sentences, is_repeat
from igny8.agents.writer_prompts import (
    COMPACT_SYSTEM,
    EXAMPLE_ANSWER,
    EXAMPLE_REQUEST,
    FULL_SYSTEM,
    INSTRUCTION_TEXTS,
)
from igny8.domain.content import Brief
from igny8.domain.text import normalised, split_sentences
from igny8.llm.gateway import Completion, Meter, ModelGateway
from igny8.tools.content.content_structures import SectionSpec, layout_for

WriterProfile = Literal["compact", "full"]
PROSE_TOKENS = 140  # compact profile: one short paragraph per call
FAQ_LIMIT = 4
SMALL_MODEL_PROVIDERS = ("igny8-local", "igny8-fake")
# Full profile: words a page deserves (SPEC: hub 1,500-2,500; supporting 800-1,500), FAQ answers apart.
FULL_PAGE_WORDS = {"hub": 2000, "supporting": 1100, "commercial": 900, "term": 700}
FULL_FAQ_WORDS = {"hub": 110, "supporting": 80, "commercial": 70, "term": 60}
TOKENS_PER_WORD = 1.6

# Steps build_brief wrote before it stopped inventing them: a placeholder, never HowTo.
_GENERIC_STEPS = ("get a clear plan and price", "follow-up and aftercare", "talk through your needs")


@dataclass
class WrittenSection:
    key: str
    heading: str
    kind: str
    html: str
    words: int
    text: str = ""
    source: str = "model"  # model | blueprint | fallback (a neutral sentence built from the brief)


@dataclass
class PageDraft:
    title: str
    meta_description: str
    sections: list[WrittenSection]
    faq: list[tuple[str, str]]
    calls: list[Completion] = field(default_factory=list)
    steps: list[str] = field(default_factory=list)  # only steps the brief really holds: HowTo may use these
    omitted: dict[str, str] = field(default_factory=dict)  # section key -> why it was left out
    profile: WriterProfile = "compact"

    @property
    def word_count(self) -> int:
        return sum(s.words for s in self.sections)


# -- cleaning model text -------------------------------------------------------------------------------
def _words(text: str) -> int:
    return len(re.findall(r"\w+", text))


def _title_case(text: str) -> str:
    return text[:1].upper() + text[1:]


def real_steps(brief: dict[str, Any]) -> list[str]:
    """The brief's steps if they are real (not the generic placeholder list older briefs carried)."""
    steps = [s for s in brief.get("steps") or [] if s]
    if any(s.lower() in _GENERIC_STEPS or s.lower().startswith("tell us what you need") for s in steps):
        return []
    return steps


def brief_facts(brief: dict[str, Any]) -> list[str]:
    """What the blueprint knows about the page, as short factual lines (for the full profile's prompts)."""
    facts = []
    if brief.get("cluster"):
        facts.append(f"Topic cluster: {brief['cluster']['name']} ({brief['cluster']['type'].replace('_', ' ')})")
    if brief.get("target_keywords"):
        facts.append("Search terms to cover: " + "; ".join(brief["target_keywords"][:8]))
    facts += [f"{name}: {value}" for name, value in (brief.get("specs") or {}).items()]
    for name, values in (brief.get("attribute_options") or {}).items():
        facts.append(f"{name} options on this site: " + ", ".join(values[:12]))
    for row in brief.get("comparison_rows") or []:
        cells = "; ".join(f"{c}: {v}" for c, v in zip(brief.get("compared") or [], row["cells"], strict=False))
        facts.append(f"{row['aspect']} - {cells}")
    if brief.get("questions"):
        facts.append("Questions readers ask: " + " ".join(brief["questions"][:FAQ_LIMIT]))
    if brief.get("related"):
        facts.append("Related pages on this site: " + "; ".join(r["title"] for r in brief["related"][:6]))
    steps = real_steps(brief)
    if steps:
        facts.append("Steps: " + "; ".join(steps))
    return facts


def _fallback_sentences(brief: dict[str, Any]) -> list[str]:
    """Neutral, clearly factual sentences built from the brief, for a section the model could not write."""
    topic = (brief.get("topic") or brief["title"]).lower()
    keywords = [k for k in brief.get("target_keywords") or [] if k.lower() != topic]
    out = []
    if keywords:
        out.append(f"This page covers {topic}, including {', '.join(keywords[:3])}.")
    out += [f"{name}: {value}." for name, value in (brief.get("specs") or {}).items()]
    for name, values in (brief.get("attribute_options") or {}).items():
        if len(values) >= 2:
            out.append(f"{name} options include {', '.join(values[:5])}.")
    out += [f"Related reading on this site: {r['title']}." for r in (brief.get("related") or [])[:3]]
    return out or [f"This page is about {topic}."]


class WriterAgent:
    def __init__(self, gateway: ModelGateway, profile: WriterProfile | Literal["auto"] | None = None) -> None:
        self.gateway = gateway
        chosen = profile or getattr(gateway.settings, "writer_profile", "auto")
        if chosen == "auto":
            provider = gateway.model_for("writer").split("/", 1)[0]
            chosen = "compact" if provider in SMALL_MODEL_PROVIDERS else "full"
        self.profile: WriterProfile = chosen  # type: ignore[assignment]

    # -- prompts ---------------------------------------------------------------------------------------
    def _compact_messages(self, brief: dict[str, Any], heading: str) -> list[dict[str, str]]:
        keywords = ", ".join(brief["target_keywords"][:2]) or (brief.get("topic") or brief["title"]).lower()
        return [
            {"role": "system", "content": COMPACT_SYSTEM},
            {"role": "user", "content": EXAMPLE_REQUEST},
            {"role": "assistant", "content": EXAMPLE_ANSWER},
            {"role": "user", "content": f"{brief['title'].rstrip('.?!')}. {heading}: {keywords}"},
        ]

    def _full_messages(
        self, brief: dict[str, Any], heading: str, outline: list[str], words: int
    ) -> list[dict[str, str]]:
        marked = "\n".join(f"- {h}{'  <- this section' if h == heading else ''}" for h in outline)
        facts = "\n".join(f"- {f}" for f in brief_facts(brief))
        return [
            {"role": "system", "content": FULL_SYSTEM},
            {
                "role": "user",
                "content": f"Page title: {brief['title']}\nPage type: {brief['structure'].replace('_', ' ')}\n"
                f"Outline of the page:\n{marked}\n\nFacts from the site plan:\n{facts}\n\n"
                f"Write the section \u201c{heading}\u201d in about {words} words.",
            },
        ]

    # -- model calls -----------------------------------------------------------------------------------
    def _prose(
        self,
        brief: dict[str, Any],
        heading: str,
        page: _PageState,
        *,
        words: int,
    ) -> str:
        if self.profile == "full":
            messages = self._full_messages(brief, heading, page.outline, words)
            max_tokens = int(words * TOKENS_PER_WORD) + 60
            asked = messages[-1]["content"].rsplit("\n", 1)[-1]  # the facts above it may well be restated
        else:
            messages = self._compact_messages(brief, heading)
            max_tokens = PROSE_TOKENS
            asked = messages[-1]["content"]
        instructions = [_strip_topic(t, brief, heading) for t in (*INSTRUCTION_TEXTS, EXAMPLE_REQUEST, asked)]
        for attempt in range(2):  # an answer that filters to nothing gets one more try
            answer = self.gateway.complete(
                "writer",
                messages,
                operation="content_generation",
                meter=page.meter,
                max_tokens=max_tokens,
                temperature=0.7 if attempt == 0 else 0.9,
                charge=False,
            )
            page.calls.append(answer)
            text = filter_sentences(answer.text, instructions=instructions, seen=page.seen)
            if text:
                return text
        return ""

    def _fallback(self, brief: dict[str, Any], page: _PageState) -> str:
        for sentence in _fallback_sentences(brief):
            if not is_repeat(sentence, page.seen):
                page.seen.append(normalised(sentence))
                return sentence
        return ""

    def _words_for(self, brief: dict[str, Any], specs: tuple[SectionSpec, ...]) -> tuple[int, int]:
        """(words per prose section, words per FAQ answer) of the full profile."""
        kind = brief.get("kind", "supporting")
        faq_words = FULL_FAQ_WORDS.get(kind, 80)
        faq_total = (
            faq_words * min(FAQ_LIMIT, len(brief.get("questions") or [1])) if any(s.kind == "faq" for s in specs) else 0
        )
        prose_sections = sum(1 for s in specs if s.kind in {"prose", "steps"}) or 1
        return max(120, (FULL_PAGE_WORDS.get(kind, 1000) - faq_total) // prose_sections), faq_words

    # -- sections --------------------------------------------------------------------------------------
    def _section(self, spec: SectionSpec, brief: dict[str, Any], page: _PageState) -> WrittenSection | str:
        """The written section, or why it is left out."""
        heading = spec.heading.format(topic=brief.get("topic") or brief["title"])
        prose, source = "", "blueprint"
        items = self._list_items(spec, brief) if spec.kind == "list" else []
        if isinstance(items, str) and spec.key not in {"pros", "cons"}:
            items = []  # a list the blueprint cannot fill becomes a paragraph under the same heading
            spec = SectionSpec(spec.key, spec.heading, "prose")
        if spec.kind in {"prose", "steps"}:
            prose, source = self._prose(brief, heading, page, words=page.prose_words), "model"
            if not prose:
                prose, source = self._fallback(brief, page), "fallback"
            body: str | None = self._prose_body(spec, brief, page, prose) if prose else None
            why = "the model wrote nothing usable and the brief has no fact left to state"
        elif spec.kind == "faq":
            body, source, why = self._faq_body(brief, page), "model", "no question got a usable answer"
        elif spec.kind == "specs":
            body, why = _specs_body(brief), "the blueprint holds no specification for this page"
        elif spec.kind == "comparison_table":
            body, why = _comparison_body(brief), "the blueprint holds too few facts about the compared options"
        elif isinstance(items, str):
            body, why = None, items
        else:
            body, why = "<ul>" + "".join(f"<li>{html.escape(i)}</li>" for i in items) + "</ul>", ""
        if body is None:
            return why
        section_html = f'<section id="{spec.key}">\n<h2>{html.escape(heading)}</h2>\n{body}\n</section>'
        text = html.unescape(re.sub(r"<[^>]+>", " ", section_html))
        return WrittenSection(spec.key, spec.heading, spec.kind, section_html, _words(text), prose, source)

    def _prose_body(self, spec: SectionSpec, brief: dict[str, Any], page: _PageState, prose: str) -> str:
        body = "\n".join(f"<p>{html.escape(p)}</p>" for p in _paragraphs(prose))
        steps = real_steps(brief) if spec.kind == "steps" else []
        if steps:  # a bare <ol>: the schema layer reads HowTo steps from it, so only real steps get one
            body = "<ol>" + "".join(f"<li>{html.escape(s)}</li>" for s in steps) + "</ol>\n" + body
            page.steps = steps
        return body

    def _faq_body(self, brief: dict[str, Any], page: _PageState) -> str | None:
        parts = []
        for question in (brief.get("questions") or [])[:FAQ_LIMIT]:
            answer = self._prose(brief, question, page, words=page.faq_words)
            if not answer:
                continue  # a question without a real answer is not published (FAQPage schema reads these)
            page.faq.append((question, answer))
            parts.append(f"<h3>{html.escape(question)}</h3>\n<p>{html.escape(answer)}</p>")
        return "\n".join(parts) or None

    def _list_items(self, spec: SectionSpec, brief: dict[str, Any]) -> list[str] | str:
        related = [r["title"] for r in brief.get("related", [])]
        values = [v for values in brief.get("attribute_options", {}).values() for v in values]
        if spec.key in {"pros", "cons"}:
            pros = list(dict.fromkeys(p.strip() for p in brief.get("pros") or [] if p.strip()))
            cons = list(dict.fromkeys(c.strip() for c in brief.get("cons") or [] if c.strip()))
            mine = pros if spec.key == "pros" else cons
            overlap = {p.lower() for p in pros} & {c.lower() for c in cons}
            if len(mine) < 2 or overlap:
                return "the brief holds no distinct pros and cons"
            return [i for i in mine if i.lower() not in overlap][:8]
        if spec.key in {"topics", "browse", "list"}:
            items = related or [_title_case(k) for k in brief["target_keywords"]]
            limit = 8
        else:  # benefits, values: what the brief says, else the options the site offers
            items = list(brief.get(spec.key) or []) or values or related
            limit = 6
        items = list(dict.fromkeys(i for i in items if i))[:limit]
        return items or "the blueprint holds no items for this list"

    def write_page(self, brief: Brief, *, meter: Meter | None = None) -> PageDraft:
        specs = layout_for(brief["structure"])
        topic = brief.get("topic") or brief["title"]
        prose_words, faq_words = self._words_for(brief, specs)
        page = _PageState(
            meter=meter,
            outline=[s.heading.format(topic=topic) for s in specs],
            prose_words=prose_words,
            faq_words=faq_words,
        )
        sections: list[WrittenSection] = []
        omitted: dict[str, str] = {}
        for spec in specs:
            written = self._section(spec, brief, page)
            if isinstance(written, str):
                omitted[spec.key] = written
            else:
                sections.append(written)
        summary = next((s.text for s in sections if s.text and s.source == "model"), "")
        summary = summary or next((s.text for s in sections if s.text), "") or brief["title"]
        meta = _meta_description(summary)
        self.gateway.charge("writer", "content_generation", page.calls, meter)
        return PageDraft(
            title=brief["title"],
            meta_description=meta,
            sections=sections,
            faq=page.faq,
            calls=page.calls,
            steps=page.steps,
            omitted=omitted,
            profile=self.profile,
        )


@dataclass
class _PageState:
    """What one page's sections share while it is written."""

    meter: Meter | None
    outline: list[str]
    prose_words: int
    faq_words: int
    calls: list[Completion] = field(default_factory=list)
    faq: list[tuple[str, str]] = field(default_factory=list)
    steps: list[str] = field(default_factory=list)
    seen: list[str] = field(default_factory=list)  # normalised sentences already on the page


def _specs_body(brief: dict[str, Any]) -> str | None:
    rows = {k: v for k, v in (brief.get("specs") or {}).items() if k and v}
    if not rows:
        return None
    cells = "".join(f"<tr><th>{html.escape(k)}</th><td>{html.escape(v)}</td></tr>" for k, v in rows.items())
    return f'<table class="specs"><tbody>{cells}</tbody></table>'


def _comparison_body(brief: dict[str, Any]) -> str | None:
    """A table of real cells (build_brief's comparison_rows), or None: never a "See below" cell."""
    compared = brief.get("compared") or []
    rows = [r for r in brief.get("comparison_rows") or [] if len(r["cells"]) == len(compared) and all(r["cells"])]
    if len(compared) < 2 or len(rows) < 2:
        return None
    head = "".join(f'<th scope="col">{html.escape(c)}</th>' for c in compared)
    body = "".join(
        f'<tr><th scope="row">{html.escape(r["aspect"])}</th>'
        + "".join(f"<td>{html.escape(c)}</td>" for c in r["cells"])
        + "</tr>"
        for r in rows
    )
    return f'<table class="comparison"><thead><tr><td></td>{head}</tr></thead><tbody>{body}</tbody></table>'


def _meta_description(summary: str, limit: int = 155) -> str:
    """Whole sentences up to ``limit`` characters; a first sentence longer than that is cut at a word."""
    meta = ""
    for sentence in split_sentences(summary):
        if len(f"{meta} {sentence}".strip()) > limit:
            break
        meta = f"{meta} {sentence}".strip()
    return meta or summary[:limit].rsplit(" ", 1)[0]


def _paragraphs(text: str, size: int = 4) -> list[str]:
    sentences = split_sentences(text)
    return [" ".join(sentences[i : i + size]) for i in range(0, len(sentences), size)] or [text]


def _strip_topic(text: str, brief: dict[str, Any], heading: str) -> str:
    """An instruction without the page's own topic words: on-topic prose must not count as an echo."""
    for term in [brief["title"], heading, brief.get("topic") or "", *brief.get("target_keywords", [])]:
        if term:
            text = re.sub(re.escape(term), " ", text, flags=re.IGNORECASE)
    return text
