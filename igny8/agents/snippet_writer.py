"""The snippet writer: a new title and meta description for a page that ranks well but is rarely clicked,
written for the queries it already shows up for. The caller keeps the before/after."""

from __future__ import annotations

from pydantic import BaseModel, Field

from igny8.llm.gateway import Meter, ModelGateway


class Snippet(BaseModel):
    title: str = Field(min_length=15, max_length=65, description="The page title shown in search results.")
    meta_description: str = Field(min_length=70, max_length=160, description="The description under the title.")


class SnippetWriter:
    def __init__(self, gateway: ModelGateway) -> None:
        self.gateway = gateway

    def rewrite(
        self,
        *,
        title: str,
        description: str,
        queries: list[str],
        position: float,
        ctr: float,
        meter: Meter | None = None,
    ) -> Snippet:
        shown_for = "; ".join(queries[:5]) or title
        return self.gateway.structured(
            "optimizer",
            [
                {
                    "role": "user",
                    "content": (
                        f"A web page ranks at position {position:.1f} in Google but only {ctr:.1%} of searchers "
                        f"click it. Searches it shows up for: {shown_for}.\nCurrent title: {title}\n"
                        f"Current description: {description or '(none)'}\nWrite a clearer, more specific title "
                        "(at most 60 characters, naming the main search) and a meta description of 120–155 "
                        "characters that says what the reader gets. No invented facts, prices or names."
                    ),
                }
            ],
            Snippet,
            operation="optimization",
            meter=meter,
            max_tokens=200,
        )
