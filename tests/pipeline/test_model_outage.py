"""The model provider down during scheduled maintenance: the task that needed it waits (recorded, retried
with backoff by the worker), the run completes its other tasks, and the retry runs the task when the
provider answers again."""

import litellm
import psycopg
from psycopg.rows import dict_row

from igny8.llm import fake
from igny8.memory import outages
from igny8.services import Services
from igny8.workflows.maintenance_worker import retry_due_outages, run_site_maintenance
from igny8.workflows.pipeline_run import run_pipeline


def _provider_down(messages: list) -> str:
    raise litellm.ServiceUnavailableError(message="upstream overloaded", llm_provider="igny8-fake", model="scripted")


def test_a_model_outage_waits_and_the_worker_retries_the_task(runtime: Services, active_site: tuple[int, int]) -> None:
    account, site = active_site
    run_pipeline(runtime, account_id=account, site_id=site, limit=3)
    with psycopg.connect(runtime.database.url, autocommit=True, row_factory=dict_row) as lock_conn:
        with fake.override(fake.ScriptedModel(default=_provider_down)):
            report = run_site_maintenance(runtime, lock_conn, site_id=site, tasks=["optimize", "health"])
        assert report is not None and "error" not in report, report
        assert "model provider unreachable" in report["optimize"]["waiting"]
        assert report["health"] > 0 and any("writing paused" in a for a in report["alerts"])
        with runtime.database.connection() as conn:
            outage = outages.open_outage(conn, site_id=site, service="model")
            assert outage["retry_tasks"] == ["optimize"]
            conn.execute("UPDATE service_outages SET next_retry_at = now() WHERE id = %s", (outage["id"],))
        reports: dict[int, dict] = {}
        assert retry_due_outages(runtime, lock_conn, lambda s, r: reports.__setitem__(s, r)) == 1
    assert reports[site]["retry"] == "model" and isinstance(reports[site]["optimize"], list)
    with runtime.database.connection() as conn:
        assert outages.open_outages(conn, site_id=site) == []
