"""A Search Console "Queries" export for a dental blueprint (test and benchmark data), and a scripted clusterer
that files the keywords it is sent the way a capable model would (by shared words, else a new topic)."""

from __future__ import annotations

import csv
import io
import random
import re
from typing import Any

from igny8.domain.blueprint import Blueprint
from tests.crawl.fixtures import data_payload

OFF_TOPICS = ("pet grooming", "car insurance", "yoga classes", "tax preparation", "roof repair")
_MODIFIERS = ("2026", "austin tx", "near downtown", "for beginners", "reddit", "reviews", "cost", "online", "tips")
_OFF_FORMS = ("{t}", "best {t} {m}", "{t} {m}", "how to choose {t} {m}", "{m} {t} guide", "is {t} worth it {m}")
HEADER = ["Top queries", "Clicks", "Impressions", "CTR", "Position"]


def search_console_rows(blueprint: Blueprint, rows: int = 1000, seed: int = 11) -> list[list[str]]:
    """``rows`` distinct queries: half the blueprint's own keywords, a fifth of them with a modifier, the rest
    about topics the site does not cover; with clicks, impressions, CTR and position as Search Console writes them."""
    rng = random.Random(seed)
    own = sorted({k.text for c in blueprint.clusters for k in c.keywords})
    rng.shuffle(own)
    queries: list[str] = own[: rows // 2]
    variants = sorted({f"{text} {m}" for text in own for m in _MODIFIERS} - set(own))
    rng.shuffle(variants)
    queries.extend(variants[: rows * 7 // 10 - len(queries)])
    modifiers = [*_MODIFIERS, *(f"{a} {b}" for a in _MODIFIERS for b in _MODIFIERS if a != b)]
    off = sorted({form.format(t=t, m=m) for t in OFF_TOPICS for m in modifiers for form in _OFF_FORMS})
    rng.shuffle(off)
    queries.extend(off[: rows - len(queries)])
    assert len(queries) == rows == len(set(queries)), "not enough distinct queries for the export"
    out = []
    for query in queries:
        impressions = rng.randint(1, 20_000)
        clicks = rng.randint(0, impressions // 10)
        out.append(
            [query, str(clicks), f"{impressions:,}", f"{100 * clicks / impressions:.2f}%", f"{rng.uniform(1, 60):.1f}"]
        )
    return out


def search_console_csv(blueprint: Blueprint, rows: int = 1000, seed: int = 11) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(HEADER)
    writer.writerows(search_console_rows(blueprint, rows, seed))
    return buffer.getvalue().encode("utf-8-sig")  # Search Console's download starts with a BOM


def _words(text: str) -> set[str]:
    return set(re.findall(r"[a-z]+", text.lower())) - {"how", "to", "the", "a", "for", "is", "it", "of", "and"}


def file_like_a_model(messages: list[dict[str, Any]]) -> dict[str, Any]:
    """The scripted clusterer's answer to one batch: the cluster sharing most words with the keyword (two at
    least), else a new cluster named after the off-site topic it mentions."""
    payload = data_payload(messages)
    clusters = payload["clusters"]
    placements = []
    for item in payload["keywords"]:
        words = _words(item["keyword"])
        scored = [(len(words & _words(c["name"] + " " + " ".join(c["examples"]))), c["slug"]) for c in clusters]
        score, slug = max(scored)
        topic = next((t for t in OFF_TOPICS if t in item["keyword"]), None)
        if topic is None and score >= 2:
            placements.append({"index": item["index"], "cluster": slug, "new_cluster": None})
        else:
            placements.append({"index": item["index"], "cluster": None, "new_cluster": (topic or "other").title()})
    return {"placements": placements}
