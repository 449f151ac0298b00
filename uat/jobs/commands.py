"""One function per command: a request (TARGET text or a Target, a width, `Settings` or
their fields as keywords) in, a result with `to_dict()` out, for a target of either dimension.

The CLI, the gallery, notebooks and Python callers share these calls (`uat.fit` is
`fit`); each dispatches on the target's dimension to the module that builds and measures:
`fitting` (one network), `comparison`, `rates` (error against width). Every rule of a
command lives in those modules, never in an adapter; nothing here draws.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace
from pathlib import Path
from typing import cast

from uat.core.network import ShallowNet
from uat.core.targets import Target
from uat.errors import UatError
from uat.jobs.comparison import Comparison, compare_curve, compare_surface
from uat.jobs.fitting import (
    Fit,
    fit_curve,
    fit_surface,
    show_curve,
    show_surface,
)
from uat.jobs.rates import (
    SURFACE_SIZES,
    Convergence,
    convergence_curve,
    convergence_sizes,
    convergence_surface,
)
from uat.jobs.request import (
    DEFAULT_COMPARE_NEURONS,
    TargetLike,
    _curve_only,
    _names,
    as_target,
    curve_settings,
    default_width,
    request,
    surface_settings,
)
from uat.settings import METHODS, Settings, check_width

__all__ = ["compare", "convergence", "explain", "explain_plan", "fit", "show"]


def fit(
    target: TargetLike,
    n_neurons: int | list[int] | None = None,
    settings: Settings | None = None,
    *,
    init: ShallowNet | None = None,
    callback: Callable[[int, float], None] | None = None,
    **options: object,
) -> Fit:
    """Build (by hand or by training) a network for the target and measure it.

    `uat.fit("sin", 50)`, `uat.fit("gaussian2d", 48, method="train")`: TARGET text or a
    target; keyword arguments are `Settings` fields. N neurons (default 50 for a curve); a
    surface takes N or `towers` K (default 12×12 towers, 32 trained neurons), `layers` of a
    trained net, and the methods nielsen and ridges too. A curve's `layers` L > 1 takes a
    width per hidden layer: N, or a list [N₁, …, N_L] (`uat.jobs.deepfit`).
    """
    from uat.jobs.deepfit import fit_deep, is_deep

    t, s = as_target(target), request(settings, options)
    if is_deep(t, s, n_neurons):  # layers of one input
        return fit_deep(t, n_neurons, s, callback)
    if isinstance(n_neurons, list):
        raise UatError("a list of widths is for a curve's --layers L > 1", param="n_neurons")
    if getattr(t, "dim", 1) == 2:
        return _fit_surface(t, n_neurons, s)
    s = replace(s, layers=None)  # `--layers 1`: the one hidden layer of a curve's fit
    n = cast(int, default_width("fit", t, n_neurons))
    return fit_curve(cast(Target, t), n, curve_settings(s), init=init, callback=callback)


def _fit_surface(t: Target, n_neurons: int | None, s: Settings, command: str = "fit") -> Fit:
    """`fit` of a surface: the network chosen from the request (see `surface_choice`)."""
    from uat.jobs.choice import surface_choice

    return fit_surface(t, surface_choice(command, n_neurons, s), s)


def explain(
    target: TargetLike,
    n_neurons: int | None = None,
    settings: Settings | None = None,
    **options: object,
) -> Fit:
    """The fit `uat explain` dissects: few neurons (10 for a curve; 3×3 Nielsen towers, an
    x-ridge plus a y-ridge each, for a surface unless another method is asked)."""
    from uat.jobs.deepfit import fit_deep, is_deep

    t, s = as_target(target), request(settings, options)
    if is_deep(t, s, n_neurons):  # layers of one input
        return fit_deep(t, n_neurons, s)
    n = default_width("explain", t, n_neurons)
    explain_plan(t, n, s)
    if getattr(t, "dim", 1) == 2:
        return _fit_surface(t, n, s, "explain")
    return fit_curve(cast(Target, t), cast(int, n), s)


def show(
    path: str | Path,
    target: str | None = None,
    domain: str | tuple[float, float] | None = None,
) -> Fit:
    """Read a network saved by `uat fit --save-net` (either format) and measure it against
    its recorded target, on its recorded domain, unless `target` (and `domain`) name another."""
    from uat.core.network import network_inputs
    from uat.jobs.deepfit import is_deep_file, show_deep

    if is_deep_file(path):  # layers of one input
        return show_deep(path, target, domain)
    if network_inputs(path) == 2:
        if domain is not None and not isinstance(domain, str):
            raise UatError("a surface's domain is text 'A,B'", param="domain")
        return show_surface(path, target, domain)
    return show_curve(path, target, domain)


def compare(
    target: TargetLike,
    n_neurons: int | None = None,
    settings: Settings | None = None,
    *,
    activations: Sequence[str] | None = None,
    losses: Sequence[str] | None = None,
    progress: Callable[[int, int], None] | None = None,
    **options: object,
) -> Comparison:
    """Hand-built against trained at the same width (a curve: N = 50 by default, per
    activation and loss); on a surface towers, ridges and trained nets at about N = 48."""
    t, s = as_target(target), request(settings, options)
    if getattr(t, "dim", 1) == 2:
        _curve_only(activations=activations, losses=losses)
        surface_settings(s, ("seed", "max_iter"), "compare")
        n = DEFAULT_COMPARE_NEURONS if n_neurons is None else n_neurons
        return compare_surface(t, n, s, progress=progress)
    n = 50 if n_neurons is None else n_neurons
    s = curve_settings(s)
    return compare_curve(cast(Target, t), n, s, activations=activations, losses=losses,
                         progress=progress)  # fmt: skip


def convergence(
    target: TargetLike,
    widths: Sequence[int] | None = None,
    methods: str | Sequence[str] | None = None,
    settings: Settings | None = None,
    *,
    max_neurons: int | None = None,
    seeds: int = 1,
    progress: Callable[[int], None] | None = None,
    losses: Sequence[str] | None = None,
    **options: object,
) -> Convergence:
    """Errors against width for each method, with fitted slopes (see `convergence_curve`;
    a surface: each method at its sizes up to `max_neurons`, `convergence_sizes`)."""
    t, s = as_target(target), request(settings, options)
    if getattr(t, "dim", 1) == 2:
        _curve_only(widths=widths, losses=losses)
        if seeds != 1:
            raise UatError("seeds is for targets of one input (x alone)", param="seeds")
        surface_settings(s, ("seed",), "convergence")
        chosen = _names(methods) if methods else list(SURFACE_SIZES)
        return convergence_surface(t, convergence_sizes(chosen, max_neurons), s, progress)
    return convergence_curve(
        cast(Target, t), widths, METHODS if methods is None else _names(methods),
        curve_settings(s),
        max_neurons=200 if max_neurons is None else max_neurons, seeds=seeds,
        progress=progress, losses=losses,
    )  # fmt: skip


def explain_plan(target: Target, n_neurons: int | None, s: Settings) -> None:
    """Check an explain request before any work (a trained curve's neurons are drawn on the
    dense grid, so their count is bounded by `check_grid`)."""
    from uat.settings import check_grid

    if getattr(target, "dim", 1) == 2:
        from uat.jobs.choice import surface_choice

        surface_choice("explain", n_neurons, s)
        return
    from uat.jobs.deepfit import is_deep

    if is_deep(target, s, n_neurons):  # checked by `fit_deep` before it builds or trains
        return
    check_width(n_neurons, curve_settings(s))
    if s.method == "train":  # its neurons' curves are dense; pairs are drawn locally
        check_grid(cast(int, n_neurons))
