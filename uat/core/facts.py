"""Facts about a target read from its expression: whether it can jump, and a Lipschitz bound.

The expression is evaluated over small intervals of x in interval arithmetic, carrying an
enclosure of the derivative beside the value (forward mode). From that:

- **jumps**: only a discontinuous operation (sign, floor, ceil, heaviside, a comparison,
  where, %, //) switching inside an interval, or a pole (a division by, a negative power or a
  log of an interval holding 0, tan at π/2), can make f jump. An expression with none is
  continuous, however steep: tanh(20x) rises by 2 over 0.2 but does not jump.
- **Lipschitz constant**: max |f′| bounded from above over every interval, the intervals
  bisected where the bound is above the derivative found at their midpoints, so the result is a
  bound (`x**3 - x` on [−2, 2]: 11.0001; the largest f′ on a grid read 10.99988). Where the
  enclosure stays infinite on a vanishing interval and the difference quotient there keeps
  growing, the slope is unbounded (sqrt(x) at 0); where it cannot be bounded otherwise (a
  `where` that happens to be continuous) nothing is claimed.
"""

from __future__ import annotations

import ast
import functools
import math
from collections.abc import Callable
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from uat.core.targets import Target

Iv = tuple[np.ndarray, np.ndarray]  # (lo, hi), one entry per piece of x
Dual = tuple[Iv, Iv]  # value and derivative enclosures

_PIECES = 2048  # first split of the domain
_ROUNDS = 60  # bisections at most: pieces shrink to 2⁻⁶⁰ of the first split
_BISECT = 2048  # pieces bisected per round, largest bound first
_TOL = 1e-9  # stop where the bound is within this share of the derivative found
_SAFETY = 1e-12  # relative: floating-point rounding of the enclosures themselves
_SINC_SLOPE = 1.3705  # max |d/du sin(πu)/(πu)| = π·0.43620 (at πu ≈ 2.0816), rounded up

# Named targets as expressions (domain-dependent bounds); the rest by a global constant.
NAMED_EXPRESSIONS = {
    "sin": "sin(x)",
    "cos": "cos(x)",
    "gaussian": "exp(-x**2)",
    "abs": "abs(x)",
    "relu": "maximum(x, 0)",
    "cubic": "x**3 - x",
    "runge": "1/(1 + 25*x**2)",
    "nielsen": "0.2 + 0.4*x**2 + 0.3*x*sin(15*x) + 0.05*cos(50*x)",
    "sinc": "sinc(x)",
}
NAMED_SLOPES = {"triangle": 2.0}  # 2|x − round(x)|: slope ±2 everywhere it is defined


class Unsupported(Exception):
    """An operation without an interval rule here: nothing is claimed."""


def _hull(*ivs: Iv) -> Iv:
    return np.minimum.reduce([i[0] for i in ivs]), np.maximum.reduce([i[1] for i in ivs])


def _const(c: float, like: np.ndarray) -> Iv:
    v = np.full(like.shape, c)
    return v, v.copy()


def _power_whole(a: Iv, n: int) -> Iv:
    """The interval of aⁿ for a whole n ≥ 1: even powers are smallest nearest 0."""
    if n % 2 == 0:
        near = np.where(_nonzero(a), np.minimum(np.abs(a[0]), np.abs(a[1])), 0.0)
        return near**n, _abs_max(a) ** n
    return a[0] ** n, a[1] ** n


def _add(a: Iv, b: Iv) -> Iv:
    return a[0] + b[0], a[1] + b[1]


def _neg(a: Iv) -> Iv:
    return -a[1], -a[0]


def _mul(a: Iv, b: Iv) -> Iv:
    with np.errstate(invalid="ignore"):
        p = np.stack([a[0] * b[0], a[0] * b[1], a[1] * b[0], a[1] * b[1]])
    bad = np.isnan(p).any(axis=0)  # 0 × ∞: unbounded
    return np.where(bad, -np.inf, p.min(axis=0)), np.where(bad, np.inf, p.max(axis=0))


def _abs_max(a: Iv) -> np.ndarray:
    return np.maximum(np.abs(a[0]), np.abs(a[1]))


