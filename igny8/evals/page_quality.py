"""How good are the written pages? Deterministic metrics over a page's text, no judge model needed.

Metrics (each a pure function below, unit-tested with hand-written pages):

* prompt_echo     share of sentences whose word trigrams overlap a writer instruction string by 35% or
                  more, or that talk about the task ("write 60 to 90 words", "here is") — lower is better
* invented_people count of named people, honorifics and credentials (Dr./Prof./Mr./Mrs./Ms. + name,
                  MD/DDS/PhD, "my name is", "I'm <Name>", "N years of experience") — should be 0
* on_topic        mean cosine (all-MiniLM-L6-v2) between each paragraph and the brief (title, topic,
                  target keywords) — higher is better
* dup_sentences   share of sentences that repeat (or nearly repeat) an earlier sentence of the page
* ngram_repeat    share of word trigrams that occur more than once on the page (1 - distinct/total)
* lead_is_title   the lead / TL;DR / meta description merely restates the title (1) or not (0)
* readability     Flesch reading ease (textstat); 60-70 is plain English

Run:
    python -m igny8.evals.page_quality --site 3                 # pages stored for a site (content table)
    python -m igny8.evals.page_quality --exports .data/exports/site-3
    python -m igny8.evals.page_quality --generate 6 --model igny8-local/smollm2-135m [--json out.json]
"""

from __future__ import annotations

import argparse
import html as html_lib
import json
import os
import re
import statistics
import sys
from collections import Counter
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np
from rapidfuzz import fuzz

from igny8.agents.prose_filter import echo_overlap, invented_people, is_repeat
from igny8.agents.writer_prompts import INSTRUCTION_TEXTS
from igny8.domain.text import split_sentences
from igny8.llm.embedder import Embedder

ECHO_THRESHOLD = 0.35
_TASK_TALK = re.compile(
    r"(?i)\b(write \d+|\d+ to \d+ words|words for readers|here is|here's|as an ai|this paragraph|"
    r"word count|reply with|section:|page:)|<\|im_?start|<\|im_?end|<start_of_turn>|<end_of_turn>"
)


@dataclass(frozen=True, slots=True)
class PageText:
    """A page as the evaluation sees it."""

    title: str
    lead: str  # meta description / TL;DR / first paragraph
    html: str
    brief: str  # what the page is meant to be about: title, topic, target keywords
    seconds: float | None = None
    raw: str | None = None  # the model's answers before the writer's filters (generated pages only)


@dataclass(frozen=True, slots=True)
class PageScore:
    title: str
    sentences: int
    words: int
    prompt_echo: float
    invented_people: int
    on_topic: float
    dup_sentences: float
    ngram_repeat: float
    lead_is_title: int
    readability: float
    seconds: float | None
    raw_echo: float | None = None  # prompt_echo and invented_people of the unfiltered model answers
    raw_people: int | None = None


# -- pure metrics -------------------------------------------------------------------------------------
def body_text(document: str) -> str:
    """Visible prose of a page: paragraphs and list items, not headings or table cells."""
    parts = re.findall(r"<p[^>]*>(.*?)</p>", document, flags=re.DOTALL)
    text = " ".join(parts) if parts else document
    return html_lib.unescape(re.sub(r"<[^>]+>", " ", text))


def paragraphs_of(document: str) -> list[str]:
    found = [
        html_lib.unescape(re.sub(r"<[^>]+>", " ", p)).strip()
        for p in re.findall(r"<p[^>]*>(.*?)</p>", document, flags=re.DOTALL)
    ]
    return [p for p in found if len(p.split()) >= 5] or [body_text(document)]


def _instructions(texts: Iterable[str]) -> list[str]:
    return [re.sub(r"\{\w+\}", " ", t) for t in texts]  # template slots hold the page's own words


