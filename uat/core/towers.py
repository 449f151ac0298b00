"""Hand-built networks of two inputs: K×K towers (two hidden layers) and sums of ridges (one).

A steep neuron σ(w·(x − s)) is a step along the line x = s; the difference of two is a ridge.
Nielsen's tower thresholds an x-ridge plus a y-ridge in a second-layer neuron with bias
−3H/2 (H its input weight): inputs 2H on the crossing, H on the arms, 0 elsewhere, so only the
crossing survives. K×K towers with minimax heights tile f with error ≤ L·√(Δx²+Δy²)/2.

Two forms of the second layer:

- ``nielsen``: one neuron per tower, fed by the ridges of its column and row (x-steps i, i+1,
  y-steps j, j+1 with weights +H, −H, +H, −H). At a corner shared by four towers both ridges
  are half way (½ + ½ = 1 < 3/2) for every one of them, so all four are off: a hole down to 0
  whatever K or the steepness, which the refined sup error finds (the essay's "windows of
  failure" in 2-D).
- ``quadrant`` (default): the same neurons and the same bias −3H/2, each fed by one x-step and
  one y-step: a quadrant [x ≥ x_i]·[y ≥ y_j]; a tower is four quadrants with alternating
  signs, so the output weights are the mixed differences of the tower heights. At a corner
  the output is the mean of two neighbouring heights, so the error bound holds everywhere.

Both share the first layer: steps at the tower edges in x and in y (shared by neighbouring
towers, as in Nielsen's figures each tower uses two x-steps and two y-steps).
"""

from __future__ import annotations

import math

import numpy as np

from uat.core.layered import Layer, LayeredNet, one_blas_thread
from uat.core.targets import Target
from uat.errors import UatError

TOWER_FORMS = ("quadrant", "nielsen")
TOWER_HEIGHT_RULES = ("minimax", "centre")
_MINIMAX_SAMPLES = 17  # per side of a cell
_RIDGE_FIT_GRID = 121  # per side: the least-squares grid of the ridge route


def check_towers(k: int) -> int:
    """Validate K, the towers per side, before anything is allocated."""
    from uat.settings import check_number

    return int(check_number("towers", k))


def tower_edges(target: Target, k: int) -> tuple[np.ndarray, np.ndarray]:
    """K+1 equally spaced edges along x and along y."""
    (a, b), (c, d) = target.box
    return np.linspace(a, b, k + 1), np.linspace(c, d, k + 1)


def tower_heights(target: Target, k: int, rule: str = "minimax") -> np.ndarray:
    """Height of each cell, shape (K, K) indexed [row j (y), column i (x)]."""
    xe, ye = tower_edges(target, k)
    if rule == "centre":
        xc, yc = 0.5 * (xe[:-1] + xe[1:]), 0.5 * (ye[:-1] + ye[1:])
        return target(*np.meshgrid(xc, yc))
    if rule != "minimax":
        raise UatError(
            f"unknown height rule {rule!r}; choose one of: {', '.join(TOWER_HEIGHT_RULES)}"
        )
    u = np.linspace(0.0, 1.0, _MINIMAX_SAMPLES)
    xs = (xe[:-1, None] + np.diff(xe)[:, None] * u).ravel()  # (K·S,) grouped by column
    ys = (ye[:-1, None] + np.diff(ye)[:, None] * u).ravel()
    z = target(*np.meshgrid(xs, ys)).reshape(k, _MINIMAX_SAMPLES, k, _MINIMAX_SAMPLES)
    return 0.5 * (z.max(axis=(1, 3)) + z.min(axis=(1, 3)))


def tower_bound(target: Target, k: int) -> float | None:
    """L·√(Δx²+Δy²)/2 (= L·Δ/√2 on square cells): minimax towers with exact steps.

    The theorem for exact steps, which sets the steepness; a built (sigmoid) tower net can
    exceed it near the corners, so none is printed for one (`tower_net_bound`).
    """
    lip = target.lipschitz()
    if lip is None:
        return None
    dx, dy = (s / k for s in target.side)
    return lip * math.hypot(dx, dy) / 2


