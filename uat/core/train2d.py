"""Trained networks of two inputs: one or two hidden layers, every weight trained by LM.

As in 1-D, least squares on a grid is a nonlinear least-squares problem that Levenberg–
Marquardt (with the analytic Jacobian by back-propagation) solves far better than gradient
descent. The start is spread over the rectangle, not random noise: the
first layer's steps cross the rectangle along random directions through random points, the
second layer mixes them, and the output layer starts at its least-squares solution.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from uat.core.activations import get_activation
from uat.core.layered import Layer, LayeredNet, one_blas_thread
from uat.core.targets import Target
from uat.core.train import target_gain
from uat.errors import UatError

MAX_TRAIN_PARAMETERS = 3000  # the dense Jacobian is samples × parameters
MAX_DEPTH2D = 2
TRAIN_GRID = 41  # points per side of the training grid (1,681 samples)
DEFAULT_EVALUATIONS = 200


@dataclass
class Training2D:
    """A trained net and its training-grid RMSE after each residual evaluation."""

    net: LayeredNet
    history: list[tuple[int, float]] = field(default_factory=list)
    evaluations: int = 0
    snapshots: list[tuple[int, LayeredNet]] = field(default_factory=list)  # (evaluation, net)


def _shapes(widths: Sequence[int]) -> list[tuple[int, int]]:
    sizes = [2, *widths, 1]
    return [(sizes[i + 1], sizes[i]) for i in range(len(sizes) - 1)]


def check_widths(widths: Sequence[int]) -> list[int]:
    """Validate the hidden widths of a trained 2-D net: one or two layers, bounded size."""
    widths = [int(n) for n in widths]
    if not 1 <= len(widths) <= MAX_DEPTH2D or min(widths) < 1:
        raise UatError(f"a trained 2-D net has 1 or 2 hidden layers of ≥ 1 neuron, got {widths}")
    count = sum(o * (i + 1) for o, i in _shapes(widths))
    if count > MAX_TRAIN_PARAMETERS:
        raise UatError(
            f"hidden widths {widths} give {count} parameters; training here is limited to "
            f"{MAX_TRAIN_PARAMETERS}"
        )
    return widths


def _pack(layers: Sequence[Layer]) -> np.ndarray:
    return np.concatenate([np.r_[layer.weights.ravel(), layer.biases] for layer in layers])


def _unpack(
    theta: np.ndarray, shapes: Sequence[tuple[int, int]]
) -> list[tuple[np.ndarray, np.ndarray]]:
    out: list[tuple[np.ndarray, np.ndarray]] = []
    k = 0
    for o, i in shapes:
        w = theta[k : k + o * i].reshape(o, i)
        b = theta[k + o * i : k + o * i + o]
        out.append((w, b))
        k += o * (i + 1)
    return out


def residual_jacobian(
    theta: np.ndarray,
    shapes: Sequence[tuple[int, int]],
    points: np.ndarray,
    z: np.ndarray,
    activation: str,
) -> tuple[np.ndarray, np.ndarray]:
    """Residual net(p) − z and its Jacobian in theta (back-propagation), at points (n, 2)."""
    act = get_activation(activation)
    params = _unpack(theta, shapes)
    a, inputs, slopes = points, [], []
    for depth, (w, b) in enumerate(params):
        inputs.append(a)
        pre = a @ w.T + b
        last = depth == len(params) - 1
        slopes.append(None if last else act.df(pre))
        a = pre if last else act.f(pre)
    g = np.ones((points.shape[0], 1))  # d out / d pre-activation, layer by layer downwards
    blocks: list[np.ndarray] = []
    for depth in range(len(params) - 1, -1, -1):
        w, _ = params[depth]
        dw = (g[:, :, None] * inputs[depth][:, None, :]).reshape(g.shape[0], -1)
        blocks[:0] = [dw, g]
        if depth:
            slope = slopes[depth - 1]
            assert slope is not None
            g = (g @ w) * slope
    return a[:, 0] - z, np.hstack(blocks)


def levenberg_marquardt(
    evaluate: Callable[[np.ndarray], tuple[np.ndarray, np.ndarray]],
    theta: np.ndarray,
    max_evaluations: int,
) -> np.ndarray:
    """Minimise |r(θ)|² by LM with Marquardt's diagonal scaling; the best θ found.

    The normal equations go through LAPACK: MINPACK's unblocked QR (scipy's `lm`) measured
    about 10× slower here on a 1,681 × 97 Jacobian.
    """
    r, jac = evaluate(theta)
    cost, lam = float(r @ r), 1e-3
    for _ in range(max_evaluations - 1):
        a, g = jac.T @ jac, jac.T @ r
        scale = np.maximum(np.diag(a), 1e-12 * max(1.0, float(np.max(np.diag(a)))))
        try:
            step = np.linalg.solve(a + lam * np.diag(scale), -g)
        except np.linalg.LinAlgError:
            lam *= 10.0
            continue
        r_new, jac_new = evaluate(theta + step)
        cost_new = float(r_new @ r_new)
        if np.isfinite(cost_new) and cost_new < cost:
            theta, r, jac = theta + step, r_new, jac_new
            done = cost - cost_new < 1e-14 * cost
            cost, lam = cost_new, max(lam / 3.0, 1e-15)
            if done:
                break
        else:
            lam *= 4.0
            if lam > 1e16:
                break
    return theta


def spread_start(
    target: Target, widths: Sequence[int], rng: np.random.Generator, activation: str
) -> list[Layer]:
    """Hidden layers spread over the rectangle (see the module docstring); output left zero."""
    (a, b), (c, d) = target.box
    n1 = widths[0]
    theta = rng.uniform(0.0, 2 * np.pi, n1)
    normals = np.c_[np.cos(theta), np.sin(theta)]
    centres = np.c_[rng.uniform(a, b, n1), rng.uniform(c, d, n1)]
    # steps about a tenth of the side wide once there are ~40 of them, never flatter than 4/side
    w = max(4.0, math.sqrt(n1)) * 2.0 / max(b - a, d - c)
    layers = [Layer(normals * w, -w * np.sum(normals * centres, axis=1), activation)]
    if len(widths) == 2:
        n2 = widths[1]
        w2 = rng.normal(0.0, 4.0 / math.sqrt(n1), (n2, n1))
        mean_hidden = get_activation(activation).f(np.zeros(n1)) + 0.0
        layers.append(Layer(w2, -w2 @ mean_hidden, activation))
    return layers


def _output_layer(hidden: LayeredNet, points: np.ndarray, z: np.ndarray) -> Layer:
    """The least-squares output weights and bias on top of fixed hidden layers."""
    features = hidden.activations(points)[-1][1]
    design = np.c_[features, np.ones(features.shape[0])]
    coef, *_ = np.linalg.lstsq(design, z, rcond=None)
    return Layer(coef[None, :-1], coef[-1:], "identity")


def train2d(
    target: Target,
    widths: Sequence[int],
    *,
    seed: int = 0,
    activation: str = "sigmoid",
    max_evaluations: int = DEFAULT_EVALUATIONS,
    grid: int = TRAIN_GRID,
    snapshot_at: Sequence[int] = (),
) -> Training2D:
    """Train every weight of a net with hidden `widths` (1 or 2 layers) by LM on a grid.

    Parameters
    ----------
    target : the surface and rectangle.
    widths : hidden widths, e.g. [40] or [12, 12].
    seed : the start's random directions and centres; the same seed gives the same net.
    activation : hidden activation (sigmoid, tanh, softplus; a step has no slope to follow).
    max_evaluations : residual evaluations allowed to the optimiser.
    grid : points per side of the training grid.
    snapshot_at : evaluations after which to keep the optimiser's current net (for
        animations); LM's current point is the best evaluated so far, as it accepts a step
        only when the cost falls.

    Returns
    -------
    Training2D with the net, its training RMSE per evaluation and the snapshots.
    """
    widths = check_widths(widths)
    if activation in ("step", "identity"):
        raise UatError(f"a trained net needs a smooth nonlinear activation, not {activation!r}")
    x, y = target.grid(grid)
    points, z = np.c_[x.ravel(), y.ravel()], target(x, y).ravel()
    gain = target_gain(z)  # fitted as z / gain, exactly (see uat.core.train)
    z = z / gain
    hidden = spread_start(target, widths, np.random.default_rng(seed), activation)
    layers = [*hidden, _output_layer(LayeredNet(hidden), points, z)]
    shapes = [layer.shape for layer in layers]
    history: list[tuple[int, float]] = []
    acts = [activation] * len(widths) + ["identity"]
    wanted, snapshots = set(snapshot_at), []
    best: list[Any] = [math.inf, None]  # LM's current point: the lowest cost evaluated

    def evaluate(theta: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        r, jac = residual_jacobian(theta, shapes, points, z, activation)
        rmse = float(np.sqrt(np.mean(r**2))) * gain
        history.append((len(history) + 1, rmse))
        if np.isfinite(rmse) and rmse < best[0]:
            best[:] = [rmse, theta.copy()]
        if len(history) in wanted:
            snapshots.append((len(history), _net(best[1], shapes, acts, target, gain)))
        return r, jac

    theta = _pack(layers)
    # one BLAS thread: measured 10× faster on these small matrices, on shared cores
    with one_blas_thread():
        theta = levenberg_marquardt(evaluate, theta, max_evaluations)
    net = _net(theta, shapes, acts, target, gain)
    net.meta = {"widths": widths, "seed": seed, "optimizer": "lm", "train_grid": grid}
    return Training2D(net, history, len(history), snapshots)


def _net(
    theta: np.ndarray,
    shapes: Sequence[tuple[int, int]],
    acts: Sequence[str],
    target: Target,
    gain: float = 1.0,
) -> LayeredNet:
    """The LayeredNet of a parameter vector, its output layer scaled by `gain`."""
    params = _unpack(theta, shapes)
    last = len(params) - 1
    layers = [
        Layer(w * (gain if i == last else 1.0), b * (gain if i == last else 1.0), f)
        for i, ((w, b), f) in enumerate(zip(params, acts, strict=True))
    ]
    return LayeredNet(layers, domain=target.box, target=target.name, method="train")
