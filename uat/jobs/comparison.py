"""Hand-built against trained at the same width: `compare` for a curve (per activation and
loss) or a surface (towers, ridges, trained nets of one and two hidden layers)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import Any

from uat.core.targets import Target
from uat.errors import UatError
from uat.jobs.fitting import Fit, fit_curve
from uat.jobs.records import compare_record
from uat.jobs.request import (
    DEFAULT_COMPARE_NEURONS,
    _curve_only,
    _names,
    check_losses,
    curve_settings,
    surface_settings,
)
from uat.settings import CHOICES, METHODS, Settings, check_choice, check_width

SURFACE_COMPARED = ("construct", "ridges", "train", "train2")  # the variants over the plane


# -- hand-built against trained -----------------------------------------------------------


def compare_runs(
    settings: Settings,
    n_neurons: int,
    activations: Sequence[str] | None = None,
    losses: Sequence[str] | None = None,
) -> list[tuple[Settings, int]]:
    """The (settings, width) of every network `compare` builds, hand-built ones first.

    Each activation is built by hand and trained (once per loss in `losses`, default the
    settings' loss), except those that cannot train (a hard step). Under shifts the hand-built
    net has M·N neurons, so the trained one gets M·N too: the comparison is at equal width.
    """
    from uat.core.activations import get_activation

    acts = _names(activations) if activations is not None else [settings.activation]
    if not acts:
        raise UatError("activations is empty", param="activations")
    known = CHOICES["activation"]
    for a in acts:
        if a not in known:
            raise UatError(
                f"unknown activation {a!r} in activations; use {', '.join(known)}",
                param="activations",
            )
    runs: list[tuple[Settings, int]] = []
    for method in METHODS:
        for a in acts:
            s = replace(settings, method=method, activation=check_choice("activation", a))
            if method == "train" and not get_activation(a).trains:
                continue
            width = n_neurons if method == "construct" else n_neurons * settings.shifts
            check_width(width if method == "train" else n_neurons, s)
            trained = check_losses(losses or [settings.loss]) if method == "train" else [s.loss]
            runs += [(replace(s, loss=loss), width) for loss in trained]
    if not any(s.method == "train" for s, _ in runs):
        if activations is None:  # one --activation: the step itself
            raise UatError(
                "a hard step cannot be trained, so there is nothing to compare with; choose "
                "another activation, or list several (--activations step,sigmoid)",
                param="activation",
            )
        raise UatError(
            "a hard step cannot be trained; add another one to activations", param="activations"
        )
    return runs


@dataclass
class Comparison:
    """Hand-built against trained networks at equal width, and their error ratios.

    A curve's runs are named by method (with the activation and loss where several are
    compared); a surface's by variant: towers, ridges, trained in one or two hidden layers.
    """

    target: Target
    n_neurons: int  # as asked: over the plane each network has its layout's nearest count
    fits: list[Fit]
    variants: list[str]
    activations: list[str] | None = None  # a curve's compared activations; None over the plane

    def pair(self) -> tuple[Fit, Fit] | None:
        """The hand-built and the trained fit the ratios compare: of the first activation that
        has both, or over the plane the quadrant towers and the one-layer trained net."""
        if self.activations is None:
            by = dict(zip(self.variants, self.fits, strict=True))
            return (by["construct"], by["train"]) if {"construct", "train"} <= set(by) else None
        both = next(a for a in self.activations if any(
            f.method == "train" and f.net.activation == a for f in self.fits))  # fmt: skip
        hand, trained = (
            next(f for f in self.fits if (f.method, f.net.activation) == (m, both)) for m in METHODS
        )
        return hand, trained

    def _ratio(self, key: str) -> float | None:
        """Hand-built over trained `key` (sup or rmse): None when the trained one is 0, when
        both sup errors are float rounding (no meaningful ratio), or without a pair."""
        pair = self.pair()
        if pair is None or self.both_rounding:
            return None
        hand, trained = (getattr(f.errors, key) for f in pair)
        return hand / trained if trained else None

    @property
    def sup_error_ratio(self) -> float | None:
        """Hand-built sup error over trained."""
        return self._ratio("sup")

    @property
    def rmse_ratio(self) -> float | None:
        """Hand-built RMSE over trained."""
        return self._ratio("rmse")

    @property
    def both_rounding(self) -> bool:
        """Whether both sup errors are float rounding (a constant target, a line)."""
        pair = self.pair()
        return pair is not None and pair[0].errors.rounding and pair[1].errors.rounding

    def to_dict(self) -> dict[str, Any]:
        """The numbers of every run and the ratios, JSON-safe (the keys of every dimension)."""
        return compare_record(self.target, self.n_neurons, self.activations, self.variants,
                              self.fits, self.sup_error_ratio, self.rmse_ratio)  # fmt: skip


def curve_variants(fits: Sequence[Fit], activations: Sequence[str]) -> list[str]:
    """Each run's name: its method, with the activation and loss where several are compared."""
    losses = {f.net.meta.get("loss") for f in fits if f.method == "train"}
    variants = []
    for f in fits:
        words = [f.method, *([f.net.activation] if len(activations) > 1 else [])]
        if f.method == "train" and len(losses) > 1:
            words.append(f"{f.net.meta.get('loss')}-loss")
        variants.append("-".join(words))
    return variants


