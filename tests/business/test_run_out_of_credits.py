"""A pipeline run that needs more credits than the account has stops at the boundary: the pages it paid for are
kept, the next page is neither written nor charged, the ledger sums to the balance change, and after a grant
the same command continues without charging anything twice."""

from __future__ import annotations

import pytest

from igny8.llm.credits import OutOfCredits, credit_period, reservation_for
from igny8.memory import credit_accounts
from igny8.services import Services
from igny8.workflows.credits import grant
from igny8.workflows.pipeline_run import run_pipeline
from tests.dental_site import new_dental_site

LIMIT = 6
STAGES = ["ideas", "tasks", "content"]


def spent_allowance(runtime: Services, account: int, credits: int) -> None:
    """The account's month allowance is used up; it holds exactly ``credits``."""
    with runtime.database.connection() as conn:
        conn.execute(
            "INSERT INTO credit_accounts (account_id, plan, balance, allowance_period) VALUES (%s, 'lite', 0, %s)"
            " ON CONFLICT (account_id) DO UPDATE SET balance = 0, held = 0,"
            " allowance_period = EXCLUDED.allowance_period",
            (account, credit_period()),
        )
    grant(runtime.database, account_id=account, credits=credits, plan=None, reason="test budget", default_plan="lite")


def snapshot(runtime: Services, account: int, site: int) -> dict[str, object]:
    with runtime.database.connection() as conn:
        balance = credit_accounts.open_account(conn, account_id=account, default_plan="lite", period=credit_period())
        totals = credit_accounts.totals(conn, account_id=account)
        row = conn.execute(
            "SELECT (SELECT count(*) FROM content WHERE site_id = %(s)s) AS pages,"
            " (SELECT count(*) FROM credit_ledger WHERE site_id = %(s)s"
            "   AND operation = 'content_generation') AS charges,"
            " (SELECT count(DISTINCT idempotency_key) FROM credit_ledger WHERE site_id = %(s)s) AS keys,"
            " (SELECT count(*) FROM credit_ledger l WHERE l.site_id = %(s)s AND l.operation = 'content_generation'"
            "   AND NOT EXISTS (SELECT 1 FROM content c"
            "   WHERE l.idempotency_key = 'content_generation:task:' || c.task_id))"
            "   AS charges_without_page",
            {"s": site},
        ).fetchone()
        status = conn.execute(
            "SELECT status FROM pipeline_runs WHERE site_id = %s ORDER BY id DESC LIMIT 1", (site,)
        ).fetchone()
    return {**row, **totals, "balance": balance.balance, "held": balance.held, "run": status["status"]}


def test_a_run_stops_at_the_credit_boundary_and_continues_after_a_grant(runtime: Services) -> None:
    account, site = new_dental_site(runtime)
    budget = reservation_for("content_generation") + 40  # the first page, and not many more
    spent_allowance(runtime, account, budget)

    with pytest.raises(OutOfCredits) as stopped:
        run_pipeline(runtime, account_id=account, site_id=site, limit=LIMIT, stages=STAGES)
    assert "out of credits" in str(stopped.value) and "run the same command again" in str(stopped.value)
    partial = snapshot(runtime, account, site)
    assert 1 <= partial["pages"] < LIMIT
    assert partial["charges"] == partial["pages"] and partial["charges_without_page"] == 0  # nothing half-written
    assert partial["balance"] == budget - partial["charged"] >= 0  # the ledger sums to the balance change
    assert partial["held"] == 0 and partial["open_holds"] == 0
    assert partial["run"] == "interrupted"

    grant(runtime.database, account_id=account, credits=5_000, plan=None, reason="top-up", default_plan="lite")
    result = run_pipeline(runtime, account_id=account, site_id=site, limit=LIMIT, stages=STAGES)
    assert result.counts["pages_written"] == LIMIT - partial["pages"]
    final = snapshot(runtime, account, site)
    assert final["pages"] == final["charges"] == LIMIT and final["keys"] == LIMIT
    assert final["balance"] == budget + 5_000 - final["charged"]
    assert final["held"] == 0 and final["open_holds"] == 0
