"""Settings → network → errors: the pure computation behind every command."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from uat.construct import bumps, check_neurons
from uat.errors import UatError
from uat.metrics import Errors, bump_bound, errors
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
    bound: float | None  # L·Δ/2 for the construction, where L is known
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
        net = bumps(
            target, n_neurons, steepness=s.steepness, heights=s.heights, activation=s.activation
        )
        bound = bump_bound(target, n_neurons)
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
    """One fit per width; trained widths warm-start from the previous net where sizes match."""
    s = settings or Settings()
    for n in widths:
        check_width(n, s)
    fits: list[Fit] = []
    for i, n in enumerate(widths):
        prev = fits[-1].net if fits and warm_start and s.method == "train" else None
        init = prev if prev is not None and prev.n_neurons == n else None
        fits.append(fit(target, n, s, init=init))
        if progress is not None:
            progress(i + 1)
    return fits