def _sym(m: np.ndarray) -> Iv:
    return -m, m.copy()


def _sq(a: Iv) -> Iv:
    lo = np.where((a[0] <= 0) & (a[1] >= 0), 0.0, np.minimum(a[0] ** 2, a[1] ** 2))
    return lo, _abs_max(a) ** 2


def _nonzero(a: Iv) -> np.ndarray:
    return (a[0] > 0) | (a[1] < 0)


class _Eval:
    """One evaluation of an expression over intervals [lo, hi] of x."""

    def __init__(self, lo: np.ndarray, hi: np.ndarray) -> None:
        self.x: Iv = (lo, hi)
        self.switch = np.zeros(lo.shape, dtype=bool)  # a jump is possible in the piece

    def free(self, where: np.ndarray) -> Iv:
        """(−∞, ∞) where `where`, else 0: an enclosure with no bound."""
        inf = np.where(where, np.inf, 0.0)
        return -inf, inf

    def node(self, n: ast.AST) -> Dual:
        if isinstance(n, ast.Constant):
            value = n.value
            if not isinstance(value, int | float):
                raise Unsupported(repr(value))
            return _const(float(value), self.x[0]), _const(0.0, self.x[0])
        if isinstance(n, ast.Name):
            if n.id == "x":
                return self.x, _const(1.0, self.x[0])
            from uat.core.expr import CONSTANTS

            return _const(CONSTANTS[n.id], self.x[0]), _const(0.0, self.x[0])
        if isinstance(n, ast.UnaryOp):
            v, d = self.node(n.operand)
            return (_neg(v), _neg(d)) if isinstance(n.op, ast.USub) else (v, d)
        if isinstance(n, ast.BinOp):
            return self.binop(n)
        if isinstance(n, ast.Compare):
            return self.compare(n)
        if isinstance(n, ast.IfExp):
            return self.where(self.node(n.test), self.node(n.body), self.node(n.orelse))
        if isinstance(n, ast.Call) and isinstance(n.func, ast.Name):
            from uat.core.expr import ALIASES

            name = ALIASES.get(n.func.id, n.func.id)
            return self.call(name, [self.node(a) for a in n.args])
        raise Unsupported(type(n).__name__)

    def binop(self, n: ast.BinOp) -> Dual:
        a, b = self.node(n.left), self.node(n.right)
        (av, ad), (bv, bd) = a, b
        if isinstance(n.op, ast.Add):
            return _add(av, bv), _add(ad, bd)
        if isinstance(n.op, ast.Sub):
            return _add(av, _neg(bv)), _add(ad, _neg(bd))
        if isinstance(n.op, ast.Mult):
            return _mul(av, bv), _add(_mul(ad, bv), _mul(av, bd))
        if isinstance(n.op, ast.Div):
            r = self.recip(bv)
            v = _mul(av, r)
            return v, _mul(_add(ad, _neg(_mul(v, bd))), r)  # (a′ − (a/b)·b′)/b
        if isinstance(n.op, ast.Pow):
            return self.power(a, b)
        if isinstance(n.op, ast.FloorDiv | ast.Mod):
            r = self.recip(bv)
            q = self.call("floor", [(_mul(av, r), _mul(_add(ad, _neg(_mul(_mul(av, r), bd))), r))])
            if isinstance(n.op, ast.FloorDiv):
                return q
            return _add(av, _neg(_mul(bv, q[0]))), _add(ad, _neg(_mul(bd, q[0])))
        raise Unsupported(type(n.op).__name__)

    def recip(self, b: Iv) -> Iv:
        ok = _nonzero(b)
        self.switch |= ~ok  # a pole: 1/x jumps from −∞ to ∞
        with np.errstate(divide="ignore"):
            lo, hi = 1.0 / b[1], 1.0 / b[0]
        return np.where(ok, lo, -np.inf), np.where(ok, hi, np.inf)

    def power(self, a: Dual, b: Dual) -> Dual:
        (av, ad), (bv, bd) = a, b
        p = float(bv[0].flat[0]) if bv[0].size else 0.0
        constant = np.all(bv[0] == p) and np.all(bv[1] == p) and np.all(bd[1] == 0)
        if not constant:  # a**b = exp(b·log a)
            log_a = self.call("log", [a])
            return self.call(
                "exp", [(_mul(bv, log_a[0]), _add(_mul(bd, log_a[0]), _mul(bv, log_a[1])))]
            )
        if p == 0:
            return _const(1.0, av[0]), _const(0.0, av[0])
        return self.power_const(av, ad, p)

    def power_const(self, av: Iv, ad: Iv, p: float) -> Dual:
        if p == int(p) and p > 0:
            n = int(p)
            v = _power_whole(av, n)
            if n == 1:
                return v, ad
            # (aⁿ)′ = n·aⁿ⁻¹·a′, with aⁿ⁻¹ bounded directly (2**990·x: no recursion per power)
            return v, _mul(_mul(_const(p, av[0]), _power_whole(av, n - 1)), ad)
        if p == int(p):  # negative whole power: 1/a^|p|
            base = self.power_const(av, ad, -p)
            r = self.recip(base[0])
            return r, _neg(_mul(_mul(r, r), base[1]))  # (a⁻ⁿ)′ = −(a⁻ⁿ)²·(aⁿ)′
        # a real power: a must stay ≥ 0 (else NaN: no claim)
        if np.any(av[0] < 0):
            raise Unsupported("a real power of a negative base")
        with np.errstate(divide="ignore"):
            lo, hi = av[0] ** p, av[1] ** p
            v = (np.minimum(lo, hi), np.maximum(lo, hi))
            dlo, dhi = av[0] ** (p - 1), av[1] ** (p - 1)
        if p < 0:
            self.switch |= av[0] <= 0
        dv = (np.minimum(dlo, dhi), np.maximum(dlo, dhi))
        return v, _mul(_mul(_const(p, av[0]), dv), ad)

    def compare(self, n: ast.Compare) -> Dual:
        from uat.core.expr import _CMPOPS

        sides = [self.node(s) for s in (n.left, *n.comparators)]
        lo = np.ones(self.x[0].shape)
        hi = lo.copy()
        for op, (a, _), (b, _) in zip(n.ops, sides, sides[1:], strict=False):
            diff = _add(a, _neg(b))
            decided = (diff[0] > 0) | (diff[1] < 0)
            truth = np.asarray(_CMPOPS[type(op)](diff[0], 0.0), dtype=float)
            lo = np.where(decided, lo * truth, 0.0)
            hi = np.where(decided, hi * truth, np.maximum(hi, 0.0))
            self.switch |= ~decided
        return (lo, hi), self.free(lo != hi)

    def where(self, c: Dual, a: Dual, b: Dual) -> Dual:
        on, off = _nonzero(c[0]), (c[0][0] == 0) & (c[0][1] == 0)
        undecided = ~(on | off)
        self.switch |= undecided
        v = _hull(a[0], b[0])
        v = (np.where(on, a[0][0], np.where(off, b[0][0], v[0])),
             np.where(on, a[0][1], np.where(off, b[0][1], v[1])))  # fmt: skip
        free = self.free(undecided)
        d = (np.where(on, a[1][0], np.where(off, b[1][0], free[0])),
             np.where(on, a[1][1], np.where(off, b[1][1], free[1])))  # fmt: skip
        return v, d

    def steps(self, v: Iv, f: Callable[[np.ndarray], np.ndarray], same: np.ndarray) -> Dual:
        """A piecewise-constant f: its range, and derivative 0 where it cannot switch."""
        self.switch |= ~same
        lo, hi = f(v[0]), f(v[1])
        return (np.minimum(lo, hi), np.maximum(lo, hi)), self.free(~same)

    def call(self, name: str, args: list[Dual]) -> Dual:
        if name in ("maximum", "minimum"):
            (av, ad), (bv, bd) = args
            first = av[0] > bv[1] if name == "maximum" else av[1] < bv[0]
            second = bv[0] > av[1] if name == "maximum" else bv[1] < av[0]
            op = np.maximum if name == "maximum" else np.minimum
            v = (op(av[0], bv[0]), op(av[1], bv[1]))
            both = _hull(ad, bd)
            return v, (np.where(first, ad[0], np.where(second, bd[0], both[0])),
                       np.where(first, ad[1], np.where(second, bd[1], both[1])))  # fmt: skip
        if name == "clip":
            return self.call("minimum", [self.call("maximum", args[:2]), args[2]])
        if name == "where":
            return self.where(*args)
        if name == "hypot":
            (av, ad), (bv, bd) = args
            v = _add(_sq(av), _sq(bv))
            return (np.sqrt(v[0]), np.sqrt(v[1])), _sym(_abs_max(ad) + _abs_max(bd))
        if name == "heaviside":
            v = args[0][0]
            same = _nonzero(v)
            return self.steps(v, lambda t: np.heaviside(t, 0.5), same)
        if len(args) != 1:
            raise Unsupported(name)
        return self.unary(name, *args[0])

    def unary(self, name: str, v: Iv, d: Iv) -> Dual:
        lo, hi = v
        if name == "sign":
            return self.steps(v, np.sign, _nonzero(v))
        if name in ("floor", "ceil"):
            f = np.floor if name == "floor" else np.ceil
            return self.steps(v, f, f(lo) == f(hi))
        if name == "abs":
            val = (np.where(_nonzero(v), np.minimum(np.abs(lo), np.abs(hi)), 0.0), _abs_max(v))
            both, flip = _sym(_abs_max(d)), _neg(d)
            up, down = lo >= 0, hi <= 0
            return val, (np.where(up, d[0], np.where(down, flip[0], both[0])),
                         np.where(up, d[1], np.where(down, flip[1], both[1])))  # fmt: skip
        if name in ("sin", "cos"):
            shift = 0.0 if name == "sin" else math.pi / 2  # cos(u) = sin(u + π/2)
            s = (lo + shift, hi + shift)
            val = _sin(s)
            return val, _mul(_sin((s[0] + math.pi / 2, s[1] + math.pi / 2)), d)
        if name == "sinc":
            val = (np.full(lo.shape, -0.2173), np.ones(lo.shape))  # min sinc = −0.21723
            return val, _mul(_sym(np.full(lo.shape, _SINC_SLOPE)), d)
        if name == "tan":
            k = np.ceil((lo - math.pi / 2) / math.pi)
            pole = math.pi / 2 + k * math.pi <= hi
            self.switch |= pole
            with np.errstate(all="ignore"):
                val = (np.where(pole, -np.inf, np.tan(lo)), np.where(pole, np.inf, np.tan(hi)))
            return val, _mul(_add(_const(1.0, lo), _sq(val)), d)
        if name == "cosh":
            return _even(np.cosh, 1.0)(v), _mul((np.sinh(lo), np.sinh(hi)), d)
        rule = _MONOTONE.get(name)
        if rule is None:
            raise Unsupported(name)
        g, dg, (dom_lo, dom_hi) = rule
        if np.any(lo < dom_lo) or np.any(hi > dom_hi):
            raise Unsupported(f"{name} outside its domain")
        with np.errstate(all="ignore"):
            a, b = g(lo), g(hi)
            val = (np.minimum(a, b), np.maximum(a, b))
            da = dg(v)
        if name in ("log", "log2", "log10", "log1p"):
            self.switch |= np.isinf(val[0])  # log 0: a pole
        return val, _mul(da, d)


