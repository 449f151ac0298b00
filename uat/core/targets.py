"""Target functions: named ones, safe expressions in x, and CSV samples."""

from __future__ import annotations

import difflib
import functools
import math
import os
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

from uat.core import facts
from uat.errors import UatError
from uat.settings import LIMITS, how_to_raise

Fn = Callable[[np.ndarray], np.ndarray]
DENSE = 10_001  # points of the grid every error is measured on
_LIP_GRID = 200_001


@dataclass(frozen=True)
class Target:
    """A function to approximate on an interval, with what is known about it."""

    name: str
    f: Fn
    domain: tuple[float, float]
    formula: str  # plain text, for tables
    label: str  # matplotlib mathtext, for figures
    df: Fn | None = None  # exact derivative where known: gives the exact Lipschitz constant
    continuous: bool = True
    samples: tuple[np.ndarray, np.ndarray] | None = None  # CSV data: training points
    # known discontinuities: (a, b) -> sorted x positions of the jumps inside [a, b]
    jump_points: Callable[[float, float], np.ndarray] | None = None
    path: str | None = None  # CSV data: the file, resolved (a saved net records it)
    # expressions: the constants x is compared with, checked as jumps beside the grid's scan
    breaks: tuple[float, ...] = ()

    def __call__(self, x: np.ndarray) -> np.ndarray:
        return np.asarray(self.f(np.asarray(x, dtype=float)), dtype=float)

    def on(self, domain: tuple[float, float]) -> Target:
        """The same target on another interval."""
        return replace(self, domain=check_domain(domain))

    def grid(self, n: int = DENSE) -> np.ndarray:
        """A uniform grid of n points over the domain."""
        return np.linspace(*self.domain, n)

    def jumps(self) -> np.ndarray:
        """Sorted x positions of the jumps inside the domain.

        Known for named targets; CSV targets are piecewise linear and named targets with a
        derivative are smooth (none); expressions are scanned (`detect_jumps`).
        """
        if self.jump_points is None:
            return self._detected_jumps
        a, b = self.domain
        x = np.asarray(self.jump_points(a, b), dtype=float)
        return np.sort(x[(x >= a) & (x <= b)])

    @functools.cached_property
    def _detected_jumps(self) -> np.ndarray:
        if self.samples is not None or self.df is not None or facts.continuous(self):
            return np.empty(0)  # steep is not a jump: tanh(20x) has no operation that jumps
        found = detect_jumps(self, self.domain)
        a, b = self.domain
        inside = [c for c in self.breaks if a < c < b and _jumps_at(self, c)]
        if not inside:
            return found
        near = [c for c in inside if not np.any(np.abs(found - c) <= 4 * np.spacing(abs(c)))]
        return np.sort(np.concatenate([found, near]))

    def has_jumps(self) -> bool:
        """Whether f jumps on the domain (|x|**0.1 has no bounded slope, yet no jump)."""
        return self.jumps().size > 0 or not self.continuous

    def lipschitz(self) -> float | None:
        """max |f'| over the domain (exact derivative, or finite differences); None if f jumps."""
        return self._lipschitz

    @functools.cached_property
    def _lipschitz(self) -> float | None:
        # Cached per target and domain (`on` makes a new Target): sweeps ask for it often.
        if not self.continuous or self.jumps().size:
            return None
        a, b = self.domain
        if self.samples is not None:  # piecewise linear: the steepest segment on [a, b]
            xs, ys = self.samples
            seg = (xs[1:] > a) & (xs[:-1] < b)
            slopes = np.abs(np.diff(ys) / np.diff(xs))[seg]
            return float(slopes.max()) if slopes.size else 0.0
        bound, how = facts.lipschitz(self)  # a bound from the expression, or unbounded
        if how != "unknown":
            return bound
        x = np.linspace(a, b, _LIP_GRID)  # else an estimate: `lipschitz_is_exact` is False
        if self.df is not None:
            return float(np.max(np.abs(self.df(x))))
        coarse, fine = _max_slope(self, (_LIP_GRID - 1) // 2 + 1), _max_slope(self, _LIP_GRID)
        # A jump's difference quotient grows like 1/h: halving h nearly doubles it. Steep
        # means against the target's own range: 1e299·x is a line, 0.001·step jumps.
        return None if fine > 1.5 * coarse and fine * (b - a) > 1e3 * self._range else fine

    def curvature(self) -> float | None:
        """max |f''| over the domain, by differences; None where f' jumps (a kink)."""
        return self._curvature

    @functools.cached_property
    def _curvature(self) -> float | None:
        if not self.continuous or self.samples is not None or self.jumps().size:
            return None
        coarse, fine = _max_curvature(self, 20_001), _max_curvature(self, 40_001)
        a, b = self.domain
        # a kink's second difference grows like 1/h: halving h nearly doubles it (and
        # rounding's like 1/h², which 1e299·x's range puts below the kink test)
        return None if fine > 1.5 * coarse and fine * (b - a) ** 2 > 1e3 * self._range else fine

    @property
    def lipschitz_is_exact(self) -> bool:
        """True when `lipschitz` is a bound: from the expression, or of an interpolant."""
        return self.samples is not None or facts.lipschitz(self)[1] == "bound"

    def sup_norm(self) -> float:
        """max |f| over the domain, on the dense grid."""
        return self._sup_norm

    @functools.cached_property
    def _sup_norm(self) -> float:
        return float(np.max(np.abs(self(self.grid()))))

    @functools.cached_property
    def _range(self) -> float:
        """max f − min f on the dense grid: the scale slopes and curvatures are judged on."""
        y = self(self.grid())
        with np.errstate(over="ignore"):
            return float(np.max(y) - np.min(y))


_MAX_JUMPS = 4096


def detect_jumps(f: Fn, domain: tuple[float, float], n: int = _LIP_GRID) -> np.ndarray:
    """Sorted x positions where f jumps: found on an n-point grid, located by bisection.

    A grid cell whose rise exceeds 4× the rise of both cells two away is a candidate.
    Bisection keeps the half that rises more until the cell is one ulp wide: a jump keeps its
    rise (at least a quarter of the cell's), a steep continuous f loses it (slope × ulp).
    """
    x = np.linspace(*domain, n)
    with np.errstate(all="ignore"):
        d = np.abs(np.diff(np.asarray(f(x), dtype=float)))
    # neighbours two cells away: a jump onto a grid point splits its rise over two cells
    pad = np.concatenate([[0.0, 0.0], d, [0.0, 0.0]])
    near = np.maximum(pad[:-4], pad[4:])
    cand = np.flatnonzero((d > 4 * near) & (d > 0))
    cand = cand[np.argsort(d[cand])[::-1][:_MAX_JUMPS]]
    if cand.size == 0:
        return np.empty(0)
    lo, hi, rise = x[cand], x[cand + 1], d[cand]
    with np.errstate(all="ignore"):
        f_lo, f_hi = np.asarray(f(lo), dtype=float), np.asarray(f(hi), dtype=float)
        for _ in range(1100):  # ≤ 64 halvings reach one ulp; subnormal cells take longer
            mid = lo + 0.5 * (hi - lo)
            live = (mid > lo) & (mid < hi)
            if not live.any():
                break
            f_mid = np.asarray(f(mid), dtype=float)
            left = np.abs(f_mid - f_lo) >= np.abs(f_hi - f_mid)
            go_left, go_right = live & left, live & ~left
            hi, f_hi = np.where(go_left, mid, hi), np.where(go_left, f_mid, f_hi)
            lo, f_lo = np.where(go_right, mid, lo), np.where(go_right, f_mid, f_lo)
        jump = np.abs(f_hi - f_lo) >= 0.25 * rise
    at = np.sort(0.5 * (lo[jump] + hi[jump]))
    # one jump found from both cells beside a grid point it sits on
    keep = np.concatenate([at[:1] == at[:1], np.diff(at) > 1e-12 * (domain[1] - domain[0])])
    return at[keep]


def _jumps_at(f: Fn, c: float) -> bool:
    """Whether f jumps at c: its change across c stays as the gap narrows 1000-fold, or
    f(c) itself stands apart from both sides ((x == 0.3) is 1 at a single point)."""
    d = max(4 * float(np.spacing(abs(c))), 1e-300)
    with np.errstate(all="ignore"):
        y = np.asarray(f(np.array([c - d, c + d, c - 1000 * d, c + 1000 * d, c])), dtype=float)
    if not np.all(np.isfinite(y)):
        return False
    near, far = abs(y[1] - y[0]), abs(y[3] - y[2])
    point = min(abs(y[4] - y[0]), abs(y[4] - y[1]))
    point_far = max(abs(y[2] - y[0]), abs(y[3] - y[1]))  # the slope's share over 1000·d
    return bool((near > 0 and near >= 0.5 * far) or (point > 0 and point > 2 * point_far))


def _max_slope(target: Target, n: int) -> float:
    x = np.linspace(*target.domain, n)
    with np.errstate(over="ignore"):  # exp(709x): a difference quotient past the float limit
        return float(np.max(np.abs(np.diff(target(x))) / np.diff(x)))


def _max_curvature(target: Target, n: int) -> float:
    x = np.linspace(*target.domain, n)
    h = x[1] - x[0]
    if target.df is not None:
        return float(np.max(np.abs(np.diff(target.df(x)))) / h)
    return float(np.max(np.abs(np.diff(target(x), 2))) / h**2)


def _nielsen(x: np.ndarray) -> np.ndarray:
    return 0.2 + 0.4 * x**2 + 0.3 * x * np.sin(15 * x) + 0.05 * np.cos(50 * x)


def _dnielsen(x: np.ndarray) -> np.ndarray:
    return 0.8 * x + 0.3 * np.sin(15 * x) + 4.5 * x * np.cos(15 * x) - 2.5 * np.sin(50 * x)


def _dsinc(x: np.ndarray) -> np.ndarray:
    px = np.pi * x
    safe = np.where(px == 0, 1.0, px)
    return np.where(px == 0, 0.0, np.pi * (np.cos(safe) * safe - np.sin(safe)) / safe**2)


def _triangle(x: np.ndarray) -> np.ndarray:
    return 2.0 * np.abs(x - np.floor(x + 0.5))


def _dtriangle(x: np.ndarray) -> np.ndarray:
    return 2.0 * np.sign(x - np.floor(x + 0.5))


def _multiples(period: float, a: float, b: float) -> np.ndarray:
    """The multiples of `period` in [a, b]."""
    return period * np.arange(math.ceil(a / period), math.floor(b / period) + 1)


_PI = math.pi

TARGETS: dict[str, Target] = {
    t.name: t
    for t in [
        Target("sin", np.sin, (-_PI, _PI), "sin(x)", r"$\sin x$", np.cos),
        Target("cos", np.cos, (-_PI, _PI), "cos(x)", r"$\cos x$", lambda x: -np.sin(x)),
        Target(
            "gaussian",
            lambda x: np.exp(-(x**2)),
            (-3.0, 3.0),
            "exp(-x²)",
            r"$e^{-x^2}$",
            lambda x: -2 * x * np.exp(-(x**2)),
        ),
        Target("abs", np.abs, (-1.0, 1.0), "|x|", r"$|x|$", np.sign),
        Target(
            "relu",
            lambda x: np.maximum(x, 0.0),
            (-1.0, 1.0),
            "max(0, x)",
            r"$\max(0, x)$",
            lambda x: (x > 0).astype(float),
        ),
        Target(
            "step",
            lambda x: np.heaviside(x, 0.5),
            (-1.0, 1.0),
            "H(x) (jump at 0)",
            r"$H(x)$",
            continuous=False,
            jump_points=lambda a, b: np.array([0.0]),
        ),
        Target(
            "triangle",
            _triangle,
            (0.0, 3.0),
            "triangle wave, period 1",
            r"$\mathrm{triangle}(x)$",
            _dtriangle,
        ),
        Target(
            "sawtooth",
            lambda x: x - np.floor(x),
            (0.0, 3.0),
            "x - floor(x) (jumps at integers)",
            r"$x - \lfloor x \rfloor$",
            continuous=False,
            jump_points=lambda a, b: _multiples(1.0, a, b),
        ),
        Target(
            "square",
            lambda x: np.sign(np.sin(2 * np.pi * x)),
            (0.0, 2.0),
            "sign(sin(2πx))",
            r"$\mathrm{sign}(\sin 2\pi x)$",
            continuous=False,
            jump_points=lambda a, b: _multiples(0.5, a, b),
        ),
        Target(
            "cubic",
            lambda x: x**3 - x,
            (-1.5, 1.5),
            "x³ - x",
            r"$x^3 - x$",
            lambda x: 3 * x**2 - 1,
        ),
        Target(
            "runge",
            lambda x: 1.0 / (1.0 + 25 * x**2),
            (-1.0, 1.0),
            "1/(1+25x²)",
            r"$1/(1+25x^2)$",
            lambda x: -50 * x / (1.0 + 25 * x**2) ** 2,
        ),
        Target("sinc", np.sinc, (-6.0, 6.0), "sin(πx)/(πx)", r"$\mathrm{sinc}\,x$", _dsinc),
        Target(
            "nielsen",
            _nielsen,
            (0.0, 1.0),
            "0.2 + 0.4x² + 0.3x·sin(15x) + 0.05·cos(50x)",
            r"$0.2 + 0.4x^2 + 0.3x\sin 15x + 0.05\cos 50x$",
            _dnielsen,
        ),
    ]
}


def check_domain(domain: tuple[float, float], what: str = "domain") -> tuple[float, float]:
    """Validate an interval: finite, non-empty, increasing; `what` names it in errors."""
    param = "domain" if what == "domain" else None  # the CLI names --domain only for it
    try:
        a, b = (float(domain[0]), float(domain[1]))
    except OverflowError:  # an integer beyond every float
        raise UatError(f"{what} must be two finite numbers", param=param) from None
    sa, sb = f"{a:g}", f"{b:g}"
    if sa == sb and a != b:  # 1e15 and 1.0000000000000002e15 both print 1e+15
        sa, sb = repr(a), repr(b)
    if not (math.isfinite(a) and math.isfinite(b)):
        raise UatError(f"{what} [{sa}, {sb}] must be finite", param=param)
    if a == b:
        raise UatError(f"{what} [{sa}, {sb}] is empty", param=param)
    if a > b:
        raise UatError(f"{what} [{sa}, {sb}] is reversed; did you mean {sb},{sa}?", param=param)
    if b - a < 1e-9 * max(1.0, abs(a), abs(b)):
        raise UatError(
            f"{what} [{a!r}, {b!r}] is too narrow for double precision; widen it or shift it "
            "towards 0",
            param=param,
        )
    far = LIMITS["domain_abs"].high
    if max(abs(a), abs(b)) > far:
        raise UatError(
            f"{what} [{sa}, {sb}] is too wide: it reaches beyond ±{far:g}; rescale x "
            + how_to_raise("domain_abs"),
            param=param,
        )
    return a, b


def parse_domain(text: str) -> tuple[float, float]:
    """Parse 'A,B' where A and B are numbers or constant expressions such as -pi or 2*pi."""
    from uat.core.expr import evaluate_constant

    parts = [p.strip() for p in text.split(",")]
    if len(parts) != 2 or not all(parts):
        raise UatError(f"domain {text!r} must be two values A,B such as -1,1 or -pi,pi")
    return check_domain((evaluate_constant(parts[0]), evaluate_constant(parts[1])))


def csv_path(spec: str) -> str | None:
    """The CSV path TARGET names: 'file:PATH', or text ending in .csv or .txt; else None.

    Nothing else is a file, even when one exists at that path: "x/2" is always an expression.
    """
    if spec.startswith("file:"):
        return spec[len("file:") :]
    return spec if spec.lower().endswith((".csv", ".txt")) else None


def get_target(spec: str, domain: tuple[float, float] | None = None) -> Target:
    """Resolve TARGET text: a named target, a CSV file of samples, or an expression in x."""
    spec = spec.strip()
    if not spec:
        raise UatError("empty target: give a name (see `uat targets`), an expression or a CSV")
    if spec.startswith("expr:"):
        target = _expression_target(spec[len("expr:") :].strip())
    elif spec in TARGETS:
        target = TARGETS[spec]
    elif (path := csv_path(spec)) is not None:
        target = csv_target(path)
    else:
        target = _expression_target(spec)
    if domain is not None:
        target = target.on(domain)
    check_finite(target)
    return target


def recorded_target(name: str, meta: dict[str, object], net_file: str | os.PathLike[str]) -> str:
    """The target text to measure a saved net against: its CSV where that file still is.

    A net built on a CSV records the file's name and, in meta["target_path"], its resolved
    path: that path first, then the name beside the network file, then the name as given.
    """
    recorded = meta.get("target_path")
    if not isinstance(recorded, str) or Path(recorded).name != name:
        return name
    for candidate in (Path(recorded), Path(net_file).parent / name, Path(name)):
        if candidate.is_file():
            return str(candidate)
    raise UatError(
        f"network {net_file} was built on {recorded}, which is no longer there (nor beside the "
        "network); pass target to measure it against a file",
        param="target",
    )


def csv_target(path: str | os.PathLike[str]) -> Target:
    """A target interpolating the samples of a CSV file linearly, constant beyond the ends."""
    from uat.core.data import load_csv

    xs, ys = load_csv(path)
    name = Path(path).name
    # the samples' span must be a usable interval, like any --domain
    domain = check_domain((float(xs[0]), float(xs[-1])), f"the x range of {name}")

    def f(x: np.ndarray) -> np.ndarray:
        return np.asarray(np.interp(np.asarray(x, dtype=float), xs, ys), dtype=float)

    return Target(
        name=name,
        f=f,
        domain=domain,
        formula=f"samples from {name} ({len(xs)} points)",
        label=name.replace("$", r"\$"),
        df=None,
        continuous=True,
        samples=(xs, ys),
        path=str(Path(path).resolve()),
    )


def _expression_target(spec: str) -> Target:
    from uat.core.expr import ALLOWED_NAMES, comparison_points, compile_expression, to_mathtext

    if spec.isidentifier() and spec != "x" and spec not in ALLOWED_NAMES:
        close = difflib.get_close_matches(spec, list(TARGETS), n=1, cutoff=0.5)
        hint = f"; did you mean {close[0]!r}?" if close else "; `uat targets` lists them"
        raise UatError(f"unknown target {spec!r}{hint}")
    f = compile_expression(spec)
    # As maths in figures (x**2*sin(5*x) as x²·sin(5x)); what has no notation stays as typed.
    breaks = tuple(comparison_points(spec))
    return Target(spec, f, (-1.0, 1.0), spec, to_mathtext(spec), breaks=breaks)


def check_finite(target: Target) -> None:
    """Refuse a target that is not finite everywhere on its dense grid, naming where."""
    x = target.grid()
    with np.errstate(all="ignore"):
        try:
            y = target(x)
        except (ValueError, TypeError, FloatingPointError) as exc:
            raise UatError(f"cannot evaluate {target.name!r}: {exc}") from None
    y = np.broadcast_to(y, x.shape)
    bad, what = out_of_range(y)
    if bad.any():
        first = float(x[np.argmax(bad)])
        more = int(bad.sum()) - 1
        extra = f" (and at {more} more grid points)" if more else ""
        a, b = target.domain
        raise UatError(
            f"{target.name!r} is {what} at x = {first:.6g}{extra} on [{a:g}, {b:g}]; "
            "choose another domain or rescale it",
            param="domain",
        )


def out_of_range(y: np.ndarray) -> tuple[np.ndarray, str]:
    """Where |y| exceeds the `value_abs` limit (NaN and ±inf too), and what the first is."""
    big = LIMITS["value_abs"].high
    with np.errstate(all="ignore"):
        bad = ~(np.abs(y) <= big)
    first = y.flat[int(np.argmax(bad))] if bad.any() else 0.0
    return bad, "not finite" if not np.isfinite(first) else f"beyond ±{big:g}"
