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
    from uat.errors import UatError

    x = target.grid(n)
    with np.errstate(all="ignore"):
        e = np.abs(approx(x) - target(x))
    if not np.all(np.isfinite(e)):
        bad = float(x[np.argmax(~np.isfinite(e))])
        raise UatError(
            f"the network's output is not finite at x = {bad:.6g}: its weights overflow; "
            "try a smaller --steepness or a narrower --domain"
        )
    i = int(np.argmax(e))
    sup = float(e[i])
    rmse = sup * float(np.sqrt(np.mean((e / sup) ** 2))) if sup > 0 else 0.0  # no overflow
    return Errors(sup, rmse, float(x[i]), n)


def bump_bound(target: Target, n_neurons: int) -> float | None:
    """L·Δ/2: the sup error of N/2 exact-step bumps with minimax or centre heights."""
    lip = target.lipschitz()
    if lip is None:
        return None
    a, b = target.domain
    return lip * (b - a) / (n_neurons // 2) / 2


def ramp_bound(target: Target, n_neurons: int) -> float | None:
    """Δ²·max|f″|/8: the sup error of the piecewise-linear interpolant on N/2 segments."""
    curv = target.curvature()
    if curv is None:
        return None
    a, b = target.domain
    delta = (b - a) / (n_neurons // 2)
    return delta**2 * curv / 8


def construction_bound(
    target: Target,
    n_neurons: int,
    activation: str = "sigmoid",
    output_activation: str = "identity",
) -> float | None:
    """The error bound of the hand-built net of width N (per copy) for this activation.

    Steps (sigmoid, tanh, step): L·Δ/2. Ramps (relu, softplus): Δ²·max|f″|/8. Under a
    sigmoid output the hidden sum approximates σ⁻¹∘f, and σ is ¼-Lipschitz: a quarter of
    the bound for σ⁻¹∘f.
    """
    from uat.activations import get_activation

    if output_activation == "sigmoid":
        from uat.construct import squashed_target

        inner = construction_bound(squashed_target(target), n_neurons, activation)
        return None if inner is None else inner / 4
    if get_activation(activation).makes_steps:
        return bump_bound(target, n_neurons)
    return ramp_bound(target, n_neurons)


def bound_formula(activation: str = "sigmoid", output_activation: str = "identity") -> str:
    """The formula behind `construction_bound`, in words fit for a table or a legend."""
    from uat.activations import get_activation

    inner = "L·Δ/2" if get_activation(activation).makes_steps else "Δ²·max|f″|/8"
    return f"¼·{inner} of σ⁻¹∘f" if output_activation == "sigmoid" else inner
