"""Tests for errors over the plane: refined sup, both sides of jumps, RMSE on the grid."""

from __future__ import annotations

import numpy as np
import pytest

from uat.core.metrics2d import errors2d, grid_peaks
from uat.core.targets import TARGETS2D

GAUSS = TARGETS2D["gaussian2d"]


def test_a_narrow_peak_between_grid_points_is_found() -> None:
    # a spike of height 1 and width ~0.01 (half the grid step) between points of the grid
    cx, cy = 0.3141, -0.2718

    def approx(x: np.ndarray, y: np.ndarray) -> np.ndarray:
        return GAUSS(x, y) + np.exp(-((x - cx) ** 2 + (y - cy) ** 2) / 2e-4)

    e = errors2d(approx, GAUSS)
    assert e.grid_sup < 0.7  # the nearest grid point is 0.01 away: e^{-0.51} = 0.6
    assert e.sup == pytest.approx(1.0, abs=1e-3)
    assert e.at == pytest.approx((cx, cy), abs=1e-4)


def test_both_sides_of_a_jump() -> None:
    disc = TARGETS2D["disc"]  # 1 inside r < 0.6, x/4 outside

    def outer(x: np.ndarray, y: np.ndarray) -> np.ndarray:
        return x / 4  # error 1 − x/4 inside: its sup 1.15 is the limit at (−0.6, 0), not attained

    e = errors2d(outer, disc)
    assert e.sup == pytest.approx(1.15, abs=1e-6)
    assert e.at == pytest.approx((-0.6, 0.0), abs=1e-3)


def test_rmse_on_the_grid_against_its_definition() -> None:
    def shifted(x: np.ndarray, y: np.ndarray) -> np.ndarray:
        return GAUSS(x, y) + 0.01 * x  # error |x|/100 on [-2, 2]: RMSE of a uniform grid

    e = errors2d(shifted, GAUSS, n=101)
    xs = np.linspace(-2, 2, 101)
    assert e.rmse == pytest.approx(0.01 * np.sqrt(np.mean(xs**2)), rel=1e-12)
    assert e.sup == pytest.approx(0.02, rel=1e-12) and e.grid == 101


def test_grid_peaks_are_local_maxima_in_order() -> None:
    e = np.zeros((5, 6))
    e[1, 1], e[3, 4], e[4, 0] = 0.5, 2.0, 1.0
    assert grid_peaks(e, 2).tolist() == [[3, 4], [4, 0]]
