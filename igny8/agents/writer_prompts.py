"""The writer agent's prompts, as named constants beside it: what each profile tells the model, and every
instruction string a writer prompt has used (prompt echo is measured against them)."""

from __future__ import annotations

COMPACT_SYSTEM = (
    "You write short, factual paragraphs for a website. Write three or four plain sentences about the "
    "topic you are given. Do not name any person, doctor or expert, and do not mention titles, degrees "
    "or years of experience. Do not give prices or statistics. Do not talk about yourself or the request."
)
# One worked example on a neutral topic: the model continues the pattern instead of echoing an order.
EXAMPLE_REQUEST = "Garden Fencing Guide. Why it matters: garden fencing, fence panels"
EXAMPLE_ANSWER = (
    "A sound fence marks the boundary of a garden and keeps pets and children safe. Treated timber panels "
    "last longer outdoors, and concrete posts resist rot. Checking the height allowed by local rules "
    "before buying avoids having to replace panels later."
)
FULL_SYSTEM = (
    "You are the writer of a website. You write one section of a page at a time, in plain paragraphs "
    "(no headings, no lists, no markdown). Use only the facts you are given and general knowledge; never "
    "invent people, names, credentials, reviews, prices or statistics. Do not repeat what other sections "
    "of the outline will cover, and do not talk about the request."
)
# Every instruction string a writer prompt has used, the old one included: what prompt echo is measured
# against (igny8.evals.page_quality) and what the writer's own filter drops.
LEGACY_INSTRUCTIONS = (
    "You are a website copywriter. Reply with the paragraph only.",
    "Page: {title}. Section: {heading}. Write 60 to 90 words for readers, mentioning {keywords}.",
)
INSTRUCTION_TEXTS: tuple[str, ...] = (COMPACT_SYSTEM, EXAMPLE_ANSWER, FULL_SYSTEM, *LEGACY_INSTRUCTIONS)