def _sin(s: Iv) -> Iv:
    """Range of sin over each interval."""
    lo, hi = s
    top = math.pi / 2 + 2 * math.pi * np.ceil((lo - math.pi / 2) / (2 * math.pi)) <= hi
    bottom = -math.pi / 2 + 2 * math.pi * np.ceil((lo + math.pi / 2) / (2 * math.pi)) <= hi
    a, b = np.sin(lo), np.sin(hi)
    return np.where(bottom, -1.0, np.minimum(a, b)), np.where(top, 1.0, np.maximum(a, b))


def _mono(f: Callable[[np.ndarray], np.ndarray]) -> Callable[[Iv], Iv]:
    """Enclosure of a monotone f′ over each interval."""

    def enclose(v: Iv) -> Iv:
        a, b = f(v[0]), f(v[1])
        return np.minimum(a, b), np.maximum(a, b)

    return enclose


def _even(g: Callable[[np.ndarray], np.ndarray], at_zero: float) -> Callable[[Iv], Iv]:
    """Enclosure of an even f′ = g(|u|), monotone in |u|: its value at 0 joins where 0 is in."""

    def enclose(v: Iv) -> Iv:
        a, b = g(v[0]), g(v[1])
        lo, hi = np.minimum(a, b), np.maximum(a, b)
        zero = (v[0] <= 0) & (v[1] >= 0)
        lo, hi = (
            np.where(zero, np.minimum(lo, at_zero), lo),
            np.where(zero, np.maximum(hi, at_zero), hi),
        )
        return lo, hi

    return enclose


