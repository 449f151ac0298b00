"""uat: make the universal approximation theorem visible.

The library behind the `uat` command. Everything the CLI does is a call here::

    import uat
    f = uat.fit("sin", 50)                  # hand-built: 25 bumps of step pairs
    g = uat.fit("gaussian2d", 48, method="train")  # a surface; keywords are Settings fields
    t = uat.resolve_target("sin", "0,pi")   # or a target, with settings
    h = uat.fit(t, 50, uat.Settings(method="train"))
    print(f.errors.sup, g.errors.rmse, h.to_dict()["sup_error"])
    fig = uat.fit_figure(f)

The package is in layers, each a folder, each importing only those below it:
`settings`/`errors`/`io` (the request), `core` (the mathematics), `jobs` (one function per
command), `plot` (figures and animations), `web` (explorer and gallery pages), `cli`.
Heavy modules (matplotlib) load only when a figure function is first used.
"""

from __future__ import annotations

import importlib
import sys
from typing import Any

__version__ = "0.1.0"

_EXPORTS = {
    "UatError": "uat.errors",
    "Settings": "uat.settings",
    "LIMITS": "uat.settings",
    "Target": "uat.core.targets",
    "TARGETS": "uat.core.targets",
    "get_target": "uat.core.targets",
    "parse_domain": "uat.core.targets",
    "ShallowNet": "uat.core.network",
    "ACTIVATIONS": "uat.core.activations",
    "bumps": "uat.core.construct",
    "bump_bound": "uat.core.metrics",
    "Fit": "uat.jobs.fitting",
    "fit": "uat.jobs.commands",
    "compare": "uat.jobs.commands",
    "convergence": "uat.jobs.commands",
    "explain": "uat.jobs.commands",
    "show": "uat.jobs.commands",
    "resolve_target": "uat.jobs.request",
    "as_target": "uat.jobs.request",
    "smallest_width": "uat.jobs.fitting",
    "animate": "uat.plot.animate",
    "explore": "uat.web.widget:explore_widget",  # in a notebook: the explorer as a widget
    "fit_figure": "uat.plot",
    "save_figure": "uat.plot",
    "style": "uat.plot",
}

__all__ = ["__version__", *_EXPORTS]

# The layers load on first use too: `uat.plot.style()`, `uat.core.train.train(...)`.
_MODULES = {"settings", "errors", "io", "threads", "core", "jobs", "plot", "web", "cli"}


def __getattr__(name: str) -> Any:
    if name in _EXPORTS:
        module, _, attr = _EXPORTS[name].partition(":")
        return getattr(importlib.import_module(module), attr or name)
    if name in _MODULES:
        return importlib.import_module(f"uat.{name}")
    raise AttributeError(f"module 'uat' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(__all__)


def _show_results_in_ipython() -> None:
    """Inside IPython (a notebook), results display as their figures: see `uat.plot.display`."""
    ipython = sys.modules.get("IPython")
    shell = ipython.get_ipython() if ipython is not None else None
    if shell is not None and hasattr(shell, "display_formatter"):
        from uat.plot.display import register

        register(shell)


_show_results_in_ipython()
