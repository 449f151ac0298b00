"""Data preparation: the training points, the normalised input u and the scale of the target."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from uat.core.targets import Target
from uat.errors import UatError

# training grid size: max(TRAIN_POINTS_LOW, 10·N) points, at most TRAIN_POINTS_HIGH
TRAIN_POINTS_LOW = 500
TRAIN_POINTS_HIGH = 20_001


# -- coordinates ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Frame:
    """The normalised input u = (x − mid)/half used while training."""

    mid: float
    half: float

    @classmethod
    def of(cls, domain: tuple[float, float]) -> Frame:
        a, b = domain
        return cls(0.5 * (a + b), 0.5 * (b - a))

    def u(self, x: np.ndarray) -> np.ndarray:
        return (np.asarray(x, dtype=float) - self.mid) / self.half

    def to_x(self, wu: np.ndarray, bu: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Weights on u → weights on x: w·u + b = (w/h)·x + (b − w·m/h)."""
        return wu / self.half, bu - wu * (self.mid / self.half)

    def x(self, u: np.ndarray) -> np.ndarray:
        """The inverse of `u`: x = mid + half·u."""
        return self.mid + self.half * u

    def to_u(self, w: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        return w * self.half, b + w * self.mid


def check_domain(domain: tuple[float, float]) -> tuple[float, float]:
    a, b = float(domain[0]), float(domain[1])
    if not (math.isfinite(a) and math.isfinite(b) and a < b):
        raise UatError(f"domain [{a:g}, {b:g}] must be finite and increasing")
    return a, b


# -- the points trained on ------------------------------------------------------------------


def training_points(
    target: Target, n_neurons: int, n_train: int | None, limits: bool = False
) -> tuple[np.ndarray, ...]:
    """The training inputs and targets: the CSV samples, or a uniform grid over the domain.

    With `limits`, both one-sided limits of every known jump are added (see `with_limits`).
    """
    if target.samples is not None:
        x, y = sample_points(target)
    else:
        if n_train is None:
            n_train = min(max(TRAIN_POINTS_LOW, 10 * n_neurons), TRAIN_POINTS_HIGH)
        if n_train < 2:
            raise UatError(f"n_train must be at least 2, got {n_train}")
        x = np.linspace(*target.domain, int(n_train))
        with np.errstate(all="ignore"):
            y = np.broadcast_to(target(x), x.shape).astype(float)
        if limits:
            x, y = with_limits(target, x, y)
    if not (np.all(np.isfinite(x)) and np.all(np.isfinite(y))):
        raise UatError(
            f"{target.name!r} is not finite at every training point; check the domain",
            param="domain",
        )
    return x, y


def with_limits(target: Target, x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Add both one-sided limits of every known jump as two points AT the jump.

    A continuous net has one value there, so a fit to both is pinned to their midpoint: points a
    hair to either side would let a steep enough neuron jump between them (measured on step:
    w grew to 2e23 and the true sup error was 1.0 instead of 0.5).
    """
    jumps = target.jumps()
    if jumps.size == 0:
        return x, y
    a, b = target.domain
    hair = 1e-9 * (b - a)  # the limits, evaluated a hair away
    xs = np.concatenate([jumps, jumps])
    sides = np.concatenate([np.maximum(jumps - hair, a), np.minimum(jumps + hair, b)])
    with np.errstate(all="ignore"):
        ys = np.broadcast_to(target(sides), sides.shape).astype(float)
    order = np.argsort(np.concatenate([x, xs]), kind="stable")
    return np.concatenate([x, xs])[order], np.concatenate([y, ys])[order]


def sample_points(target: Target) -> tuple[np.ndarray, np.ndarray]:
    """A CSV target's samples on its domain, sorted, with its interpolant at both ends."""
    assert target.samples is not None
    x, y = (np.asarray(a, dtype=float).ravel() for a in target.samples)
    if x.size != y.size or x.size < 2:
        raise UatError(f"{target.name!r}: need at least 2 samples of equal x and y length")
    a, b = target.domain
    order = np.argsort(x)
    x, y = x[order], y[order]
    ends = np.interp([a, b], x, y)  # the samples' own interpolant at the domain's ends
    inside = (x > a) & (x < b)  # only the samples on the domain, and its end points
    x = np.concatenate([[a], x[inside], [b]])
    y = np.concatenate([ends[:1], y[inside], ends[1:]])
    return x, y


def target_gain(y: np.ndarray, output_activation: str = "identity") -> float:
    """The power of two nearest max|y|: the optimiser fits y / gain, a scale near 1.

    1e299·sin(x) overflowed the sum of squared residuals ("loss is inf"); a power of two
    divides exactly, and sin or any target of size near 1 trains bit for bit as before.
    """
    top = float(np.max(np.abs(y))) if y.size else 0.0
    if output_activation != "identity" or not 0 < top < math.inf:
        return 1.0
    return math.ldexp(1.0, round(math.log2(top)))


def linear_target(y: np.ndarray, output_activation: str) -> np.ndarray:
    """What the hidden sum should equal: y itself, or logit(y) through an output sigmoid."""
    if output_activation == "sigmoid":
        yc = np.clip(y, 1e-3, 1.0 - 1e-3)
        return np.log(yc) - np.log1p(-yc)
    return y


def holdout_points(target: Target, x: np.ndarray) -> tuple[np.ndarray, np.ndarray] | None:
    """The midpoints of the training points and the target there, for the held-out rule.

    Intervals that hold a known jump are left out: no continuous net follows a jump between
    two points, and that error is not one more iterations could lower.
    """
    xs = np.unique(x)
    lo, hi = xs[:-1], xs[1:]
    keep = np.ones(lo.size, dtype=bool)
    jumps = target.jumps() if target.samples is None else np.zeros(0)
    if jumps.size:
        first = np.searchsorted(hi, jumps, "left")  # the interval whose right end is ≥ the jump
        keep[first[first < keep.size]] = False
    mid = 0.5 * (lo + hi)[keep]
    with np.errstate(all="ignore"):
        f = np.broadcast_to(target(mid), mid.shape).astype(float)
    ok = np.isfinite(f)
    return (mid[ok], f[ok]) if np.any(ok) else None
