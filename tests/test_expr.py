"""Tests for the safe expression compiler."""

from __future__ import annotations

import math
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest

from uat.core.expr import ALLOWED_NAMES, compile_expression, evaluate_constant
from uat.errors import UatError

Ref = Callable[[np.ndarray], np.ndarray]
X = np.linspace(-2.0, 2.0, 41)
XPOS = np.linspace(0.05, 0.95, 19)  # inside the domains of log, arcsin, arctanh, ...


def run(text: str, x: np.ndarray = X) -> np.ndarray:
    return compile_expression(text)(x)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("x**2*sin(5*x)", lambda x: x**2 * np.sin(5 * x)),
        ("exp(-x**2)", lambda x: np.exp(-(x**2))),
        ("1/(1+25*x**2)", lambda x: 1.0 / (1.0 + 25 * x**2)),
        ("abs(x) - floor(x) + ceil(x)", lambda x: np.abs(x) - np.floor(x) + np.ceil(x)),
        ("sign(x) * sinc(x)", lambda x: np.sign(x) * np.sinc(x)),
        ("tanh(x) + sinh(x) + cosh(x)", lambda x: np.tanh(x) + np.sinh(x) + np.cosh(x)),
        ("arctan(x) + arcsinh(x) + cbrt(x)", lambda x: np.arctan(x) + np.arcsinh(x) + np.cbrt(x)),
        ("exp2(x) + expm1(x)", lambda x: np.exp2(x) + np.expm1(x)),
        ("hypot(x, 2) + arctan2(x, 1.5)", lambda x: np.hypot(x, 2) + np.arctan2(x, 1.5)),
        ("maximum(x, 0) - minimum(x, 0)", lambda x: np.maximum(x, 0) - np.minimum(x, 0)),
        ("clip(x, -0.5, 1)", lambda x: np.clip(x, -0.5, 1)),
        ("x // 0.3 + x % 0.7", lambda x: x // 0.3 + x % 0.7),
        ("-x**2", lambda x: -(x**2)),
        ("2**-x", lambda x: 2.0 ** (-x)),
        ("x**-2", lambda x: x**-2.0),
        ("2*x**3**0.5", lambda x: 2 * x ** (3**0.5)),
        ("+x - -x", lambda x: 2 * x),
        ("1 + 2*3 - 4/8", lambda x: np.full_like(x, 6.5)),
        ("pi*x + e + tau", lambda x: np.pi * x + np.e + 2 * np.pi),
        ("x if x > 0 else -x", np.abs),
        ("where(x < 0, x**2, x)", lambda x: np.where(x < 0, x**2, x)),
        ("heaviside(x)", lambda x: np.heaviside(x, 0.5)),
        ("heaviside(x, 1)", lambda x: np.heaviside(x, 1.0)),
        ("atan(x) + max(x, 0.5) + min(x, 0.5)", lambda x: np.arctan(x) + 1.0 * x + 0.5),
    ],
)
def test_values_match_numpy(text: str, expected: Ref) -> None:
    with np.errstate(all="ignore"):  # x**-2 at 0, x**1.73 for x < 0
        want = expected(X)
    np.testing.assert_allclose(run(text), want, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("log(x) + ln(x)", lambda x: 2 * np.log(x)),
        ("log10(x) + log2(x) + log1p(x)", lambda x: np.log10(x) + np.log2(x) + np.log1p(x)),
        ("sqrt(x)", np.sqrt),
        ("arcsin(x) + asin(x) + arccos(x) + acos(x)", lambda x: np.pi + 0 * x),
        ("arctanh(x) + arccosh(1 + x)", lambda x: np.arctanh(x) + np.arccosh(1 + x)),
    ],
)
def test_values_on_positive_domain(text: str, expected: Ref) -> None:
    np.testing.assert_allclose(run(text, XPOS), expected(XPOS), rtol=1e-12)


