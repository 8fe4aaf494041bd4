"""Load on `igny8 serve` from a separate process: throughput, p50 and p99 of the WordPress plugin's read
endpoints at 1, 16, 100 and 500 concurrent clients (each client a keep-alive connection that sends its next
request when the last one answered). A bare FastAPI endpoint, served by the same uvicorn in its own process
and measured in the same run, is the machine's limit: our figures are given as ratios to it (a second bare
row answers a body as large as the blueprint view, the cost of moving that much by itself). One more row
polls the blueprint with the ETag the plugin holds (answered 304, as most real polls are). Every response
must be the 200 (or 304) expected, or the script fails; the server's resident memory is sampled.

Run: .venv/bin/python bench/bench_api_load.py [--seconds S] [--clients 1,16,100,500] [--workers N]
     .venv/bin/python bench/bench_api_load.py --soak 600 --clients 100   (one endpoint mix, memory bound)
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ENDPOINTS = [
    "/api/v1/plugin/health",
    "/api/v1/plugin/blueprint",
    "/api/v1/plugin/taxonomies",
    "/api/v1/plugin/queue?limit=20",
]
BARE = "/bare"
BARE_LARGE = "/bare-large"
CONDITIONAL = "  the same, If-None-Match (304)"  # the plugin's usual poll: it holds the version already
SOAK_MEMORY_BOUND_MB = 64.0  # growth of the server's resident memory allowed over a soak, after warm-up


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_until_up(port: int, process: subprocess.Popen, seconds: float = 90) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the server exited with {process.returncode} before it answered")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"nothing listened on port {port} after {seconds} s")


# --- the load (runs in its own process) ---


async def _drive(
    url: str, key: str, clients: int, seconds: float, warmup: float, if_none_match: str | None
) -> dict[str, object]:
    import aiohttp

    timings: list[float] = []
    statuses: Counter[int] = Counter()
    connector = aiohttp.TCPConnector(limit=0, force_close=False)
    started = time.perf_counter()
    measure_from, stop = started + warmup, started + warmup + seconds
    async with aiohttp.ClientSession(
        connector=connector,
        headers={"X-IGNY8-API-KEY": key, **({"If-None-Match": if_none_match} if if_none_match else {})},
        timeout=aiohttp.ClientTimeout(total=60),
    ) as session:

        async def client() -> None:
            while (now := time.perf_counter()) < stop:
                async with session.get(url) as response:
                    await response.read()
                done = time.perf_counter()
                if now >= measure_from:
                    timings.append((done - now) * 1000)
                    statuses[response.status] += 1

        await asyncio.gather(*(client() for _ in range(clients)))
    timings.sort()
    count = len(timings)
    return {
        "requests": count,
        "throughput": count / seconds,
        "p50": timings[count // 2] if count else None,
        "p99": timings[min(count - 1, int(count * 0.99))] if count else None,
        "statuses": {str(k): v for k, v in statuses.items()},
    }


def measure(
    url: str, key: str, clients: int, seconds: float, warmup: float = 0.5, if_none_match: str | None = None
) -> dict[str, object]:
    """One measurement by a separate load process (so the load does not share the server's interpreter); every
    answer must be a 200, or a 304 when ``if_none_match`` is sent."""
    done = subprocess.run(
        [sys.executable, __file__, "--drive", url, "--key", key, "--clients", str(clients), "--seconds", str(seconds)]
        + ["--warmup", str(warmup)]
        + (["--if-none-match", if_none_match] if if_none_match else []),
        capture_output=True,
        text=True,
        timeout=seconds + warmup + 120,
    )
    if done.returncode != 0:
        raise RuntimeError(f"the load process failed: {done.stderr[-2000:]}")
    result = json.loads(done.stdout)
    expected = "304" if if_none_match else "200"
    bad = {s: n for s, n in result["statuses"].items() if s != expected}
    assert result["requests"] > 0 and not bad, f"{url}: answers other than {expected}: {bad}"
    return result


# --- the servers under load ---


def bare_app(large_bytes: int):  # type: ignore[no-untyped-def]
    from fastapi import FastAPI, Response

    app = FastAPI()
    large = b'{"success":true,"data":"' + b"x" * max(0, large_bytes - 27) + b'"}'

    @app.get(BARE)
    async def bare() -> dict[str, object]:
        return {"success": True, "data": {"status": "ok"}}

    @app.get(BARE_LARGE)  # the same size as the blueprint view: what moving that body costs by itself
    async def bare_large() -> Response:
        return Response(large, media_type="application/json")

    return app


def start_bare(large_bytes: int) -> tuple[subprocess.Popen, int]:
    port = free_port()
    process = subprocess.Popen([sys.executable, __file__, "--bare-serve", str(port), "--large-bytes", str(large_bytes)])
    wait_until_up(port, process)
    return process, port


def prepare_site(data_dir: Path) -> str:
    """A site with an active blueprint and approved pages in the queue; returns its site key."""
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from support import bench_runtime, site_with_blueprint

    from igny8.memory.api_keys import issue_key
    from igny8.workflows.pipeline_run import run_pipeline

    runtime = bench_runtime(data_dir)
    try:
        account, site = site_with_blueprint(runtime)
        run_pipeline(runtime, account_id=account, site_id=site, limit=8, stages=["ideas", "tasks", "content"])
        with runtime.database.connection() as conn:
            conn.execute("UPDATE content SET status = 'approved' WHERE site_id = %s", (site,))
            return issue_key(conn, account_id=account, site_id=site)
    finally:
        runtime.database.close()


def start_igny8(data_dir: Path, workers: int) -> tuple[subprocess.Popen, int]:
    port = free_port()
    env = {
        **os.environ,
        "IGNY8_DATA_DIR": str(data_dir),
        "IGNY8_EMBEDDER": "fake",
        "IGNY8_DEFAULT_MODEL": "igny8-fake/lorem",
        "IGNY8_API_WORKERS": str(workers),
        "IGNY8_API_RATE_LIMIT_PER_S": "1000000",  # the limiter runs, but the bench's one key is not held back
        "IGNY8_API_ACCESS_LOG": "false",
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "igny8", "serve", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    wait_until_up(port, process)
    return process, port


def current_etag(url: str, key: str) -> tuple[str, int]:
    """The view's ETag and the size of its answer."""
    import urllib.request

    with urllib.request.urlopen(urllib.request.Request(url, headers={"X-IGNY8-API-KEY": key}), timeout=30) as answer:
        return answer.headers["ETag"], len(answer.read())


def resident_mb(process: subprocess.Popen) -> float:
    import psutil

    root = psutil.Process(process.pid)
    return sum(p.memory_info().rss for p in [root, *root.children(recursive=True)]) / 2**20


def stop(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def table(args: argparse.Namespace, data_dir: Path) -> None:
    key = prepare_site(data_dir)
    ours, port = start_igny8(data_dir, args.workers)
    bare = None
    try:
        measure(f"http://127.0.0.1:{port}{ENDPOINTS[0]}", key, 16, 1.0)  # warm-up: caches, pools
        held_etag, blueprint_bytes = current_etag(f"http://127.0.0.1:{port}{ENDPOINTS[1]}", key)
        bare, bare_port = start_bare(blueprint_bytes)
        measure(f"http://127.0.0.1:{bare_port}{BARE}", key, 16, 1.0)  # the same warm-up for the limit
        before = resident_mb(ours)
        print(
            f"{args.seconds:g} s per cell after 0.5 s warm-up; load from a separate process; "
            f"{os.cpu_count()} cores shared by server and load; IGNY8_API_WORKERS={args.workers}"
        )
        print(f"{'endpoint':32} {'clients':>7} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8}  ratio req/s  ratio p99")
        for clients in args.clients:
            limit = measure(f"http://127.0.0.1:{bare_port}{BARE}", key, clients, args.seconds)
            large = measure(f"http://127.0.0.1:{bare_port}{BARE_LARGE}", key, clients, args.seconds)
            for label, figures in (
                ("bare FastAPI (the limit)", limit),
                (f"  bare, {blueprint_bytes // 1000} KB body", large),
            ):
                print(
                    f"{label:32} {clients:7d} {figures['throughput']:8.0f} {figures['p50']:8.1f} {figures['p99']:8.1f}"
                )
            for label, path, etag in [*((p, p, None) for p in ENDPOINTS), (CONDITIONAL, ENDPOINTS[1], held_etag)]:
                got = measure(f"http://127.0.0.1:{port}{path}", key, clients, args.seconds, if_none_match=etag)
                print(
                    f"{label:32} {clients:7d} {got['throughput']:8.0f} {got['p50']:8.1f} {got['p99']:8.1f}"
                    f"  {got['throughput'] / limit['throughput']:11.2f}  {got['p99'] / max(limit['p99'], 0.001):9.2f}"
                )
        print(f"server memory: {before:.0f} MiB before, {resident_mb(ours):.0f} MiB after")
    finally:
        stop(ours)
        if bare is not None:
            stop(bare)


def soak(args: argparse.Namespace, data_dir: Path) -> None:
    key = prepare_site(data_dir)
    ours, port = start_igny8(data_dir, args.workers)
    clients = args.clients[0]
    try:
        measure(f"http://127.0.0.1:{port}{ENDPOINTS[0]}", key, clients, 5.0)  # warm-up
        baseline, peak, total = resident_mb(ours), 0.0, 0
        print(f"soak: {args.soak:g} s at {clients} clients over {len(ENDPOINTS)} endpoints; {baseline:.0f} MiB")
        deadline = time.monotonic() + args.soak
        while time.monotonic() < deadline:
            for path in ENDPOINTS:
                got = measure(f"http://127.0.0.1:{port}{path}", key, clients, 10.0, warmup=0.0)
                total += got["requests"]
                peak = max(peak, resident_mb(ours))
            print(f"  {total} requests, all 200; memory {resident_mb(ours):.0f} MiB (peak {peak:.0f})", flush=True)
        growth = peak - baseline
        print(f"memory growth {growth:.1f} MiB (bound {SOAK_MEMORY_BOUND_MB:g} MiB) over {total} requests")
        assert growth <= SOAK_MEMORY_BOUND_MB, f"server memory grew {growth:.1f} MiB"
    finally:
        stop(ours)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=float, default=3.0)
    parser.add_argument("--clients", default="1,16,100,500")
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--soak", type=float, default=0.0, help="seconds of soak at the first --clients figure")
    parser.add_argument("--drive", help=argparse.SUPPRESS)
    parser.add_argument("--key", help=argparse.SUPPRESS)
    parser.add_argument("--warmup", type=float, default=0.5, help=argparse.SUPPRESS)
    parser.add_argument("--bare-serve", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--if-none-match", help=argparse.SUPPRESS)
    parser.add_argument("--large-bytes", type=int, default=0, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.bare_serve:
        import uvicorn

        uvicorn.run(
            bare_app(args.large_bytes), host="127.0.0.1", port=args.bare_serve, log_level="error", access_log=False
        )
        return
    if args.drive:
        result = asyncio.run(
            _drive(args.drive, args.key, int(args.clients), args.seconds, args.warmup, args.if_none_match)
        )
        print(json.dumps(result))
        return
    args.clients = [int(c) for c in args.clients.split(",")]
    with tempfile.TemporaryDirectory() as tmp:
        (soak if args.soak else table)(args, Path(tmp))


if __name__ == "__main__":
    main()
