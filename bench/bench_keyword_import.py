"""Stage 1 on a 1,000-row Search Console export: neighbours first, the model only for the uncertain ones.
Baseline, in the same process: the same file with the neighbour step reduced to identical text
(IGNY8_KEYWORD_IMPORT_MATCH_DISTANCE=1e-9), so everything else goes to the model in batches of 50.
The fake clusterer answers after a fixed latency per call, standing in for a hosted model.
Asserts every keyword landed in exactly one cluster or one proposed cluster.
Run: .venv/bin/python bench/bench_keyword_import.py [ROWS] [LATENCY_S]
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # the test data generator lives in tests/

from support import site_with_blueprint  # noqa: E402

from igny8.catalog.loader import load_catalog  # noqa: E402
from igny8.config import Settings  # noqa: E402
from igny8.llm import fake  # noqa: E402
from igny8.llm.embedder import FakeEmbedder  # noqa: E402
from igny8.llm.gateway import ModelGateway  # noqa: E402
from igny8.memory.blueprints import active_blueprint_id, get_blueprint  # noqa: E402
from igny8.memory.database import Database  # noqa: E402
from igny8.memory.keyword_imports_repo import imported_keywords  # noqa: E402
from igny8.services import Services  # noqa: E402
from igny8.workflows.keyword_import import ImportSummary, import_keywords  # noqa: E402
from tests.keyword_import.gsc_export import file_like_a_model, search_console_csv  # noqa: E402


def _runtime(data_dir: Path, database: Database | None, **overrides: object) -> Services:
    settings = Settings(data_dir=data_dir, embedder="fake", default_model=fake.FAKE_MODEL, **overrides)  # type: ignore[arg-type]
    database = database or Database.open(settings)
    return Services(settings, database, ModelGateway(settings, database), FakeEmbedder(), load_catalog())


def _timed_import(runtime: Services, data: bytes, latency_s: float) -> tuple[ImportSummary, float, int]:
    account, site = site_with_blueprint(runtime)
    model = fake.ScriptedModel(default=file_like_a_model, latency_s=latency_s)
    started = time.perf_counter()
    with fake.override(model):
        summary = import_keywords(runtime, account_id=account, site_id=site, data=data, file_name="Queries.csv")
    seconds = time.perf_counter() - started
    with runtime.database.connection() as conn:
        blueprint_id = active_blueprint_id(conn, account_id=account, site_id=site)
        assert blueprint_id is not None
        rows = imported_keywords(conn, site_id=site, blueprint_id=blueprint_id)
    assert len(rows) == summary.keywords and all(bool(r.cluster_slug) != bool(r.proposed_cluster) for r in rows)
    return summary, seconds, len(model.calls)


def main(rows: int, latency_s: float) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        runtime = _runtime(Path(tmp), None)
        account, site = site_with_blueprint(runtime)
        with runtime.database.connection() as conn:
            data = search_console_csv(get_blueprint(conn, account_id=account, site_id=site), rows=rows)
        ours, ours_s, ours_calls = _timed_import(runtime, data, latency_s)
        model_only = _runtime(Path(tmp), runtime.database, keyword_import_match_distance=1e-9)
        base, base_s, base_calls = _timed_import(model_only, data, latency_s)
        assert ours.keywords == base.keywords == rows
        print(f"{rows} Search Console rows, fake clusterer latency {latency_s:.2f} s per call of up to 50 keywords")
        print(f"neighbours first:  {ours_s:6.2f} s, {ours_calls:3d} model calls, filed by {ours.by_method}")
        print(
            f"identical text only, the model for the rest (baseline): {base_s:6.2f} s, {base_calls:3d} model calls, "
            f"{base.by_method}"
        )
        print(
            f"speed-up {base_s / ours_s:.2f}x; {rows / ours_s:.0f} keywords/s; "
            f"proposed clusters: {len(ours.proposed_clusters)}"
        )
        runtime.database.close()


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 1000, float(sys.argv[2]) if len(sys.argv) > 2 else 0.5)