def test_precedence_unary_minus_binds_looser_than_power() -> None:
    x = np.array([3.0])
    assert run("-x**2", x)[0] == -9.0
    assert run("(-x)**2", x)[0] == 9.0
    assert run("2**3**2", x)[0] == 512.0  # right associative
    assert run("1 - 2 - 3", x)[0] == -4.0  # left associative


def test_comparisons_are_float_zero_one() -> None:
    x = np.array([-1.0, 0.0, 0.5, 1.0, 2.0])
    cases = {
        "x < 0.5": [1, 1, 0, 0, 0],
        "x <= 0.5": [1, 1, 1, 0, 0],
        "x > 0.5": [0, 0, 0, 1, 1],
        "x >= 0.5": [0, 0, 1, 1, 1],
        "x == 0.5": [0, 0, 1, 0, 0],
        "x != 0.5": [1, 1, 0, 1, 1],
        "0 <= x < 1": [0, 1, 1, 0, 0],
        "-1 < x <= 1 < 2": [0, 1, 1, 1, 0],
    }
    for text, want in cases.items():
        y = run(text, x)
        assert y.dtype == np.float64, text
        np.testing.assert_array_equal(y, np.array(want, dtype=float), err_msg=text)


def test_constants_broadcast_to_the_shape_of_x() -> None:
    for text in ("2", "pi", "2*pi - 1", "sin(1)", "(1 < 2) + 0"):
        y = run(text)
        assert y.shape == X.shape and y.dtype == np.float64
        assert np.all(y == y[0])
    np.testing.assert_allclose(run("sin(1)"), math.sin(1))
    grid = np.zeros((3, 4))
    assert compile_expression("x*0 + 1").__call__(grid).shape == (3, 4)
    assert compile_expression("7")(grid).shape == (3, 4)
    # x-independent subexpressions inside x-dependent ones broadcast too
    np.testing.assert_allclose(run("where(x > 0, 1, 2)"), np.where(X > 0, 1.0, 2.0))


def test_integer_inputs_and_scalars_are_floats() -> None:
    f = compile_expression("x / 2")
    np.testing.assert_array_equal(f(np.array([1, 2, 3])), [0.5, 1.0, 1.5])
    y = f(np.float64(3.0))
    assert y.shape == () and float(y) == 1.5


def test_result_is_a_fresh_writable_array() -> None:
    x = np.linspace(0, 1, 5)
    y = compile_expression("x")(x)
    y[0] = 42.0
    assert x[0] == 0.0


def test_domain_errors_give_nan_without_warnings() -> None:
    with np.errstate(all="raise"):
        y = run("log(x) + sqrt(x) + 1/x", np.array([-1.0, 0.0, 1.0]))
    assert np.isnan(y[0]) and not np.isfinite(y[1]) and y[2] == 2.0


def test_integer_literals_are_floats() -> None:
    # As Python ints 3**40 is exact; as floats it is rounded. No big-int arithmetic happens.
    assert run("3**40 + 0*x", np.array([0.0]))[0] == 3.0**40
    assert evaluate_constant("7 // 2") == 3.0
    assert isinstance(evaluate_constant("7"), float)


def test_evaluate_constant() -> None:
    assert evaluate_constant("-pi") == -math.pi
    assert evaluate_constant("2*pi") == 2 * math.pi
    assert evaluate_constant(" tau/4 ") == math.tau / 4
    assert evaluate_constant("1e-3") == 0.001
    assert evaluate_constant("sqrt(2)") == math.sqrt(2)
    assert evaluate_constant("e**2") == pytest.approx(math.e**2)


@pytest.mark.parametrize(
    ("text", "phrase"),
    [
        ("x", "without x"),
        ("inf", "unknown name 'inf'"),
        ("log(0)", "not finite"),
        ("1/0", "division by zero"),
        ("sqrt(-1)", "not finite"),
        ("", "empty"),
        ("__import__('os')", "unknown name"),
    ],
)
def test_evaluate_constant_refusals(text: str, phrase: str) -> None:
    with pytest.raises(UatError, match=phrase):
        evaluate_constant(text)


