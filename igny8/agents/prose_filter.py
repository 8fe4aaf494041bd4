"""What the writer keeps of a model's prose: no markdown, no talk about the task, no sentence that echoes the
prompt, no invented people or credentials, no repeats. The page quality evaluation measures with the same
functions."""

from __future__ import annotations

import re

from rapidfuzz import fuzz

from igny8.agents.writer_prompts import INSTRUCTION_TEXTS
from igny8.domain.text import normalised, split_sentences

_META_TALK = re.compile(
    r"(?i)\b(here is|here's|you are asked|sample of the text|as an ai|this paragraph|"
    r"the web page|this web page|word count|i will|i'm going to|i'm here to help|assistant|"
    r"i can help|happy to help|write \d+|\d+ to \d+ words|words for readers|mentioning|here’s|"
    # the full profile's prompt labels: prose that contains them is restating the prompt's scaffolding
    r"page title:|page type:|outline of the page|facts from the site plan|topic cluster:|search terms to cover|"
    r"options on this site|questions readers ask|related pages on this site|this section|the section[:’']|"
    r"the content[’']s)"
    r"|^\s*(?:sure|certainly|of course)\b"
)
_PERSON = re.compile(
    r"\b(?:Dr|Doctor|Prof|Professor|Mr|Mrs|Ms|Miss|Mx|Sir|Dame)\b\.?\s+[A-Z][a-z]+"
    r"|\b[A-Z][a-z]+,?\s+(?:MD|M\.D\.|DDS|D\.D\.S\.|DMD|PhD|Ph\.D\.|RN|DVM|CPA|Esq)\b"
    r"|\b(?:MD|DDS|DMD|PhD|Ph\.D\.|M\.D\.)\b"
    r"|(?i:\bmy name(?:'s| is)\b)"
    r"|\b(?:I'm|I am|I’m)\s+[A-Z][a-z]+"
    r"|(?i:\b\d+\+? years of (?:experience|practice)\b)"
    r"|(?i:\bboard[- ]certified\b)"
)
_SELF_TALK = re.compile(r"\b(?:I|I'm|I’m|I've|I'll|I'd|me)\b")


def invented_people(sentence: str) -> list[str]:
    """Named people, honorifics and credentials a model made up (the site names no one in a brief)."""
    return [m.group(0) for m in _PERSON.finditer(sentence)]


def _ngrams(text: str, n: int) -> set[tuple[str, ...]]:
    words = re.findall(r"[a-z0-9']+", text.lower())
    return {tuple(words[i : i + n]) for i in range(len(words) - n + 1)}


def echo_overlap(sentence: str, instructions: tuple[str, ...] | list[str] = INSTRUCTION_TEXTS) -> float:
    """Share of the sentence's word trigrams found in an instruction text (0 = none, 1 = a copy)."""
    grams = _ngrams(sentence, 3)
    if not grams:
        return 0.0
    known: set[tuple[str, ...]] = set()
    for text in instructions:
        known |= _ngrams(text, 3)
    return len(grams & known) / len(grams)


def echoes_prompt(sentence: str, instructions: tuple[str, ...] | list[str] = INSTRUCTION_TEXTS) -> bool:
    return bool(_META_TALK.search(sentence)) or echo_overlap(sentence, instructions) >= 0.35


def is_repeat(sentence: str, seen: list[str]) -> bool:
    norm = normalised(sentence)
    return any(norm == other or fuzz.ratio(norm, other) >= 88 for other in seen)


# A chat-template token in an answer means the model went on to write the next turn itself (base models
# do): everything from it on is not prose.
CHAT_TOKEN = re.compile(r"<\|[a-z_]*\|?>?|<(?:start|end)_of_turn>|<\|?(?:im_start|im_end|endoftext|eot_id)", re.I)


def clean_model_text(text: str) -> str:
    """Plain prose from a model answer: no markdown, no talk about the task itself, collapsed whitespace."""
    text = CHAT_TOKEN.split(text, maxsplit=1)[0]
    text = re.sub(r"```.*?```", " ", text, flags=re.DOTALL)
    text = re.sub(r"(?m)^\s*(#+|[-*•]|\d+\.)\s*", "", text)
    text = re.sub(r"[*_`#>\"“”]+", "", text)
    text = re.sub(r"\s+", " ", text).strip()
    sentences = re.split(r"(?<=[.!?])\s+", text)
    kept = [s for s in sentences if s and not _META_TALK.search(s)]
    if kept and not re.search(r"[.!?]$", kept[-1]):
        kept = kept[:-1] or kept  # drop a sentence cut off by the token limit
    return " ".join(kept).strip()


def filter_sentences(text: str, *, instructions: list[str], seen: list[str]) -> str:
    """Drop sentences that echo the prompt, invent people or credentials, talk about the writer itself,
    or repeat a sentence already on the page (``seen`` collects the page's sentences)."""
    kept = []
    for sentence in split_sentences(clean_model_text(text)):
        if len(re.findall(r"\w+", sentence)) < 4 or not re.search(r"[.!?]$", sentence):
            continue
        if echoes_prompt(sentence, instructions) or invented_people(sentence) or _SELF_TALK.search(sentence):
            continue
        if is_repeat(sentence, seen):
            continue
        seen.append(normalised(sentence))
        kept.append(sentence)
    return " ".join(kept)


# -- what the brief knows ----------------------------------------------------------------------------
