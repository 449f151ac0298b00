"""Fit every weight of a network to a target: the trainer's front door (checks and dispatch).

Shaped like scipy's `optimize/_lsq`: this module checks what was asked and dispatches to the
solvers, which share one Levenberg–Marquardt loop and return typed results.

    data      the training points, the normalised input u = (x − mid)/half, the target's scale
    initial   the evenly spread start (1-D and the plane), jumps seeded, random and warm starts
    lm        the one LM loop (accept a step that lowers the loss, Nielsen's damping), dense model
    shallow   the shallow net's residual and Jacobian, LM on all 3N + 1 weights
    varpro    variable projection: (v, c) solved exactly, LM on (w, b)
    banded    the banded engine for step-like neurons (an iteration ~ M·B², not M·N²)
    lawson    Lawson's sup rounds (loss "sup") and the comparison with the hand-built net
    adam      full-batch Adam, the run learners expect to see animated
    layered   nets of two inputs, one or two hidden layers

``"lm"`` (the default) runs in variable-projection form: for step-like neurons (sigmoid, tanh)
with an identity output on the banded engine, else on the dense one (relu, softplus, an output
sigmoid; an iteration ~ M·N², up to LIMITS["n_neurons_dense"] neurons). Measured on sin over
[−π, π] (one core, 100 iterations, RMSE on a 100 001-point grid):

    N = 50:    4.5e-10 in 1.5 s          N = 200:  8.6e-11 in 4.6 s
    N = 1000:  1.3e-10 in 13 s (0.13 s an iteration; 2 cores shared with other work)

Beyond N ≈ 100 the RMSE after 100 iterations stays near 1e-10: that is the optimiser's rate,
not the width (with up to 400 iterations: 5.8e-11, 3.8e-11, 2.9e-11 at N = 100, 200, 400),
hence the default budget of LM_WORK/N iterations. A run stops at ``max_iter`` iterations
(default max(100, 160 000/N)), at a training RMSE ≤ tol·RMS(y), when no step lowers the loss
any more, or when 20 iterations gained less than 1 %; ``net.meta["stopped"]`` says which, and
the iteration count is the number of steps taken.

A "sup" run that ends above the hand-built net of its width runs Lawson's rounds again from
that net's layer, and keeps the construction itself when no round beats it (stop reason "no
round beat the hand-built start").

Known jumps (`Target.jumps()`, ends of the domain included), for either loss: both one-sided
limits are training points at the jump itself, and the neuron nearest each jump starts there as
a step sharper than any grid, so the net sits at the jump's midpoint: the sup error of step and
sawtooth reaches 0.5, the least a continuous function can have there. Measured (10 001-point
RMSE, N = 10): step 1e-15 (unseeded: 1.2e-2), sawtooth 3.3e-3 (6.5e-2), square 1.8e-2 (0.27).

Every solver works in the normalised input u ∈ [−1, 1] and converts back to x for every net it
returns. BLAS runs on one thread during training where threadpoolctl is installed: these
matrices are small, and two threads measured 1.2–6× slower per LM iteration (N = 20–200) on a
2-core machine shared with other work.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from uat.core.activations import get_activation
from uat.core.layered import LayeredNet
from uat.core.network import ShallowNet
from uat.core.targets import Target
from uat.core.train.adam import ADAM_ITERATIONS, ADAM_LEARNING_RATE, adam
from uat.core.train.banded import train_banded
from uat.core.train.common import CAP, Run, Snapshot, Solution, TrainResult, act_value
from uat.core.train.common import check_width as check_width
from uat.core.train.data import (
    Frame,
    check_domain,
    holdout_points,
    linear_target,
    target_gain,
    training_points,
)
from uat.core.train.initial import (
    check_init,
    initial_u,
    output_layer,
    random_init,
    random_u,
    seed_jumps,
    spread_init,
    spread_start,
)
from uat.core.train.lawson import SUP_ITERATIONS, against_hand_built, train_sup
from uat.core.train.layered import (
    LAYERED_ITERATIONS,
    TRAIN_GRID,
    check_widths,
    lm_layered,
    net_of,
    pack,
)
from uat.core.train.restarts import judged, mse_never_loses, sup_never_loses
from uat.core.train.shallow import lm_full, residual_jacobian
from uat.core.train.varpro import solve_output, varpro
from uat.errors import UatError
from uat.settings import LIMITS, check_number
from uat.threads import one_blas_thread

__all__ = [
    "INITS",
    "LOSSES",
    "OPTIMIZERS",
    "OUTPUT_ACTIVATIONS",
    "TRAINABLE_ACTIVATIONS",
    "LAYERED_ITERATIONS",
    "Snapshot",
    "TrainResult",
    "check_init",
    "check_widths",
    "random_init",
    "residual_jacobian",
    "spread_init",
    "target_gain",
    "train",
    "train2d",
]

from uat.core.train.initial import INITS  # noqa: E402

OPTIMIZERS = ("lm", "adam")
TRAINABLE_ACTIVATIONS = ("sigmoid", "tanh", "relu", "softplus")
OUTPUT_ACTIVATIONS = ("identity", "sigmoid")
LOSSES = ("mse", "sup")
LM_MIN_ITERATIONS = 100
# An iteration costs ~ N, so "lm" may take up to LM_WORK/N iterations by default (the plateau
# rule usually stops it first). Measured: at N = 10 sinc was at 3.1e-4 after 100 iterations and
# 5.3e-6 after 400 (0.7 s); on sin the RMSE after 100 iterations stalls near 1e-10 from N ≈ 100
# on, while with this budget it keeps falling: 2.1e-10, 1.1e-10, 5.8e-11, 3.8e-11, 2.9e-11 at
# N = 25, 50, 100, 200, 400 (17 s at N = 400, `benchmarks/training.py --widths`).
LM_WORK = 160_000


def check_arguments(
    n_neurons: int,
    optimizer: str,
    max_iter: int | None,
    tol: float,
    activation: str,
    output_activation: str,
    learning_rate: float | None,
    loss: str,
    snapshot_at: Sequence[int] | None,
) -> tuple[int, float]:
    """Check what `train` was asked; return the width and Adam's step size."""
    n = check_width(n_neurons)
    if optimizer not in OPTIMIZERS:
        raise UatError(f"unknown optimizer {optimizer!r}; choose one of: {', '.join(OPTIMIZERS)}")
    if activation not in TRAINABLE_ACTIVATIONS:
        get_activation(activation)
        why = " (its slope is zero almost everywhere)" if activation == "step" else ""
        raise UatError(
            f"cannot train {activation!r} neurons by gradients{why}; "
            f"choose one of: {', '.join(TRAINABLE_ACTIVATIONS)}"
        )
    if output_activation not in OUTPUT_ACTIVATIONS:
        raise UatError(
            f"unknown output activation {output_activation!r}; "
            f"choose one of: {', '.join(OUTPUT_ACTIVATIONS)}"
        )
    if loss not in LOSSES:
        raise UatError(f"unknown loss {loss!r}; choose one of: {', '.join(LOSSES)}")
    if max_iter is not None and (isinstance(max_iter, bool) or max_iter < 1):
        raise UatError(f"max_iter must be at least 1, got {max_iter}")
    if not (tol >= 0 and math.isfinite(tol)):
        raise UatError(f"tol must be a finite number ≥ 0, got {tol}")
    lr = ADAM_LEARNING_RATE if learning_rate is None else float(learning_rate)
    if not (lr > 0 and math.isfinite(lr)):
        raise UatError(f"the learning rate must be positive, got {learning_rate}")
    if snapshot_at is not None and any(int(i) < 0 for i in snapshot_at):
        raise UatError("snapshot iterations must be ≥ 0")
    check_engine(n, optimizer, activation, output_activation, loss)
    return n, lr


