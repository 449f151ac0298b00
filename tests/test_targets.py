"""Targets of one and two inputs: derivatives against finite differences, Lipschitz constants,
domains, CSV samples, errors."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from uat.core.targets import TARGETS, TARGETS2D, Target, get_target, parse_domain
from uat.errors import UatError

REQUIRED = {"sin", "cos", "gaussian", "abs", "relu", "step", "cubic", "runge", "sinc", "nielsen"}


def test_required_targets_exist() -> None:
    assert TARGETS.keys() >= REQUIRED
    assert {"triangle", "sawtooth"} & TARGETS.keys() and "square" in TARGETS


@pytest.mark.parametrize("name", sorted(TARGETS))
def test_named_targets_are_finite_and_derivatives_are_right(name: str) -> None:
    t = TARGETS[name]
    x = t.grid(2001)
    assert np.all(np.isfinite(t(x)))
    if t.df is not None:
        h = 1e-6
        fd = (t(x + h) - t(x - h)) / (2 * h)
        forward, backward = (t(x + h) - t(x)) / h, (t(x) - t(x - h)) / h
        smooth = np.abs(forward - backward) < 1e-3  # skip the kinks of abs, relu, triangle
        np.testing.assert_allclose(t.df(x)[smooth], fd[smooth], atol=1e-5)


def test_nielsen_is_the_textbook_function() -> None:
    x = np.linspace(0, 1, 7)
    expected = 0.2 + 0.4 * x**2 + 0.3 * x * np.sin(15 * x) + 0.05 * np.cos(50 * x)
    np.testing.assert_allclose(TARGETS["nielsen"](x), expected)
    assert TARGETS["nielsen"].domain == (0.0, 1.0)


@pytest.mark.parametrize(
    ("spec", "lip"),
    [
        ("sin", 1.0),
        ("gaussian", math.sqrt(2 / math.e)),
        ("abs", 1.0),
        ("runge", 3 * math.sqrt(75) / 8),
    ],
)
def test_lipschitz_constants(spec: str, lip: float) -> None:
    assert get_target(spec).lipschitz() == pytest.approx(lip, rel=1e-4)


def test_lipschitz_of_expression_and_jumps() -> None:
    # x² on [0, 3]: max |2x| = 6, by finite differences
    assert get_target("x**2", (0.0, 3.0)).lipschitz() == pytest.approx(6.0, rel=1e-4)
    assert get_target("step").lipschitz() is None
    assert get_target("sign(x)").lipschitz() is None
    assert get_target("x > 0.3").lipschitz() is None


def test_domain_override_and_parse() -> None:
    assert get_target("sin", (0.0, 1.0)).domain == (0.0, 1.0)
    assert parse_domain("-pi,pi") == (-math.pi, math.pi)
    assert parse_domain("0, 2*pi") == (0.0, 2 * math.pi)
    assert parse_domain("-1e-3,5") == (-1e-3, 5.0)


@pytest.mark.parametrize(
    ("text", "phrase"),
    [
        ("3,1", "reversed"),
        ("1,1", "empty"),
        ("1", "two values"),
        ("1,2,3", "two values"),
        ("a,b", "unknown name"),
        ("0,1e999", "too large"),
    ],
)
def test_bad_domains(text: str, phrase: str) -> None:
    with pytest.raises(UatError, match=phrase):
        parse_domain(text)


def test_unknown_target_suggests_the_closest_name() -> None:
    with pytest.raises(UatError, match="did you mean 'gaussian'"):
        get_target("gausian")


def test_non_finite_expression_names_where() -> None:
    with pytest.raises(UatError, match=r"not finite at x = -1\b"):
        get_target("log(x)", (-1.0, 1.0))
    with pytest.raises(UatError, match="not finite at x = 0"):
        get_target("1/x", (0.0, 1.0))


def test_csv_target(tmp_path) -> None:
    p = tmp_path / "pts.csv"
    p.write_text("x,y\n0,0\n1,2\n3,2\n")
    t = get_target(str(p))
    assert t.domain == (0.0, 3.0)
    assert t(np.array([0.5, 2.0])) == pytest.approx([1.0, 2.0])
    assert t.lipschitz() == pytest.approx(2.0)  # the steepest segment, exactly
    assert t.samples is not None and len(t.samples[0]) == 3


@pytest.mark.parametrize(
    ("spec", "where"),
    [
        ("sign(x)", [0.0]),  # on a grid point: the rise is split over two cells
        ("x + (x > 0.1234567)", [0.1234567]),
        ("floor(2*x) + 0.1*sin(40*x)", [-0.5, 0.0, 0.5, 1.0]),  # 1.0: f(1) = 2, f(1⁻) → 1
        ("sin(30*x) + 0.01*(x > -0.77)", [-0.77]),  # a jump smaller than a grid cell's rise
    ],
)
def test_jumps_of_expressions_are_found_to_the_ulp(spec: str, where: list[float]) -> None:
    found = get_target(spec).jumps()
    assert found.size == len(where)
    np.testing.assert_allclose(found, where, rtol=0, atol=1e-15)


@pytest.mark.parametrize("spec", ["tanh(1e6*x)", "cbrt(x)", "abs(x)", "5", "sin(x)"])
def test_steep_or_kinked_continuous_expressions_have_no_jumps(spec: str) -> None:
    assert get_target(spec).jumps().size == 0


def test_known_jumps_and_smooth_named_targets() -> None:
    np.testing.assert_array_equal(get_target("sawtooth").jumps(), [0.0, 1.0, 2.0, 3.0])
    assert get_target("square", (0.2, 1.2)).jumps().tolist() == [0.5, 1.0]
    assert get_target("gaussian").jumps().size == 0


@pytest.mark.parametrize(
    ("spec", "jumps"),
    [
        ("(x > 0)*(x < 1e-9)", [0.0, 1e-9]),  # narrower than any grid: found from the text
        ("(0.2 < x)*(x < 0.2000001)", [0.2, 0.2000001]),
        ("x*(x < pi/4)", [math.pi / 4]),
        ("(x == 0.3)", [0.3]),  # one point apart from both sides
        ("(x != 0.3)", [0.3]),
        ("(x > 0)*x", []),  # a kink, no jump: the comparison alone is not a jump
        ("(x > 2)*1.0", []),  # outside [-1, 1]
    ],
)
def test_jumps_of_comparisons_are_found_from_the_expression(spec: str, jumps: list[float]) -> None:
    t = get_target(spec)
    np.testing.assert_allclose(t.jumps(), jumps, rtol=1e-12, atol=1e-300)
    assert t.has_jumps() == bool(jumps)
    assert (t.lipschitz() is None) == bool(jumps)  # no bound from a slope the grid missed


def test_a_csv_x_range_goes_through_the_domain_checks(tmp_path) -> None:
    from uat.errors import UatError

    path = tmp_path / "big.csv"
    # within ±1e15 (the largest coordinate a CSV may hold), but two floats apart
    path.write_text("x,y\n9e14,1\n900000000000000.125,2\n900000000000000.25,3\n")
    digits = r"\[900000000000000.0, 900000000000000.2\]"  # not [9e+14, 9e+14]
    with pytest.raises(UatError, match=rf"x range of big.csv {digits} is too narrow"):
        get_target(str(path))


# -- targets of two inputs ------------------------------------------------------------------


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
    target = get_target("sin(x)*cos(y)", parse_domain("-pi,pi"))
    assert target.dim == 2 and target.box == ((-math.pi, math.pi), (-math.pi, math.pi))
    assert target(np.array(0.5), np.array(0.25)) == pytest.approx(math.sin(0.5) * math.cos(0.25))
    assert target.on(((0.0, 1.0), (-2.0, 2.0))).box == ((0.0, 1.0), (-2.0, 2.0))


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
        get_target(spec, domain)


@pytest.mark.parametrize(
    "box", [((1.0, 0.0), (0.0, 1.0)), ((0.0, 1.0),) * 3, ((0.0, 1.0), 2.0), ((0.0, 1.0), "a,b")]
)
def test_boxes_that_do_not_check(box: Any) -> None:
    with pytest.raises(UatError, match="domain"):
        TARGETS2D["saddle"].on(box)


def _plane(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    return 2 * x - y + 1


def test_gridded_csv_is_bilinear(tmp_path: Path, rng: np.random.Generator) -> None:
    xs, ys = np.meshgrid([0.0, 0.5, 2.0], [-1.0, 0.0, 1.0, 3.0])
    pairs = zip(xs.flat, ys.flat, strict=True)
    rows = "\n".join(f"{a},{b},{a * b + _plane(a, b)}" for a, b in pairs)
    path = tmp_path / "grid.csv"
    path.write_text("x,y,z\n" + rows + "\n")
    target = get_target(str(path))
    assert target.box == ((0.0, 2.0), (-1.0, 3.0))
    u, v = rng.uniform(0, 2, 50), rng.uniform(-1, 3, 50)
    # x·y and planes are bilinear: reproduced exactly between the samples
    np.testing.assert_allclose(target(u, v), u * v + _plane(u, v), atol=1e-12)


def test_scattered_csv_interpolates_a_plane(tmp_path: Path, rng: np.random.Generator) -> None:
    pts = np.r_[[[0, 0], [1, 0], [0, 1], [1, 1]], rng.uniform(0, 1, (30, 2))]
    rows = "\n".join(f"{float(a)!r},{float(b)!r},{float(_plane(a, b))!r}" for a, b in pts)
    path = tmp_path / "cloud.csv"
    path.write_text(rows + "\n")
    target = get_target(str(path))
    u, v = rng.uniform(0, 1, 40), rng.uniform(0, 1, 40)
    np.testing.assert_allclose(target(u, v), _plane(u, v), atol=1e-12)
    assert target.lipschitz() == pytest.approx(math.sqrt(5), rel=1e-6)


def test_csv_points_on_a_line_are_refused(tmp_path: Path) -> None:
    path = tmp_path / "line.csv"
    path.write_text("0,0,1\n1,1,2\n2,2,3\n")
    with pytest.raises(UatError, match="lie on a line"):
        get_target(str(path))


def test_csv_with_a_missing_column(tmp_path: Path) -> None:
    path = tmp_path / "short.csv"
    path.write_text("x,y,z\n0,0,1\n1,0\n0,1,1\n")
    with pytest.raises(UatError, match="expected 3 columns"):
        get_target(str(path))


@pytest.mark.parametrize(
    ("spec", "surface", "allowed"),
    [("x + y + z", True, "x, y, pi"), ("y**2 + w", True, "x, y, pi"), ("x + z", False, "x, pi")],
)
def test_an_unknown_name_beside_y_lists_the_surface_names(spec, surface, allowed) -> None:
    # "x + y + z" is a surface with a typo: its error must not call y unknown
    from uat.core.targets import target_dim

    assert target_dim(spec) == (2 if surface else 1)
    with pytest.raises(UatError) as info:
        get_target(spec)
    message = str(info.value)
    assert "unknown name 'y'" not in message and f"allowed names: {allowed}" in message


def test_one_get_target_for_names_expressions_and_csv_of_either_dimension(tmp_path: Path) -> None:
    (tmp_path / "curve.csv").write_text("0,1\n1,3\n2,2\n")
    (tmp_path / "surface.csv").write_text("0,0,1\n1,0,2\n0,1,3\n1,1,5\n")
    cases = {"sin": 1, "x**2": 1, "gaussian2d": 2, "x*y": 2, "expr:y": 2}
    cases |= {str(tmp_path / "curve.csv"): 1, str(tmp_path / "surface.csv"): 2}
    for spec, dim in cases.items():
        target = get_target(spec)
        assert target.dim == dim == len(target.box), spec
    surface = get_target(str(tmp_path / "surface.csv"))
    assert surface(np.array([0.5]), np.array([0.5]))[0] == pytest.approx((1 + 2 + 3 + 5) / 4)
    assert get_target(str(tmp_path / "curve.csv"))(np.array(1.5)) == pytest.approx(2.5)


def test_a_target_given_one_interval_is_a_target_of_one_input() -> None:
    sin = TARGETS["sin"]
    same = Target("s", np.sin, (-math.pi, math.pi), "", "", np.cos)
    assert same.box == sin.box == ((-math.pi, math.pi),) and same.domain == sin.domain
    # L is a bound: 1 (cos's maximum), up to the interval arithmetic's outward rounding
    assert 1.0 <= same.lipschitz() == pytest.approx(sin.lipschitz(), abs=1e-9)
    assert same.lipschitz() == pytest.approx(1.0, abs=1e-9)
    with pytest.raises(TypeError, match="takes 1 inputs"):
        sin(np.zeros(2), np.zeros(2))
    with pytest.raises(ValueError, match="box"):
        _ = TARGETS2D["saddle"].domain


def test_dim_asks_for_a_dimension() -> None:
    flat = get_target("sin(x)", (-1.0, 2.0), dim=2)  # a surface constant in y
    x, y = np.array([0.3, 1.7]), np.array([-0.5, 0.9])
    np.testing.assert_array_equal(flat(x, y), np.sin(x))
    assert flat.box == ((-1.0, 2.0), (-1.0, 2.0))
    with pytest.raises(UatError, match="two inputs"):
        get_target("gaussian2d", dim=1)


def test_the_explorer_knows_2d_names_and_draws_their_towers(tmp_path: Path) -> None:
    from uat.web.explore import explore

    page = explore("gaussian2d", tmp_path / "e.html")
    assert "uat-towers/1" in page.path.read_text(encoding="utf-8")
    with pytest.raises(UatError, match="did you mean 'gaussian2d'"):
        get_target("gausian2d")


def test_one_lookup_feeds_the_commands_of_either_dimension() -> None:
    from uat.jobs.commands import fit
    from uat.jobs.request import resolve_target

    surface = resolve_target("x*y")  # resolved by the one lookup, of two inputs
    assert surface.dim == 2
    # the job dispatches on the dimension: a width towers cannot take is one clear error
    with pytest.raises(UatError, match="K×K towers take K² \\+ 2K neurons; try 8"):
        fit(surface, 10)
    assert fit(surface, 8).net.widths == [4, 4]  # K = 2: 2K steps, K² towers
