"""Pipeline overhead per page with a zero-latency fake model (target: under 50 ms per page, model time
excluded). Baseline, in the same process: the same number of model calls through the gateway alone, which
is the model time the pipeline cannot avoid; overhead = (pipeline − baseline) / pages.
Run: .venv/bin/python bench/bench_pipeline_overhead.py [PAGES]
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

from support import bench_runtime, site_with_blueprint

from igny8.workflows.pipeline_run import run_pipeline


def main(pages: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        runtime = bench_runtime(Path(tmp))
        account, site = site_with_blueprint(runtime)
        started = time.perf_counter()
        run_pipeline(runtime, account_id=account, site_id=site, limit=pages)
        pipeline_s = time.perf_counter() - started
        with runtime.database.connection() as conn:
            calls = conn.execute("SELECT count(*) AS n FROM content WHERE site_id = %s", (site,)).fetchone()["n"]
        with runtime.database.connection() as conn:
            rows = conn.execute("SELECT html FROM content WHERE site_id = %s", (site,)).fetchall()
        model_calls = sum(row["html"].count("<p>") for row in rows)
        message = [{"role": "user", "content": "Page: bench. Section: intro. Write 60 to 90 words."}]
        started = time.perf_counter()
        for _ in range(model_calls):
            runtime.gateway.complete("writer", message, operation="content_generation", max_tokens=140, charge=False)
        baseline_s = time.perf_counter() - started
        overhead_ms = (pipeline_s - baseline_s) / calls * 1000
        print(f"pages: {calls}, model calls: {model_calls}")
        print(
            f"pipeline (all stages, inline, zero-latency model): {pipeline_s:.2f} s = {pipeline_s / calls * 1000:.1f} ms/page"
        )
        print(f"baseline (the same model calls through the gateway alone): {baseline_s:.2f} s")
        print(
            f"overhead per page, model time excluded: {overhead_ms:.1f} ms (target < 50 ms); "
            f"ratio pipeline/baseline {pipeline_s / baseline_s:.2f}"
        )
        runtime.database.close()


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 40)
