from igny8.agents.writer import clean_model_text
from igny8.pipeline.review import on_topic_share, review_problems

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
