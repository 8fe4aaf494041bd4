"""The shipped catalog: 45 industries, 449 sectors, and every authored template within the hard constraints."""

from collections import Counter

from igny8.catalog.loader import load_catalog, load_template_files
from igny8.catalog.validation import validate_catalog


def test_catalog_size_and_unique_sector_slugs() -> None:
    catalog = load_catalog()
    assert len(catalog.industries) == 45
    assert catalog.sector_count == 449
    slugs = Counter(s.slug for i in catalog.industries for s in i.sectors)
    assert [s for s, n in slugs.items() if n > 1] == []


def test_every_industry_has_at_least_two_authored_templates() -> None:
    catalog = load_catalog()
    thin = [i.slug for i in catalog.industries if sum(s.slug in catalog.templates for s in i.sectors) < 2]
    assert thin == []


def test_every_template_passes_validation() -> None:
    _, problems = load_template_files()
    violations = validate_catalog(load_catalog(), problems)
    assert [str(v) for v in violations] == []
