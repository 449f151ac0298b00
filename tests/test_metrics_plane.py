"""Tests for errors over the plane: refined sup, both sides of jumps, RMSE on the grid."""

from __future__ import annotations

import numpy as np
import pytest

from uat.core.metrics import errors, grid_peaks
from uat.core.targets import TARGETS2D

GAUSS = TARGETS2D["gaussian2d"]


def test_a_narrow_peak_between_grid_points_is_found() -> None:
    # a spike of height 1 and width ~0.01 (half the grid step) between points of the grid
    cx, cy = 0.3141, -0.2718

    def approx(x: np.ndarray, y: np.ndarray) -> np.ndarray:
        return GAUSS(x, y) + np.exp(-((x - cx) ** 2 + (y - cy) ** 2) / 2e-4)

    e = errors(approx, GAUSS)
    assert e.grid_sup < 0.7  # the nearest grid point is 0.01 away: e^{-0.51} = 0.6
    assert e.sup == pytest.approx(1.0, abs=1e-3)
    assert e.at == pytest.approx((cx, cy), abs=1e-4)


def test_both_sides_of_a_jump() -> None:
    disc = TARGETS2D["disc"]  # 1 inside r < 0.6, x/4 outside

    def outer(x: np.ndarray, y: np.ndarray) -> np.ndarray:
        return x / 4  # error 1 − x/4 inside: its sup 1.15 is the limit at (−0.6, 0), not attained

    e = errors(outer, disc)
    assert e.sup == pytest.approx(1.15, abs=1e-6)
    assert e.at == pytest.approx((-0.6, 0.0), abs=1e-3)


def test_rmse_on_the_grid_against_its_definition() -> None:
    def shifted(x: np.ndarray, y: np.ndarray) -> np.ndarray:
        return GAUSS(x, y) + 0.01 * x  # error |x|/100 on [-2, 2]: RMSE of a uniform grid

    e = errors(shifted, GAUSS, n=101)
    xs = np.linspace(-2, 2, 101)
    assert e.rmse == pytest.approx(0.01 * np.sqrt(np.mean(xs**2)), rel=1e-12)
    assert e.sup == pytest.approx(0.02, rel=1e-12) and e.grid == 101


def test_grid_peaks_are_local_maxima_in_order() -> None:
    e = np.zeros((5, 6))
    e[1, 1], e[3, 4], e[4, 0] = 0.5, 2.0, 1.0
    assert grid_peaks(e, 2).tolist() == [[3, 4], [4, 0]]


def _dense_sup2d(net, target) -> float:  # noqa: ANN001
    """An independent sup: a 2001² grid, then a 41² patch over the two cells around each of the
    200 largest grid errors, in plain numpy."""
    (a, b), (c, d) = target.box
    xs, ys = np.linspace(a, b, 2001), np.linspace(c, d, 2001)
    rows = [np.abs(net(np.broadcast_to(xs, (50, 2001)), ys[i : i + 50, None] + 0 * xs)
                   - target(xs[None, :] + 0 * ys[i : i + 50, None], ys[i : i + 50, None] + 0 * xs))
            for i in range(0, 2001, 50)]  # fmt: skip
    e = np.concatenate(rows)
    best = float(e.max())
    hx, hy = xs[1] - xs[0], ys[1] - ys[0]
    u = np.linspace(-1.0, 1.0, 41)
    for k in np.argsort(e.ravel())[-200:]:
        i, j = divmod(int(k), 2001)
        px, py = np.meshgrid(np.clip(xs[j] + hx * u, a, b), np.clip(ys[i] + hy * u, c, d))
        best = max(best, float(np.max(np.abs(net(px, py) - target(px, py)))))
    return best


@pytest.mark.parametrize(
    ("spec", "domain", "k"),
    [
        ("sin(x)*cos(y)", (-np.pi, np.pi), 16),  # a corner spike 0.01 wide: 0.2249, not 0.2055
        ("exp(-x**2 - 2*y**2)*cos(x + y)", (-2.0, 2.0), 10),
        ("x*y + sin(2*x)", (-1.5, 1.5), 7),
    ],
)
def test_the_refined_sup_of_towers_is_the_sup(
    spec: str, domain: tuple[float, float], k: int
) -> None:
    from uat.core.targets import get_target
    from uat.core.towers import towers

    t = get_target(spec, (domain, domain))
    net = towers(t, k)
    dense = _dense_sup2d(net, t)
    assert errors(net, t).sup == pytest.approx(dense, rel=0.01)
