"""Credits that limit: every metered call reserves before it starts and settles after; the balance always
equals the grants minus the ledger; a repeated key charges once; no account is ever overdrawn."""

from __future__ import annotations

import threading

import psycopg
import pytest

from igny8.config import Settings
from igny8.domain.plans import PLANS
from igny8.llm import fake
from igny8.llm.credits import OutOfCredits, credit_period, credits_for, reservation_for
from igny8.llm.gateway import Meter, ModelGateway
from igny8.memory import credit_accounts
from igny8.memory.database import Database
from igny8.memory.tenancy import create_account
from igny8.workflows.credits import CreditRequestError, credit_balance, credit_history, grant
from igny8.workflows.public_errors import public_error

ASK = [{"role": "user", "content": "one sentence about dental implants"}]
REPLY = "implants " * 250  # 250 completion tokens: a content call costs 3+ credits


def _account(database: Database, *, available: int | None = None) -> int:
    """A new account; with ``available``, its month's allowance is already spent and it holds exactly that."""
    with database.connection() as conn:
        account = create_account(conn, name="tenant")
        if available is not None:
            conn.execute(
                "INSERT INTO credit_accounts (account_id, plan, balance, allowance_period) VALUES (%s, 'lite', 0, %s)",
                (account, credit_period()),
            )
    if available:
        grant(database, account_id=account, credits=available, plan=None, reason="test", default_plan="lite")
    return account


def _state(database: Database, account: int) -> tuple[credit_accounts.CreditBalance, dict[str, int]]:
    with database.connection() as conn:
        balance = credit_accounts.open_account(conn, account_id=account, default_plan="lite", period=credit_period())
        return balance, credit_accounts.totals(conn, account_id=account)


def test_a_new_account_gets_its_plans_monthly_allowance_once(database: Database) -> None:
    account = _account(database)
    view = credit_balance(database, account_id=account, default_plan="lite", credit_price_usd=0.01)
    assert view.plan == "lite" and view.balance == PLANS["lite"].monthly_credits_per_site == 10_000
    assert view.balance_usd == 100.0
    again = credit_balance(database, account_id=account, default_plan="lite", credit_price_usd=0.01)
    assert again.balance == 10_000 and again.granted_total == 10_000
    history = credit_history(database, account_id=account, default_plan="lite")
    assert [row["what"] for row in history] == [f"lite plan allowance {credit_period()}"]


def test_a_call_is_charged_and_the_ledger_sums_to_the_balance_change(settings: Settings, database: Database) -> None:
    account = _account(database)
    gateway = ModelGateway(settings, database)
    before, _ = _state(database, account)
    with fake.override(fake.ScriptedModel(default=REPLY)):
        for n in range(3):
            gateway.complete("writer", ASK, operation="content_generation", meter=Meter(account, None, f"k{n}"))
    after, totals = _state(database, account)
    assert totals["charged"] > 0 and totals["open_holds"] == 0
    assert before.balance - after.balance == totals["charged"]
    assert after.balance == totals["granted"] - totals["charged"]
    assert after.held == 0


def test_out_of_credits_stops_before_the_model_is_called(settings: Settings, database: Database) -> None:
    needed = reservation_for("content_generation")
    account = _account(database, available=needed - 1)
    gateway = ModelGateway(settings, database)
    with fake.override(fake.ScriptedModel(default=REPLY)) as model:
        with pytest.raises(OutOfCredits) as refused:
            gateway.complete("writer", ASK, operation="content_generation", meter=Meter(account, None, "page-1"))
    assert model.calls == []  # nothing was started
    shown = public_error(refused.value)
    assert shown is not None and shown.status_code == 402
    assert f"{needed - 1} credit(s) available" in shown.message and "igny8 credits grant" in shown.message
    balance, totals = _state(database, account)
    assert balance.balance == needed - 1 and totals["charged"] == 0 and totals["open_holds"] == 0


