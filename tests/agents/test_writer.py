"""The writer agent with the scripted fake model: real data or no section, clean prose, two profiles."""

from __future__ import annotations

from typing import Any

import pytest

from igny8.agents.prose_filter import echoes_prompt, filter_sentences, invented_people
from igny8.agents.writer import PROSE_TOKENS, WriterAgent, real_steps
from igny8.config import Settings
from igny8.llm import fake
from igny8.llm.gateway import ModelGateway

GOOD = (
    "Dental crowns cover a damaged tooth and restore its shape. They are made from porcelain, metal or a mix "
    "of both. Most crowns last many years with good care."
)


def brief(**overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "title": "Dental Crowns Cost: What You Need to Know",
        "slug": "dental-crowns-cost",
        "kind": "supporting",
        "content_type": "post",
        "structure": "article",
        "priority_phase": 2,
        "cluster": {"slug": "dental-crowns", "name": "Dental Crowns", "type": "product_category"},
        "target_keywords": ["dental crowns cost", "cheap dental crowns"],
        "topic": "Dental Crowns",
        "outline": [],
        "questions": ["How long do dental crowns last?"],
        "related": [{"slug": "dental-crowns", "title": "Dental Crowns: Options, Costs and How to Choose"}],
        "specs": {"Treatment": "Dental Crowns"},
        "steps": [],
        "compared": [],
        "comparison_rows": [],
        "attribute_options": {"Treatment": ["Dental Crowns", "Dental Bonding", "Veneers"]},
        "site_type": "local_service",
        "blueprint_version": 1,
    }
    data.update(overrides)
    return data


def write(settings: Settings, page_brief: dict[str, Any], model: fake.ScriptedModel, **kw: Any):  # type: ignore[no-untyped-def]
    with fake.override(model):
        return WriterAgent(ModelGateway(settings), **kw).write_page(page_brief)


def test_comparison_table_has_real_cells_or_is_left_out(settings: Settings) -> None:
    rows = [
        {"aspect": "Type", "cells": ["Treatment", "Treatment"]},
        {"aspect": "Common question", "cells": ["How long do dental crowns last?", "Does Cigna cover bonding?"]},
    ]
    compared = ["Dental Crowns", "Dental Bonding"]
    draft = write(
        settings,
        brief(structure="comparison", compared=compared, comparison_rows=rows),
        fake.ScriptedModel(default=GOOD),
    )
    table = next(s for s in draft.sections if s.key == "table")
    assert "See below" not in table.html
    assert "<td>How long do dental crowns last?</td>" in table.html and "Dental Bonding" in table.html

    without = write(settings, brief(structure="comparison", compared=compared), fake.ScriptedModel(default=GOOD))
    assert "table" not in [s.key for s in without.sections]
    assert "table" in without.omitted
    assert all("See below" not in s.html for s in without.sections)


def test_pros_and_cons_must_be_distinct_and_real(settings: Settings) -> None:
    none = write(settings, brief(structure="review"), fake.ScriptedModel(default=GOOD))
    assert {"pros", "cons"} <= set(none.omitted)
    same = write(
        settings,
        brief(structure="review", pros=["Fast", "Cheap"], cons=["Fast", "Cheap"]),
        fake.ScriptedModel(default=GOOD),
    )
    assert {"pros", "cons"} <= set(same.omitted)
    real = write(
        settings,
        brief(
            structure="review",
            pros=["Lasts for years", "Looks natural"],
            cons=["Costs more than bonding", "Two visits"],
        ),
        fake.ScriptedModel(default=GOOD),
    )
    pros = next(s for s in real.sections if s.key == "pros")
    cons = next(s for s in real.sections if s.key == "cons")
    assert "<li>Looks natural</li>" in pros.html and "<li>Two visits</li>" in cons.html


def test_generic_steps_never_become_a_howto_list(settings: Settings) -> None:
    legacy = ["Tell us what you need with dental crowns", "Get a clear plan and price", "Follow-up and aftercare"]
    assert real_steps({"steps": legacy}) == []
    draft = write(settings, brief(structure="guide", steps=legacy), fake.ScriptedModel(default=GOOD))
    steps_section = next(s for s in draft.sections if s.key == "steps")
    assert "<ol>" not in steps_section.html and draft.steps == []

    real = ["Numb the tooth", "Shape the tooth", "Fit the crown"]
    draft = write(settings, brief(structure="guide", steps=real), fake.ScriptedModel(default=GOOD))
    assert draft.steps == real
    assert "<li>Shape the tooth</li>" in next(s for s in draft.sections if s.key == "steps").html


