"""The page-quality metrics on hand-written good and bad pages (pure functions, deterministic embedder)."""

from __future__ import annotations

import json

from igny8.evals.page_quality import (
    PageText,
    duplicate_sentence_ratio,
    invented_people_count,
    lead_repeats_title,
    ngram_repeat_ratio,
    prompt_echo,
    readability,
    score_page,
    summarise,
)
from igny8.evals.page_sources import pages_from_exports
from igny8.llm.embedder import FakeEmbedder

TITLE = "Dental Crowns Cost: What You Need to Know"
BRIEF = "Dental Crowns Cost: What You Need to Know. Dental Crowns. dental crowns cost, cheap dental crowns"
GOOD_HTML = (
    "<p>Dental crowns cost depends on the material and on how much work the tooth needs first.</p>\n"
    '<section id="intro"><h2>Introduction</h2><p>A crown covers a weak or broken tooth. Porcelain crowns match '
    "the colour of nearby teeth, while metal crowns are stronger on back teeth. Many clinics offer payment "
    "plans that spread the cost of dental crowns over several months.</p></section>"
)
BAD_HTML = (
    "<p>Dental Crowns Cost: What You Need to Know.</p>\n"
    '<section id="intro"><h2>Introduction</h2><p>Write 60 to 90 words for readers, mentioning dental crowns '
    "cost. Dr. Lena Petrov, DDS, is our expert. My name is Tom and I fix teeth. The sea is calm and the "
    "sky is blue today. The sea is calm and the sky is blue today. The sea is calm and the sky is blue "
    "today.</p></section>"
)


def test_prompt_echo_counts_sentences_that_copy_the_instructions() -> None:
    good = ["Porcelain crowns match the colour of nearby teeth.", "Metal crowns are stronger."]
    bad = ["Write 60 to 90 words for readers, mentioning dental crowns.", "Metal crowns are stronger."]
    copied = ["You write short, factual paragraphs for a website."]
    assert prompt_echo(good) == 0.0
    assert prompt_echo(bad) == 0.5
    assert prompt_echo(copied) == 1.0
    assert prompt_echo(["Brush twice a day. <|imstart|user Why a fence is good."]) == 1.0
    assert prompt_echo([]) == 0.0


def test_invented_people_and_credentials_are_counted() -> None:
    assert invented_people_count(["Dr. Lena Petrov, DDS, is our expert.", "I'm Sarah."]) == 3
    assert invented_people_count(["Prof. Ann Lee says so.", "With 20 years of experience we help."]) == 2
    assert invented_people_count(["Crowns last for years.", "Ask our team about payment plans."]) == 0


def test_repetition_metrics() -> None:
    same = ["The sea is calm.", "Crowns last.", "The sea is calm!"]
    assert duplicate_sentence_ratio(same) == 1 / 3
    assert duplicate_sentence_ratio(["One thing here.", "Another thing there."]) == 0.0
    assert ngram_repeat_ratio("a b c a b c a b c") > 0.6
    assert ngram_repeat_ratio("crowns cover weak teeth and restore their shape") == 0.0


def test_lead_that_only_restates_the_title() -> None:
    assert lead_repeats_title(TITLE, "Dental Crowns Cost: What You Need to Know.")
    assert lead_repeats_title(TITLE, "What you need to know about dental crowns cost")
    assert lead_repeats_title(TITLE, "")
    assert not lead_repeats_title(
        TITLE, "Dental crowns cost depends on the material and on how much work the tooth needs."
    )


def test_readability_prefers_plain_sentences() -> None:
    plain = "Crowns cover teeth. They last for years. Ask us how much they cost."
    dense = (
        "Notwithstanding considerable interindividual variability, prosthodontic restorations demonstrate "
        "substantially heterogeneous longitudinal survivorship characteristics."
    )
    assert readability(plain) > 70 > readability(dense)
    assert readability("") == 0.0


def test_score_page_tells_a_good_page_from_a_bad_one() -> None:
    embedder = FakeEmbedder()
    good = score_page(PageText(TITLE, "Dental crowns cost depends on the material.", GOOD_HTML, BRIEF), embedder)
    bad = score_page(PageText(TITLE, "Dental Crowns Cost: What You Need to Know.", BAD_HTML, BRIEF), embedder)
    assert good.prompt_echo == 0 and bad.prompt_echo > 0
    assert good.invented_people == 0 and bad.invented_people >= 3
    assert good.on_topic > bad.on_topic
    assert good.dup_sentences == 0 and bad.dup_sentences > 0.2
    assert good.lead_is_title == 0 and bad.lead_is_title == 1
    summary = summarise([good, bad])
    assert summary["pages"] == 2 and summary["invented_people"] == bad.invented_people


def test_exported_pages_are_read_with_their_tldr(tmp_path) -> None:  # type: ignore[no-untyped-def]
    pages = tmp_path / "site-1" / "pages"
    pages.mkdir(parents=True)
    tldr = '<aside data-igny8-element="tldr" class="tldr"><strong>TL;DR:</strong> Dental crowns cost</aside>'
    data = {"title": "Dental Crowns Cost", "meta_description": "Prices vary.", "html": tldr + GOOD_HTML}
    (pages / "dental-crowns-cost.json").write_text(json.dumps({**data, "target_keywords": ["dental crowns cost"]}))
    (pages / "no-html.json").write_text(json.dumps({"title": "x"}))
    [page] = pages_from_exports(tmp_path)
    assert page.lead == "Dental crowns cost" and "dental crowns cost" in page.brief
    assert score_page(page, FakeEmbedder()).lead_is_title == 1