def _unbounded_at_zero(g: Callable[[np.ndarray], np.ndarray]) -> Callable[[Iv], Iv]:
    """Enclosure of f′ = g(u) decreasing in u > 0 and infinite at 0 (sqrt, log)."""

    def enclose(v: Iv) -> Iv:
        with np.errstate(divide="ignore"):
            return g(v[1]), np.where(v[0] <= 0, np.inf, g(v[0]))

    return enclose


_INF = math.inf
_LN2, _LN10 = math.log(2), math.log(10)
# name -> (f, enclosure of f′ over an interval, the domain where both are finite or closed)
_Rule = tuple[Callable[[np.ndarray], np.ndarray], Callable[[Iv], Iv], tuple[float, float]]
_MONOTONE: dict[str, _Rule] = {
    "exp": (np.exp, _mono(np.exp), (-_INF, _INF)),
    "expm1": (np.expm1, _mono(np.exp), (-_INF, _INF)),
    "exp2": (np.exp2, _mono(lambda u: _LN2 * np.exp2(u)), (-_INF, _INF)),
    "sinh": (np.sinh, _even(lambda u: np.cosh(u), 1.0), (-_INF, _INF)),
    "tanh": (np.tanh, _even(lambda u: 1.0 / np.cosh(u) ** 2, 1.0), (-_INF, _INF)),
    "arctan": (np.arctan, _even(lambda u: 1.0 / (1.0 + u**2), 1.0), (-_INF, _INF)),
    "arcsinh": (np.arcsinh, _even(lambda u: 1.0 / np.sqrt(1.0 + u**2), 1.0), (-_INF, _INF)),
    "sqrt": (np.sqrt, _unbounded_at_zero(lambda u: 0.5 / np.sqrt(u)), (0.0, _INF)),
    "log": (np.log, _unbounded_at_zero(lambda u: 1.0 / u), (0.0, _INF)),
    "log2": (np.log2, _unbounded_at_zero(lambda u: 1.0 / (u * _LN2)), (0.0, _INF)),
    "log10": (np.log10, _unbounded_at_zero(lambda u: 1.0 / (u * _LN10)), (0.0, _INF)),
    "log1p": (np.log1p, _unbounded_at_zero(lambda u: 1.0 / (1.0 + u)), (-1.0, _INF)),
}


