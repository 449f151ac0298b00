"""The one exception type for errors a user can cause."""

from __future__ import annotations


class UatError(Exception):
    """Bad input or an impossible request; the CLI prints it as one line and exits with 2.

    `param` names the library parameter at fault (such as "n_neurons"), so that an adapter
    can speak of its own spelling of it (the CLI's "--neurons"); the message itself uses the
    library's name.
    """

    def __init__(self, message: str, param: str | None = None) -> None:
        super().__init__(message)
        self.param = param
