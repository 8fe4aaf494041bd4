"""A sector attribute template written by a person (``--template FILE``, YAML or JSON, the schema of the
shipped ones, or the web app's grid editor): checked against the same hard constraints as the catalog's,
every problem listed with what to fix (and, for an editor, the field it is about), and marked
``user_contributed`` unless it was drafted by the architect agent."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pydantic import ValidationError

from igny8.catalog.build_request import read_mapping_file, validation_errors
from igny8.catalog.loader import CatalogError
from igny8.catalog.validation import validate_template
from igny8.domain.catalog import SectorInfo, SectorTemplate, TemplateSource

MAX_LISTED = 30


class TemplateInvalid(CatalogError):
    """The template breaks the schema or the template rules; ``problems`` holds (field, what to fix) pairs,
    the field a dotted path such as ``attributes.2.values`` or ``keyword_templates``."""

    def __init__(self, message: str, problems: list[tuple[str, str]]) -> None:
        super().__init__(message)
        self.problems = problems


def check_template(
    data: dict[str, Any],
    *,
    what: str,
    industry: str,
    sectors: list[SectorInfo],
    source: TemplateSource = "user_contributed",
) -> SectorTemplate:
    """The template in ``data`` for one of ``sectors`` of ``industry``. ``sector`` and ``industry`` may be
    left out when only one sector is asked for; ``source`` is set here, never taken from ``data``."""
    data = dict(data)
    if "sector" not in data and len(sectors) == 1:
        data["sector"] = sectors[0].slug
    data.setdefault("industry", industry)
    data["source"] = source
    try:
        template = SectorTemplate.model_validate(data)
    except ValidationError as exc:
        problems = [(".".join(str(p) for p in e["loc"]) or "template", e["msg"]) for e in exc.errors()]
        raise TemplateInvalid(f"{what}: {validation_errors(exc)}", problems) from exc
    if template.industry != industry:
        raise CatalogError(f"{what} is for industry {template.industry!r}, but --industry is {industry!r}")
    slugs = [s.slug for s in sectors]
    if template.sector not in slugs:
        raise CatalogError(
            f"{what} is for sector {template.sector!r}, which is not among the sectors asked for "
            f"({', '.join(slugs)}); set its 'sector' to one of them"
        )
    violations = validate_template(template)
    if violations:
        listed = "\n".join(f"  - {v}" for v in violations[:MAX_LISTED])
        more = f"\n  … and {len(violations) - MAX_LISTED} more" if len(violations) > MAX_LISTED else ""
        raise TemplateInvalid(
            f"{what} breaks {len(violations)} of the template rules; fix them and run again:\n{listed}{more}",
            [(v.field or "template", v.problem) for v in violations],
        )
    return template


def load_template_file(path: Path, *, industry: str, sectors: list[SectorInfo]) -> SectorTemplate:
    """The template in ``path`` (see ``check_template``); ``source`` is always ``user_contributed``."""
    data = read_mapping_file(path, "template file", "sector, industry, attributes, keyword_templates")
    return check_template(data, what=f"template file {path}", industry=industry, sectors=sectors)
