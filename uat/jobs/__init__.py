"""One function per command: a request (target, width, `Settings`) in, a result out.

The CLI, the gallery, notebooks and Python users share these calls; nothing here draws.
"""

from uat.jobs.commands import (
    Comparison,
    Convergence,
    Fit,
    as_target,
    compare,
    compare_runs,
    convergence,
    explain,
    fit,
    output_name,
    resolve_target,
    show,
    smallest_width,
)

__all__ = [
    "Comparison", "Convergence", "Fit", "as_target", "compare", "compare_runs", "convergence",
    "explain", "fit", "output_name", "resolve_target", "show", "smallest_width",
]  # fmt: skip
