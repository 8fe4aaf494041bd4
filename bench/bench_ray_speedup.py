"""Speed-up from 1 to N Ray workers with a fake model of fixed latency (target: close to linear up to the
provider's concurrency limit). Each run writes the same number of fresh pages; the 1-worker run is the
baseline of the ratio. Run: .venv/bin/python bench/bench_ray_speedup.py [PAGES] [LATENCY_S]
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

import ray
from support import bench_runtime, site_with_blueprint

from igny8.ray_cluster.executor import MODEL_RESOURCE
from igny8.workflows.pipeline_run import run_pipeline

WORKERS = (1, 2, 4)


def main(pages: int, latency: float) -> None:
    timings: dict[int, float] = {}
    with tempfile.TemporaryDirectory() as tmp:
        for workers in WORKERS:
            # Logical CPUs: the fake model sleeps, so more workers than cores still overlap their latency.
            ray.init(
                num_cpus=workers, resources={MODEL_RESOURCE: workers}, include_dashboard=False, log_to_driver=False
            )
            runtime = bench_runtime(
                Path(tmp), executor="ray", fake_model_latency_s=latency, provider_concurrency={"igny8-fake": workers}
            )
            # Warm-up on another site: every worker process imports the engine and opens its runtime once.
            warm_account, warm_site = site_with_blueprint(runtime)
            run_pipeline(
                runtime,
                account_id=warm_account,
                site_id=warm_site,
                limit=2 * workers,
                stages=["ideas", "tasks", "content"],
            )
            account, site = site_with_blueprint(runtime)
            run_pipeline(runtime, account_id=account, site_id=site, limit=pages, stages=["ideas", "tasks"])
            started = time.perf_counter()
            result = run_pipeline(runtime, account_id=account, site_id=site, limit=pages, stages=["content"])
            timings[workers] = time.perf_counter() - started
            # A benchmark that times no work measures nothing: every page must have been written here.
            assert result.counts["pages_written"] == pages, result.counts
            floor = pages * latency / workers
            assert timings[workers] >= floor * 0.9, f"{timings[workers]:.2f} s is below the model's own {floor:.2f} s"
            runtime.database.close()
            ray.shutdown()
    base = timings[1]
    print(f"{pages} pages, model latency {latency * 1000:.0f} ms per call")
    for workers, seconds in timings.items():
        print(f"{workers} worker(s): {seconds:6.2f} s  speed-up {base / seconds:4.2f}x  (linear would be {workers}x)")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 24, float(sys.argv[2]) if len(sys.argv) > 2 else 0.1)