def uses_banded(optimizer: str, activation: str, output_activation: str) -> bool:
    """True when the banded engine applies: LM, step-like neurons, a linear output."""
    makes_steps = get_activation(activation).makes_steps
    return optimizer == "lm" and makes_steps and output_activation == "identity"


def check_engine(n: int, optimizer: str, activation: str, output: str, loss: str) -> None:
    """Refuse the combinations no engine here can train well."""
    if loss == "sup" and not uses_banded(optimizer, activation, output):
        raise UatError(
            'loss="sup" trains sigmoid or tanh neurons with the lm optimizer and an identity '
            f"output; not {optimizer} with {activation}/{output}"
        )
    adam_high = LIMITS["n_neurons_adam"].high
    if optimizer == "adam" and n > adam_high:
        raise UatError(
            f"Adam on {n} neurons would take minutes; use at most {adam_high:,.0f} "
            "neurons with adam, or the default lm optimiser"
        )
    dense = LIMITS["n_neurons_dense"].high
    if optimizer == "lm" and not uses_banded(optimizer, activation, output) and n > dense:
        raise UatError(
            f"training {n} {activation} neurons with a {output} output takes a dense solve "
            f"(an iteration costs ~ N³): use at most {dense:,.0f} neurons, or sigmoid "
            "or tanh neurons with an identity output"
        )


