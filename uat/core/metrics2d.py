"""Errors over the plane: the sup refined around the grid's peaks and at both sides of jumps."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from uat.core.targets import GRID2, Target
from uat.errors import UatError

Surface = Callable[[np.ndarray, np.ndarray], np.ndarray]
REFINE_PEAKS = 32  # grid local maxima refined
_ZOOMS = 10  # each zoom halves the search window: 2^-10 of a grid step at the end
_ZOOM_POINTS = 7  # per side of each zoom's sub-grid
_ACROSS = 17  # points across a step line's transition (and per side of a crossing's patch)
_JUMP_OFFSET = 1e-9  # of the rectangle's diameter: where a one-sided limit is sampled


@dataclass(frozen=True)
class Errors2D:
    """Sup error (refined over the plane) and RMSE (on the n×n grid) of a surface."""

    sup: float
    rmse: float
    at: tuple[float, float]  # where the sup error occurs
    grid: int  # points per side of the RMSE grid
    grid_sup: float  # the largest error on the grid alone, before refinement

    def as_dict(self) -> dict[str, float | int | list[float]]:
        """The numbers, JSON-ready."""
        return {
            "sup_error": self.sup,
            "rmse": self.rmse,
            "sup_at": list(self.at),
            "grid": self.grid,
            "grid_points": self.grid**2,
            "grid_sup_error": self.grid_sup,
        }


def _abs_error(approx: Surface, target: Target, x: np.ndarray, y: np.ndarray) -> np.ndarray:
    with np.errstate(all="ignore"):
        e = np.abs(approx(x, y) - target(x, y))
    if not np.all(np.isfinite(e)):
        i = np.argmax(~np.isfinite(e).ravel())
        raise UatError(
            f"the network's output is not finite at (x, y) = ({x.ravel()[i]:.6g}, "
            f"{y.ravel()[i]:.6g}): its weights overflow; try a smaller steepness",
            param="steepness",
        )
    return e


def grid_peaks(e: np.ndarray, count: int = REFINE_PEAKS) -> np.ndarray:
    """(row, column) of the `count` largest local maxima of an error grid (8 neighbours)."""
    padded = np.pad(e, 1, constant_values=-np.inf)
    rows, cols = e.shape
    neighbours = [
        padded[1 + di : 1 + di + rows, 1 + dj : 1 + dj + cols]
        for di in (-1, 0, 1)
        for dj in (-1, 0, 1)
        if di or dj
    ]
    peak = np.all([e >= n for n in neighbours], axis=0)
    flat = np.flatnonzero(peak)
    best = flat[np.argsort(e.ravel()[flat])[::-1][:count]]
    return np.column_stack(np.unravel_index(best, e.shape))


def refine(
    approx: Surface, target: Target, starts: np.ndarray, step: tuple[float, float]
) -> tuple[float, tuple[float, float]]:
    """Zoom in around each start point (x, y) for a larger error; the best found and where."""
    (a, b), (c, d) = target.box
    centre = np.asarray(starts, dtype=float).reshape(-1, 2)
    span = np.array(step, dtype=float)
    u = np.linspace(-1.0, 1.0, _ZOOM_POINTS)
    du, dv = (g.ravel() for g in np.meshgrid(u, u))
    best, where = -1.0, (float("nan"), float("nan"))
    for _ in range(_ZOOMS):
        x = np.clip(centre[:, :1] + span[0] * du, a, b)
        y = np.clip(centre[:, 1:] + span[1] * dv, c, d)
        e = _abs_error(approx, target, x, y)
        k = np.argmax(e, axis=1)
        rows = np.arange(len(centre))
        centre = np.c_[x[rows, k], y[rows, k]]
        top = int(np.argmax(e[rows, k]))
        if e[top, k[top]] > best:
            best, where = float(e[top, k[top]]), (float(centre[top, 0]), float(centre[top, 1]))
        span = span / 2
    return best, where


def jump_errors(approx: Surface, target: Target) -> tuple[float, tuple[float, float]]:
    """The largest error just either side of the target's known discontinuity."""
    p, normal = target.jumps()
    if not len(p):
        return -1.0, (float("nan"), float("nan"))
    (a, b), (c, d) = target.box
    delta = _JUMP_OFFSET * float(np.hypot(*target.side))
    sides = np.concatenate([p + delta * normal, p - delta * normal])
    x, y = np.clip(sides[:, 0], a, b), np.clip(sides[:, 1], c, d)
    e = _abs_error(approx, target, x, y)
    i = int(np.argmax(e))
    return float(e[i]), (float(x[i]), float(y[i]))


