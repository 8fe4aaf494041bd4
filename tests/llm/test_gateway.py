from typing import Annotated

import pytest
from pydantic import BaseModel, Field

from igny8.config import Settings
from igny8.llm import fake
from igny8.llm.gateway import Meter, ModelGateway, ModelOutputError, ModelRequestsForbidden
from igny8.memory.credit_ledger import credits_spent
from igny8.memory.database import Database
from igny8.memory.tenancy import create_account


class Headline(BaseModel):
    title: str = Field(min_length=5, max_length=80)
    tags: list[Annotated[str, Field(min_length=2, max_length=40)]] = Field(min_length=1, max_length=5)


ASK = [{"role": "user", "content": "A headline about dental implants with tags."}]


@pytest.fixture()
def account(database: Database) -> int:
    with database.connection() as conn:
        return create_account(conn, name="tenant")


def test_structured_answer_validates(settings: Settings, database: Database, account: int) -> None:
    gateway = ModelGateway(settings, database)
    with fake.override(fake.ScriptedModel(replies=[{"title": "Dental implants explained", "tags": ["implants"]}])) as m:
        result = gateway.structured(
            "writer", ASK, Headline, operation="content_generation", meter=Meter(account_id=account)
        )
    assert result == Headline(title="Dental implants explained", tags=["implants"])
    sent = m.calls[0]["params"]["response_format"]
    assert sent["type"] == "json_schema" and sent["json_schema"]["schema"]["required"] == ["title", "tags"]


def test_malformed_answer_is_repaired_with_the_errors(settings: Settings, database: Database, account: int) -> None:
    gateway = ModelGateway(settings, database)
    replies = ['{"title": "x"}', '```json\n{"title": "Implants, plainly", "tags": ["cost"]}\n```']
    with fake.override(fake.ScriptedModel(replies=list(replies))) as m:
        result = gateway.structured(
            "writer", ASK, Headline, operation="content_generation", meter=Meter(account_id=account)
        )
    assert result.title == "Implants, plainly"
    repair_request = m.calls[1]["messages"][-1]["content"]
    assert "title" in repair_request and "tags" in repair_request  # the validation errors are sent back


def test_answer_still_invalid_after_repair_is_rejected_and_nothing_charged(
    settings: Settings, database: Database, account: int
) -> None:
    gateway = ModelGateway(settings, database)
    with fake.override(fake.ScriptedModel(replies=["no json here", '{"title": 5}'])):
        with pytest.raises(ModelOutputError, match="does not match Headline even after a repair attempt"):
            gateway.structured("writer", ASK, Headline, operation="content_generation", meter=Meter(account_id=account))
    with database.connection() as conn:
        assert credits_spent(conn, account_id=account) == 0


def test_tokens_are_charged_once_per_idempotency_key(settings: Settings, database: Database, account: int) -> None:
    gateway = ModelGateway(settings, database)
    meter = Meter(account_id=account, idempotency_key="content:task-7")
    with fake.override(fake.ScriptedModel(default="word " * 450)):
        gateway.complete("writer", ASK, operation="content_generation", meter=meter)
        gateway.complete("writer", ASK, operation="content_generation", meter=meter)
    with database.connection() as conn:
        rows = conn.execute("SELECT * FROM credit_ledger WHERE account_id = %s", (account,)).fetchall()
    assert len(rows) == 1
    assert rows[0]["completion_tokens"] == 450
    assert rows[0]["credits"] == (rows[0]["prompt_tokens"] + 450 + 99) // 100


def test_roles_use_their_own_models(data_dir) -> None:  # type: ignore[no-untyped-def]
    settings = Settings(data_dir=data_dir, writer_model="openai/gpt-4o-mini", embedder="fake")
    gateway = ModelGateway(settings)
    assert gateway.model_for("writer") == "openai/gpt-4o-mini"
    assert gateway.model_for("architect") == "igny8-local/smollm2-135m"


def test_real_model_requests_are_forbidden_in_tests(settings: Settings) -> None:
    gateway = ModelGateway(settings)
    with pytest.raises(ModelRequestsForbidden):
        gateway.complete("architect", ASK, operation="chat")


@pytest.mark.local_model
def test_local_model_answers_a_structured_request(settings: Settings, database: Database, account: int) -> None:
    gateway = ModelGateway(settings, database)
    result = gateway.structured(
        "writer", ASK, Headline, operation="content_generation", meter=Meter(account_id=account), max_tokens=200
    )
    assert isinstance(result, Headline)
    assert 5 <= len(result.title) <= 80
    with database.connection() as conn:
        row = conn.execute(
            "SELECT model, prompt_tokens, completion_tokens FROM credit_ledger WHERE account_id = %s", (account,)
        ).fetchone()
    assert row["model"] == "igny8-local/smollm2-135m" and row["completion_tokens"] > 0
