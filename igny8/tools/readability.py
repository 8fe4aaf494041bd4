"""Flesch reading ease with a vowel-group syllable count (English), computed offline."""

from __future__ import annotations

import re

_WORD = re.compile(r"[A-Za-z]+(?:'[A-Za-z]+)?")
_SENTENCE_END = re.compile(r"[.!?]+(?:\s|$)")


def syllables(word: str) -> int:
    word = word.lower()
    groups = re.findall(r"[aeiouy]+", word)
    count = len(groups)
    if word.endswith("e") and not word.endswith(("le", "ee")) and count > 1:
        count -= 1
    return max(1, count)


def sentence_count(text: str) -> int:
    return max(1, len(_SENTENCE_END.findall(text)))


def reading_ease(text: str) -> float:
    words = _WORD.findall(text)
    if not words:
        return 0.0
    per_sentence = len(words) / sentence_count(text)
    per_word = sum(syllables(w) for w in words) / len(words)
    return 206.835 - 1.015 * per_sentence - 84.6 * per_word


def words_per_sentence(text: str) -> float:
    return len(_WORD.findall(text)) / sentence_count(text)
