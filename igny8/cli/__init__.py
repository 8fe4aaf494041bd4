"""The `igny8` command line. Importing the package registers every command group on ``app``."""

# One import per command module: each registers its group on ``app``.
from igny8.cli import blueprint  # noqa: F401
from igny8.cli import demo  # noqa: F401
from igny8.cli import doctor  # noqa: F401
from igny8.cli import maintenance  # noqa: F401
from igny8.cli import pipeline  # noqa: F401
from igny8.cli import publish  # noqa: F401
from igny8.cli import seo  # noqa: F401
from igny8.cli import service  # noqa: F401
from igny8.cli.app import app, run

__all__ = ["app", "run"]
