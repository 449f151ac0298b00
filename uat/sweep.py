"""Old import path of `Settings`, `Fit`, `fit` and `sweep`, kept only for `uat.animate`,
`uat.plot` and `uat.anatomy` until they import `uat.settings` and `uat.jobs` (lead: delete this
module, and the `but` below, when the scenes branch merges; nothing else imports it)."""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING, Any, TypeAlias

from uat.jobs import (
    Fit,
    Point,
    asymptotic_start,
    fit,
    fitted_slope,
    geometric_widths,
    summarise,
    sweep,
)
from uat.settings import METHODS, check_width
from uat.settings import Settings as _Settings

if TYPE_CHECKING:  # how the old callers use it: untyped strings and `.but`
    Settings: TypeAlias = Any
else:
    Settings = _Settings


def _but(self: _Settings, **changes: Any) -> _Settings:
    """`dataclasses.replace`, under the old name the old animate.py still calls."""
    return replace(self, **changes)


setattr(_Settings, "but", _but)  # noqa: B010 (temporary: see the module docstring)

__all__ = [
    "METHODS", "Fit", "Point", "Settings", "asymptotic_start", "check_width", "fit",
    "fitted_slope", "geometric_widths", "summarise", "sweep",
]  # fmt: skip