def step_lines(approx: Surface) -> tuple[np.ndarray, np.ndarray, float]:
    """The axis-parallel step lines of a net's first layer (x = s, y = s) and its largest
    steepness; empty for anything else."""
    from uat.core.layered import LayeredNet

    if not isinstance(approx, LayeredNet) or approx.inputs != 2:
        return np.empty(0), np.empty(0), 0.0
    first = approx.layers[0]
    wx, wy, bias = first.weights[:, 0], first.weights[:, 1], first.biases
    along_x, along_y = (wx != 0) & (wy == 0), (wy != 0) & (wx == 0)
    xs, ys = np.unique(-bias[along_x] / wx[along_x]), np.unique(-bias[along_y] / wy[along_y])
    steep = np.abs(np.concatenate([wx[along_x], wy[along_y]]))
    return xs, ys, float(steep.max()) if steep.size else 0.0


def across_steps(approx: Surface, target: Target, n: int) -> tuple[np.ndarray, tuple[float, float]]:
    """Points across the net's own step lines and around their crossings, where features
    narrower than any grid live (towers' corners: sin(x)·cos(y), K = 16, a spike 0.01 wide
    that the 201² grid missed by 8.6 %); returns the best of them and a transition's span."""
    xs, ys, w = step_lines(approx)
    if w == 0.0:
        return np.empty((0, 2)), (0.0, 0.0)
    (a, b), (c, d) = target.box
    xs, ys = xs[(xs >= a) & (xs <= b)], ys[(ys >= c) & (ys <= d)]
    half = 6.0 / w  # σ(w·u) is within e^{-6} of 0 or 1 beyond
    t = np.linspace(-1.0, 1.0, _ACROSS)
    gx, gy = target.axes(n)
    pts = [
        np.c_[(xs[:, None, None] + half * t[None, :, None] + 0 * gy).ravel(),
              np.broadcast_to(gy, (xs.size, t.size, gy.size)).ravel()],
        np.c_[np.broadcast_to(gx, (ys.size, t.size, gx.size)).ravel(),
              (ys[:, None, None] + half * t[None, :, None] + 0 * gx).ravel()],
    ]  # fmt: skip
    if xs.size and ys.size:  # every crossing, on a fine patch
        u, v = (g.ravel() for g in np.meshgrid(t, t))
        cx, cy = (g.ravel() for g in np.meshgrid(xs, ys))
        pts.append(np.c_[(cx[:, None] + half * u).ravel(), (cy[:, None] + half * v).ravel()])
    p = np.concatenate(pts)
    p[:, 0], p[:, 1] = np.clip(p[:, 0], a, b), np.clip(p[:, 1], c, d)
    if not len(p):  # K = 1: every step line lies outside the rectangle
        return np.empty((0, 2)), (0.0, 0.0)
    e = np.concatenate([_abs_error(approx, target, q[:, 0], q[:, 1]) for q in _chunks(p)])
    best = p[np.argsort(e)[::-1][:REFINE_PEAKS]]
    return best, (half / (_ACROSS // 2), half / (_ACROSS // 2))


def _chunks(p: np.ndarray, size: int = 200_000) -> list[np.ndarray]:
    return [p[i : i + size] for i in range(0, len(p), size)]


def errors2d(approx: Surface, target: Target, n: int = GRID2) -> Errors2D:
    """Sup error (grid, refined around its peaks, across the net's step lines and at jumps)
    and RMSE on an n×n grid."""
    x, y = target.grid(n)
    e = _abs_error(approx, target, x, y)
    i = np.unravel_index(int(np.argmax(e)), e.shape)
    grid_sup, at = float(e[i]), (float(x[i]), float(y[i]))
    sup = grid_sup
    peaks = grid_peaks(e)
    step = (target.side[0] / (n - 1), target.side[1] / (n - 1))
    starts = np.c_[x[peaks[:, 0], peaks[:, 1]], y[peaks[:, 0], peaks[:, 1]]]
    across, span = across_steps(approx, target, n)
    found = [refine(approx, target, starts, step), jump_errors(approx, target)]
    if len(across):
        found.append(refine(approx, target, across, span))
    for value, where in found:
        if value > sup:
            sup, at = value, where
    rmse = grid_sup * float(np.sqrt(np.mean((e / grid_sup) ** 2))) if grid_sup > 0 else 0.0
    return Errors2D(sup, rmse, at, n, grid_sup)