def prompt_echo(sentences: list[str], instructions: Iterable[str] = INSTRUCTION_TEXTS) -> float:
    if not sentences:
        return 0.0
    known = _instructions(instructions)
    echoed = [s for s in sentences if _TASK_TALK.search(s) or echo_overlap(s, known) >= ECHO_THRESHOLD]
    return len(echoed) / len(sentences)


def invented_people_count(sentences: list[str]) -> int:
    return sum(len(invented_people(s)) for s in sentences)


def duplicate_sentence_ratio(sentences: list[str]) -> float:
    if not sentences:
        return 0.0
    seen: list[str] = []
    repeats = 0
    for sentence in sentences:
        norm = " ".join(re.findall(r"[a-z0-9]+", sentence.lower()))
        if is_repeat(sentence, seen):
            repeats += 1
        seen.append(norm)
    return repeats / len(sentences)


def ngram_repeat_ratio(text: str, n: int = 3) -> float:
    words = re.findall(r"[a-z0-9']+", text.lower())
    grams = [tuple(words[i : i + n]) for i in range(len(words) - n + 1)]
    if not grams:
        return 0.0
    counts = Counter(grams)
    return sum(c for c in counts.values() if c > 1) / len(grams)


def lead_repeats_title(title: str, lead: str) -> bool:
    """The lead adds nothing to the title: the same words, or the title plus a few filler words."""
    t = re.findall(r"[a-z0-9]+", title.lower())
    lw = re.findall(r"[a-z0-9]+", lead.lower())
    if not lw:
        return True
    new_words = [w for w in lw if w not in set(t)]
    return len(new_words) <= 3 or (fuzz.token_set_ratio(" ".join(t), " ".join(lw)) >= 95 and len(lw) <= len(t) + 5)


def readability(text: str) -> float:
    """Flesch reading ease from textstat's word and sentence counts. Syllables come from pyphen (textstat's
    own fallback): textstat 0.7.13 would otherwise download NLTK's cmudict at run time (no network here)."""
    import pyphen
    import textstat

    words = textstat.lexicon_count(text)
    sentences = max(1, textstat.sentence_count(text))
    if not words:
        return 0.0
    hyphenator = pyphen.Pyphen(lang="en_US")
    syllables = sum(len(hyphenator.positions(w)) + 1 for w in re.findall(r"[a-z]+", text.lower()))
    return 206.835 - 1.015 * (words / sentences) - 84.6 * (syllables / words)


def on_topic_similarity(paragraphs: list[str], brief: str, embedder: Embedder) -> float:
    texts = [p for p in paragraphs if p.strip()]
    if not texts:
        return 0.0
    vectors = embedder.embed([brief, *texts])
    return float(np.mean(vectors[1:] @ vectors[0]))


def score_page(page: PageText, embedder: Embedder, instructions: Iterable[str] = INSTRUCTION_TEXTS) -> PageScore:
    text = body_text(page.html)
    sentences = split_sentences(text)
    return PageScore(
        title=page.title,
        sentences=len(sentences),
        words=len(re.findall(r"\w+", text)),
        prompt_echo=round(prompt_echo(sentences, instructions), 3),
        invented_people=invented_people_count(sentences),
        on_topic=round(on_topic_similarity(paragraphs_of(page.html), page.brief, embedder), 3),
        dup_sentences=round(duplicate_sentence_ratio(sentences), 3),
        ngram_repeat=round(ngram_repeat_ratio(text), 3),
        lead_is_title=int(lead_repeats_title(page.title, page.lead)),
        readability=round(readability(text), 1),
        seconds=page.seconds,
        raw_echo=None if page.raw is None else round(prompt_echo(split_sentences(page.raw), instructions), 3),
        raw_people=None if page.raw is None else invented_people_count(split_sentences(page.raw)),
    )


