"""Errors on the dense grid, and the construction's bound."""

from __future__ import annotations

import math

import numpy as np
import pytest

from uat.metrics import bump_bound, errors
from uat.targets import get_target


def test_errors_of_a_known_perturbation() -> None:
    t = get_target("sin")
    e = errors(lambda x: np.sin(x) + 0.1 * np.cos(x), t)
    assert e.grid == 10_001
    assert e.sup == pytest.approx(0.1, rel=1e-9)
    assert e.at in (pytest.approx(-math.pi), pytest.approx(0.0, abs=1e-9), pytest.approx(math.pi))
    assert e.rmse == pytest.approx(0.1 / math.sqrt(2), rel=1e-3)


def test_bump_bound_is_l_delta_over_two() -> None:
    assert bump_bound(get_target("sin"), 50) == pytest.approx(2 * math.pi / 25 / 2)
    assert bump_bound(get_target("abs", (-2.0, 2.0)), 8) == pytest.approx(4 / 4 / 2)
    assert bump_bound(get_target("step"), 50) is None