@functools.lru_cache(maxsize=256)
def _tree(text: str) -> ast.AST | None:
    from uat.core.expr import _parse

    try:
        return _parse(text, allow_x=True)[1].body
    except Exception:  # not an expression in x: no facts
        return None


def expression_of(target: Target) -> str | None:
    """The expression text behind a target (named ones too), or None."""
    if target.samples is not None:
        return None
    name = target.name
    if name.startswith("logit(") and name.endswith(")"):  # σ⁻¹∘f of a sigmoid output
        base = name[len("logit(") : -1]
        inner = NAMED_EXPRESSIONS.get(base, base if _tree(base) is not None else None)
        return None if inner is None else f"log(({inner})/(1 - ({inner})))"
    if name in NAMED_EXPRESSIONS:
        return NAMED_EXPRESSIONS[name]
    if target.df is not None or target.jump_points is not None or target.formula != name:
        return None
    return name if _tree(name) is not None else None


def _evaluate(text: str, lo: np.ndarray, hi: np.ndarray) -> tuple[Dual, np.ndarray]:
    tree = _tree(text)
    if tree is None:
        raise Unsupported("not an expression")
    ev = _Eval(lo, hi)
    with np.errstate(all="ignore"):
        out = ev.node(tree)
    return out, ev.switch


