from igny8.tools.content.readability import reading_ease, sentence_count, syllables, words_per_sentence


def test_abbreviations_do_not_end_sentences() -> None:
    text = "Dr. Smith works at St. Mary's clinic, e.g. on Mondays. Call the clinic today! Prices start at ten dollars."
    assert sentence_count(text) <= 4  # a split on "." alone finds 6


def test_syllables_by_vowel_groups() -> None:
    assert [syllables(w) for w in ("make", "table", "every", "business", "services")] == [1, 2, 3, 3, 3]


def test_reading_ease_ranks_plain_text_above_dense_text() -> None:
    plain = "Dental implants cost less than you think. Most clinics offer payment plans. Ask for a quote first."
    dense = (
        "Notwithstanding considerable organisational complexity, comprehensive implementation necessitates "
        "deliberation across multinational institutional stakeholders."
    )
    assert reading_ease(plain) > 60 > reading_ease(dense)
    assert reading_ease("") == 0.0 and words_per_sentence("One two three four. Five six seven eight.") == 4
