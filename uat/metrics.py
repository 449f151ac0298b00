"""Errors on a dense uniform grid, and the theoretical bounds beside them."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from uat.targets import DENSE, Target


@dataclass(frozen=True)
class Errors:
    """Sup error (the ε of the theorem) and RMSE of an approximation on a grid."""

    sup: float
    rmse: float
    at: float  # where the sup error occurs
    grid: int  # number of grid points

    def as_dict(self) -> dict[str, float | int]:
        """The numbers, JSON-ready."""
        return {"sup_error": self.sup, "rmse": self.rmse, "sup_at": self.at, "grid": self.grid}


def errors(approx: Callable[[np.ndarray], np.ndarray], target: Target, n: int = DENSE) -> Errors:
    """Sup error and RMSE of `approx` against `target` on n uniform points of its domain."""
    x = target.grid(n)
    e = np.abs(approx(x) - target(x))
    i = int(np.argmax(e))
    return Errors(float(e[i]), float(np.sqrt(np.mean(e**2))), float(x[i]), n)


def bump_bound(target: Target, n_neurons: int) -> float | None:
    """L·Δ/2: the sup error of N/2 exact-step bumps with minimax or centre heights."""
    lip = target.lipschitz()
    if lip is None:
        return None
    a, b = target.domain
    return lip * (b - a) / (n_neurons // 2) / 2