def test_a_list_without_items_becomes_a_paragraph_and_empty_specs_are_left_out(settings: Settings) -> None:
    draft = write(
        settings,
        brief(structure="business_page", related=[], attribute_options={}, specs={}),
        fake.ScriptedModel(default=GOOD),
    )
    values = next(s for s in draft.sections if s.key == "values")
    assert "<ul>" not in values.html and "<p>" in values.html and values.kind == "prose"
    product = write(settings, brief(structure="product_page", specs={}), fake.ScriptedModel(default=GOOD))
    assert "specs" in product.omitted and "<table" not in "".join(s.html for s in product.sections)


def test_prompt_echo_people_and_repeats_are_filtered() -> None:
    text = (
        "Write 60 to 90 words for readers, mentioning dental crowns cost. "
        "Dr. Lena Petrov, DDS, has fitted crowns for years. "
        "I'm Sarah and I love teeth. " + GOOD + " Dental crowns cover a damaged tooth and restore its shape."
    )
    kept = filter_sentences(text, instructions=[], seen=[])
    assert "Write 60" not in kept and "Petrov" not in kept and "Sarah" not in kept
    assert kept.count("restore its shape") == 1
    assert kept.startswith("Dental crowns cover")
    assert invented_people("Ask Dr. Lena Petrov about it.") and invented_people("Jane Roe, MD, says so.")
    assert invented_people("My name is Tom.") and not invented_people("Crowns last for years.")
    assert (
        filter_sentences(GOOD + " <|im_start|>user Why a fence is a good investment.", instructions=[], seen=[]) == GOOD
    )
    assert echoes_prompt("You write short, factual paragraphs for a website.")
    assert not echoes_prompt("Porcelain crowns match the colour of nearby teeth.")


def test_an_empty_answer_is_retried_once_then_a_fact_from_the_brief_is_used(settings: Settings) -> None:
    bad = "Dr. Anna Smith, DDS, says hello. Write 60 to 90 words for readers."
    model = fake.ScriptedModel(default=bad)
    draft = write(settings, brief(structure="general"), model)
    assert len(model.calls) == 2 * 3  # three prose sections, each asked twice
    texts = [s.text for s in draft.sections]
    assert all(texts) and len(set(texts)) == len(texts)  # fallbacks differ from one section to the next
    assert all(s.source == "fallback" for s in draft.sections)
    assert "dental crowns cost" in texts[0]
    assert not any("Smith" in t or "Write 60" in t for t in texts)


def test_compact_profile_for_small_models_puts_the_instructions_in_the_system_message(settings: Settings) -> None:
    model = fake.ScriptedModel(default=GOOD)
    draft = write(settings, brief(), model)
    assert draft.profile == "compact"
    assert draft.meta_description.endswith(".") and len(draft.meta_description) <= 155  # whole sentences
    first = model.calls[0]
    assert first["params"]["max_tokens"] == PROSE_TOKENS
    assert first["messages"][0]["role"] == "system"
    assert "Write 60" not in first["messages"][-1]["content"]
    assert [m["role"] for m in first["messages"]] == ["system", "user", "assistant", "user"]


def test_full_profile_sends_outline_and_facts_and_asks_for_more(settings: Settings) -> None:
    full = settings.model_copy(update={"writer_profile": "full"})
    model = fake.ScriptedModel(default=GOOD)
    page_brief = brief(structure="cluster_hub", kind="hub", outline=["Dental Crowns Cost"])
    draft = write(full, page_brief, model)
    assert draft.profile == "full"
    prose_calls = model.calls
    assert len(prose_calls) >= 3
    for call in prose_calls:
        prompt = call["messages"][-1]["content"]
        for heading in ("Introduction", "Dental Crowns: An Overview", "Explore the Topics", "How to Choose"):
            assert heading in prompt
        assert "dental crowns cost; cheap dental crowns" in prompt
        assert "Treatment: Dental Crowns" in prompt
        assert call["params"]["max_tokens"] > PROSE_TOKENS
    intro = prose_calls[0]
    assert intro["params"]["max_tokens"] >= 600  # a hub's prose sections carry 1,500-2,500 words in all


@pytest.mark.parametrize(("model", "expected"), [("igny8-local/smollm2-135m", "compact"), ("openai/gpt-4o", "full")])
def test_auto_profile_follows_the_writer_model(settings: Settings, model: str, expected: str) -> None:
    configured = settings.model_copy(update={"writer_model": model})
    assert WriterAgent(ModelGateway(configured)).profile == expected
