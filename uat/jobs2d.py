"""The 2-D commands as library calls: one fit, and error against neurons for each method."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from uat.construct2d import TOWER_BOUND_FORMULA, ridge_sums, tower_bound, towers
from uat.errors import UatError
from uat.layered import LayeredNet
from uat.metrics2d import Errors2D, errors2d
from uat.targets2d import Target2D

# construct: K×K quadrant towers; nielsen: Nielsen's towers (with their corner holes);
# ridges: one hidden layer, K+1 steps in each of K directions; train: N neurons trained.
METHODS2D = ("construct", "nielsen", "ridges", "train")


@dataclass
class Fit2D:
    """A network built for a 2-D target, with its errors and, for towers, the bound."""

    target: Target2D
    net: LayeredNet
    errors: Errors2D
    seconds: float  # time spent building or training the network
    bound: float | None  # L·√(Δx²+Δy²)/2 for towers on a Lipschitz target
    method: str
    size: int  # K for towers and ridges, N for a trained net
    history: list[tuple[int, float]] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """The numbers of this fit, JSON-ready."""
        lip = self.target.lipschitz()
        return {
            "target": self.target.name,
            "formula": self.target.formula,
            "domain": [list(d) for d in self.target.domain],
            "method": self.method,
            "size": self.size,
            "neurons": self.net.n_neurons,
            "widths": self.net.widths,
            "parameters": self.net.n_parameters,
            **self.errors.as_dict(),
            "bound": self.bound,
            "bound_formula": TOWER_BOUND_FORMULA if self.bound is not None else None,
            "lipschitz": lip,
            "seconds": self.seconds,
        }


def build2d(
    target: Target2D,
    size: int,
    method: str = "construct",
    *,
    layers: int = 1,
    seed: int = 0,
    steepness: float | None = None,
    heights: str = "minimax",
    max_evaluations: int | None = None,
) -> tuple[LayeredNet, list[tuple[int, float]]]:
    """The network of `method` at `size` (K towers or ridge steps per side; N trained)."""
    if method in ("construct", "nielsen"):
        form = "quadrant" if method == "construct" else "nielsen"
        return towers(target, size, steepness=steepness, heights=heights, form=form), []
    if method == "ridges":
        return ridge_sums(target, size, size, steepness=steepness), []
    if method == "train":
        from uat.train2d import DEFAULT_EVALUATIONS, train2d

        if layers not in (1, 2) or size < layers:
            raise UatError("a trained 2-D net has 1 or 2 hidden layers of ≥ 1 neuron each")
        widths = [size] if layers == 1 else [size - size // 2, size // 2]
        run = train2d(
            target, widths, seed=seed, max_evaluations=max_evaluations or DEFAULT_EVALUATIONS
        )
        return run.net, run.history
    raise UatError(f"unknown 2-D method {method!r}; choose one of: {', '.join(METHODS2D)}")


def fit2d(target: Target2D, size: int, method: str = "construct", **options: Any) -> Fit2D:
    """Build (or train) a 2-D net and measure it: sup refined over the plane, RMSE on the grid.

    Parameters
    ----------
    target : the surface and rectangle.
    size : K towers per side (construct, nielsen), K steps and K directions (ridges), or the
        number N of hidden neurons (train; split evenly over two layers with layers=2).
    method : one of METHODS2D.
    options : layers, seed, steepness, heights, max_evaluations (see `build2d`).
    """
    start = time.perf_counter()
    net, history = build2d(target, size, method, **options)
    seconds = time.perf_counter() - start
    bound = tower_bound(target, size) if method == "construct" else None
    return Fit2D(target, net, errors2d(net, target), seconds, bound, method, size, history)


@dataclass(frozen=True)
class Point2D:
    """One fit of a convergence study."""

    method: str
    size: int
    neurons: int
    sup_error: float
    rmse: float
    bound: float | None

    def as_dict(self) -> dict[str, Any]:
        """The numbers, JSON-ready."""
        return dict(self.__dict__)


@dataclass
class Convergence2D:
    """Errors against hidden neurons for several methods, with fitted slopes."""

    target: Target2D
    points: list[Point2D]

    def slope(self, method: str, key: str = "sup_error") -> float:
        """Fitted slope of log(error) against log(neurons) over the asymptotic sizes."""
        from uat.jobs import fitted_slope

        mine = [p for p in self.points if p.method == method]
        return fitted_slope([p.neurons for p in mine], [getattr(p, key) for p in mine])

    def to_dict(self) -> dict[str, Any]:
        """Points and slopes, JSON-ready."""
        methods = list(dict.fromkeys(p.method for p in self.points))
        slopes = {m: {"sup_error": self.slope(m), "rmse": self.slope(m, "rmse")} for m in methods}
        return {
            "target": self.target.name,
            "points": [p.as_dict() for p in self.points],
            "slopes": slopes,
        }


def convergence2d(
    target: Target2D,
    sizes: dict[str, Sequence[int]],
    progress: Callable[[int], None] | None = None,
    **options: Any,
) -> Convergence2D:
    """Fit every method at each of its sizes ({method: [sizes]}); errors against neurons."""
    points, done = [], 0
    for method, method_sizes in sizes.items():
        for size in method_sizes:
            fit = fit2d(target, size, method, **options)
            points.append(
                Point2D(method, size, fit.net.n_neurons, fit.errors.sup, fit.errors.rmse, fit.bound)
            )
            done += 1
            if progress is not None:
                progress(done)
    return Convergence2D(target, points)
