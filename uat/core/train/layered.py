"""Layered nets of two inputs: one or two hidden layers, every weight trained by the one LM loop.

As in 1-D, least squares on a grid is a nonlinear least-squares problem that Levenberg–
Marquardt (with the analytic Jacobian by back-propagation) solves far better than gradient
descent. The start is spread over the rectangle, not random noise (`initial.spread_start`):
the first layer's steps cross the rectangle along random directions through random points, the
second layer mixes them, and the output layer starts at its least-squares solution.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from uat.core.activations import get_activation
from uat.core.layered import Layer, LayeredNet
from uat.core.targets import Target
from uat.core.train.common import Run
from uat.core.train.lm import LMResult, State, dense_lm
from uat.errors import UatError
from uat.settings import LIMITS

TRAIN_GRID = 41  # points per side of the training grid (1,681 samples)
LAYERED_ITERATIONS = 100  # the default budget of LM iterations


def shapes_of(widths: Sequence[int]) -> list[tuple[int, int]]:
    """(outputs, inputs) of every layer of a net of two inputs with these hidden widths."""
    sizes = [2, *widths, 1]
    return [(sizes[i + 1], sizes[i]) for i in range(len(sizes) - 1)]


def check_widths(widths: Sequence[int]) -> list[int]:
    """Validate the hidden widths of a trained 2-D net: one or two layers, bounded size."""
    widths = [int(n) for n in widths]
    depth = LIMITS["hidden_layers_trained"].high
    if not 1 <= len(widths) <= depth or min(widths) < 1:
        raise UatError(
            f"a trained 2-D net has 1 to {depth:.0f} hidden layers of ≥ 1 neuron, got {widths}"
        )
    count = sum(o * (i + 1) for o, i in shapes_of(widths))
    high = LIMITS["n_parameters_trained"].high
    if count > high:
        raise UatError(
            f"hidden widths {widths} give {count} parameters; training here is limited to "
            f"{high:,.0f} (the dense Jacobian is samples × parameters)"
        )
    return widths


def pack(layers: Sequence[Layer]) -> np.ndarray:
    return np.concatenate([np.r_[layer.weights.ravel(), layer.biases] for layer in layers])


def unpack(
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


def layered_residual_jacobian(
    theta: np.ndarray,
    shapes: Sequence[tuple[int, int]],
    points: np.ndarray,
    z: np.ndarray,
    activation: str,
) -> tuple[np.ndarray, np.ndarray]:
    """Residual net(p) − z and its Jacobian in theta (back-propagation), at points (n, 2)."""
    act = get_activation(activation)
    params = unpack(theta, shapes)
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


def net_of(
    theta: np.ndarray,
    shapes: Sequence[tuple[int, int]],
    acts: Sequence[str],
    target: Target,
    gain: float = 1.0,
) -> LayeredNet:
    """The LayeredNet of a parameter vector, its output layer scaled by `gain`."""
    params = unpack(theta, shapes)
    last = len(params) - 1
    layers = [
        Layer(w * (gain if i == last else 1.0), b * (gain if i == last else 1.0), f)
        for i, ((w, b), f) in enumerate(zip(params, acts, strict=True))
    ]
    return LayeredNet(layers, domain=target.box, target=target.name, method="train")


def lm_layered(
    theta: np.ndarray,
    shapes: Sequence[tuple[int, int]],
    data: tuple[np.ndarray, np.ndarray],
    activation: str,
    max_iter: int,
    run: Run,
) -> LMResult[State]:
    """Every weight of a layered net by the shared LM loop (J by back-propagation)."""
    points, z = data

    def evaluate(th: np.ndarray) -> State:
        r, jac = layered_residual_jacobian(th, shapes, points, z, activation)
        return State(th, r, r.size, np.zeros(0), 0.0, (jac,))

    def record(it: int, st: State) -> str | None:
        run.record(it, st.rmse, st.theta)
        return run.stop()

    return dense_lm(theta, evaluate, lambda th, st: st.extra[0], record, max_iter, 0.0)
