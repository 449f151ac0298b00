"""Settings → network → errors: the pure computation behind every command."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np

from uat.construct import check_neurons, hand_built
from uat.errors import UatError
from uat.metrics import Errors, construction_bound, errors
from uat.network import ShallowNet
from uat.targets import Target

METHODS = ("construct", "train")
MAX_TRAIN_NEURONS = 2000


@dataclass(frozen=True)
class Settings:
    """How to build a network: the method and its options, shared by every command."""

    method: str = "construct"
    heights: str = "minimax"
    steepness: float | None = None
    activation: str = "sigmoid"
    optimizer: str = "lm"
    seed: int = 0
    max_iter: int | None = None
    tol: float = 1e-12
    learning_rate: float | None = None
    shifts: int = 1
    output_activation: str = "identity"

    def but(self, **changes: Any) -> Settings:
        """A copy with some fields changed."""
        return replace(self, **changes)


@dataclass
class Fit:
    """A network built for a target, with its errors on the dense grid."""

    target: Target
    net: ShallowNet
    errors: Errors
    seconds: float  # time spent building or training the network
    bound: float | None  # the construction's error bound (`construction_bound`), where known
    history: list[tuple[int, float]] = field(default_factory=list)

    @property
    def method(self) -> str:
        """'construct' or 'train'."""
        return self.net.method

    def record(self) -> dict[str, Any]:
        """The numbers of this fit, JSON-ready."""
        a, b = self.target.domain
        return {
            "target": self.target.name,
            "method": self.method,
            "activation": self.net.activation,
            "neurons": self.net.n_neurons,
            "parameters": self.net.n_parameters,
            "domain": [a, b],
            "sup_error": self.errors.sup,
            "rmse": self.errors.rmse,
            "grid": self.errors.grid,
            "bound": self.bound,
            "seconds": self.seconds,
        }


def check_width(n_neurons: int, settings: Settings) -> int:
    """Validate a width for the method before anything is allocated."""
    if settings.method == "construct":
        return check_neurons(n_neurons)
    if settings.method == "train":
        return check_neurons(n_neurons, even=False, limit=MAX_TRAIN_NEURONS)
    raise UatError(f"unknown method {settings.method!r}; choose one of: {', '.join(METHODS)}")


def fit(
    target: Target,
    n_neurons: int,
    settings: Settings | None = None,
    *,
    init: ShallowNet | None = None,
    callback: Callable[[int, float], None] | None = None,
) -> Fit:
    """Build (hand or training) a network of width N for the target and measure it."""
    s = settings or Settings()
    check_width(n_neurons, s)
    t0 = time.perf_counter()
    history: list[tuple[int, float]] = []
    if s.method == "construct":
        net = hand_built(
            target,
            n_neurons,
            steepness=s.steepness,
            heights=s.heights,
            activation=s.activation,
            shifts=s.shifts,
            output_activation=s.output_activation,
        )
        bound = construction_bound(target, n_neurons, s.activation, s.output_activation)
    else:
        from uat.train import train

        result = train(
            target,
            n_neurons,
            optimizer=s.optimizer,
            max_iter=s.max_iter,
            tol=s.tol,
            seed=s.seed,
            init=init,
            callback=callback,
            activation=s.activation,
            output_activation=s.output_activation,
            learning_rate=s.learning_rate,
        )
        net, history, bound = result.net, result.history, None
    seconds = time.perf_counter() - t0
    return Fit(target, net, errors(net, target), seconds, bound, history)


def sweep(
    target: Target,
    widths: Sequence[int],
    settings: Settings | None = None,
    *,
    warm_start: bool = True,
    progress: Callable[[int], None] | None = None,
) -> list[Fit]:
    """One fit per width; with `warm_start`, each trained width starts from the previous net.

    Warm starts measured 2–2.7× faster on sin, gaussian and nielsen up to 40 neurons, at
    similar but path-dependent accuracy: animations use them (frames also move smoothly),
    convergence measurements do not (each width seeded and independent).
    """
    s = settings or Settings()
    for n in widths:
        check_width(n, s)
    fits: list[Fit] = []
    for i, n in enumerate(widths):
        init = fits[-1].net if fits and warm_start and s.method == "train" else None
        fits.append(fit(target, n, s, init=init))
        if progress is not None:
            progress(i + 1)
    return fits


def geometric_widths(max_neurons: int, count: int = 12, *, start: int = 2) -> list[int]:
    """About `count` even widths from `start` to `max_neurons`, spaced geometrically."""
    check_neurons(max_neurons)
    if max_neurons < start:
        raise UatError(f"--max-neurons must be at least {start}, got {max_neurons}")
    raw = np.geomspace(start, max_neurons, count)
    widths = sorted({int(2 * round(w / 2)) for w in raw} | {max_neurons})
    return [w for w in widths if w >= start]


@dataclass(frozen=True)
class Point:
    """One measured width of a convergence sweep."""

    width: int
    method: str
    sup_error: float
    rmse: float
    seconds: float
    seed: int

    def as_dict(self) -> dict[str, Any]:
        """JSON-/CSV-ready."""
        return {
            "width": self.width,
            "method": self.method,
            "sup_error": self.sup_error,
            "rmse": self.rmse,
            "seconds": self.seconds,
            "seed": self.seed,
        }


def convergence(
    target: Target,
    widths: Sequence[int],
    methods: Sequence[str] = METHODS,
    settings: Settings | None = None,
    *,
    seeds: int = 1,
    progress: Callable[[int], None] | None = None,
) -> list[Point]:
    """Errors against width for each method; trained widths repeated over `seeds` seeds."""
    s = settings or Settings()
    if seeds < 1:
        raise UatError(f"--seeds must be at least 1, got {seeds}")
    for m in methods:
        for n in widths:
            check_width(n, s.but(method=m))
    points: list[Point] = []
    done = 0
    for m in methods:
        for seed in range(s.seed, s.seed + (seeds if m == "train" else 1)):
            for f in sweep(target, widths, s.but(method=m, seed=seed), warm_start=False):
                e = f.errors
                points.append(Point(f.net.n_neurons, m, e.sup, e.rmse, f.seconds, seed))
                done += 1
                if progress is not None:
                    progress(done)
    return points


def asymptotic_start(widths: Sequence[float]) -> float:
    """Where the asymptotic fit starts: the upper half of the widths in log space."""
    w = np.asarray(widths, float)
    return float(np.sqrt(w.min() * w.max())) if w.size >= 4 else float(w.min())


def fitted_slope(widths: Sequence[float], errors: Sequence[float]) -> float:
    """Least-squares slope of log(error) against log(width), over the asymptotic widths.

    Small widths sit before the asymptotic regime (the error saturates near ‖f‖), so with
    four or more widths only those at or above √(min·max) count.
    """
    with np.errstate(divide="ignore"):  # an exact zero error has no logarithm: left out
        x, y = np.log(np.asarray(widths, float)), np.log(np.asarray(errors, float))
    ok = np.isfinite(y) & (x >= np.log(asymptotic_start(widths)) - 1e-12)
    if ok.sum() < 2:
        return float("nan")
    return float(np.polyfit(x[ok], y[ok], 1)[0])


def summarise(points: Sequence[Point], method: str, key: str = "sup_error") -> dict[str, Any]:
    """Median, min and max of `key` per width for one method, and the fitted slope."""
    mine = [p for p in points if p.method == method]
    widths = sorted({p.width for p in mine})
    vals = [[getattr(p, key) for p in mine if p.width == w] for w in widths]
    med = [float(np.median(v)) for v in vals]
    return {
        "widths": widths,
        "median": med,
        "low": [float(min(v)) for v in vals],
        "high": [float(max(v)) for v in vals],
        "slope": fitted_slope(widths, med),
    }
