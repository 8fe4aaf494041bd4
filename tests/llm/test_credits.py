import pytest

from igny8.llm.credits import UnknownOperation, credits_for


@pytest.mark.parametrize(
    ("operation", "tokens", "credits"),
    [
        ("content_generation", 1, 3),  # minimum 3
        ("content_generation", 1000, 10),  # 100 tokens per credit
        ("content_generation", 1001, 11),  # part of a credit is a credit
        ("clustering", 150, 2),  # minimum 2
        ("clustering", 1500, 10),  # 150 tokens per credit
        ("image_generation", 10, 5),  # minimum 5
        ("image_generation", 500, 10),  # 50 tokens per credit
    ],
)
def test_plan_rates(operation: str, tokens: int, credits: int) -> None:
    assert credits_for(operation, tokens) == credits


def test_unknown_operation_names_the_known_ones() -> None:
    with pytest.raises(UnknownOperation, match="content_generation"):
        credits_for("mining", 10)
