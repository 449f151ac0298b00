"""Facts about targets from their expressions: jumps only where an operation can jump, and
Lipschitz constants that are bounds (checked against dense difference quotients)."""

from __future__ import annotations

import numpy as np
import pytest

from uat.core import facts
from uat.core.construct import hand_built
from uat.core.metrics import bound_reason, errors
from uat.core.targets import get_target


def _slope(spec: str, domain: tuple[float, float] | None, n: int = 2_000_001) -> float:
    """max |Δf/Δx| on a dense grid: a lower bound of the Lipschitz constant."""
    t = get_target(spec, domain)
    x = np.linspace(*t.domain, n)
    return float(np.max(np.abs(np.diff(t(x)) / np.diff(x))))


@pytest.mark.parametrize(
    ("spec", "domain"),
    [
        ("x**3 - x", (-2.0, 2.0)),
        ("tanh(20*x)", (-1.0, 1.0)),
        ("abs(x - 0.3)", (-1.0, 1.0)),
        ("exp(x)*cos(3*x)", (0.0, 3.0)),
        ("x**2*sin(5*x)", (-2.0, 2.0)),
        ("log(1 + x)", (0.0, 5.0)),
        ("1/(1 + 25*x**2)", (-1.0, 1.0)),
        ("maximum(x, 0)**2 + cosh(x)", (-1.0, 2.0)),
        ("exp(-abs(x))*cos(4*x)", (-2.0, 2.0)),
        ("sin", None),
        ("gaussian", None),
        ("nielsen", None),
        ("sinc", None),
        ("triangle", None),
    ],
)
def test_the_lipschitz_constant_is_a_bound(spec: str, domain: tuple[float, float] | None) -> None:
    t = get_target(spec, domain)
    slope = _slope(spec, domain)
    assert t.lipschitz_is_exact
    assert slope * (1 - 1e-8) <= t.lipschitz() <= slope * 1.001  # quotients round by ~1e-10


def test_x_cubed_minus_x_has_l_11_not_a_grid_estimate() -> None:
    lip = get_target("x**3 - x", (-2.0, 2.0)).lipschitz()
    assert 11.0 <= lip <= 11.0 * (1 + 1e-5)  # |3x² − 1| at ±2; the grid's 10.99988 is below


def test_steep_is_not_a_jump() -> None:
    t = get_target("tanh(20*x)", (-1.0, 1.0))
    assert t.jumps().size == 0 and not t.has_jumps()
    assert facts.continuous(t)
    assert bound_reason(t, 5000) is None  # L·Δ/2 applies: the error can vanish
    assert errors(hand_built(t, 5000), t).sup < 0.01  # and does (0.0052)


@pytest.mark.parametrize(
    ("spec", "at"),
    [("sign(x - 0.25)", [0.25]), ("floor(3*x)", [-2 / 3, -1 / 3, 0.0, 1 / 3, 2 / 3, 1.0]),
     ("(x > 0.3)*x", [0.3]), ("arctan(1/x)", [0.0]), ("x % 0.5", [-0.5, 0.0, 0.5, 1.0])],
)  # fmt: skip
def test_jumps_come_from_operations_that_jump(spec: str, at: list[float]) -> None:
    t = get_target(spec)
    assert not facts.continuous(t)
    found = t.jumps()
    assert found.size == len(at)
    np.testing.assert_allclose(found, at, atol=1e-9)
    x = np.asarray(at)
    left, right = t(x - 1e-9), t(x + 1e-9)  # one-sided limits differ: real jumps
    assert np.all(np.abs(right - left) > 0.1)


@pytest.mark.parametrize(("spec", "domain"), [("sqrt(x)", (0.0, 1.0)), ("abs(x)**0.1", None)])
def test_an_unbounded_slope_is_named_and_gets_no_bound(
    spec: str, domain: tuple[float, float] | None
) -> None:
    t = get_target(spec, domain)
    assert t.lipschitz() is None
    assert facts.lipschitz(t) == (None, "unbounded")
    h = 1e-12
    assert abs(t(np.array([h]))[0] - t(np.array([0.0]))[0]) / h > 1e4  # steep as h shrinks
    why = bound_reason(t, 100)
    assert why is not None and "unbounded" in why


def test_a_slope_that_cannot_be_bounded_gets_no_estimated_bound() -> None:
    # where(x < 0, -x, x) is |x|, but the expression switches: no bound is derived, and a
    # sampled slope is not printed as one
    t = get_target("where(x < 0, -x, x)")
    assert facts.lipschitz(t) == (None, "unknown")
    assert not t.lipschitz_is_exact
    why = bound_reason(t, 100)
    assert why is not None and "not claimed" in why
