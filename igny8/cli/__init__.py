"""The `igny8` command line. Importing the package registers every command group on ``app``."""

# One import per command module: each registers its group on ``app``.
from igny8.cli import (
    backlinks,  # noqa: F401
    blueprint,  # noqa: F401
    catalog,  # noqa: F401
    credits,  # noqa: F401
    db,  # noqa: F401
    demo,  # noqa: F401
    doctor,  # noqa: F401
    gsc,  # noqa: F401
    keywords,  # noqa: F401
    maintenance,  # noqa: F401
    pipeline,  # noqa: F401
    plugin_bridge,  # noqa: F401
    publish,  # noqa: F401
    report,  # noqa: F401
    seo,  # noqa: F401
    service,  # noqa: F401
    site,  # noqa: F401
    social,  # noqa: F401
    video,  # noqa: F401
)
from igny8.cli.app import app, run

__all__ = ["app", "run"]