@dataclass
class _Problem:
    """One training problem of a shallow net: the data on u and how to make nets of weights."""

    target: Target
    domain: tuple[float, float]
    frame: Frame
    u: np.ndarray
    y: np.ndarray  # y / gain
    gain: float
    activation: str
    output_activation: str
    optimizer: str
    loss: str
    seed: int

    def make_net(
        self, wu: np.ndarray, bu: np.ndarray, v: np.ndarray, c: float, it: int
    ) -> ShallowNet:
        """The net of weights on u (and v, c of y / gain), on x and y."""
        w, b = self.frame.to_x(wu, bu)
        return ShallowNet(
            w, b, v * self.gain, float(c) * self.gain, activation=self.activation,
            output_activation=self.output_activation, domain=self.domain,
            target=self.target.name, method="train", meta=self.meta(it),
        )  # fmt: skip

    def meta(self, it: int) -> dict[str, object]:
        """What a trained net records of its run."""
        return {"optimizer": self.optimizer, "loss": self.loss, "iterations": it, "seed": self.seed}

    def true_sup(self, wu: np.ndarray, bu: np.ndarray, v: np.ndarray, c: float) -> float:
        """The refined sup error over the domain: what "sup" minimises, not a grid's."""
        from uat.core.metrics import errors

        try:
            return errors(self.make_net(wu, bu, v, c, 0), self.target).sup
        except UatError:  # an overflowing trial: never the best
            return math.inf


def _problem(
    target: Target, n: int, n_train: int | None, output_activation: str, **how: str | int
) -> _Problem:
    """The training data on u, scaled by the power of two nearest max|y| (exact)."""
    domain = check_domain(target.domain)
    frame = Frame.of(domain)
    x, y = training_points(target, n, n_train, limits=True)
    gain = target_gain(y, output_activation)
    return _Problem(
        target, domain, frame, frame.u(x), y / gain, gain, output_activation=output_activation,
        **how,  # type: ignore[arg-type]
    )  # fmt: skip


def _start(
    p: _Problem, start: ShallowNet | str | None, n: int, seed: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray, float]:
    """The weights on u to start from: random, a warm start, or the spread start (jumps seeded)."""
    if isinstance(start, str):  # "random"
        return random_u(n, seed)
    wu, bu, v, c = initial_u(start, n, p.frame, p.activation, p.output_activation, seed)
    if start is None and p.target.samples is None:
        seed_jumps(wu, bu, p.frame.u(p.target.jumps()))
    return wu, bu, v / p.gain, c / p.gain


