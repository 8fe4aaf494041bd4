import numpy as np
import pytest

from igny8.llm.embedder import FakeEmbedder, MiniLMEmbedder
from igny8.memory.database import Database
from igny8.memory.keywords import KeywordRow, insert_keywords, nearest_keywords
from igny8.memory.migrations import apply_migrations, migration_files
from igny8.memory.tenancy import create_account, create_site

KEYWORDS = [
    "dental implants cost",
    "how much do dental implants cost",
    "dental implant price for seniors",
    "teeth whitening at home",
    "best teeth whitening strips",
    "invisalign for adults",
    "clear aligners for teenagers",
    "dog grooming near me",
    "cat grooming prices",
    "root canal recovery time",
]


def _site(conn) -> int:  # type: ignore[no-untyped-def]
    account = create_account(conn, name="acme")
    return create_site(
        conn,
        account_id=account,
        name="smiles",
        url=None,
        site_type="local_service",
        industry="healthcare-medical",
        sectors=["dental-clinics"],
    ).id


def test_migrations_are_recorded_and_applied_once(database: Database) -> None:
    with database.connection() as conn:
        versions = [r["version"] for r in conn.execute("SELECT version FROM schema_migrations ORDER BY 1")]
        assert versions == [v for v, _ in migration_files()]
        assert apply_migrations(conn) == []


def test_nearest_neighbours_with_fake_embedder(database: Database) -> None:
    embedder = FakeEmbedder()
    with database.connection() as conn:
        site_id = _site(conn)
        rows = [KeywordRow(text=k, intent="commercial", source={}) for k in KEYWORDS]
        assert insert_keywords(
            conn, site_id=site_id, blueprint_id=None, keywords=rows, embeddings=embedder.embed(KEYWORDS)
        ) == len(KEYWORDS)
        query = embedder.embed(["grooming"])[0]
        found = [n.text for n in nearest_keywords(conn, site_id=site_id, vector=query, limit=2)]
    assert sorted(found) == ["cat grooming prices", "dog grooming near me"]


@pytest.mark.slow
def test_nearest_neighbours_with_minilm_and_hnsw(database: Database) -> None:
    embedder = MiniLMEmbedder()
    with database.connection() as conn:
        site_id = _site(conn)
        vectors = embedder.embed(KEYWORDS)
        insert_keywords(
            conn,
            site_id=site_id,
            blueprint_id=None,
            keywords=[KeywordRow(text=k, intent="informational", source={}) for k in KEYWORDS],
            embeddings=vectors,
        )
        query = embedder.embed(["price of a tooth implant"])[0]
        found = [n.text for n in nearest_keywords(conn, site_id=site_id, vector=query, limit=3)]
        conn.execute("SET LOCAL enable_seqscan = off")  # so few rows would otherwise be scanned
        plan = conn.execute(
            "EXPLAIN SELECT id FROM keywords ORDER BY embedding <=> %s LIMIT 3", (np.asarray(query),)
        ).fetchall()
    assert set(found) == {
        "dental implants cost",
        "how much do dental implants cost",
        "dental implant price for seniors",
    }
    assert any("keywords_embedding_hnsw" in str(row) for row in plan), plan


def test_neighbours_never_cross_sites(database: Database) -> None:
    embedder = FakeEmbedder()
    with database.connection() as conn:
        first, second = _site(conn), _site(conn)
        insert_keywords(
            conn,
            site_id=first,
            blueprint_id=None,
            keywords=[KeywordRow(text="secret keyword", intent="commercial", source={})],
            embeddings=embedder.embed(["secret keyword"]),
        )
        found = nearest_keywords(conn, site_id=second, vector=embedder.embed(["secret keyword"])[0], limit=5)
    assert found == []
