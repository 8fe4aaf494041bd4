"""A small LangGraph graph run in a child process by test_checkpoints.py: it pauses for a person,
the process exits, and a new process resumes it from the PostgreSQL checkpoint."""

from __future__ import annotations

import json
import operator
import sys
from typing import Annotated

from langgraph.graph import END, START, StateGraph
from langgraph.types import Command, interrupt
from typing_extensions import TypedDict

from igny8.memory.checkpoints import open_checkpointer


class ReviewState(TypedDict):
    attributes: list[str]
    log: Annotated[list[str], operator.add]


def propose(state: ReviewState) -> dict:
    return {"attributes": ["treatment", "patient group"], "log": ["proposed"]}


def review(state: ReviewState) -> dict:
    edits = interrupt({"attributes": state["attributes"]})
    return {"attributes": state["attributes"] + edits["add"], "log": ["reviewed"]}


def finish(state: ReviewState) -> dict:
    return {"log": ["finished"]}


def build_graph(checkpointer):  # type: ignore[no-untyped-def]
    builder = StateGraph(ReviewState)
    builder.add_node("propose", propose)
    builder.add_node("review", review)
    builder.add_node("finish", finish)
    builder.add_edge(START, "propose")
    builder.add_edge("propose", "review")
    builder.add_edge("review", "finish")
    builder.add_edge("finish", END)
    return builder.compile(checkpointer=checkpointer)


if __name__ == "__main__":
    action, url, thread = sys.argv[1:4]
    config = {"configurable": {"thread_id": thread}}
    with open_checkpointer(url) as saver:
        graph = build_graph(saver)
        if action == "start":
            result = graph.invoke({"attributes": [], "log": []}, config)
            print(json.dumps({"interrupts": [i.value for i in result.get("__interrupt__", [])]}))
        else:
            result = graph.invoke(Command(resume={"add": [sys.argv[4]]}), config)
            print(json.dumps({"attributes": result["attributes"], "log": result["log"]}))
