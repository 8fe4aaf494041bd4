"""One LangGraph StateGraph per file."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

Node = Callable[..., dict[str, Any]]


def runs_if_chosen(name: str, field: str = "stages") -> Callable[[Node], Node]:
    """A node that does nothing (an empty update) unless ``name`` is in the state's list ``field``."""

    def wrap(node: Node) -> Node:
        @functools.wraps(node)
        def guarded(state: Any, runtime: Any) -> dict[str, Any]:
            return node(state, runtime) if name in state[field] else {}

        return guarded

    return wrap
