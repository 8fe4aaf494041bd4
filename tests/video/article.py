"""A dental article in the writer's section layout, for the video tests."""

SECTIONS = [
    (
        "What dental implants are",
        "A dental implant is a small titanium post that replaces the root of a missing "
        "tooth. A crown on top looks and works like a natural tooth.",
    ),
    (
        "Who is a good candidate",
        "Most adults with healthy gums and enough jaw bone can have implants. Smokers and "
        "people with diabetes need a careful check first.",
    ),
    (
        "How the procedure works",
        "The dentist places the post under local anaesthetic in about an hour. The bone "
        "grows around it over the next three months.",
    ),
    (
        "Recovery and aftercare",
        "Most patients go back to work the next day. Soft food and gentle brushing help the site heal quickly.",
    ),
    (
        "What implants cost in Austin",
        "A single implant with its crown costs between three and five thousand "
        "dollars. Many clinics offer payment plans.",
    ),
    (
        "How long implants last",
        "With good care an implant can last for decades. Regular check ups keep the gums around it healthy.",
    ),
    (
        "Choosing a clinic",
        "Look for a dentist who places implants every week. Ask to see photos of their own patients before and after.",
    ),
]


def article_html() -> str:
    lead = "<p>Dental implants replace missing teeth with a fixed, natural looking tooth that lasts for years.</p>"
    body = "".join(f'<section id="s{i}"><h2>{h}</h2><p>{p}</p></section>' for i, (h, p) in enumerate(SECTIONS))
    return lead + body
