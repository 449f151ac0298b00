"""The `uat` command line: typer commands over `uat.jobs`, text reports, one exit path."""

from uat.cli import depth as _depth  # noqa: F401  registers `uat depth` on the app
from uat.cli import export as _export  # noqa: F401  registers `uat export` on the app
from uat.cli.app import app, main

__all__ = ["app", "main"]
