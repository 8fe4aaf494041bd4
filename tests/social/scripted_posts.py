"""A scripted social model for tests: a draft that keeps the rules of the network named in the prompt."""

from __future__ import annotations

import json
import re
from typing import Any

DRAFTS = {
    "linkedin": {
        "hook": "Missing teeth change how you eat and smile.",
        "body": "Implants restore both. Here is how the treatment works, what it costs and how long recovery takes.",
        "hashtags": ["DentalImplants", "Austin", "OralHealth"],
    },
    "x": {"hook": "Dental implants: what they cost and how recovery goes.", "body": "", "hashtags": ["Dental"]},
    "facebook": {
        "hook": "Thinking about implants?",
        "body": "Our guide answers the questions patients ask most.",
        "hashtags": ["Smile"],
    },
    "instagram": {
        "hook": "A new smile in three steps.",
        "body": "Swipe through what to expect.",
        "hashtags": ["Smile", "Dentist", "Implants"],
    },
    "tiktok": {
        "hook": "POV: you finally fixed that gap.",
        "body": "Here is what the treatment is like.",
        "hashtags": ["DentalTok", "Smile"],
    },
}


def platform_of(messages: list[dict[str, Any]]) -> str:
    match = re.search(r"Write an? (\w+) post", " ".join(str(m["content"]) for m in messages))
    assert match, "the social agent's prompt names the network"
    return match.group(1)


def draft_for(messages: list[dict[str, Any]]) -> str:
    return json.dumps(DRAFTS[platform_of(messages)])
