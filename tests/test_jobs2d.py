"""Tests for the 2-D jobs: fits whose saved networks reproduce their numbers, convergence."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from uat.errors import UatError
from uat.jobs2d import convergence2d, fit2d
from uat.targets2d import TARGETS2D

GAUSS = TARGETS2D["gaussian2d"]


def forward_from_json(d: dict[str, Any], x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """The saved network evaluated from its JSON with plain numpy, layer by layer."""
    acts = {"sigmoid": lambda z: 0.5 * (1 + np.tanh(z / 2)), "identity": lambda z: z}
    a = np.stack([x.ravel(), y.ravel()])
    for layer in d["layers"]:
        a = acts[layer["activation"]](np.array(layer["weights"]) @ a + np.c_[layer["biases"]])
    return a[0].reshape(x.shape)


@pytest.mark.parametrize(
    ("size", "method", "options"),
    [(6, "construct", {}), (5, "nielsen", {}), (12, "train", {"layers": 2, "max_evaluations": 15})],
)
def test_saved_networks_reproduce_the_errors(
    tmp_path: Path, size: int, method: str, options: dict[str, Any]
) -> None:
    fit = fit2d(GAUSS, size, method, **options)
    d = json.loads(fit.net.save(tmp_path / "net.json").read_text())
    assert d["format"] == "uat-network/2" and d["inputs"] == 2
    (a, b), (c, e) = d["domain"]
    n = fit.errors.grid
    x, y = np.meshgrid(np.linspace(a, b, n), np.linspace(c, e, n))
    err = np.abs(forward_from_json(d, x, y) - np.exp(-(x**2 + y**2)))
    assert np.sqrt(np.mean(err**2)) == pytest.approx(fit.errors.rmse, rel=1e-9)
    assert err.max() == pytest.approx(fit.errors.grid_sup, rel=1e-9)
    # a denser grid never beats the refined sup (up to the refinement's last zoom)
    xd, yd = np.meshgrid(np.linspace(a, b, 601), np.linspace(c, e, 601))
    dense = np.abs(forward_from_json(d, xd, yd) - np.exp(-(xd**2 + yd**2))).max()
    assert dense <= fit.errors.sup * (1 + 1e-3)


def test_tower_fit_record() -> None:
    fit = fit2d(GAUSS, 6)
    record = json.loads(json.dumps(fit.to_dict()))
    assert record["neurons"] == 2 * 6 + 36 and record["widths"] == [12, 36]
    assert record["bound_formula"] == "L·√(Δx²+Δy²)/2"
    assert record["bound"] == pytest.approx(GAUSS.lipschitz() * np.hypot(4 / 6, 4 / 6) / 2)
    assert record["grid_points"] == record["grid"] ** 2


def test_tower_convergence_in_neurons_is_minus_one_half() -> None:
    # K² towers: error ~ 1/K ~ N^(-1/2): the cost of a second dimension
    study = convergence2d(GAUSS, {"construct": [6, 8, 12, 16]})
    assert [p.neurons for p in study.points] == [2 * k + k * k for k in (6, 8, 12, 16)]
    assert study.slope("construct") == pytest.approx(-0.5, abs=0.15)
    assert study.to_dict()["slopes"]["construct"]["sup_error"] == study.slope("construct")


def test_unknown_method() -> None:
    with pytest.raises(UatError, match="unknown 2-D method 'magic'"):
        fit2d(GAUSS, 4, "magic")
