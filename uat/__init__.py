"""uat: make the universal approximation theorem visible.

The library behind the `uat` command. Everything the CLI does is a call here::

    import uat
    t = uat.get_target("sin")
    f = uat.fit(t, 50)                      # hand-built: 25 bumps of step pairs
    g = uat.fit(t, 50, uat.Settings(method="train"))   # uat.jobs: one function per command
    print(f.errors.sup, g.errors.rmse)
    fig = uat.fit_figure(f)

Heavy modules (matplotlib) load only when a figure function is first used.
"""

from __future__ import annotations

import importlib
from typing import Any

__version__ = "0.1.0"

_EXPORTS = {
    "UatError": "uat.errors",
    "Target": "uat.targets",
    "TARGETS": "uat.targets",
    "get_target": "uat.targets",
    "parse_domain": "uat.targets",
    "ShallowNet": "uat.network",
    "ACTIVATIONS": "uat.activations",
    "bumps": "uat.construct",
    "bump_bound": "uat.metrics",
    "Settings": "uat.settings",
    "LIMITS": "uat.settings",
    "Fit": "uat.jobs",
    "fit": "uat.jobs",
    "compare": "uat.jobs",
    "convergence": "uat.jobs",
    "show": "uat.jobs",
    "resolve_target": "uat.jobs",
    "fit_figure": "uat.plot",
    "save_figure": "uat.plot",
    "style": "uat.plot",
}

__all__ = ["__version__", *_EXPORTS]


# Submodules load on first use too: `uat.train.train(...)`, `uat.metrics.errors(...)`.
_MODULES = {"activations", "construct", "data", "errors", "expr", "metrics", "network"}
_MODULES |= {"plot", "targets", "train", "animate", "gallery", "io", "anatomy", "cli"}
_MODULES |= {"targets2d", "layered", "construct2d", "train2d", "metrics2d", "jobs2d", "plot2d"}
_MODULES |= {"settings", "jobs", "report", "scenes", "render", "writers", "diagram", "explore"}
_MODULES |= {"scenes2d", "render2d", "threads", "cliargs", "cli2d"}


def __getattr__(name: str) -> Any:
    if name in _EXPORTS:
        return getattr(importlib.import_module(_EXPORTS[name]), name)
    if name in _MODULES:
        return importlib.import_module(f"uat.{name}")
    raise AttributeError(f"module 'uat' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(__all__)
