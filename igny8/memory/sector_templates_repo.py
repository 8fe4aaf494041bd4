"""Sector attribute templates made at run time (table ``sector_templates``): written by a person
(``user_contributed``) or designed by the architect agent (``ai_generated``), kept per account and reused
by the account's other sites. The shipped ``system`` templates live in the catalog's data files."""

from __future__ import annotations

from dataclasses import dataclass

import psycopg
from psycopg.types.json import Jsonb

from igny8.domain.catalog import SectorTemplate


@dataclass(frozen=True, slots=True)
class StoredTemplate:
    template: SectorTemplate
    name: str | None  # the sector's name as the person wrote it (sectors outside the catalog)
    account_id: int | None


def save_sector_template(
    conn: psycopg.Connection, template: SectorTemplate, *, account_id: int | None, name: str | None = None
) -> None:
    """Store (or replace) the account's template for ``template.sector``."""
    conn.execute(
        "INSERT INTO sector_templates (account_id, sector, name, industry, source, template)"
        " VALUES (%s, %s, %s, %s, %s, %s)"
        " ON CONFLICT (account_id, sector) DO UPDATE SET template = EXCLUDED.template,"
        " source = EXCLUDED.source, industry = EXCLUDED.industry,"
        " name = COALESCE(EXCLUDED.name, sector_templates.name),"
        " created_at = now()",
        (
            account_id,
            template.sector,
            name,
            template.industry,
            template.source,
            Jsonb(template.model_dump(mode="json")),
        ),
    )


def find_sector_template(conn: psycopg.Connection, sector: str, *, account_id: int | None) -> StoredTemplate | None:
    """The account's own template for ``sector``, else one shared by every account (from before accounts
    owned templates)."""
    row = conn.execute(
        "SELECT template, name, account_id FROM sector_templates WHERE sector = %s"
        " AND (account_id = %s OR account_id IS NULL) ORDER BY account_id NULLS LAST LIMIT 1",
        (sector, account_id),
    ).fetchone()
    if row is None:
        return None
    return StoredTemplate(SectorTemplate.model_validate(row["template"]), row["name"], row["account_id"])


def account_templates(conn: psycopg.Connection, *, account_id: int) -> list[StoredTemplate]:
    rows = conn.execute(
        "SELECT template, name, account_id FROM sector_templates WHERE account_id = %s ORDER BY sector",
        (account_id,),
    ).fetchall()
    return [StoredTemplate(SectorTemplate.model_validate(r["template"]), r["name"], r["account_id"]) for r in rows]


def own_sector_industries(conn: psycopg.Connection, *, account_id: int) -> dict[str, str]:
    """The sectors the account has a template of its own for (sectors outside the catalog among them), each
    with the industry its template is for."""
    rows = conn.execute("SELECT sector, industry FROM sector_templates WHERE account_id = %s", (account_id,)).fetchall()
    return {r["sector"]: r["industry"] for r in rows}