TOWER_BOUND_FORMULA = "L·√(Δx²+Δy²)/2"
# Why a built tower net gets no bound: its second layer thresholds σx + σy, which is not the
# product of the two steps, so within a transition of each corner the net mixes four heights
# with weights that need not be a convex combination. Measured (refined sup over the bound):
# sin(x)·cos(y) on [−π, π]² 1.23× at K = 4 and 8; gaussian2d 1.004–1.038× at K = 8–20. The
# spike does not narrow away with a steeper w (its shape scales with 1/w), so no leak term
# bounds it.
TOWERS_NO_BOUND = (
    "sigmoid towers blend four heights at each corner (not a convex combination), so "
    f"{TOWER_BOUND_FORMULA}, a bound for exact steps, is not claimed"
)


def tower_net_bound(target: Target, net: LayeredNet) -> tuple[float | None, str | None]:
    """(bound, why none) for a built 2-D net: none for sigmoid towers (`TOWERS_NO_BOUND`)."""
    return None, TOWERS_NO_BOUND


def _eps(target: Target, k: int) -> float:
    """The discretisation error the steepness must stay below (or a thousandth of ‖f‖)."""
    bound = tower_bound(target, k)
    return bound if bound else 1e-3 * max(target.sup_norm(), 1e-300)


def tower_steepness(target: Target, k: int) -> float:
    """First-layer w with w·Δ ≥ max(24, 2·ln(2‖f‖/ε)), Δ the narrower cell side (as in 1-D)."""
    delta = min(target.side) / k
    ratio = 2.0 * target.sup_norm() / _eps(target, k)
    return max(24.0, 2.0 * math.log(ratio) if ratio > 1 else 0.0) / delta


def threshold_steepness(target: Target, k: int, out_weights: np.ndarray) -> float:
    """Second-layer H: an off neuron sees ≤ −H/2, so the leak Σ|v|·e^{−H/2} stays ≤ ε/100."""
    total = float(np.sum(np.abs(out_weights)))
    ratio = 100.0 * total / _eps(target, k)
    return max(20.0, 2.0 * math.log(ratio) if ratio > 1 else 0.0)


def check_plane_steepness(w: float, target: Target) -> float:
    """A steepness whose pre-activations w·(x − s) stay finite over the rectangle."""
    (a, b), (c, d) = target.box
    reach = 2 * max(abs(a), abs(b), abs(c), abs(d), b - a, d - c)
    if not (math.isfinite(w) and w > 0):
        raise UatError(f"steepness must be a positive number, got {w:g}", param="steepness")
    if not math.isfinite(w * reach) or w * reach > 1e150:
        raise UatError(
            f"steepness {w:g} overflows on this domain; try at most 1e100", param="steepness"
        )
    return float(w)


def _steps(positions: np.ndarray, w: float, axis: int) -> tuple[np.ndarray, np.ndarray]:
    """First-layer rows of steps σ(w·(coordinate − s)) along one axis: (weights, biases)."""
    weights = np.zeros((positions.size, 2))
    weights[:, axis] = w
    return weights, -w * positions


