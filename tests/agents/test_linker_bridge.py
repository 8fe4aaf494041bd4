"""A bridging sentence from the linker's model is used only when it is one plain sentence naming the anchor;
talk about the task, an echo of the request or an invented person gets the fixed sentence instead."""

import pytest

from igny8.agents.linker import BRIDGE_REQUEST, _usable_bridge

ANCHOR = "Root Canal"
ASKED = BRIDGE_REQUEST.format(anchor=ANCHOR)


@pytest.mark.parametrize(
    "answer",
    [
        'Here\'s a revised version of the sentence: " Root Canal " is a luxury only the wealthy can afford.',
        "Write one short sentence inviting the reader to read our page Root Canal.",
        "Dr. Lena Petrov explains our Root Canal treatment in detail.",
        "Read about Root Canal. It is great. Call us.",
        "Read our guide to implants.",
    ],
)
def test_a_bad_bridge_is_refused(answer: str) -> None:
    assert not _usable_bridge(answer, ANCHOR, ASKED)


def test_a_plain_sentence_naming_the_anchor_is_used() -> None:
    assert _usable_bridge("Read our Root Canal guide to see what the treatment involves.", ANCHOR, ASKED)
