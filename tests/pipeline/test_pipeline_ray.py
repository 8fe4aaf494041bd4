"""The pipeline on a simulated two-node Ray cluster: a CPU head and a 'GPU' worker that alone advertises the
model resource, so every model-heavy task must land on the worker."""

from collections.abc import Iterator

import pytest
import ray
from ray.cluster_utils import Cluster

from igny8.ray_cluster.executor import MODEL_RESOURCE
from igny8.services import Services
from igny8.workflows.pipeline_run import run_pipeline


@pytest.fixture(scope="module")
def two_node_cluster() -> Iterator[tuple[Cluster, str]]:
    cluster = Cluster(
        initialize_head=True,
        head_node_args={"num_cpus": 1, "resources": {MODEL_RESOURCE: 0}, "include_dashboard": False},
    )
    worker = cluster.add_node(num_cpus=2, resources={MODEL_RESOURCE: 2})
    cluster.wait_for_nodes()
    yield cluster, worker.node_id
    if ray.is_initialized():
        ray.shutdown()
    cluster.shutdown()


def test_model_heavy_tasks_run_on_the_model_worker(
    runtime: Services, active_site: tuple[int, int], two_node_cluster: tuple[Cluster, str]
) -> None:
    cluster, worker_node = two_node_cluster
    account, site = active_site
    settings = runtime.settings.model_copy(update={"executor": "ray", "ray_address": cluster.address})
    ray_runtime = Services(settings, runtime.database, runtime.gateway, runtime.embedder, runtime.catalog)
    result = run_pipeline(ray_runtime, account_id=account, site_id=site, limit=6)
    assert result.counts["pages_written"] == 6
    assert result.counts["content_nodes"] == [worker_node]
    with runtime.database.connection() as conn:
        assert conn.execute("SELECT count(*) AS n FROM content WHERE site_id = %s", (site,)).fetchone()["n"] == 6
