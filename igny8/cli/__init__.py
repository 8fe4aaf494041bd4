"""The `igny8` command line. Importing the package registers every command group on ``app``."""

from igny8.cli import blueprint, demo, doctor, maintenance, pipeline, publish, seo, service  # noqa: F401
from igny8.cli.app import app, run

__all__ = ["app", "run"]