def test_allowed_names() -> None:
    for name in ("x", "pi", "e", "tau", "sin", "heaviside", "where", "clip", "ln", "atan", "max"):
        assert name in ALLOWED_NAMES
    for name in ("inf", "nan", "y", "__import__", "os", "eval", "np"):
        assert name not in ALLOWED_NAMES


REFUSALS = [
    ("__import__('os')", "unknown name '__import__'"),
    ("os.system('ls')", "attribute access is not allowed"),
    ("x.real", "attribute access is not allowed"),
    ("x[0]", "subscripting is not allowed"),
    ("lambda: 1", "lambda is not allowed"),
    ("[x for x in y]", "comprehension is not allowed"),
    ("sum(x for x in [1])", "unknown name 'sum'"),
    ("sin(x, out=x)", "keyword arguments (out=...) are not allowed"),
    ("sin(**{})", "keyword arguments"),
    ("sin(*x)", "starred argument"),
    ("foo(x)", "unknown name 'foo' in expression 'foo(x)'; "),
    ("y", "unknown name 'y'"),
    ("x1 + 1", "unknown name 'x1'"),
    ("inf", "unknown name 'inf'"),
    ("'abc'", "strings"),
    ("b'abc'", "strings"),
    ("f'{x}'", "f-string"),
    ("10**10**10", "exponent too large in '10**10**10'"),
    ("2**5000", "exponent too large in '2**5000'"),
    ("x**1e6", "exponent too large in 'x**1e6'"),
    ("x**-1001", "exponent too large"),
    ("x**(500*2+1)", "exponent too large"),
    ("10.0**400", "exponent too large"),
    ("1e308*10", "not finite"),
    ("exp(1000)", "not finite"),
    ("1e999", "too large"),
    ("9" * 400, "too large"),
    ("(x)(1)", "'x' is not a function"),
    ("x(1)", "'x' is not a function"),
    ("pi(2)", "'pi' is not a function"),
    ("sin(x)(1)", "only named functions may be called"),
    ("sin", "'sin' is a function"),
    ("x and 1", "'and' is not allowed"),
    ("x or 1", "'or' is not allowed"),
    ("not x", "'not' is not allowed"),
    ("~x", "'~' is not allowed"),
    ("x @ x", "'@' is not allowed"),
    ("x | 1", "'|' is not allowed"),
    ("x is 1", "'is' is not allowed"),
    ("x in [1]", "not allowed"),
    ("(y := 1)", "assignment"),
    ("1, 2", "tuple"),
    ("{1: 2}", "dict"),
    ("None", "not a number"),
    ("...", "not a number"),
    ("True", "'True' is not a number"),
    ("1j", "complex numbers"),
    ("sin()", "sin() takes 1 argument, got 0"),
    ("sin(x, x)", "sin() takes 1 argument, got 2"),
    ("where(x, 1)", "where() takes 3 arguments, got 2"),
    ("heaviside(x, 1, 2)", "heaviside() takes 1 or 2 arguments, got 3"),
    ("x**", "syntax error at column 4"),
    ("sin(x", "syntax error"),
    ("x y", "syntax error at column 3"),
    ("import os", "syntax error"),
    ("x = 1", "syntax error"),
    ("x\x00", "null byte"),
    ("", "empty expression"),
    ("   ", "empty expression"),
    ("(" * 500 + "x" + ")" * 500, "too long"),
    ("(" * 300 + "x" + ")" * 300, "nested too deeply"),
    ("sin(" * 150 + "x" + ")" * 150, "nested too deeply"),
    ("-" * 900 + "x", "nested too deeply"),
    ("x+" * 2500 + "x", "too long (5001 characters; at most 1000)"),
]


@pytest.mark.parametrize(("text", "phrase"), REFUSALS)
def test_refusals(text: str, phrase: str) -> None:
    with pytest.raises(UatError) as info:
        compile_expression(text)
    message = str(info.value)
    assert phrase in message
    assert "\n" not in message and len(message) < 1000