def continuous(target: Target) -> bool:
    """True when the expression proves f continuous on the domain: no operation that can
    switch (sign, floor, comparisons, where, …) and no pole inside it. False: it may jump."""
    if target.name in NAMED_SLOPES:
        return True
    text = expression_of(target)
    if text is None:
        return False
    a, b = target.domain
    x = np.linspace(a, b, _PIECES + 1)
    try:
        _, switch = _evaluate(text, x[:-1], x[1:])
    except Unsupported:
        return False
    return not bool(switch.any())


def lipschitz(target: Target) -> tuple[float | None, str]:
    """(L, how): a bound on max |f′| over the domain ("bound"), None with "unbounded" where
    the slope grows without limit (sqrt at 0), or None with "unknown" where none is derived."""
    if target.name in NAMED_SLOPES:
        return NAMED_SLOPES[target.name], "bound"
    text = expression_of(target)
    if text is None:
        return None, "unknown"
    bound, how, at = _lipschitz(text, *target.domain)
    if how == "singular":
        if _slope_grows(target, at):
            return None, "unbounded"
        (_, d), switch = _evaluate(text, np.array([at]), np.array([at]))
        if not switch.any() and np.isinf(_abs_max(d)).all():  # exp(709x): f′ overflows
            return math.inf, "bound"
        return None, "unknown"
    return bound, how


@functools.lru_cache(maxsize=256)
def _lipschitz(text: str, a: float, b: float) -> tuple[float | None, str, float]:
    """(bound, "bound" | "unknown" | "singular", where the enclosure stays infinite)."""
    x = np.linspace(a, b, _PIECES + 1)
    lo, hi = x[:-1], x[1:]
    settled, found = 0.0, 0.0
    try:
        for _ in range(_ROUNDS + 1):
            (_, d), _ = _evaluate(text, lo, hi)
            upper = _upper(d)
            mid = lo + 0.5 * (hi - lo)
            (_, dm), _ = _evaluate(text, mid, mid)
            point = np.nan_to_num(_abs_max(dm), nan=0.0, posinf=0.0)
            found = max(found, float(point.max()))
            open_ = upper > found * (1 + _TOL)
            settled = max(settled, float(upper[~open_].max(initial=0.0)))
            if not open_.any():
                return _safe(max(settled, found)), "bound", math.nan
            keep = np.flatnonzero(open_)
            keep = keep[np.argsort(upper[keep])[::-1]]
            split, rest = keep[:_BISECT], keep[_BISECT:]
            settled = max(settled, float(upper[rest].max(initial=0.0)))
            m = lo[split] + 0.5 * (hi[split] - lo[split])
            lo, hi = np.concatenate([lo[split], m]), np.concatenate([m, hi[split]])
    except Unsupported:
        return None, "unknown", math.nan
    (_, d), _ = _evaluate(text, lo, hi)
    upper = _upper(d)
    if np.all(np.isfinite(upper)):
        return _safe(max(settled, float(upper.max()), found)), "bound", math.nan
    return None, "singular", float(lo[int(np.argmax(upper))])


def _upper(d: Iv) -> np.ndarray:
    """max |f′| per piece; ∞ where the enclosure is NaN (0·∞: unbounded)."""
    m = _abs_max(d)
    return np.where(np.isnan(m), np.inf, m)


def _safe(value: float) -> float:
    """The bound, raised past the enclosures' own rounding (∞ where it overflows)."""
    with np.errstate(over="ignore"):
        return float(value * (1 + _SAFETY))


def _slope_grows(target: Target, at: float) -> bool:
    """Whether the difference quotient at `at` keeps growing as the step shrinks 10⁴-fold."""
    a, b = target.domain
    quotients = []
    for h in (1e-6 * (b - a), 1e-10 * (b - a)):
        pts = np.clip(np.array([at - h, at, at + h]), a, b)
        with np.errstate(all="ignore"):
            y = target(pts)
            dq = np.abs(np.diff(y)) / np.maximum(np.diff(pts), 1e-300)
        quotients.append(float(np.nanmax(np.where(np.diff(pts) > 0, dq, 0.0))))
    return quotients[1] > 10 * quotients[0]
