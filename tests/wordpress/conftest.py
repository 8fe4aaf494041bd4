"""A real WordPress for the publishing tests: started once per session, emptied before each test.

The pipeline fixtures (a dental site with an active blueprint) are shared with tests/pipeline.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.pipeline.conftest import active_site, lorem_settings, runtime  # noqa: F401  (shared fixtures)
from tests.wordpress.testbed import WordPressTestbed, missing_tools


@pytest.fixture(scope="session")
def wordpress_testbed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[WordPressTestbed]:
    missing = missing_tools()
    if missing:
        pytest.skip(
            f"a real WordPress for the publishing tests needs {', '.join(missing)}; install them with "
            "`apt-get install wordpress php-cli php-mysql mariadb-server` (.ci/run does)"
        )
    bed = WordPressTestbed.start(tmp_path_factory.mktemp("wordpress"))
    try:
        yield bed
    finally:
        bed.stop()


@pytest.fixture()
def wordpress(wordpress_testbed: WordPressTestbed) -> WordPressTestbed:
    """The session's WordPress, empty: no posts, pages, media, terms or IGNY8 taxonomies; a new password."""
    wordpress_testbed.reset()
    return wordpress_testbed
