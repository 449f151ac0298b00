"""The figure each command draws of its job's result, for a curve or a surface, and its file.

One place that knows which drawing a result takes: the command line and the gallery both
call `draw`, so a command and its gallery entry make the same figure.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from matplotlib.figure import Figure


def command_figure(command: str, result: Any, *, eps: float | None = None) -> Figure:
    """The figure of `uat COMMAND` (fit, show, explain, compare, convergence) from its result.

    `result` is the job's result of either dimension (a fit, comparison or convergence
    study); `eps` draws the band f ± eps of a curve's fit.
    """
    if command == "depth":  # uat depth: sup error against parameters, a line per depth
        from uat.plot.depth import depth_figure

        return depth_figure(result)
    surface = getattr(result.target, "dim", 1) == 2
    if _deep(result):  # a fit of one input built in layers (uat.jobs.deepfit)
        from uat.plot import depth

        return depth.layers_figure(result.net) if command == "explain" else depth.fit_figure(result)
    if command in ("fit", "show"):
        if surface:
            from uat.plot.surfaces import surface_fit_figure

            return surface_fit_figure(result)
        from uat.plot.figures import fit_figure

        # the explorer's tests stand in a fit_figure(fit) for speed: eps only when given
        return fit_figure(result) if eps is None else fit_figure(result, eps=eps)
    if command == "explain":
        if surface:
            from uat.plot.surfaces import layers_figure

            return layers_figure(result.net, result.target)
        from uat.plot.anatomy import anatomy_figure

        return anatomy_figure(result)
    if command == "compare":
        from uat.plot import surfaces
        from uat.plot.figures import compare_figure

        if surface:
            return surfaces.surface_compare_figure(result)
        return compare_figure(result.fits, columns=len(result.activations or [None]))
    from uat.plot import surfaces
    from uat.plot.figures import convergence_figure

    if surface:
        return surfaces.surface_convergence_figure(result)
    return convergence_figure(result.target, result.points, result.settings)


def _deep(result: Any) -> bool:
    """A fit of one input whose net has hidden layers (not the one-hidden-layer ShallowNet)."""
    from uat.core.network import ShallowNet

    net = getattr(result, "net", None)
    return (
        getattr(result.target, "dim", 1) == 1
        and net is not None
        and not isinstance(net, ShallowNet)
    )


def draw(command: str, result: Any, path: str | Path, *, eps: float | None = None) -> None:
    """Draw `command_figure` in the package style and write it atomically to `path`."""
    import numpy as np

    from uat.plot.figures import save_figure, style

    # matplotlib's log scale overflows in exp() on errors near 1e299 (a warning, not a fault)
    with style(), np.errstate(over="ignore", under="ignore"):
        save_figure(command_figure(command, result, eps=eps), path)
