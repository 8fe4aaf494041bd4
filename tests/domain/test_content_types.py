"""The brief is typed where it comes back from storage: every brief the pipeline builds validates, and a
malformed one fails with the field named."""

import pytest
from pydantic import ValidationError

from igny8.domain.content import read_brief
from igny8.evals.page_sources import dental_blueprint
from igny8.llm.embedder import FakeEmbedder
from igny8.stages.briefs import build_brief


def test_every_built_brief_validates_and_a_broken_one_names_its_field() -> None:
    blueprint = dental_blueprint(FakeEmbedder())
    briefs = [build_brief(blueprint, page) for page in blueprint.pages]
    assert briefs and all(read_brief(brief) == brief for brief in briefs)

    broken = {**briefs[0], "target_keywords": "not a list"}
    with pytest.raises(ValidationError, match="target_keywords"):
        read_brief(broken)
    missing = {k: v for k, v in briefs[0].items() if k != "structure"}
    with pytest.raises(ValidationError, match="structure"):
        read_brief(missing)