def summarise(scores: list[PageScore]) -> dict[str, float]:
    if not scores:
        return {}
    timed = [s.seconds for s in scores if s.seconds is not None]
    out = {
        "pages": len(scores),
        "words_per_page": statistics.mean(s.words for s in scores),
        "prompt_echo": statistics.mean(s.prompt_echo for s in scores),
        "invented_people": sum(s.invented_people for s in scores),
        "on_topic": statistics.mean(s.on_topic for s in scores),
        "dup_sentences": statistics.mean(s.dup_sentences for s in scores),
        "ngram_repeat": statistics.mean(s.ngram_repeat for s in scores),
        "lead_is_title": sum(s.lead_is_title for s in scores),
        "readability": statistics.mean(s.readability for s in scores),
    }
    if timed:
        out["seconds_per_page"] = statistics.mean(timed)
    raw = [s for s in scores if s.raw_echo is not None]
    if raw:
        out["raw_prompt_echo"] = statistics.mean(s.raw_echo or 0.0 for s in raw)
        out["raw_invented_people"] = sum(s.raw_people or 0 for s in raw)
    return {k: round(v, 3) for k, v in out.items()}


# -- page sources --------------------------------------------------------------------------------------
def print_table(scores: list[PageScore], label: str) -> None:
    from rich.console import Console
    from rich.table import Table

    table = Table(title=f"Page quality: {label}")
    columns = [
        "title",
        "words",
        "echo",
        "people",
        "on-topic",
        "dup",
        "3gram",
        "lead=title",
        "flesch",
        "s",
        "raw echo/people",
    ]
    for column in columns:
        table.add_column(column, justify="left" if column == "title" else "right")
    for s in scores:
        table.add_row(
            s.title[:48],
            str(s.words),
            f"{s.prompt_echo:.2f}",
            str(s.invented_people),
            f"{s.on_topic:.2f}",
            f"{s.dup_sentences:.2f}",
            f"{s.ngram_repeat:.2f}",
            str(s.lead_is_title),
            f"{s.readability:.0f}",
            "" if s.seconds is None else f"{s.seconds:.0f}",
            "" if s.raw_echo is None else f"{s.raw_echo:.2f} / {s.raw_people}",
        )
    console = Console(width=150)
    console.print(table)
    console.print(summarise(scores))


def main(argv: list[str] | None = None) -> int:
    from igny8.evals.page_sources import generate_pages, pages_from_exports, pages_from_site

    parser = argparse.ArgumentParser(description="Score written pages (see the module docstring).")
    source = parser.add_mutually_exclusive_group(required=True)
    source.add_argument("--site", type=int, help="score the pages stored for this site")
    source.add_argument("--exports", type=Path, help="score the pages exported under this folder")
    source.add_argument("--generate", type=int, metavar="N", help="write N dental briefs with --model, then score")
    parser.add_argument("--model", default="igny8-local/smollm2-135m", help="LiteLLM model name for --generate")
    parser.add_argument("--profile", default="auto", choices=["auto", "compact", "full"])
    parser.add_argument("--json", type=Path, help="also write the scores here")
    args = parser.parse_args(argv)
    os.environ.setdefault("LITELLM_LOCAL_MODEL_COST_MAP", "True")
    from igny8.config import Settings, get_settings
    from igny8.llm.embedder import embedder_for

    embedder = embedder_for(Settings(embedder="minilm"))
    if args.site is not None:
        pages, label = pages_from_site(get_settings(), args.site), f"site {args.site}"
    elif args.exports is not None:
        pages, label = pages_from_exports(args.exports), str(args.exports)
    else:
        pages, label = generate_pages(args.generate, args.model, embedder, args.profile), args.model
    if not pages:
        print("no pages found", file=sys.stderr)
        return 1
    scores = [score_page(p, embedder) for p in pages]
    print_table(scores, label)
    if args.json:
        args.json.write_text(
            json.dumps(
                {
                    "label": label,
                    "summary": summarise(scores),
                    "pages": [{**asdict(s), "html": p.html} for s, p in zip(scores, pages, strict=True)],
                },
                indent=2,
            )
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
