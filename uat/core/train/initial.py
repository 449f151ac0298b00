"""Initialisation: the evenly spread start (1-D and the plane), seeded jumps, other starts.

The spread start: centres c_i evenly over the domain, b_i = −w_i·c_i, steepness
w = max(N, 15)/(b − a). Over sin, abs, gaussian, runge and nielsen at N = 5–50 (4 seeds each),
that steepness gave the best final RMSE: the geometric mean was 4.6× lower than with
3·N/(b − a), and 15 keeps small nets from starting nearly linear. The seed scales all
steepnesses by one factor in e^±0.15: centres stay evenly spread and mirror-symmetric, which
matters: jittering each centre by ±¼ of the spacing slowed LM 2–5× on sin.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

from uat.core.activations import get_activation
from uat.core.layered import Layer, LayeredNet
from uat.core.network import ShallowNet
from uat.core.targets import Target
from uat.core.train.common import act_value, check_width
from uat.core.train.data import Frame, check_domain, linear_target, training_points
from uat.core.train.varpro import solve_output
from uat.errors import UatError
from uat.settings import LIMITS

STEEPNESS = 1.0  # spread init: w = STEEPNESS·max(N, MIN_SPREAD)/(b − a) (tanh: half that)
MIN_SPREAD = 15
JITTER_STEEPNESS = 0.15  # the seed scales the steepness by e^u, u uniform in ±this
# A neuron seeded at a known jump has w = this on u ∈ [−1, 1]: its transition (~4/w) is 50×
# narrower than the 10 001-point error grid's spacing, so the grid sees a step, not a ramp.
JUMP_STEEPNESS = 1e6
INITS = ("spread", "random")


def spread_u(
    n: int, activation: str, seed: int | None, steepness: float
) -> tuple[np.ndarray, np.ndarray]:
    """Spread hidden weights on u ∈ [−1, 1]; jittered reproducibly when a seed is given."""
    if n == 0:
        return np.zeros(0), np.zeros(0)
    h = 2.0 / n
    centres = -1.0 + (np.arange(n) + 0.5) * h
    k = steepness * (0.5 if activation == "tanh" else 1.0)
    w = np.full(n, k * max(n, MIN_SPREAD) / 2.0)  # k·N/(b − a) on x is k·N/2 on u ∈ [−1, 1]
    if seed is not None and seed < 0:
        raise UatError(f"seed must be a whole number ≥ 0, got {seed}", param="seed")
    if seed is not None:  # one common factor: centres stay evenly spread and mirror-symmetric
        w = w * math.exp(np.random.default_rng(seed).uniform(-JITTER_STEEPNESS, JITTER_STEEPNESS))
    return w, -w * centres


def spread_init(
    target_or_domain: Target | tuple[float, float],
    n_neurons: int,
    activation: str = "sigmoid",
    *,
    output_activation: str = "identity",
    seed: int | None = None,
    steepness: float = STEEPNESS,
    n_train: int | None = None,
    solve: bool = True,
) -> ShallowNet:
    """The evenly spread initialisation, with (v, c) by linear least squares on the data.

    Parameters
    ----------
    target_or_domain
        A `Target` (its domain and training points) or a bare interval (then v = 0, c = 0).
    n_neurons, activation, output_activation
        Width N and activations ("sigmoid" output: (v, c) fit logit(y), y clipped to (0, 1)).
    seed
        None for the exact spread; an integer scales every steepness by one factor in e^±0.15.
    steepness
        w = steepness·max(N, 15)/(b − a) for a sigmoid (half that for tanh).
    n_train, solve
        Training grid size for the linear solve (default as in `train`); False: v = 0, c = 0.

    Returns
    -------
    ShallowNet
        Centres c_i evenly over [a, b], b_i = −w_i·c_i, method "spread".
    """
    n = check_width(n_neurons)
    get_activation(activation)
    get_activation(output_activation)
    if isinstance(target_or_domain, Target):
        target: Target | None = target_or_domain
        domain = check_domain(target_or_domain.domain)
    else:
        target, domain = None, check_domain(target_or_domain)
    frame = Frame.of(domain)
    wu, bu = spread_u(n, activation, seed, steepness)
    v, c = np.zeros(n), 0.0
    if target is not None and solve:
        x, y = training_points(target, n, n_train)
        hid = act_value(activation, np.outer(frame.u(x), wu) + bu)
        v, c, _, _ = solve_output(hid, linear_target(y, output_activation), False)
    w, b = frame.to_x(wu, bu)
    return ShallowNet(
        w, b, v, c, activation=activation, output_activation=output_activation, domain=domain,
        target="" if target is None else target.name, method="spread",
        meta={"steepness": steepness, "seed": seed},
    )  # fmt: skip


def seed_jumps(wu: np.ndarray, bu: np.ndarray, jumps_u: np.ndarray) -> None:
    """Move the neuron nearest each known jump onto it, as a step sharper than any grid."""
    if wu.size == 0 or jumps_u.size == 0:
        return
    free = np.ones(wu.size, dtype=bool)
    steep = JUMP_STEEPNESS
    for j in jumps_u:
        centre = np.where(free, -bu / wu, np.inf)
        k = int(np.argmin(np.abs(centre - j)))
        if not free[k]:
            return
        free[k] = False
        wu[k], bu[k] = steep, -steep * j


def check_init(
    init: ShallowNet | str | None, optimizer: str, loss: str, n: int
) -> ShallowNet | str | None:
    """The start to train from: a net, None (the spread start) or "random"."""
    if not isinstance(init, str):
        return init
    if init not in INITS:
        raise UatError(f"unknown init {init!r}; choose one of: {', '.join(INITS)}", "init")
    if init == "spread":
        return None
    if loss != "mse":
        raise UatError("--init random trains least squares; drop --loss sup", "init")
    dense = LIMITS["n_neurons_dense"].high
    if optimizer == "lm" and n > dense:
        raise UatError(
            f"--init random trains at most {dense:,.0f} neurons with lm, got {n}", "init"
        )
    return init


def random_u(n: int, seed: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, float]:
    """A random start on u ∈ [−1, 1]: soft steps of either sign at random centres, small v.

    Why: from the spread start, LM's variable projection solves the output layer exactly at
    iteration 0, so the first frame already sits on the target (runge, N = 20: RMSE 3e-4).
    From here, trained jointly, runge at N = 20 goes 0.38 → 1e-3 (10 iterations) → 9e-7 (500).
    """
    if seed < 0:
        raise UatError(f"--seed must be a whole number ≥ 0, got {seed}")
    rng = np.random.default_rng(seed)
    wu = rng.choice([-1.0, 1.0], n) * rng.uniform(1.0, 4.0, n)
    centres = rng.uniform(-1.0, 1.0, n)
    v = rng.normal(0.0, 0.5, n) / math.sqrt(n)
    return wu, -wu * centres, v, 0.0


def random_init(domain: tuple[float, float], n_neurons: int, seed: int = 0) -> ShallowNet:
    """The "random" start of `train` as a sigmoid net on `domain` (before any training)."""
    a, b = check_domain(domain)
    wu, bu, v, c = random_u(check_width(n_neurons), seed)
    w, bx = Frame.of((a, b)).to_x(wu, bu)
    return ShallowNet(w, bx, v, c, domain=(a, b), method="random", meta={"seed": seed})


def initial_u(
    init: ShallowNet | None,
    n: int,
    frame: Frame,
    activation: str,
    output_activation: str,
    seed: int,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, float]:
    """Hidden weights on u (and v, c) from `init`, extended with spread neurons if narrower."""
    wu, bu = spread_u(n, activation, seed, STEEPNESS)
    if init is None:
        return wu, bu, np.zeros(n), 0.0
    if init.n_neurons > n:
        raise UatError(f"cannot warm-start {n} neurons from a wider net of {init.n_neurons}")
    if (init.activation, init.output_activation) != (activation, output_activation):
        raise UatError(
            f"the warm-start net uses {init.activation}/{init.output_activation} activations, "
            f"not {activation}/{output_activation}"
        )
    k = init.n_neurons
    iw, ib = frame.to_u(init.w, init.b)
    if k < n:  # new neurons at evenly spread places, contributing nothing yet
        extra = spread_u(n - k, activation, seed, STEEPNESS)
        iw, ib = np.concatenate([iw, extra[0]]), np.concatenate([ib, extra[1]])
    v = np.concatenate([init.v, np.zeros(n - k)])
    return iw, ib, v, init.c


# -- nets of two inputs ------------------------------------------------------------------------


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


def output_layer(hidden: LayeredNet, points: np.ndarray, z: np.ndarray) -> Layer:
    """The least-squares output weights and bias on top of fixed hidden layers."""
    features = hidden.activations(points)[-1][1]
    design = np.c_[features, np.ones(features.shape[0])]
    coef, *_ = np.linalg.lstsq(design, z, rcond=None)
    return Layer(coef[None, :-1], coef[-1:], "identity")
