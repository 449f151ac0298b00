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


def errors2d(approx: Surface, target: Target, n: int = GRID2) -> Errors2D:
    """Sup error (grid, refined around its peaks and at jumps) and RMSE on an n×n grid."""
    x, y = target.grid(n)
    e = _abs_error(approx, target, x, y)
    i = np.unravel_index(int(np.argmax(e)), e.shape)
    grid_sup, at = float(e[i]), (float(x[i]), float(y[i]))
    sup = grid_sup
    peaks = grid_peaks(e)
    step = (target.side[0] / (n - 1), target.side[1] / (n - 1))
    starts = np.c_[x[peaks[:, 0], peaks[:, 1]], y[peaks[:, 0], peaks[:, 1]]]
    for value, where in (refine(approx, target, starts, step), jump_errors(approx, target)):
        if value > sup:
            sup, at = value, where
    rmse = grid_sup * float(np.sqrt(np.mean((e / grid_sup) ** 2))) if grid_sup > 0 else 0.0
    return Errors2D(sup, rmse, at, n, grid_sup)
