"""How long a whole blueprint takes on the embedded defaults (target: under a minute on 2 cores).

For each sector set: the full build (site_build graph, real MiniLM embeddings, embedded PostgreSQL) and, in
the same process, a baseline build with the deterministic fake embedder, to show what embedding costs.
Run: .venv/bin/python bench/bench_blueprint.py
"""

from __future__ import annotations

import statistics
import tempfile
import time
from pathlib import Path

from langgraph.checkpoint.memory import InMemorySaver

from igny8.catalog.loader import load_catalog
from igny8.config import Settings
from igny8.graphs.site_build import BuildRequest, SiteBuildContext, build_graph, initial_state
from igny8.llm.embedder import Embedder, FakeEmbedder, MiniLMEmbedder
from igny8.llm.gateway import ModelGateway
from igny8.memory.database import Database
from igny8.memory.tenancy import local_account

CASES = [
    ("healthcare-medical", ["dental-clinics"], "local_service"),
    ("home-services", ["plumbing-services"], "local_service"),
    ("software-saas", ["project-management-software"], "saas"),
    ("healthcare-medical", ["dental-clinics", "home-medical-equipment"], "local_service"),
]


def build_once(
    database: Database, embedder: Embedder, account: int, case: tuple[str, list[str], str]
) -> tuple[float, int, int]:
    industry, sectors, site_type = case
    settings = Settings(embedder="fake")
    context = SiteBuildContext(load_catalog(), database, ModelGateway(settings, database), embedder)
    request = BuildRequest(
        account_id=account,
        site_id=None,
        site_name="bench",
        industry=industry,
        sectors=sectors,
        site_type=site_type,
        business={},
        auto_approve=True,
    )
    started = time.perf_counter()
    values = build_graph(InMemorySaver()).invoke(
        initial_state(request), {"configurable": {"thread_id": "b"}}, context=context
    )
    elapsed = time.perf_counter() - started
    keywords = sum(len(c["keywords"]) for c in values["clusters"])
    return elapsed, keywords, len(values["clusters"])


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        database = Database.open(Settings(data_dir=Path(tmp)))
        with database.connection() as conn:
            account = local_account(conn)
        minilm = MiniLMEmbedder()
        load_started = time.perf_counter()
        minilm.embed(["warm up"])
        print(f"embedder load: {time.perf_counter() - load_started:.1f} s (once per process)")
        print(f"{'sectors':55} {'keywords':>8} {'clusters':>8} {'full s':>7} {'baseline s':>10} {'ratio':>6}")
        totals = []
        for case in CASES:
            full, keywords, clusters = build_once(database, minilm, account, case)
            baseline, _, _ = build_once(database, FakeEmbedder(), account, case)
            totals.append(full)
            print(
                f"{' + '.join(case[1]):55} {keywords:8d} {clusters:8d} {full:7.2f} {baseline:10.2f} "
                f"{full / baseline:6.2f}"
            )
        print(
            f"median full build: {statistics.median(totals):.2f} s; worst: {max(totals):.2f} s "
            f"(target: under 60 s, model calls included; authored templates need none)"
        )
        database.close()


if __name__ == "__main__":
    main()
