from igny8.agents.prose_filter import clean_model_text
from igny8.stages.review import on_topic_share, review_problems

SECTIONS = "".join(
    f'<section id="{k}"><h2>x</h2><p>{{}}</p></section>'
    for k in ("intro", "background", "details", "tips", "faq", "summary")
)


def _row(paragraph: str, words: int = 200) -> dict:
    return {
        "title": "Dental Implants Cost",
        "html": SECTIONS.replace("{}", paragraph),
        "meta": {
            "content_type": "post",
            "structure": "article",
            "word_count": words,
            "target_keywords": ["dental implants cost"],
        },
    }


FEATURED = [{"role": "featured", "path": "/x.svg"}]


def test_a_sound_page_is_approved() -> None:
    assert (
        review_problems(_row("What dental implants cost depends on the number of implants and the clinic."), FEATURED)
        == []
    )


def test_each_rule_names_its_problem() -> None:
    problems = review_problems(
        {**_row("The world is a land of wonder where wisdom is a gift of the mind.", 40), "title": "Implant Guide"}, []
    )
    assert "40 words; auto-approval needs 180" in problems
    assert "no target keyword appears in the page" in problems
    assert any("of paragraphs are about the page's topic" in p for p in problems)
    assert "no featured image" in problems
    missing = review_problems({**_row("dental implants cost"), "html": "<p>dental implants cost</p>"}, FEATURED)
    assert any(p.startswith("sections missing: intro") for p in missing)
    assert "a template placeholder was left in the text" in review_problems(
        _row("dental implants cost {price}"), FEATURED
    )


def test_on_topic_share() -> None:
    html = "<p>Implant prices vary by clinic and by the materials chosen for you.</p><p>The sky is blue and wide over the sea today.</p>"
    assert on_topic_share("Dental Implants", ["implant prices"], html) == 0.5


def test_model_text_is_cleaned_of_task_talk_and_cut_sentences() -> None:
    text = '"Implants." Here is a sample of the text you are asked to help with. **Implants** last years. They cost'
    assert clean_model_text(text) == "Implants. Implants last years."


def test_json_ld_braces_are_not_a_template_placeholder() -> None:
    row = _row("What dental implants cost depends on the number of implants and the clinic.")
    row["html"] = '<script type="application/ld+json">{"@type": "Article"}</script>' + row["html"]
    assert review_problems(row, FEATURED) == []


def test_export_points_site_links_at_preview_files(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from igny8.stages.review import export_page

    html = '<h1>T</h1>\n<p>See <a href="/crowns/">crowns</a>, <a href="/a/b/">b</a> and <a href="https://x.org/">x</a>.</p>'
    row = {"title": "T", "slug": "t", "status": "review", "html": html, "meta": {"structure": "article"}}
    images = [{"role": "featured", "prompt": "p", "path": "/img/t-featured.svg"}]
    export_page(tmp_path, row, images, [])
    page = (tmp_path / "pages" / "t.html").read_text(encoding="utf-8")
    assert '<a href="crowns.html">crowns</a>' in page and 'href="/a/b/"' in page and 'href="https://x.org/"' in page
    assert '</h1>\n<img class="featured" src="../images/t-featured.svg" alt="">\n<p>' in page
