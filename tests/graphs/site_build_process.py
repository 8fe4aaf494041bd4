"""Drive the site_build graph in a child process (test_site_build.py kills and restarts it)."""

from __future__ import annotations

import json
import sys

from langgraph.types import Command

from igny8.catalog.loader import load_catalog
from igny8.config import Settings
from igny8.graphs.site_build import BuildRequest, SiteBuildContext, build_graph, initial_state
from igny8.llm.embedder import FakeEmbedder
from igny8.llm.gateway import ModelGateway
from igny8.memory.checkpoints import open_checkpointer
from igny8.memory.database import Database

if __name__ == "__main__":
    action, url, thread = sys.argv[1:4]
    database = Database.at(url, embedded=True)
    settings = Settings(embedder="fake")
    context = SiteBuildContext(load_catalog(), database, ModelGateway(settings, database), FakeEmbedder())
    config = {"configurable": {"thread_id": thread}}
    with open_checkpointer(url) as saver:
        graph = build_graph(saver)
        if action == "start":
            request = BuildRequest(
                account_id=int(sys.argv[4]),
                site_id=None,
                site_name="Smile Co",
                industry="healthcare-medical",
                sectors=["dental-clinics"],
                site_type="local_service",
                business={},
                auto_approve=False,
            )
            graph.invoke(initial_state(request), config, context=context)
        else:
            graph.invoke(Command(resume=json.loads(sys.argv[4])), config, context=context)
        state = graph.get_state(config)
        print(
            json.dumps(
                {
                    "next": list(state.next),
                    "interrupt": state.interrupts[0].value["stage"] if state.interrupts else None,
                    "errors": state.interrupts[0].value.get("errors") if state.interrupts else None,
                    "blueprint_id": state.values.get("blueprint_id"),
                    "attributes": {a["slug"]: a["values"] for a in state.values.get("attributes", [])},
                    "clusters": [c["slug"] for c in state.values.get("clusters", [])],
                }
            )
        )
