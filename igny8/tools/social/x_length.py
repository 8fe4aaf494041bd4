"""How X counts a post's length (twitter-text's v3 configuration, documented at
developer.x.com "Counting characters"): text is NFC-normalised; a code point in the light ranges weighs 1,
every other code point 2 (CJK, emoji); each URL counts 23 whatever its length; the limit is 280.

twitter-text-parser implements the same rules but imports pkg_resources, which current setuptools no longer
ships, so the counting is done here from the documented configuration."""

from __future__ import annotations

import re
import unicodedata

MAX_WEIGHTED_LENGTH = 280
URL_WEIGHT = 23
# (start, end) code point ranges weighing 1 (twitter-text config/v3.json); everything else weighs 2.
LIGHT_RANGES = ((0, 4351), (8192, 8205), (8208, 8223), (8242, 8247))
# What X turns into a t.co link: a scheme URL, or a bare www./domain.tld name (simplified from twitter-text's
# extractor: enough for the links our posts carry, which always have a scheme).
URL = re.compile(
    r"(?:https?://[^\s<>\"]+|\bwww\.[^\s<>\"]+|\b[a-z0-9-]+(?:\.[a-z0-9-]+)*\.(?:com|org|net|io|co|dev|app)\b[^\s<>\"]*)",
    re.IGNORECASE,
)
_TRAILING_PUNCTUATION = ".,;:!?)]}'\""
# An emoji with its modifiers and zero-width-joined parts counts 2 as a whole, like one heavy code point.
EMOJI = re.compile(
    "[\U0001f000-\U0001faff\u2600-\u27bf](?:[\ufe0f\U0001f3fb-\U0001f3ff]|\u200d[\U0001f000-\U0001faff\u2600-\u27bf])*"
)


def _code_point_weight(char: str) -> int:
    point = ord(char)
    return 1 if any(start <= point <= end for start, end in LIGHT_RANGES) else 2


def urls_in(text: str) -> list[tuple[int, int]]:
    """(start, end) of each URL X would shorten, trailing punctuation left out as X does."""
    spans = []
    for match in URL.finditer(text):
        end = match.end()
        while end > match.start() and text[end - 1] in _TRAILING_PUNCTUATION:
            end -= 1
        spans.append((match.start(), end))
    return spans


def _plain_weight(text: str) -> int:
    emoji_weight = 2 * len(EMOJI.findall(text))
    return emoji_weight + sum(_code_point_weight(c) for c in EMOJI.sub("", text))


def weighted_length(text: str) -> int:
    """The length X counts for ``text``."""
    text = unicodedata.normalize("NFC", text)
    total, position = 0, 0
    for start, end in urls_in(text):
        total += _plain_weight(text[position:start]) + URL_WEIGHT
        position = end
    return total + _plain_weight(text[position:])
