"""What a job returns, as records: the same keys for every dimension, JSON-safe.

The fit, comparison and convergence records of targets of one input and of two share these
builders, so that a key means one quantity everywhere (null where it has no meaning); the
convergence points and the log-log slope fitted to them are shared too. numpy only.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    from uat.core.network import Network
    from uat.core.targets import Target
    from uat.jobs.fitting import Fit


def json_safe(value: Any) -> Any:
    """`value` with tuples as lists, numpy scalars as Python numbers, NaN and ±inf as None."""
    if isinstance(value, dict):
        return {str(k): json_safe(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, np.ndarray)):
        return [json_safe(v) for v in value]
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def fit_record(
    target: Target,
    method: str,
    size: int,
    net: Network,
    sup: float,
    at: float | tuple[float, float],
    rmse: float,
    grid: int,
    **rest: Any,
) -> dict[str, Any]:
    """The `to_dict()` of a fit of either dimension: the same keys, null where meaningless.

    `rest` holds every other key of `FIT_KEYS` by name (activation, widths, bound, …).
    """
    inputs = target.dim
    side = "×".join([str(grid)] * inputs)
    record = {
        **target_keys(target), "method": method, "size": size,
        "neurons": net.n_neurons, "parameters": net.n_parameters, "sup_error": sup,
        "sup_at": at, "rmse": rmse, "rmse_on": f"uniform grid of {side} points", "grid": grid,
        "lipschitz": target.lipschitz(),
    }  # fmt: skip
    missing = set(FIT_KEYS) - set(record) - set(rest)
    if missing or set(rest) - set(FIT_KEYS):
        raise ValueError(f"fit record keys: missing {missing}, unknown {set(rest) - set(FIT_KEYS)}")
    return json_safe({k: (record | rest)[k] for k in FIT_KEYS})


# A trained net against the hand-built net of its width (uat.core.train's meta), and the
# Tikhonov damping of its output weights on noisy data; null for a hand-built net.
TRAINING_CHECKS = ("beats_hand_built", "hand_built_sup", "start", "runs", "output_ridge")


def training_checks(meta: dict[str, Any], trained: bool) -> dict[str, Any]:
    """The TRAINING_CHECKS keys of a net's meta (None for a hand-built net or a missing key)."""
    return {k: meta.get(k) if trained else None for k in TRAINING_CHECKS}


# Every key of a fit's record (fit, show, explain, and each network of compare), in order.
FIT_KEYS = (
    "target", "formula", "inputs", "domain", "method", "size", "activation",
    "output_activation", "neurons", "widths", "parameters", "sup_error", "sup_at",
    "sup_error_on_grid", "sup_found_by", "float_rounding", "rmse", "rmse_on", "grid",
    "grid_points", "bound", "bound_formula", "lipschitz", "seconds", "iterations", "stopped",
    *TRAINING_CHECKS, "settings",
)  # fmt: skip


def target_keys(target: Target) -> dict[str, Any]:
    """What every record says of its target: name, formula, inputs and domain (or box)."""
    domain = target.domain if target.dim == 1 else target.box
    return {
        "target": target.name,
        "formula": target.formula,
        "inputs": target.dim,
        "domain": domain,
    }


def compare_record(
    target: Target,
    neurons: int,
    activations: list[str] | None,
    variants: list[str],
    fits: Sequence[Fit],
    sup_ratio: float | None,
    rmse_ratio: float | None,
) -> dict[str, Any]:
    """The `to_dict()` of a comparison of either dimension: one fit record per network."""
    return json_safe(
        {
            **target_keys(target),
            "neurons": neurons,
            "activations": activations,
            "networks": [
                {"variant": v, **f.to_dict()} for v, f in zip(variants, fits, strict=True)
            ],
            "sup_error_ratio": sup_ratio,
            "rmse_ratio": rmse_ratio,
        }
    )


@dataclass(frozen=True)
class Point:
    """One measured width of a convergence sweep."""

    width: int
    method: str
    sup_error: float
    rmse: float
    seconds: float
    seed: int
    loss: str | None = None  # the trained loss (mse or sup); None for a hand-built net
    rounding: bool | None = False  # the sup error is float rounding (a constant): no rate
    size: int | None = None  # what was asked: N (per copy), or K towers of a surface
    bound: float | None = None  # the construction's bound, where one holds

    def as_dict(self) -> dict[str, Any]:
        """JSON-/CSV-ready."""
        return asdict(self)


def asymptotic_start(widths: Sequence[float]) -> float:
    """Where the asymptotic fit starts: the upper half of the widths in log space."""
    w = np.asarray(widths, float)
    return float(np.sqrt(w.min() * w.max())) if w.size >= 4 else float(w.min())


def fitted_slope(
    widths: Sequence[float], errors: Sequence[float], start: float | None = None
) -> float:
    """Least-squares slope of log(error) against log(width), over the asymptotic widths.

    Small widths sit before the asymptotic regime (the error saturates near ‖f‖), so with
    four or more widths only those at or above √(min·max) count (or above `start`: the
    whole sweep's, where a floor cut the widths given).
    """
    with np.errstate(divide="ignore"):  # an exact zero error has no logarithm: left out
        x, y = np.log(np.asarray(widths, float)), np.log(np.asarray(errors, float))
    start = asymptotic_start(widths) if start is None else start
    ok = np.isfinite(y) & (x >= np.log(start) - 1e-12)
    if ok.sum() < 2:
        return float("nan")
    return float(np.polyfit(x[ok], y[ok], 1)[0])


def convergence_record(
    target: Target,
    points: Sequence[Point],
    slopes: dict[str, float | None],
    rmse_slopes: dict[str, float | None],
    floors: dict[str, Any],
    fitted: str,
) -> dict[str, Any]:
    """The `to_dict()` of a convergence study of either dimension."""
    return json_safe(
        {
            **target_keys(target),
            "points": [p.as_dict() for p in points],
            "slopes": slopes,
            "rmse_slopes": rmse_slopes,
            "floors": floors,
            "slopes_fitted": fitted,
            "lipschitz": target.lipschitz(),
        }
    )