def test_unknown_function_lists_allowed_functions_and_suggests() -> None:
    with pytest.raises(UatError) as info:
        compile_expression("sinn(x)")
    message = str(info.value)
    assert "did you mean 'sin'?" in message
    assert "allowed functions: sin, cos" in message and "heaviside" in message


def test_refused_expressions_are_never_evaluated(tmp_path: Path) -> None:
    target = tmp_path / "pwned"
    payloads = [
        f"__import__('pathlib').Path({str(target)!r}).write_text('x')",
        f"open({str(target)!r}, 'w').write('x') + x",
        f"x + (lambda: open({str(target)!r}, 'w'))()",
        f"[open({str(target)!r}, 'w') for _ in (1,)]",
        f"sin(x, out=open({str(target)!r}, 'w'))",
        f"10**10**10 + open({str(target)!r}, 'w').write('x')",
    ]
    for text in payloads:
        with pytest.raises(UatError):
            compile_expression(text)
        with pytest.raises(UatError):
            evaluate_constant(text)
    assert not target.exists()


def test_unsafe_parts_are_reported_before_constant_folding() -> None:
    with pytest.raises(UatError, match="attribute access"):
        compile_expression("10**10**10 + os.system")


def test_heavy_exponents_are_refused_quickly() -> None:
    # Big-int arithmetic would hang; folding in floats refuses at once.
    with pytest.raises(UatError, match="exponent too large"):
        compile_expression("9**9**9**9")
    with pytest.raises(UatError, match="exponent too large"):
        compile_expression("(2**999)**(2**999) + x")


# -- expressions in x and y ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("sin(x)*cos(y)", lambda x, y: np.sin(x) * np.cos(y)),
        ("exp(-(x**2+y**2))", lambda x, y: np.exp(-(x**2 + y**2))),
        ("hypot(x, y) - where(y > x, 1, 0)", lambda x, y: np.hypot(x, y) - (y > x)),
        ("x", lambda x, y: x),
        ("2*pi", lambda x, y: np.full_like(x, 2 * np.pi)),
    ],
)
def test_expression_in_x_and_y_matches_numpy(
    text: str, expected: Callable[..., np.ndarray]
) -> None:
    from uat.core.expr import compile_expression2d

    x, y = np.meshgrid(np.linspace(-2, 2, 9), np.linspace(-1, 3, 7))
    z = compile_expression2d(text)(x, y)
    assert z.shape == x.shape
    np.testing.assert_allclose(z, expected(x, y), rtol=1e-15, atol=0)


def test_only_expressions_using_y_are_2d() -> None:
    from uat.core.expr import mentions_y

    assert mentions_y("x*y") and mentions_y("cos(y)")
    assert not mentions_y("sin(x) + pi")
    with pytest.raises(UatError, match="unknown name 'y'"):
        compile_expression("sin(y)")  # a 1-D expression stays 1-D


@pytest.mark.parametrize("text", ["x + z", "sin(z)*y"])
def test_unknown_third_variable_is_refused(text: str) -> None:
    from uat.core.expr import compile_expression2d

    with pytest.raises(UatError, match="unknown name 'z'.*allowed names: x, y"):
        compile_expression2d(text)


def test_y_is_not_a_function() -> None:
    from uat.core.expr import compile_expression2d

    with pytest.raises(UatError, match="'y' is not a function"):
        compile_expression2d("y(2)")


# -- to_mathtext and slug -------------------------------------------------------------------

from uat.core.expr import slug, to_mathtext  # noqa: E402

