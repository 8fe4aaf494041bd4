"""Fan a stage's items out in batches: inline in this process, or as Ray tasks on a local or remote cluster.

The same work functions run either way; the caller hands them in (this package knows nothing of the
stages). Model-heavy stages ask Ray for the custom resource
``igny8_model`` (GPU worker nodes advertise it; a local Ray gives the head node one per CPU), and the number
of batches in flight is capped by the model provider's concurrency limit.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import signal
import tempfile
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

import psutil

from igny8.config import Settings

# One item's work: (the caller's spec, an item id) -> a result dict. Module-level functions, so Ray pickles
# them by reference and every worker imports the same code.
ItemWork = Callable[[Any, int], dict[str, Any]]

MODEL_RESOURCE = "igny8_model"
log = logging.getLogger(__name__)


def run_batch(work: ItemWork, spec: Any, items: list[int]) -> list[dict[str, Any]]:
    results = []
    for item in items:
        result = work(spec, item)
        result["node"] = _node_id()
        results.append(result)
    return results


def _node_id() -> str:
    try:
        import ray

        if ray.is_initialized():
            return ray.get_runtime_context().get_node_id()
    except Exception:  # noqa: BLE001 - outside Ray there is no node to name
        pass
    return "inline"


def chunks(items: list[int], size: int) -> list[list[int]]:
    size = max(1, size)
    return [items[i : i + size] for i in range(0, len(items), size)]


class StageExecutor(Protocol):
    def map(
        self, work: ItemWork, spec: Any, items: list[int], *, batch_size: int, heavy: bool, max_in_flight: int
    ) -> Iterator[dict[str, Any]]: ...

    def close(self) -> None: ...


class InlineExecutor:
    name = "inline"

    def map(
        self, work: ItemWork, spec: Any, items: list[int], *, batch_size: int, heavy: bool, max_in_flight: int
    ) -> Iterator[dict[str, Any]]:
        for batch in chunks(items, batch_size):
            yield from run_batch(work, spec, batch)

    def close(self) -> None:
        pass


@dataclass
class RayExecutor:
    address: str | None
    num_cpus: int
    temp_dir: str | None = None
    started_here: bool = False
    name: str = "ray"
    _node_processes: list[psutil.Process] = field(default_factory=list, repr=False)

    def __post_init__(self) -> None:
        import ray

        if not ray.is_initialized():
            # ray.init installs its own SIGTERM handler (sys.exit); the process's own stop handling comes back
            # after it. A stop during the start (or a failed start) takes the node's processes with it.
            handlers = _stop_handlers()
            before = {p.pid for p in psutil.Process().children(recursive=True)}
            self.started_here = True
            try:
                if self.address:
                    ray.init(address=self.address, log_to_driver=False)
                else:
                    ray.init(
                        num_cpus=self.num_cpus,
                        resources={MODEL_RESOURCE: self.num_cpus},
                        include_dashboard=False,
                        log_to_driver=False,
                        _temp_dir=self.temp_dir,
                    )
            except BaseException:
                self._node_processes = _new_children(before)
                self.close()
                raise
            finally:
                _restore_stop_handlers(handlers)
            self._node_processes = _new_children(before)
        self._remote = ray.remote(run_batch)

    def map(
        self, work: ItemWork, spec: Any, items: list[int], *, batch_size: int, heavy: bool, max_in_flight: int
    ) -> Iterator[dict[str, Any]]:
        import ray

        options: dict[str, Any] = {"num_cpus": 1, "max_retries": 2}
        if heavy:
            options["resources"] = {MODEL_RESOURCE: 1}
        remote = self._remote.options(**options)
        pending: list[Any] = []
        queue = chunks(items, batch_size)
        while queue or pending:
            while queue and len(pending) < max(1, max_in_flight):
                pending.append(remote.remote(work, spec, queue.pop(0)))
            done, pending = ray.wait(pending, num_returns=1)
            yield from ray.get(done[0])

    def close(self) -> None:
        import ray

        if not self.started_here:
            return
        if ray.is_initialized():
            ray.shutdown()
        # Ray's node agents can outlive a shutdown that interrupted a wait: nothing of ours stays behind.
        _, alive = psutil.wait_procs(self._node_processes, timeout=5)
        for process in alive:
            with contextlib.suppress(psutil.NoSuchProcess):
                process.kill()
        self._node_processes = []


def _new_children(before: set[int]) -> list[psutil.Process]:
    return [p for p in psutil.Process().children(recursive=True) if p.pid not in before]


def _stop_handlers() -> dict[int, Any]:
    if threading.current_thread() is not threading.main_thread():
        return {}
    return {signum: signal.getsignal(signum) for signum in (signal.SIGTERM, signal.SIGINT)}


def _restore_stop_handlers(handlers: dict[int, Any]) -> None:
    for signum, handler in handlers.items():
        if handler is not None:
            signal.signal(signum, handler)


# Ray puts Unix sockets under its temp dir (…/session_<date>_<pid>/sockets/plasma_store), and a socket path
# may not exceed 107 bytes: a deep data dir gets a short folder of its own under the system's temp dir.
_MAX_RAY_TEMP_DIR = 40


def ray_temp_dir(data_dir: Path) -> str:
    temp = data_dir / "ray"
    if len(str(temp)) > _MAX_RAY_TEMP_DIR:
        digest = hashlib.sha256(str(temp).encode()).hexdigest()[:12]
        temp = Path(tempfile.gettempdir()) / f"igny8-ray-{digest}"
    temp.mkdir(parents=True, exist_ok=True)
    return str(temp)


def executor_for(settings: Settings) -> StageExecutor:
    if settings.executor == "ray":
        return RayExecutor(
            address=settings.ray_address, num_cpus=settings.ray_num_cpus, temp_dir=ray_temp_dir(settings.data_dir)
        )
    return InlineExecutor()


def provider_limit(settings: Settings, model: str) -> int:
    provider = model.split("/", 1)[0] if "/" in model else "openai"
    return settings.provider_concurrency.get(provider, settings.default_provider_concurrency)


ProgressCallback = Callable[[str, int, int], None]
