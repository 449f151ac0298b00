"""Tests for 2-D targets: named surfaces, expressions in x and y, CSV surfaces."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest

from uat.core.targets2d import TARGETS2D, get_target2d, parse_domain2d
from uat.errors import UatError


@pytest.mark.parametrize(
    ("name", "exact"),
    [
        # max |∇ e^{-r²}| = 2r·e^{-r²} at r = 1/√2
        ("gaussian2d", math.sqrt(2) * math.exp(-0.5)),
        # |∇(x² − y²)| = 2·|(x, y)|, largest at a corner of [-1, 1]²
        ("saddle", 2 * math.sqrt(2)),
    ],
)
def test_lipschitz_constant_against_the_gradient(name: str, exact: float) -> None:
    assert TARGETS2D[name].lipschitz() == pytest.approx(exact, rel=0.01)


def test_jump_targets_have_no_lipschitz_constant_and_know_their_edges() -> None:
    for name in ("tower", "disc"):
        target = TARGETS2D[name]
        assert target.lipschitz() is None
        p, normal = target.jumps()
        assert len(p) > 100
        inside, outside = target(*(p - 1e-9 * normal).T), target(*(p + 1e-9 * normal).T)
        assert np.min(np.abs(inside - outside)) > 0.5  # every sampled point is on a jump


def test_ripple_is_sin_r_over_r() -> None:
    x, y = np.array([3.0, 0.0, 1e-9]), np.array([4.0, 0.0, 0.0])
    np.testing.assert_allclose(TARGETS2D["ripple"](x, y), [math.sin(5) / 5, 1.0, 1.0])


def test_expression_target_and_one_domain_for_both_axes() -> None:
    target = get_target2d("sin(x)*cos(y)", parse_domain2d("-pi,pi"))
    assert target.domain == ((-math.pi, math.pi), (-math.pi, math.pi))
    assert target(np.array(0.5), np.array(0.25)) == pytest.approx(math.sin(0.5) * math.cos(0.25))
    assert parse_domain2d("0,1", "-2,2") == ((0.0, 1.0), (-2.0, 2.0))


@pytest.mark.parametrize(
    ("spec", "domain", "message"),
    [
        ("x + z", None, "unknown name 'z'"),
        ("gausian2d", None, "did you mean 'gaussian2d'"),
        ("log(x)", None, "not finite at"),
    ],
)
def test_bad_targets_are_one_line_errors(spec: str, domain: None, message: str) -> None:
    with pytest.raises(UatError, match=message):
        get_target2d(spec, domain)


@pytest.mark.parametrize(("x", "y"), [("1,0", None), ("0,1", "2"), ("0,1", "a,b")])
def test_domains_that_do_not_parse(x: str, y: str | None) -> None:
    with pytest.raises(UatError):
        parse_domain2d(x, y)


def _plane(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    return 2 * x - y + 1


def test_gridded_csv_is_bilinear(tmp_path: Path, rng: np.random.Generator) -> None:
    xs, ys = np.meshgrid([0.0, 0.5, 2.0], [-1.0, 0.0, 1.0, 3.0])
    pairs = zip(xs.flat, ys.flat, strict=True)
    rows = "\n".join(f"{a},{b},{a * b + _plane(a, b)}" for a, b in pairs)
    path = tmp_path / "grid.csv"
    path.write_text("x,y,z\n" + rows + "\n")
    target = get_target2d(str(path))
    assert target.domain == ((0.0, 2.0), (-1.0, 3.0))
    u, v = rng.uniform(0, 2, 50), rng.uniform(-1, 3, 50)
    # x·y and planes are bilinear: reproduced exactly between the samples
    np.testing.assert_allclose(target(u, v), u * v + _plane(u, v), atol=1e-12)


def test_scattered_csv_interpolates_a_plane(tmp_path: Path, rng: np.random.Generator) -> None:
    pts = np.r_[[[0, 0], [1, 0], [0, 1], [1, 1]], rng.uniform(0, 1, (30, 2))]
    rows = "\n".join(f"{float(a)!r},{float(b)!r},{float(_plane(a, b))!r}" for a, b in pts)
    path = tmp_path / "cloud.csv"
    path.write_text(rows + "\n")
    target = get_target2d(str(path))
    u, v = rng.uniform(0, 1, 40), rng.uniform(0, 1, 40)
    np.testing.assert_allclose(target(u, v), _plane(u, v), atol=1e-12)
    assert target.lipschitz() == pytest.approx(math.sqrt(5), rel=1e-6)


def test_csv_points_on_a_line_are_refused(tmp_path: Path) -> None:
    path = tmp_path / "line.csv"
    path.write_text("0,0,1\n1,1,2\n2,2,3\n")
    with pytest.raises(UatError, match="lie on a line"):
        get_target2d(str(path))


def test_csv_with_a_missing_column(tmp_path: Path) -> None:
    path = tmp_path / "short.csv"
    path.write_text("x,y,z\n0,0,1\n1,0\n0,1,1\n")
    with pytest.raises(UatError, match="expected 3 columns"):
        get_target2d(str(path))


@pytest.mark.parametrize(
    ("spec", "surface", "allowed"),
    [("x + y + z", True, "x, y, pi"), ("y**2 + w", True, "x, y, pi"), ("x + z", False, "x, pi")],
)
def test_an_unknown_name_beside_y_lists_the_surface_names(spec, surface, allowed) -> None:
    # "x + y + z" is a surface with a typo: its error must not call y unknown
    from uat.core.targets2d import is_target2d
    from uat.jobs.commands import resolve_target

    assert is_target2d(spec) is surface
    with pytest.raises(UatError) as info:
        (get_target2d if surface else resolve_target)(spec)
    message = str(info.value)
    assert "unknown name 'y'" not in message and f"allowed names: {allowed}" in message