# Expressions covering every operator, comparison and function, nested in awkward ways.
MATH_CASES = [
    "x**2*sin(5*x)",
    "exp(-x**2)",
    "1/(1+25*x**2)",
    "abs(x)",
    "sqrt(1-x**2)",
    "cbrt(x)",
    "x**(1/3)",
    "(x**2)**3",
    "x**2**3",
    "2**-x",
    "-x**2",
    "x*-1",
    "-(x-1)",
    "x-(x-1)",
    "(x-1)-x",
    "2*3",
    "2*(3+x)",
    "pi*x",
    "2*pi*x",
    "tau*x/2",
    "e**x",
    "1e-5*x",
    "1.5e20*x",
    "0.5*x",
    "x%1",
    "x//2",
    "floor(3*x)/3",
    "ceil(x)",
    "log(x)",
    "ln(x)",
    "log10(x)",
    "log2(x)",
    "log1p(x)",
    "expm1(x)",
    "exp2(x)",
    "tanh(x)*cosh(x)-sinh(x)",
    "arctan(x)+atan(x)",
    "asin(x/2)+acos(x/2)",
    "arcsinh(x)+arccosh(x+2)+arctanh(x/2)",
    "sign(x)",
    "sinc(x)",
    "heaviside(x)",
    "heaviside(x, 0.5)",
    "maximum(x, 0)",
    "min(x, 1/x)",
    "hypot(x, 1)",
    "arctan2(x, 1)",
    "where(x < 0, -x, x**2)",
    "clip(x, -1, 1)",
    "x if x > 0 else 0",
    "(0 < x) * (x <= 1)",
    "x == 0",
    "x != 0",
    "x >= -1",
    "1/(1+exp(-10*(x-0.5)))/(1+exp(10*(x-0.5)))",
    "x/(x+1)/(x+2)",
    "sin(1/(x**2+0.01))",
    "(sin(x)+cos(x))**2/(1+x**2)",
    "+x",
    "-(-x)",
    "3",
]


def _render(mathtext: str) -> None:
    """Parse and lay out text as matplotlib would draw it (raises if it cannot)."""
    from matplotlib.mathtext import MathTextParser

    MathTextParser("agg").parse(mathtext, dpi=100)


@pytest.mark.parametrize("text", MATH_CASES)
def test_to_mathtext_renders_in_matplotlib(text: str) -> None:
    out = to_mathtext(text)
    assert out.startswith("$") and out.endswith("$") and out.count("$") == 2
    _render(out)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("x**2*sin(5*x)", r"$x^{2}\,\sin(5x)$"),  # the issue's own example
        ("exp(-x**2)", "$e^{-x^{2}}$"),
        ("1/(1+25*x**2)", r"$\frac{1}{1+25x^{2}}$"),
        ("abs(x)", "$|x|$"),
        ("exp(-10*(x-0.5))", "$e^{-10(x-0.5)}$"),
        ("sqrt(x)", r"$\sqrt{x}$"),
        ("pi*x", r"$\pi\,x$"),
        ("2*3", r"$2\cdot 3$"),
        ("x <= 1", r"$x \leq 1$"),
    ],
)
def test_to_mathtext_notation(text: str, expected: str) -> None:
    assert to_mathtext(text) == expected


@pytest.mark.parametrize(
    ("text", "kept", "dropped"),
    [
        ("x-(x-1)", "x-(x-1)", None),  # the parentheses change the value
        ("(x-1)-x", "x-1-x", "(x-1)"),  # these do not
        ("(x**2)**3", "(x^{2})^{3}", None),
        ("x**2**3", "x^{2^{3}}", "("),
        ("x*-1", "(-1)", None),
        ("2*(3+x)", "2(3+x)", None),
        ("(-x)**2", "(-x)^{2}", None),
        ("-x**2", "-x^{2}", "("),
        ("-2*x", "-2x", "("),
        ("x-(-2*x)", "x-(-2x)", None),
        ("(-2*x)**2", "(-2x)^{2}", None),
    ],
)
def test_to_mathtext_parenthesises_by_precedence(text: str, kept: str, dropped: str | None) -> None:
    out = to_mathtext(text)
    assert kept in out
    if dropped is not None:
        assert dropped not in out


