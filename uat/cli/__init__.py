"""The `uat` command line: typer commands over `uat.jobs`, text reports, one exit path."""

from uat.cli.app import app, main

__all__ = ["app", "main"]
