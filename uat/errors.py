"""The one exception type for errors a user can cause."""

from __future__ import annotations


class UatError(Exception):
    """Bad input or an impossible request; the CLI prints it as one line and exits with 2."""