def towers(
    target: Target,
    k: int,
    *,
    steepness: float | None = None,
    heights: str = "minimax",
    form: str = "quadrant",
) -> LayeredNet:
    """Hand-build K×K towers: steps in layer 1, thresholding neurons in layer 2.

    Parameters
    ----------
    target : the surface and rectangle.
    k : towers per side; K² towers of Δx × Δy.
    steepness : first-layer weight w; automatic (`tower_steepness`) if None.
    heights : "minimax" ((max f + min f)/2 over the cell) or "centre".
    form : "quadrant" or "nielsen" (see the module docstring).

    Returns
    -------
    LayeredNet: steps (x then y), K² threshold neurons (row j, column i: index j·K + i), output.
    """
    check_towers(k)
    if form not in TOWER_FORMS:
        raise UatError(f"unknown tower form {form!r}; choose one of: {', '.join(TOWER_FORMS)}")
    h = tower_heights(target, k, heights)
    w = tower_steepness(target, k) if steepness is None else float(steepness)
    check_plane_steepness(w, target)
    xe, ye = tower_edges(target, k)
    margin = max(min(target.side) / k / 2, math.log(1000.0) / w)  # outer steps off the domain
    xe[0], ye[0] = xe[0] - margin, ye[0] - margin
    xe[-1], ye[-1] = xe[-1] + margin, ye[-1] + margin
    n_steps = k + 1 if form == "nielsen" else k  # a quadrant never needs the last edge
    wx, bx = _steps(xe[:n_steps], w, 0)
    wy, by = _steps(ye[:n_steps], w, 1)
    first = Layer(np.vstack([wx, wy]), np.concatenate([bx, by]), "sigmoid")
    j, i = (a.ravel() for a in np.mgrid[0:k, 0:k])
    cell = j * k + i
    if form == "nielsen":
        v = h.ravel()
        signs = [(i, 1.0), (i + 1, -1.0), (n_steps + j, 1.0), (n_steps + j + 1, -1.0)]
    else:
        padded = np.pad(h, ((1, 0), (1, 0)))
        v = np.diff(np.diff(padded, axis=0), axis=1).ravel()  # mixed differences of heights
        signs = [(i, 1.0), (n_steps + j, 1.0)]
    big_h = threshold_steepness(target, k, v)
    w2 = np.zeros((k * k, 2 * n_steps))
    for column, sign in signs:
        w2[cell, column] = sign * big_h
    second = Layer(w2, np.full(k * k, -1.5 * big_h), "sigmoid")
    out = Layer(v[None, :], np.zeros(1), "identity")
    meta = {"towers_per_side": k, "form": form, "heights": heights, "tower_heights": h.tolist(),
            "steepness": w, "threshold_steepness": big_h,
            "cell": [s / k for s in target.side]}  # fmt: skip
    return LayeredNet([first, second, out], domain=target.box, target=target.name,
                      method="construct", meta=meta)  # fmt: skip


def ridge_sums(
    target: Target, directions: int, k: int, *, steepness: float | None = None
) -> LayeredNet:
    """One hidden layer: K+1 steps across the rectangle in each of M directions θ_m = πm/M.

    Differences of neighbouring steps are ridge bumps along each direction; their output
    weights (with the bias) are the least-squares fit on a grid: the layout is by hand, the
    linear part solved. A single layer can only sum ridges, so the error falls slowly.
    """
    from uat.settings import LIMITS, how_to_raise

    n, most = directions * (k + 1), int(LIMITS["ridge_neurons"].high)
    if directions < 1 or k < 1 or n > most:
        raise UatError(
            f"ridges need directions ≥ 1 and steps ≥ 1 with at most {most:,} neurons, "
            f"got {directions} × {k + 1} {how_to_raise('ridge_neurons')}",
            param="towers",
        )
    (a, b), (c, d) = target.box
    theta = np.pi * np.arange(directions) / directions
    normals = np.c_[np.cos(theta), np.sin(theta)]
    corners = np.array([[a, c], [a, d], [b, c], [b, d]]) @ normals.T  # (4, M)
    lo, hi = corners.min(axis=0), corners.max(axis=0)
    delta = (hi - lo) / k
    w = check_plane_steepness(
        24.0 / float(np.min(delta)) if steepness is None else steepness, target
    )
    s = lo[:, None] + delta[:, None] * np.arange(k + 1)  # (M, K+1) step positions
    s[:, 0] -= delta / 2  # the first step is on everywhere: half a bump before the corner
    weights = np.repeat(normals, k + 1, axis=0) * w
    hidden = Layer(weights, -w * s.ravel(), "sigmoid")
    x, y = target.grid(_RIDGE_FIT_GRID)
    features = hidden(np.c_[x.ravel(), y.ravel()])
    design = np.c_[features, np.ones(features.shape[0])]
    # The first step of every direction is ≈ 1 everywhere, like the bias: nearly dependent
    # columns. Dropping singular values below 1e-8 keeps their weights from exploding between
    # grid points (gaussian2d, 24 × 25 neurons: refined sup 0.128 with rcond=None, 0.057).
    with one_blas_thread(design.size):
        coef, *_ = np.linalg.lstsq(design, target(x, y).ravel(), rcond=1e-8)
    out = Layer(coef[None, :-1], coef[-1:], "identity")
    return LayeredNet(
        [hidden, out],
        domain=target.box,
        target=target.name,
        method="ridges",
        meta={"directions": directions, "steps_per_direction": k + 1, "steepness": w},
    )
