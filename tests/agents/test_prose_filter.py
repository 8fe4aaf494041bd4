"""Sentences that restate the prompt's scaffolding (the full profile's labels, task talk with any apostrophe)
are dropped; plain prose about the topic is kept. The first three come from real pages of a 135M model."""

import pytest

from igny8.agents.prose_filter import echoes_prompt

SCAFFOLDING = [
    "Sure, you can find the section Does aetna cover porcelain veneers here: The section’s title: Veneers.",
    "Some of the facts you might find on this site: Topic cluster: Root Canal (informational).",
    "The section: Introduction: Cavities are one of the most common health problems.",
    "Here’s a revised version of the sentence about dental bonding.",
    "Facts from the site plan: Treatment options on this site: Braces, Invisalign.",
]


@pytest.mark.parametrize("sentence", SCAFFOLDING)
def test_scaffolding_is_prompt_echo(sentence: str) -> None:
    assert echoes_prompt(sentence, [])


def test_plain_prose_is_kept() -> None:
    assert not echoes_prompt("Cavities are one of the most common dental problems, and early fillings help.", [])