def compare_curve(
    target: Target,
    n_neurons: int = 50,
    settings: Settings | None = None,
    *,
    activations: Sequence[str] | None = None,
    losses: Sequence[str] | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> Comparison:
    """Build every run of `compare_runs` (trained once per loss) and measure it."""
    s = settings or Settings()
    runs = compare_runs(s, n_neurons, activations, losses)
    fits = []
    for rs, width in runs:
        fits.append(fit_curve(target, width, rs))
        if progress is not None:
            progress(len(fits), len(runs))
    acts: list[str] = list(activations) if activations is not None else [s.activation]
    return Comparison(target, n_neurons, fits, curve_variants(fits, acts), acts)


def compare_surface(
    target: Target,
    neurons: int = DEFAULT_COMPARE_NEURONS,
    settings: Settings | None = None,
    *,
    variants: Sequence[str] = SURFACE_COMPARED,
    progress: Callable[[int, int], None] | None = None,
) -> Comparison:
    """Towers, ridges and trained nets (one and two hidden layers) at about `neurons` each.

    Parameters
    ----------
    target : the surface and rectangle.
    neurons : hidden neurons each network should have (towers and ridges take the nearest
        count their layout allows: 2K + K² and K·(K+1)).
    settings : seed and max_iter of the trained nets.
    variants : which of `choice.VARIANTS`, in order.
    progress : called as progress(done, total) after each network.
    """
    from uat.jobs.fitting import fit_variant

    s = settings or Settings()
    sizes = _surface_sizes(neurons, variants)
    fits = []
    for i, variant in enumerate(variants):
        fits.append(fit_variant(target, sizes[variant], variant, s))
        if progress is not None:
            progress(i + 1, len(variants))
    return Comparison(target, neurons, fits, list(variants))


def _surface_sizes(neurons: int, variants: Sequence[str]) -> dict[str, int]:
    """Each variant's size nearest to `neurons`, every refusal before any network is built."""
    from uat.core.train import check_widths
    from uat.jobs.choice import VARIANTS, sizes_for_neurons, trained_widths

    sizes = sizes_for_neurons(neurons)
    for variant in variants:
        if variant not in VARIANTS:
            raise UatError(f"unknown 2-D method {variant!r}; choose one of: {', '.join(VARIANTS)}")
        method, layers = VARIANTS[variant]
        if method == "train":
            check_widths(trained_widths(sizes.get(variant, neurons), layers))
    return {v: sizes.get(v, neurons) for v in variants}


def compare_plan(
    target: Target,
    n_neurons: int,
    settings: Settings,
    activations: Sequence[str] | None = None,
    losses: Sequence[str] | None = None,
    *,
    animate: bool = False,
) -> list[str]:
    """Check a comparison before any work; the networks it builds (by variant or method)."""
    if getattr(target, "dim", 1) == 2:
        _curve_only(activations=activations, losses=losses, animate=animate or None)
        surface_settings(settings, ("seed", "max_iter"), "compare")
        _surface_sizes(n_neurons, SURFACE_COMPARED)
        return list(SURFACE_COMPARED)
    runs = compare_runs(curve_settings(settings), n_neurons, activations, losses)
    return [f"{s.method}-{s.activation}-{s.loss}" for s, _ in runs]