def test_to_mathtext_long_quotients_are_inline() -> None:
    # A fraction of two long pieces would shrink to unreadable; it is written a/b instead.
    out = to_mathtext("(sin(x)+cos(x)+tanh(x)+x**2)/(1+exp(-x)+exp(x)+x**4)")
    assert r"\frac" not in out and ")/(" in out
    _render(out)


@pytest.mark.parametrize(
    "text",
    ["sin", "runge", "data/my $ file.csv", "x +", "__import__('os')", "a$b$c", "", "x.real"],
)
def test_to_mathtext_falls_back_to_literal_text(text: str) -> None:
    out = to_mathtext(text)
    assert out.replace(r"\$", "") == text.replace("$", "")  # the text itself, $ escaped
    assert "$" not in out.replace(r"\$", "")  # so matplotlib never enters math mode
    from matplotlib.figure import Figure

    fig = Figure()
    label = fig.text(0.1, 0.5, out)
    fig.canvas.draw()  # draws without a mathtext error
    assert label.get_window_extent().width > 0 or not text


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("x**2*sin(5*x)", "x2-sin5x"),
        ("exp(-x**2)", "exp-x2"),
        ("sin", "sin"),
        ("runge", "runge"),
        ("data/measurements.csv", "measurements"),
        (r"C:\data\Step Response.CSV", "Step-Response"),
        ("-x**2", "neg-x2"),
        ("0.5*x", "0.5x"),
    ],
)
def test_slug_examples(text: str, expected: str) -> None:
    assert slug(text) == expected


def _valid_slug(name: str) -> bool:
    import re

    reserved = {"CON", "PRN", "AUX", "NUL"} | {f"{p}{i}" for p in ("COM", "LPT") for i in range(10)}
    return (
        re.fullmatch(r"[A-Za-z0-9.-]{1,40}", name) is not None
        and name[0] not in "-."
        and name[-1] not in "-."
        and name.split(".")[0].upper() not in reserved
    )


@pytest.mark.parametrize(
    "text",
    [*MATH_CASES, "", "   ", "...", "-.-", "con", "NUL", "com1.csv", "lpt9", "aux.x", "σ(x)",
     "x" * 300, "sin(x)+" * 30 + "x", "../../etc/passwd", "a b\tc\nd", "-x", ".hidden.csv"],
)  # fmt: skip
def test_slug_is_always_a_safe_file_name(text: str) -> None:
    assert _valid_slug(slug(text)), slug(text)


def test_a_slug_keeps_the_sign_of_an_exponent() -> None:
    assert slug("1e300*sin(x)") == "1e300sinx"  # '1e+300' lost its '+' and read 1e-300
    assert slug("1e-300*sin(x)") == "1e-300sinx"
    assert slug("x/1e5") == "x-over-100000"


@pytest.mark.parametrize(
    ("a", "b"),
    [("sin(x)*2", "sin(x*2)"), ("exp(x)-1", "exp(x-1)"), ("2*x+1", "2*(x+1)"),
     ("abs(x-0.5)", "abs(x)-0.5"), ("x*(x>0.5)", "x*x>0.5"), ("-(x+1)", "-x+1"),
     ("(-x)**2", "-x**2"), ("x-(x-1)", "x-x-1"), ("sin(x)/2", "sin(x/2)")],
)  # fmt: skip
def test_different_groupings_get_different_slugs(a: str, b: str) -> None:
    assert slug(a) != slug(b) and _valid_slug(slug(a)) and _valid_slug(slug(b))
    assert slug(a.replace("(", "( ")) == slug(a)  # spacing does not change the name


def test_slugs_of_long_expressions_stay_distinct() -> None:
    a = "sin(x)+cos(x)+tan(x)+sinh(x)+cosh(x)+tanh(x)+x**2"
    b = "sin(x)+cos(x)+tan(x)+sinh(x)+cosh(x)+tanh(x)+x**3"
    assert len(slug(a)) == len(slug(b)) == 40
    assert slug(a) != slug(b)
    assert slug(a).startswith("sinx-plus-cosx")
