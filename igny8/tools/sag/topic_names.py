"""Names a searcher or an editor would give a topic: an attribute as a topic ("Dental Concerns", "Dental
Insurance Plans We Accept"), a search pattern generalised over an attribute ("what causes dental concerns"),
and the check that a name is only a list of values ("Crooked Teeth, Stained Teeth and More")."""

from __future__ import annotations

import re
from functools import lru_cache

import inflect

from igny8.domain.blueprint import Attribute
from igny8.tools.sag.keyword_expansion import placeholders

# Last words that have no plural in a topic name ("Dental Insurance", "Pricing", "Who Is Looking").
_NO_PLURAL = {
    "insurance",
    "care",
    "damage",
    "loss",
    "equipment",
    "software",
    "hardware",
    "furniture",
    "clothing",
    "jewelry",
    "gear",
    "research",
    "advice",
    "information",
    "for",
    "help",
    "support",
    "access",
    "service",
    "services",
    "level",
}


@lru_cache(maxsize=1)
def _engine() -> inflect.engine:
    return inflect.engine()


def _plural_word(word: str) -> str:
    if word.lower() in _NO_PLURAL or word.lower().endswith(("ing", "s")) or not word.isalpha():
        return word
    plural = _engine().plural_noun(word.lower())
    if not isinstance(plural, str) or not plural:
        return word
    return plural[:1].upper() + plural[1:] if word[:1].isupper() else plural


def plural_name(name: str) -> str:
    """'Dental Concern' → 'Dental Concerns', 'Room or Window' → 'Rooms or Windows'; 'Dental Insurance',
    'Pricing', 'Who Is Looking' stay as they are."""
    parts = re.split(r"( or | and | & )", name)
    return "".join(
        part if index % 2 else " ".join([*part.split()[:-1], _plural_word(part.split()[-1])])
        for index, part in enumerate(parts)
        if part
    )


def attribute_topic(attribute: Attribute) -> str:
    """The name of the topic that gathers an attribute's values, phrased for its kind."""
    name = attribute.name.strip()
    if attribute.kind == "brand" and "insurance" in name.lower():
        return f"{name} Plans We Accept" if not name.lower().endswith("plan") else f"{plural_name(name)} We Accept"
    if attribute.kind == "audience":
        return f"Options by {name}"
    return plural_name(name)


def attribute_phrase(attribute: Attribute) -> str:
    """The attribute as it reads inside a search ('dental concerns', 'dental insurance')."""
    if attribute.kind == "brand":
        return attribute.name.lower()
    if attribute.kind == "audience":
        return f"every {attribute.name.lower()}"
    return plural_name(attribute.name).lower()


def pattern_topic(pattern: str, attribute: Attribute) -> str | None:
    """A search pattern that ends with the attribute, named for the whole attribute and title-cased:
    'what causes {concern}' → 'What Causes Dental Concerns'. None when the attribute is not its object
    ('{make} service hours' would read 'Vehicle Makes Service Hours')."""
    names = placeholders(pattern)
    if not pattern.rstrip().endswith("{" + attribute.slug + "}") or names.count(attribute.slug) != 1:
        return None
    phrase = attribute_phrase(attribute)
    text = pattern
    for name in names:
        text = text.replace("{" + name + "}", phrase if name == attribute.slug else "")
    text = re.sub(r"\s+", " ", text).strip()
    if phrase != attribute.name.lower():  # made plural: 'what is' → 'what are'
        text = re.sub(r"^(what |how )?is\b", lambda m: f"{m.group(1) or ''}are", text)
    return title_case(text) if text.lower() != phrase else None


def pattern_remainder(pattern: str) -> str:
    """What a search pattern asks beside its placeholders, title-cased: '{brand} boat prices' → 'Boat Prices'."""
    text = re.sub(r"\{[^}]*\}", " ", pattern)
    return title_case(re.sub(r"\s+", " ", text).strip())


def title_case(text: str) -> str:
    small = {"a", "an", "and", "or", "for", "of", "in", "on", "the", "to", "vs", "with", "at", "by"}
    words = text.split()
    return " ".join(w if (i and w in small) else (w[:1].upper() + w[1:]) for i, w in enumerate(words))


def is_value_list(name: str, values: set[str]) -> bool:
    """Whether a cluster name or hub title only lists values: 'A, B and More', 'A, B and C', 'A and B'
    where A and B are values of the site's attributes."""
    head = name.split(":", 1)[0].strip()
    if re.search(r"\band more\b", head, re.IGNORECASE) or re.search(r",.+\band\b", head):
        return True
    lowered = {v.lower() for v in values}
    parts = [p.strip().lower() for p in re.split(r",| and | & ", head) if p.strip()]
    return len(parts) >= 2 and sum(p in lowered for p in parts) >= 2
