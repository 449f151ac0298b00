"""Targets: derivatives against finite differences, Lipschitz constants, domains, errors."""

from __future__ import annotations

import math

import numpy as np
import pytest

from uat.core.targets import TARGETS, get_target, parse_domain
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
    path.write_text("x,y\n1e15,1\n1.0000000000000002e15,2\n1.0000000000000004e15,3\n")
    digits = r"\[1000000000000000.0, 1000000000000000.4\]"  # not [1e+15, 1e+15]
    with pytest.raises(UatError, match=rf"x range of big.csv {digits} is too narrow"):
        get_target(str(path))
