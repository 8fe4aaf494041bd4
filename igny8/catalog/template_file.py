"""A sector attribute template written by a person (``--template FILE``, YAML or JSON, the schema of the
shipped ones): read, checked against the same hard constraints as the catalog's, every problem listed
with what to fix, and marked ``user_contributed``."""

from __future__ import annotations

from pathlib import Path

from pydantic import ValidationError

from igny8.catalog.build_request import read_mapping_file, validation_errors
from igny8.catalog.loader import CatalogError
from igny8.catalog.validation import validate_template
from igny8.domain.catalog import SectorInfo, SectorTemplate

MAX_LISTED = 30


def load_template_file(path: Path, *, industry: str, sectors: list[SectorInfo]) -> SectorTemplate:
    """The template in ``path`` for one of ``sectors`` of ``industry``. ``sector`` and ``industry`` may be
    left out of the file when only one sector is asked for; ``source`` is always ``user_contributed``."""
    data = read_mapping_file(path, "template file", "sector, industry, attributes, keyword_templates")
    if "sector" not in data and len(sectors) == 1:
        data["sector"] = sectors[0].slug
    data.setdefault("industry", industry)
    data["source"] = "user_contributed"
    try:
        template = SectorTemplate.model_validate(data)
    except ValidationError as exc:
        raise CatalogError(f"template file {path}: {validation_errors(exc)}") from exc
    if template.industry != industry:
        raise CatalogError(
            f"template file {path} is for industry {template.industry!r}, but --industry is {industry!r}"
        )
    slugs = [s.slug for s in sectors]
    if template.sector not in slugs:
        raise CatalogError(
            f"template file {path} is for sector {template.sector!r}, which is not among the sectors asked for "
            f"({', '.join(slugs)}); set its 'sector' to one of them"
        )
    violations = validate_template(template)
    if violations:
        listed = "\n".join(f"  - {v}" for v in violations[:MAX_LISTED])
        more = f"\n  … and {len(violations) - MAX_LISTED} more" if len(violations) > MAX_LISTED else ""
        raise CatalogError(
            f"template file {path} breaks {len(violations)} of the template rules; fix them and run again:\n"
            f"{listed}{more}"
        )
    return template
