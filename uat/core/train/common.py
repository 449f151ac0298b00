"""What every solver of the trainer shares: results, stop reasons, run bookkeeping, activations."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from uat.core.activations import get_activation, sigmoid
from uat.core.layered import LayeredNet
from uat.core.network import ShallowNet
from uat.errors import UatError
from uat.settings import LIMITS, how_to_raise

RIDGE = 1e-9  # ridge on v in the linear solves, relative to sqrt(number of points)
PLATEAU_WINDOW = 20
PLATEAU_GAIN = 1.01
# The held-out rule: every HOLDOUT_EVERY iterations the net is measured at the midpoints of the
# training points; once that error is HOLDOUT_RATIO× the training RMSE and fell by less than
# HOLDOUT_GAIN over the last HOLDOUT_EVERY iterations, training the points no longer pays on the
# function. Measured on exp(-abs(x))*cos(4*x) over [−2, 2], N = 50: the midpoints' RMSE is
# 1.1e-4 from iteration 275 on while the training RMSE falls from 1e-5 to 5e-8 by 1,843.
HOLDOUT_EVERY = 25
# The slow-progress rule: once the training RMSE is below FINE of max|y|, a run goes on only while
# every SLOW_WINDOW iterations divide it by at least SLOW_GAIN. Measured on sinc at N = 50: 489
# iterations to the 1 % plateau (RMSE 3.4e-10) against 300 (8.4e-10); the rest paid 2.5× in an
# RMSE 1e8 below the target's size at 40 % of the run's time.
FINE = 1e-9
SLOW_WINDOW = 50
SLOW_GAIN = 1.5
HOLDOUT_RATIO = 10.0
HOLDOUT_GAIN = 1.1
TINY_STEEPNESS = 1e-12  # a flat neuron keeps w > 0, so its centre −b/w stays defined

# why a run stopped (net.meta["stopped"])
TOLERANCE = "tolerance"  # training RMSE ≤ tol·RMS(y)
CONVERGED = "converged"  # no step lowers the loss any more: stationary up to rounding
PLATEAU = "plateau"  # the last PLATEAU_WINDOW iterations gained less than 1 %
SLOW = "fine and slow"  # below FINE·max|y|, the last SLOW_WINDOW iterations gained < SLOW_GAIN×
HELD_OUT = "held-out error stopped falling"  # between the training points (HOLDOUT_*)
CAP = "iteration cap"  # max_iter iterations
START = "no round beat the hand-built start"  # loss "sup": the construction was not beaten


@dataclass
class Snapshot:
    """One recorded moment of a run."""

    iteration: int
    loss: float  # RMSE on the training points
    net: ShallowNet | LayeredNet  # a copy of the network at that moment


@dataclass
class TrainResult:
    """What `train` returns: the fitted net, its loss curve and the snapshots asked for."""

    net: Any  # a ShallowNet (`train`) or a LayeredNet (`train2d`)
    iterations: int
    loss: float  # final training RMSE
    converged: bool  # stopped before the iteration cap (net.meta["stopped"] says why)
    seconds: float
    history: list[tuple[int, float]]  # (iteration, training RMSE), iteration 0 = the start
    snapshots: list[Snapshot] = field(default_factory=list)


@dataclass
class Solution:
    """What a solver returns: the weights on u = (x − mid)/half, its iterations, why it stopped."""

    w: np.ndarray
    b: np.ndarray
    v: np.ndarray
    c: float
    iterations: int
    stopped: str

    @property
    def weights(self) -> tuple[np.ndarray, np.ndarray, np.ndarray, float]:
        """(w, b, v, c)."""
        return self.w, self.b, self.v, self.c


# -- activations: value and slope together ---------------------------------------------------


def value_and_slope(name: str, z: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """act(z) and act'(z) for the trainable activations (sigmoid and tanh via one exp).

    `uat.core.activations.sigmoid` measured 2.0× faster than scipy's expit after a clip
    (10 ms against 21 ms on 10⁶ values), so the package's one sigmoid serves here too.
    """
    if name == "sigmoid":
        s = sigmoid(z)
        return s, s * (1.0 - s)
    if name == "tanh":
        t = 2.0 * sigmoid(2.0 * z) - 1.0
        return t, 1.0 - t * t
    act = get_activation(name)
    if name == "softplus":
        return act.f(z), sigmoid(z)
    return act.f(z), act.df(z)


def act_value(name: str, z: np.ndarray) -> np.ndarray:
    """act(z) only."""
    if name == "tanh":
        return 2.0 * sigmoid(2.0 * z) - 1.0
    return get_activation(name).f(z)


# -- the bookkeeping shared by every solver ----------------------------------------------------


class Run:
    """History, snapshots, callback and stopping bookkeeping of one training run."""

    def __init__(
        self,
        make_net: Callable[..., Any],  # make_net(*weights, iteration): the net to snapshot
        snapshot_at: Sequence[int] | None,
        callback: Callable[[int, float], None] | None,
        gain: float = 1.0,
    ) -> None:
        self.make_net = make_net
        self.gain = gain  # the optimiser fits y / gain: losses are reported × gain
        self.wanted = set() if snapshot_at is None else {int(i) for i in snapshot_at}
        self.callback = callback
        self.history: list[tuple[int, float]] = []
        self.snapshots: list[Snapshot] = []
        # (x, f) between the training points (`data.holdout_points`); None: no held-out rule
        self.holdout: tuple[np.ndarray, np.ndarray] | None = None
        self.checked: list[float] = []  # the held-out RMSE at every HOLDOUT_EVERY-th iteration
        self.last: tuple[Any, ...] = ()

    def record(self, it: int, loss: float, *weights: Any) -> None:
        """Log the training RMSE (of y / gain) at iteration `it` of the weights given."""
        loss *= self.gain
        self.history.append((it, loss))
        self.last = weights
        if it in self.wanted:
            self.snapshots.append(Snapshot(it, loss, self.make_net(*weights, it)))
        if it > 0 and self.callback is not None:
            self.callback(it, loss)

    def stop(self) -> str | None:
        """Why the run should stop now (a plateau, or the held-out rule), or None."""
        if self.plateaued():
            return PLATEAU
        if self.slowed():
            return SLOW
        return HELD_OUT if self.held_out_stalled() else None

    def held_out_stalled(self) -> bool:
        """The held-out rule (see HOLDOUT_EVERY): the midpoints' error stopped following."""
        it = self.history[-1][0]
        if self.holdout is None or it % HOLDOUT_EVERY or not self.last:
            return False
        x, f = self.holdout
        with np.errstate(all="ignore"):
            now = rmse(self.make_net(*self.last, it)(x) - f)
        self.checked.append(now)
        if len(self.checked) < 2 or not math.isfinite(now):
            return False
        stalled = self.checked[-2] < HOLDOUT_GAIN * now
        return stalled and now > HOLDOUT_RATIO * self.history[-1][1]

    def slowed(self) -> bool:
        """The slow-progress rule (see FINE): fine already, and gaining little."""
        if len(self.history) <= SLOW_WINDOW:
            return False
        before, now = self.history[-1 - SLOW_WINDOW][1], self.history[-1][1]
        return now < FINE * self.gain and now * SLOW_GAIN > before

    def plateaued(self) -> bool:
        """True when the last PLATEAU_WINDOW iterations gained less than 1 %."""
        if len(self.history) <= PLATEAU_WINDOW:
            return False
        before, now = self.history[-1 - PLATEAU_WINDOW][1], self.history[-1][1]
        return now * PLATEAU_GAIN > before


def split(theta: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, float]:
    """(w, b, v, c) of a packed 3N + 1 parameter vector, in the order of `ShallowNet.theta`."""
    n = (theta.size - 1) // 3
    return theta[:n], theta[n : 2 * n], theta[2 * n : 3 * n], float(theta[3 * n])


def rmse(r: np.ndarray) -> float:
    return float(math.sqrt(float(r @ r) / r.size)) if r.size else 0.0


def check_width(n_neurons: int) -> int:
    """A width N from 1 to LIMITS["n_neurons_trained"]."""
    if isinstance(n_neurons, bool) or int(n_neurons) != n_neurons or n_neurons < 1:
        raise UatError(f"the number of neurons must be a positive whole number, got {n_neurons}")
    high = LIMITS["n_neurons_trained"].high
    if n_neurons > high:
        raise UatError(
            f"training {n_neurons} neurons is too wide (at most {high:,.0f}); a few hundred "
            "trained neurons already reach the optimiser's floor; the hand-built construction "
            "scales further " + how_to_raise("n_neurons_trained"),
            param="n_neurons",
        )
    return int(n_neurons)