def test_a_key_is_charged_once_even_when_the_work_is_done_again(settings: Settings, database: Database) -> None:
    """A worker killed after the charge but before storing its result does the work again: no second charge."""
    account = _account(database)
    gateway = ModelGateway(settings, database)
    meter = Meter(account, None, "content_generation:task:7")
    with fake.override(fake.ScriptedModel(default=REPLY)):
        gateway.complete("writer", ASK, operation="content_generation", meter=meter)
        first, _ = _state(database, account)
        gateway.complete("writer", ASK, operation="content_generation", meter=meter)
    second, totals = _state(database, account)
    assert second.balance == first.balance and second.held == 0
    with database.connection() as conn:
        key = meter.idempotency_key
        rows = conn.execute("SELECT count(*) AS n FROM credit_ledger WHERE idempotency_key = %s", (key,))
        assert rows.fetchone()["n"] == 1


def test_a_hold_left_by_a_killed_worker_is_reused_not_doubled(settings: Settings, database: Database) -> None:
    """The reservation made before a worker died stays held under its key; the rerun reuses it."""
    account = _account(database, available=reservation_for("content_generation") + 10)
    meter = Meter(account, None, "content_generation:task:9")
    from igny8.llm.credits import reserve_credits

    with database.connection() as conn:
        reserve_credits(conn, "content_generation", meter)  # ... and then the process was killed
    held, _ = _state(database, account)
    assert held.held == reservation_for("content_generation")
    gateway = ModelGateway(settings, database)
    with fake.override(fake.ScriptedModel(default="short answer")):
        gateway.complete("writer", ASK, operation="content_generation", meter=meter)
    after, totals = _state(database, account)
    assert after.held == 0 and totals["open_holds"] == 0
    assert totals["charged"] == credits_for("content_generation", 2 + 10)  # minimum 3: the short answer's cost
    assert after.balance == held.balance - totals["charged"]


def test_a_failed_call_gives_its_hold_back(settings: Settings, database: Database) -> None:
    account = _account(database)
    gateway = ModelGateway(settings, database)
    with fake.override(fake.ScriptedModel(replies=[])):  # no reply: the call fails
        with pytest.raises(Exception, match="ran out of replies"):
            gateway.complete("writer", ASK, operation="content_generation", meter=Meter(account, None, "fails"))
    balance, totals = _state(database, account)
    assert balance.held == 0 and totals["charged"] == 0 and totals["open_holds"] == 0


def test_concurrent_workers_never_overdraw(settings: Settings, database: Database) -> None:
    per_call = reservation_for("content_generation")
    account = _account(database, available=per_call * 3 + per_call // 2)  # room for three calls, not four
    gateway = ModelGateway(settings, database)
    outcomes: list[str] = []

    def work(n: int) -> None:
        try:
            gateway.complete("writer", ASK, operation="content_generation", meter=Meter(account, None, f"c{n}"))
            outcomes.append("done")
        except OutOfCredits:
            outcomes.append("refused")

    with fake.override(fake.ScriptedModel(default=REPLY, latency_s=0.2)):
        threads = [threading.Thread(target=work, args=(n,)) for n in range(8)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    balance, totals = _state(database, account)
    assert outcomes.count("done") >= 3 and "refused" in outcomes
    assert balance.balance >= 0 and balance.held == 0
    assert balance.balance == totals["granted"] - totals["charged"]


def test_grants_are_validated_and_idempotent(database: Database) -> None:
    account = _account(database)
    assert grant(database, account_id=account, credits=50, plan=None, reason="bonus", default_plan="lite", key="b1")
    assert not grant(database, account_id=account, credits=50, plan=None, reason="bonus", default_plan="lite", key="b1")
    view = credit_balance(database, account_id=account, default_plan="lite", credit_price_usd=0.01)
    assert view.balance == 10_050
    for bad in ({"credits": 0}, {"credits": -5}, {"credits": 10**9}, {"plan": "gold"}, {}):
        with pytest.raises(CreditRequestError):
            grant(
                database,
                account_id=account,
                credits=bad.get("credits"),  # type: ignore[arg-type]
                plan=bad.get("plan"),  # type: ignore[arg-type]
                reason="x",
                default_plan="lite",
            )
    grant(database, account_id=account, credits=None, plan="pro", reason="upgrade", default_plan="lite")
    assert credit_balance(database, account_id=account, default_plan="lite", credit_price_usd=0.01).plan == "pro"
    with database.connection() as conn, pytest.raises(psycopg.errors.CheckViolation):
        conn.execute("UPDATE credit_accounts SET balance = -1 WHERE account_id = %s", (account,))
