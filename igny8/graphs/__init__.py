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


def chain(builder: Any, nodes: list[tuple[str, Node]]) -> None:
    """Add ``nodes`` to ``builder`` as one line from START to END, in order."""
    from langgraph.graph import END, START

    previous = START
    for name, node in nodes:
        builder.add_node(name, node)
        builder.add_edge(previous, name)
        previous = name
    builder.add_edge(previous, END)
