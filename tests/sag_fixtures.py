"""Small hand-made templates for the SAG engine's tests."""

from igny8.domain.catalog import AttributeSpec, KeywordTemplate, SectorTemplate


def attribute(slug: str, level: str, kind: str, values: list[str], name: str | None = None) -> AttributeSpec:
    return AttributeSpec(slug=slug, name=name or slug.replace("_", " ").title(), level=level, kind=kind, values=values)  # type: ignore[arg-type]


def keyword_template(pattern: str, intent: str = "commercial", **extra: object) -> KeywordTemplate:
    return KeywordTemplate(pattern=pattern, intent=intent, **extra)  # type: ignore[arg-type]


def small_template(sector: str = "test-sector", **overrides: object) -> SectorTemplate:
    data = dict(
        sector=sector,
        industry="test-industry",
        attributes=[
            attribute(
                "service", "primary", "category", ["Teeth Whitening", "Dental Implants", "Invisalign", "Veneers"]
            ),
            attribute("concern", "primary", "problem", ["Toothache", "Bad Breath", "Gum Disease", "Stained Teeth"]),
            attribute("group", "secondary", "audience", ["Kids", "Teens", "Adults", "Seniors"]),
            attribute("price", "secondary", "price", ["Budget", "Mid Range", "Premium", "Financing"]),
            attribute("insurer", "tertiary", "brand", ["Cigna", "Aetna", "Humana", "MetLife"]),
        ],
        keyword_templates=[
            keyword_template(p, i)
            for p, i in [
                ("{service} cost", "commercial"),
                ("best {service}", "commercial"),
                ("{service} near me", "transactional"),
                ("how long does {service} take", "informational"),
                ("{service} vs {service}", "commercial"),
                ("{service} for {group}", "commercial"),
                ("what causes {concern}", "informational"),
                ("{concern} treatment", "commercial"),
                ("{price} {service}", "commercial"),
                ("does {insurer} cover {service}", "informational"),
                ("{insurer} dentist login", "navigational"),
                ("dentist for {group}", "commercial"),
            ]
        ],
    )
    data.update(overrides)
    return SectorTemplate.model_validate(data)
