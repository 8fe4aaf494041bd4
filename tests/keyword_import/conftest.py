from tests.crawl.fixtures import dental_site, runtime  # noqa: F401 - shared fixtures