def _budget(max_iter: int | None, optimizer: str, loss: str, n: int) -> int:
    """The iteration budget: as asked, else per optimiser ("sup": Lawson's rounds on top)."""
    if max_iter is not None:
        return max_iter
    budget = {"adam": ADAM_ITERATIONS, "lm": max(LM_MIN_ITERATIONS, LM_WORK // n)}[optimizer]
    # "sup": least squares to its own stop (as "mse" would), then Lawson's rounds; with
    # 100 least-squares iterations first, sinc's sup at N = 10 was 30× that of "mse"
    return budget + SUP_ITERATIONS if loss == "sup" else budget


def _solve(
    p: _Problem,
    start: ShallowNet | str | None,
    weights: tuple[np.ndarray, np.ndarray, np.ndarray, float],
    budget: tuple[int, float, float],
    new_run: Callable[[], Run],
    lawson_only: bool = False,
) -> tuple[Run, Solution]:
    """Dispatch to the solver for this optimiser, activation, output and loss."""
    wu, bu, v, c = weights
    max_iter, tol, lr = budget
    u, y, act, out = p.u, p.y, p.activation, p.output_activation
    run = new_run()
    # no variable projection from a random start (see random_init); the banded engine's
    # bands need two neurons: one neuron trains on the dense path
    if p.optimizer == "lm" and (start == "random" or (wu.size < 2 and p.loss == "mse")):
        return run, lm_full(wu, bu, v, c, u, y, act, out, max_iter, tol, run)
    if uses_banded(p.optimizer, act, out) and p.loss == "sup":
        score = p.true_sup if p.target.samples is None else None
        found = train_sup(wu, bu, u, y, act, max_iter, tol, run, score, lawson_only)
        if score is None or start is not None:
            return run, found
        return against_hand_built(
            p.target, wu.size, act, p.frame, (u, y), max_iter, tol, (run, found), score, new_run
        )
    if uses_banded(p.optimizer, act, out):
        return run, train_banded(wu, bu, u, y, act, max_iter, tol, run)
    if p.optimizer == "adam":
        return run, adam(wu, bu, v, c, u, y, act, out, max_iter, tol, lr, run)
    if out != "identity":
        if start is None:
            hid = act_value(act, np.outer(u, wu) + bu)
            v, c, _, _ = solve_output(hid, linear_target(y, out), False)
        return run, lm_full(wu, bu, v, c, u, y, act, out, max_iter, tol, run)
    return run, varpro(wu, bu, u, y, act, max_iter, tol, run)


def _train_once(
    target: Target,
    n_neurons: int,
    *,
    optimizer: str = "lm",
    max_iter: int | None = None,
    tol: float = 1e-12,
    seed: int = 0,
    init: ShallowNet | str | None = None,
    snapshot_at: Sequence[int] | None = None,
    callback: Callable[[int, float], None] | None = None,
    activation: str = "sigmoid",
    output_activation: str = "identity",
    n_train: int | None = None,
    learning_rate: float | None = None,
    loss: str = "mse",
    lawson_only: bool = False,
) -> TrainResult:
    """One run from one start (see `train`); `lawson_only`: Lawson's rounds from `init` at once."""
    t0 = time.perf_counter()
    n, lr = check_arguments(
        n_neurons, optimizer, max_iter, tol, activation, output_activation, learning_rate, loss,
        snapshot_at,
    )  # fmt: skip
    p = _problem(target, n, n_train, output_activation, activation=activation,
                 optimizer=optimizer, loss=loss, seed=seed)  # fmt: skip
    start = check_init(init, optimizer, loss, n)
    weights = _start(p, start, n, seed)
    budget = (_budget(max_iter, optimizer, loss, n), tol, lr)
    holdout = holdout_points(target, p.frame.x(p.u))

    def new_run() -> Run:
        run = Run(p.make_net, snapshot_at, callback, p.gain)
        run.holdout = holdout
        return run

    with one_blas_thread(), np.errstate(over="ignore", under="ignore"):
        run, out = _solve(p, start, weights, budget, new_run, lawson_only)
    return _result(run, out, p.make_net, time.perf_counter() - t0)


RESTARTS = 3  # the default number of seeds of a multi-start (Settings.restarts)


def train(
    target: Target,
    n_neurons: int,
    *,
    optimizer: str = "lm",
    max_iter: int | None = None,
    tol: float = 1e-12,
    seed: int = 0,
    init: ShallowNet | str | None = None,
    snapshot_at: Sequence[int] | None = None,
    callback: Callable[[int, float], None] | None = None,
    activation: str = "sigmoid",
    output_activation: str = "identity",
    n_train: int | None = None,
    learning_rate: float | None = None,
    loss: str = "mse",
    restarts: int = RESTARTS,
) -> TrainResult:
    """Fit every weight of a width-N network to the target; never worse than the construction.

    Parameters
    ----------
    target : on a uniform grid over its domain, or on its CSV samples.
    n_neurons : width N, up to LIMITS["n_neurons_trained"] (adam: LIMITS["n_neurons_adam"];
        relu, softplus or an output sigmoid: LIMITS["n_neurons_dense"]).
    optimizer : "lm" (Levenberg–Marquardt in variable-projection form) or "adam".
    max_iter : iteration limit; default max(100, 160 000/N) for "lm" ("sup": 300 more), 3000
        for "adam".
    tol : stop once the training RMSE is at most tol·RMS(y) (loss "mse").
    seed : jitters the spread start: the same seed gives a bit-identical result.
    init : warm start from this net (same activations, at most N neurons; new ones spread),
        "spread" (the default, as None) or "random" (see `random_init`).
    snapshot_at : iterations (0 = the start) to keep a copy of the net at; the final one is
        always kept, and iterations past the end are skipped.
    callback : called as callback(iteration, training RMSE) after every iteration.
    activation, output_activation : sigmoid, tanh, relu or softplus; identity or sigmoid.
    n_train : training grid size (default max(500, 10·N), at most 20 001); not for CSV samples.
    learning_rate : Adam's step size (default 0.02); ignored by "lm".
    loss : "mse" (least squares), or "sup": minimax by Lawson's reweighting, starting from the
        least-squares fit, with both one-sided limits of every known jump as training points.
    restarts : seeds tried where a restart pays (see `uat.core.train.restarts`): a spread start
        (or warm start) runs first; the hand-built net and the other starts compete with it.

    Returns
    -------
    TrainResult : the fitted net (method "train"; meta holds optimizer, loss, iterations, seed
        and why it stopped), the loss at every iteration and the snapshots.
    """
    kw: dict[str, Any] = {
        "optimizer": optimizer, "max_iter": max_iter, "tol": tol, "seed": seed, "init": init,
        "snapshot_at": snapshot_at, "callback": callback, "activation": activation,
        "output_activation": output_activation, "n_train": n_train,
        "learning_rate": learning_rate, "loss": loss,
    }  # fmt: skip
    check_number("restarts", restarts)  # one multi-start unless it is a single run, below
    if not (init in (None, "spread") and snapshot_at is None and optimizer == "lm"):
        return judged(_train_once(target, n_neurons, **kw), target)
    if loss == "sup":
        return sup_never_loses(_train_once, target, n_neurons, int(restarts), kw)
    return mse_never_loses(_train_once, target, n_neurons, int(restarts), kw)


def _result(
    run: Run,
    out: Solution,
    make_net: Callable[[np.ndarray, np.ndarray, np.ndarray, float, int], ShallowNet],
    seconds: float,
) -> TrainResult:
    """The TrainResult of a finished run, with the final net as the last snapshot."""
    wu, bu, v, c = out.weights
    it, stopped = out.iterations, out.stopped
    if not (np.all(np.isfinite(wu)) and np.all(np.isfinite(bu)) and np.all(np.isfinite(v))):
        raise UatError(f"training diverged by iteration {it} (weights are not finite)")
    loss = run.history[-1][1]
    if not math.isfinite(loss):
        raise UatError(f"training diverged at iteration {it} (loss is {loss})")
    net = make_net(wu, bu, v, c, it)
    net.meta["stopped"] = stopped
    snapshots = [s for s in run.snapshots if s.iteration != it]
    snapshots.append(Snapshot(it, loss, make_net(wu, bu, v, c, it)))
    return TrainResult(net, it, loss, stopped != CAP, seconds, run.history, snapshots)


def train2d(
    target: Target,
    widths: Sequence[int],
    *,
    seed: int = 0,
    activation: str = "sigmoid",
    max_iter: int = LAYERED_ITERATIONS,
    grid: int = TRAIN_GRID,
    snapshot_at: Sequence[int] = (),
) -> TrainResult:
    """Train every weight of a net of two inputs with hidden `widths` (1 or 2 layers) by LM.

    Parameters
    ----------
    target : the surface and rectangle.
    widths : hidden widths, e.g. [40] or [12, 12].
    seed : the start's random directions and centres; the same seed gives the same net.
    activation : hidden activation (sigmoid, tanh, softplus; a step has no slope to follow).
    max_iter : LM iterations (accepted steps), as in 1-D.
    grid : points per side of the training grid.
    snapshot_at : iterations (0 = the start) after which to keep the current net.

    Returns
    -------
    TrainResult with the net, its training RMSE per iteration and the snapshots.
    """
    t0 = time.perf_counter()
    widths = check_widths(widths)
    if activation in ("step", "identity"):
        raise UatError(f"a trained net needs a smooth nonlinear activation, not {activation!r}")
    if isinstance(max_iter, bool) or max_iter < 1:
        raise UatError(f"max_iter must be at least 1, got {max_iter}", param="max_iter")
    x, y = target.grid(grid)
    points, z = np.c_[x.ravel(), y.ravel()], target(x, y).ravel()
    gain = target_gain(z)  # fitted as z / gain, exactly (see data.target_gain)
    z = z / gain
    hidden = spread_start(target, widths, np.random.default_rng(seed), activation)
    layers = [*hidden, output_layer(LayeredNet(hidden), points, z)]
    shapes = [layer.shape for layer in layers]
    acts = [activation] * len(widths) + ["identity"]

    def make_net(theta: np.ndarray, it: int) -> LayeredNet:
        return net_of(theta, shapes, acts, target, gain)

    run = Run(make_net, snapshot_at, None, gain)
    with one_blas_thread():  # measured 10× faster on these small matrices, on shared cores
        out = lm_layered(pack(layers), shapes, (points, z), activation, max_iter, run)
    net = make_net(out.state.theta, out.iterations)
    net.meta = {"widths": widths, "seed": seed, "optimizer": "lm", "train_grid": grid,
                "iterations": out.iterations, "stopped": out.stopped}  # fmt: skip
    seconds = time.perf_counter() - t0
    loss = run.history[-1][1]
    return TrainResult(net, out.iterations, loss, out.stopped != CAP, seconds, run.history,
                       run.snapshots)  # fmt: skip
