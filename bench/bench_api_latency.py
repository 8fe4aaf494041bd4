"""p50 and p99 latency of the WordPress plugin's read endpoints under concurrent load, on a real uvicorn
server on 127.0.0.1 with the embedded PostgreSQL. Baseline in the same process: GET /openapi.json-free
health endpoint (authentication and one query) against the heavier reads. Bounded: a fixed number of
requests per endpoint and concurrency level.
Run: .venv/bin/python bench/bench_api_latency.py [REQUESTS] [CONCURRENCY]
"""

from __future__ import annotations

import asyncio
import socket
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx
import uvicorn
from support import bench_runtime, site_with_blueprint

from igny8.api.app import create_app
from igny8.memory.api_keys import issue_key
from igny8.workflows.pipeline_run import run_pipeline

ENDPOINTS = [
    "/api/v1/plugin/health",
    "/api/v1/plugin/taxonomies",
    "/api/v1/plugin/blueprint",
    "/api/v1/plugin/queue?limit=20",
]


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


async def load(base: str, path: str, key: str, requests: int, concurrency: int) -> list[float]:
    timings: list[float] = []
    semaphore = asyncio.Semaphore(concurrency)
    async with httpx.AsyncClient(base_url=base, headers={"X-IGNY8-API-KEY": key}, timeout=30) as client:

        async def one() -> None:
            async with semaphore:
                started = time.perf_counter()
                response = await client.get(path)
                timings.append((time.perf_counter() - started) * 1000)
                response.raise_for_status()

        await asyncio.gather(*(one() for _ in range(requests)))
    return timings


def main(requests: int, concurrency: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        runtime = bench_runtime(Path(tmp))
        account, site = site_with_blueprint(runtime)
        run_pipeline(runtime, account_id=account, site_id=site, limit=30)
        with runtime.database.connection() as conn:
            conn.execute("UPDATE content SET status = 'approved' WHERE site_id = %s", (site,))
            key = issue_key(conn, account_id=account, site_id=site)
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        server = uvicorn.Server(uvicorn.Config(create_app(runtime), host="127.0.0.1", port=port, log_level="error"))
        thread = threading.Thread(target=server.run, daemon=True)
        thread.start()
        while not server.started:
            time.sleep(0.05)
        base = f"http://127.0.0.1:{port}"
        try:
            asyncio.run(load(base, ENDPOINTS[0], key, 20, 4))  # warm-up
            print(
                f"{requests} requests per endpoint, {concurrency} concurrent clients (2 cores, server and load "
                "in one process)"
            )
            baseline = None
            for path in ENDPOINTS:
                timings = asyncio.run(load(base, path, key, requests, concurrency))
                p50, p99 = statistics.median(timings), percentile(timings, 0.99)
                baseline = baseline or p50
                print(f"{path:35} p50 {p50:7.1f} ms  p99 {p99:7.1f} ms  ratio to health p50 {p50 / baseline:5.2f}")
        finally:
            server.should_exit = True
            thread.join(timeout=10)
            runtime.database.close()


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 400, int(sys.argv[2]) if len(sys.argv) > 2 else 16)
