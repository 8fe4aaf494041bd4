"""A structured question about untrusted data (crawled pages, imported keywords): our instructions in the
system message, the data as one JSON block in the user message, the answer validated by the gateway."""

from __future__ import annotations

import json
from typing import Any, Literal, TypeVar

from pydantic import BaseModel, Field, create_model, model_validator

from igny8.config import AgentRole
from igny8.llm.gateway import Meter, ModelGateway

T = TypeVar("T", bound=BaseModel)
DATA_HEADER = "Data (JSON):\n"


def ask_about_data(
    gateway: ModelGateway,
    role: AgentRole,
    instructions: str,
    payload: dict[str, Any],
    output_type: type[T],
    *,
    operation: str,
    meter: Meter | None,
    max_tokens: int,
) -> T:
    return gateway.structured(
        role,
        [
            {"role": "system", "content": instructions},
            {"role": "user", "content": DATA_HEADER + json.dumps(payload, ensure_ascii=False)},
        ],
        output_type,
        operation=operation,
        meter=meter,
        max_tokens=max_tokens,
        temperature=0.0,
    )


def one_answer_per_item(
    name: str, item: type[BaseModel], count: int, *, list_field: str, index_field: str
) -> type[BaseModel]:
    """An answer holding exactly one ``item`` for each index 0..count-1 of a batch (none lost, none doubled)."""

    def each_index_once(answer: Any) -> Any:
        indexes = sorted(getattr(entry, index_field) for entry in getattr(answer, list_field))
        if indexes != list(range(count)):
            raise ValueError(f"give exactly one entry for each {index_field} 0..{count - 1}")
        return answer

    return create_model(
        name,
        __validators__={"each_index_once": model_validator(mode="after")(each_index_once)},
        **{list_field: (list[item], Field(min_length=count, max_length=count))},  # type: ignore[valid-type]
    )


def closed_choice(values: list[str]) -> Any:
    """A type that admits only ``values`` (the batch's cluster slugs): the schema lists them for the model."""
    return Literal[tuple(values)]  # type: ignore[valid-type]
