"""Targets of one or two inputs: named ones, safe expressions in x (and y), and CSV samples."""

from __future__ import annotations

import difflib
import functools
import math
import os
import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np

from uat.core import facts
from uat.errors import UatError
from uat.settings import LIMITS, how_to_raise

Fn = Callable[..., np.ndarray]  # f(x) of a target of one input, f(x, y) of two
Interval = tuple[float, float]
Box = tuple[Interval, ...]  # one interval per input: x in [a, b], y in [c, d], …
# Points on a 2-D discontinuity and the unit normals there, n of them: (points (n, 2), normals).
JumpCurve = Callable[[int], tuple[np.ndarray, np.ndarray]]
DENSE = 10_001  # points of the grid every 1-D error is measured on
GRID2 = 201  # points per side of the 2-D error grid (40,401 points; peaks are refined off it)
JUMP_SAMPLES = 4000  # points taken along a known 2-D discontinuity, each seen from both sides
_LIP_GRID = 200_001
_LIP_GRID2 = 801  # points per side for the 2-D Lipschitz constant by differences


@dataclass(frozen=True)
class Target:
    """A function to approximate on a box (an interval per input), with what is known about it.

    `dim` is its number of inputs: a target of one input is called as t(x), of two as t(x, y).
    The box may be given as one interval (a, b) for a target of one input.
    """

    name: str
    f: Fn
    box: Box  # ((a, b),) for x in [a, b]; ((a, b), (c, d)) for (x, y) in [a, b] × [c, d]
    formula: str  # plain text, for tables
    label: str  # matplotlib mathtext, for figures
    df: Fn | None = None  # 1-D: exact derivative where known, the exact Lipschitz constant
    continuous: bool = True
    # CSV data: the sample coordinates then values, (x, y) in 1-D and (x, y, z) in 2-D
    samples: tuple[np.ndarray, ...] | None = None
    # 1-D known discontinuities: (a, b) -> sorted x positions of the jumps inside [a, b]
    jump_points: Callable[[float, float], np.ndarray] | None = None
    path: str | None = None  # CSV data: the file, resolved (a saved net records it)
    # 1-D expressions: the constants x is compared with, checked as jumps beside the grid's scan
    breaks: tuple[float, ...] = ()
    jump_curve: JumpCurve | None = None  # 2-D: where f jumps, with normals (one-sided limits)

    def __post_init__(self) -> None:
        box: tuple[Any, ...] = tuple(self.box)
        if box and not isinstance(box[0], tuple | list):  # one interval (a, b)
            box = (box,)
        object.__setattr__(self, "box", tuple((i[0], i[1]) for i in box))

    @property
    def dim(self) -> int:
        """Number of inputs: 1 for f(x), 2 for f(x, y)."""
        return len(self.box)

    @property
    def domain(self) -> Interval:
        """The interval [a, b] of a target of one input (`box` holds every dimension's)."""
        if self.dim != 1:
            raise ValueError(f"{self.name!r} has {self.dim} inputs: its domain is .box")
        return self.box[0]

    def __call__(self, *coords: np.ndarray) -> np.ndarray:
        if len(coords) != self.dim:
            raise TypeError(f"target {self.name!r} takes {self.dim} inputs, got {len(coords)}")
        if self.dim == 1:
            return np.asarray(self.f(np.asarray(coords[0], dtype=float)), dtype=float)
        arrays = np.broadcast_arrays(*(np.asarray(c, dtype=float) for c in coords))
        return np.asarray(np.broadcast_to(self.f(*arrays), arrays[0].shape), dtype=float)

    def on(self, domain: Interval | Box) -> Target:
        """The same target on another box; one interval (a, b) serves every input."""
        return replace(self, box=check_box(domain, self.dim))

    def axes(self, n: int | None = None) -> tuple[np.ndarray, ...]:
        """n uniform points along each input (DENSE in 1-D, GRID2 per side in 2-D)."""
        n = (DENSE if self.dim == 1 else GRID2) if n is None else n
        return tuple(np.linspace(a, b, n) for a, b in self.box)

    def grid(self, n: int | None = None) -> np.ndarray:
        """The grid errors are measured on: n points in 1-D; in 2-D the n×n points as X, Y
        stacked, shape (2, n, n), x varying along the last axis (`t(*t.grid())`)."""
        axes = self.axes(n)
        return axes[0] if self.dim == 1 else np.stack(np.meshgrid(*axes))

    @property
    def side(self) -> np.ndarray:
        """Widths of the box along each input."""
        return np.array([b - a for a, b in self.box])

    def jumps(self, n: int = JUMP_SAMPLES) -> np.ndarray:
        """Where f jumps inside the box. 1-D: the sorted x positions. 2-D: n points of the
        known discontinuity and the unit normals there, stacked as shape (2, k, 2), so that
        `points, normals = t.jumps()`.

        1-D positions are known for named targets; CSV targets are piecewise linear and named
        targets with a derivative are smooth (none); expressions are scanned (`detect_jumps`).
        """
        if self.dim == 2:
            return np.stack(self._jump_curve(n))
        if self.jump_points is None:
            return self._detected_jumps
        a, b = self.domain
        x = np.asarray(self.jump_points(a, b), dtype=float)
        return np.sort(x[(x >= a) & (x <= b)])

    def _jump_curve(self, n: int) -> tuple[np.ndarray, np.ndarray]:
        if self.jump_curve is None:
            return np.empty((0, 2)), np.empty((0, 2))
        p, normal = self.jump_curve(n)
        (a, b), (c, d) = self.box
        inside = (p[:, 0] >= a) & (p[:, 0] <= b) & (p[:, 1] >= c) & (p[:, 1] <= d)
        return p[inside], normal[inside]

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
        found = self.jumps()
        return (found[0] if self.dim == 2 else found).size > 0 or not self.continuous

    def lipschitz(self) -> float | None:
        """max |f'| (1-D) or max |∇f| (2-D, Euclidean) over the box, exact where a derivative
        is known, else by differences; None if f jumps."""
        return self._lipschitz

    @functools.cached_property
    def _lipschitz(self) -> float | None:
        # Cached per target and domain (`on` makes a new Target): sweeps ask for it often.
        if self.dim == 2:
            return _lipschitz2d(self)
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
        """max |f''| over the domain, by differences; None where f' jumps (a kink) or in 2-D."""
        return self._curvature

    @functools.cached_property
    def _curvature(self) -> float | None:
        if self.dim != 1:
            return None
        if not self.continuous or self.samples is not None or self.jumps().size:
            return None
        coarse, fine = _max_curvature(self, 20_001), _max_curvature(self, 40_001)
        a, b = self.domain
        # a kink's second difference grows like 1/h: halving h nearly doubles it (and
        # rounding's like 1/h², which 1e299·x's range puts below the kink test)
        return None if fine > 1.5 * coarse and fine * (b - a) ** 2 > 1e3 * self._range else fine

    @property
    def lipschitz_is_exact(self) -> bool:
        """True when `lipschitz` is a bound: from the expression, or of an interpolant (1-D)."""
        return self.dim == 1 and (self.samples is not None or facts.lipschitz(self)[1] == "bound")

    def sup_norm(self) -> float:
        """max |f| over the box, on the error grid."""
        return self._sup_norm

    @functools.cached_property
    def _sup_norm(self) -> float:
        return float(np.max(np.abs(self._on_grid())))

    def _on_grid(self) -> np.ndarray:
        """f on the error grid (`grid`)."""
        return self(self.grid()) if self.dim == 1 else self(*self.grid())

    @functools.cached_property
    def _range(self) -> float:
        """max f − min f on the dense grid: the scale slopes and curvatures are judged on."""
        y = self(self.grid())
        with np.errstate(over="ignore"):
            return float(np.max(y) - np.min(y))


JUMP_CANDIDATES = 4096  # grid cells bisected for jumps, the largest rises first


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
    cand = cand[np.argsort(d[cand])[::-1][:JUMP_CANDIDATES]]
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


def _lipschitz2d(target: Target) -> float | None:
    """max |∇f| over the rectangle (Euclidean norm, by differences); None if f jumps."""
    if not target.continuous:
        return None
    coarse = _max_gradient(target, (_LIP_GRID2 - 1) // 2 + 1)
    fine = _max_gradient(target, _LIP_GRID2)
    diameter = math.hypot(*target.side)
    # A jump's difference quotient grows like 1/h: halving h nearly doubles it.
    return None if fine > 1.5 * coarse and fine * diameter > 1e3 else fine


def _max_gradient(target: Target, n: int) -> float:
    """max |∇f| by one-sided differences on an n×n grid (exact for piecewise-linear f)."""
    xs, ys = target.axes(n)
    z = target(*np.meshgrid(xs, ys))
    gx = np.diff(z, axis=1)[:-1] / np.diff(xs)
    gy = np.diff(z, axis=0)[:, :-1] / np.diff(ys)[:, None]
    return float(np.max(np.hypot(gx, gy)))


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
        Target("sin", np.sin, ((-_PI, _PI),), "sin(x)", r"$\sin x$", np.cos),
        Target("cos", np.cos, ((-_PI, _PI),), "cos(x)", r"$\cos x$", lambda x: -np.sin(x)),
        Target(
            "gaussian",
            lambda x: np.exp(-(x**2)),
            ((-3.0, 3.0),),
            "exp(-x²)",
            r"$e^{-x^2}$",
            lambda x: -2 * x * np.exp(-(x**2)),
        ),
        Target("abs", np.abs, ((-1.0, 1.0),), "|x|", r"$|x|$", np.sign),
        Target(
            "relu",
            lambda x: np.maximum(x, 0.0),
            ((-1.0, 1.0),),
            "max(0, x)",
            r"$\max(0, x)$",
            lambda x: (x > 0).astype(float),
        ),
        Target(
            "step",
            lambda x: np.heaviside(x, 0.5),
            ((-1.0, 1.0),),
            "H(x) (jump at 0)",
            r"$H(x)$",
            continuous=False,
            jump_points=lambda a, b: np.array([0.0]),
        ),
        Target(
            "triangle",
            _triangle,
            ((0.0, 3.0),),
            "triangle wave, period 1",
            r"$\mathrm{triangle}(x)$",
            _dtriangle,
        ),
        Target(
            "sawtooth",
            lambda x: x - np.floor(x),
            ((0.0, 3.0),),
            "x - floor(x) (jumps at integers)",
            r"$x - \lfloor x \rfloor$",
            continuous=False,
            jump_points=lambda a, b: _multiples(1.0, a, b),
        ),
        Target(
            "square",
            lambda x: np.sign(np.sin(2 * np.pi * x)),
            ((0.0, 2.0),),
            "sign(sin(2πx))",
            r"$\mathrm{sign}(\sin 2\pi x)$",
            continuous=False,
            jump_points=lambda a, b: _multiples(0.5, a, b),
        ),
        Target(
            "cubic",
            lambda x: x**3 - x,
            ((-1.5, 1.5),),
            "x³ - x",
            r"$x^3 - x$",
            lambda x: 3 * x**2 - 1,
        ),
        Target(
            "runge",
            lambda x: 1.0 / (1.0 + 25 * x**2),
            ((-1.0, 1.0),),
            "1/(1+25x²)",
            r"$1/(1+25x^2)$",
            lambda x: -50 * x / (1.0 + 25 * x**2) ** 2,
        ),
        Target("sinc", np.sinc, ((-6.0, 6.0),), "sin(πx)/(πx)", r"$\mathrm{sinc}\,x$", _dsinc),
        Target(
            "nielsen",
            _nielsen,
            ((0.0, 1.0),),
            "0.2 + 0.4x² + 0.3x·sin(15x) + 0.05·cos(50x)",
            r"$0.2 + 0.4x^2 + 0.3x\sin 15x + 0.05\cos 50x$",
            _dnielsen,
        ),
    ]
}

# Telgarsky's tent composed k times on [0, 1] (uat.core.deep): 2^k linear pieces, no jumps
TARGETS |= {
    f"tent{k}": Target(
        f"tent{k}",
        functools.partial(lambda x, k: _deep_tent(x, k), k=k),
        ((0.0, 1.0),),
        f"tent composed {k} times",
        rf"$\mathrm{{tent}}^{{{k}}}(x)$",
        jump_points=lambda a, b: np.empty(0),
    )
    for k in range(1, 13)
}


def _deep_tent(x: np.ndarray, k: int) -> np.ndarray:
    """2·min(a, 1 − a), k times: `uat.core.deep.tent`, whose nets need not be imported here."""
    for _ in range(k):
        x = 2.0 * np.minimum(x, 1.0 - x)
    return x


# -- targets of two inputs -------------------------------------------------------------------


def _gaussian2d(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    return np.exp(-(x**2 + y**2))


def _ripple(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    return np.sinc(np.hypot(x, y) / np.pi)  # sin(r)/r, 1 at r = 0


_TOWER_HALF = 0.5  # the tower is 1 on [-½, ½]², 0 elsewhere
_DISC_RADIUS = 0.6


def _tower(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    return ((np.abs(x) < _TOWER_HALF) & (np.abs(y) < _TOWER_HALF)).astype(float)


def _tower_edges(n: int) -> tuple[np.ndarray, np.ndarray]:
    t = np.linspace(-_TOWER_HALF, _TOWER_HALF, max(1, n // 4) + 2)[1:-1]  # corners: no side
    h = np.full_like(t, _TOWER_HALF)
    points = np.concatenate([np.c_[h, t], np.c_[-h, t], np.c_[t, h], np.c_[t, -h]])
    one, zero = np.ones_like(t), np.zeros_like(t)
    normals = np.concatenate([np.c_[one, zero], np.c_[-one, zero], np.c_[zero, one]])
    return points, np.concatenate([normals, np.c_[zero, -one]])


def _disc(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    return np.where(x**2 + y**2 < _DISC_RADIUS**2, 1.0, 0.25 * x)  # a jump of height ≈ 1


def _disc_edge(n: int) -> tuple[np.ndarray, np.ndarray]:
    theta = np.linspace(0.0, 2 * np.pi, n, endpoint=False)
    normals = np.c_[np.cos(theta), np.sin(theta)]
    return _DISC_RADIUS * normals, normals


_SQUARE1: Box = ((-1.0, 1.0), (-1.0, 1.0))

TARGETS2D: dict[str, Target] = {
    t.name: t
    for t in [
        Target(
            "gaussian2d", _gaussian2d, ((-2.0, 2.0), (-2.0, 2.0)), "exp(-(x²+y²))",
            r"$e^{-(x^2+y^2)}$",
        ),
        Target("saddle", lambda x, y: x**2 - y**2, _SQUARE1, "x² - y²", r"$x^2 - y^2$"),
        Target(
            "ripple", _ripple, ((-10.0, 10.0), (-10.0, 10.0)), "sin(r)/r, r = √(x²+y²)",
            r"$\sin r / r$",
        ),
        Target(
            "tower", _tower, _SQUARE1, "1 on [-½, ½]², 0 elsewhere (jumps on the square)",
            r"$1_{[-1/2,\,1/2]^2}$", continuous=False, jump_curve=_tower_edges,
        ),
        Target(
            "disc", _disc, _SQUARE1, "1 inside r < 0.6, x/4 outside (a jump on the circle)",
            r"$1_{r<0.6} + \frac{x}{4}1_{r\geq 0.6}$", continuous=False, jump_curve=_disc_edge,
        ),
    ]
}  # fmt: skip
NAMED: dict[str, Target] = TARGETS | TARGETS2D  # every named target, of either dimension


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


def check_box(domain: Interval | Box, dim: int) -> Box:
    """Validate a box of `dim` intervals; one interval (a, b) serves every input."""
    items: tuple[object, ...] = tuple(domain) if isinstance(domain, tuple | list) else ()
    if len(items) == 2 and not isinstance(items[0], tuple | list):
        items = (items,) * dim
    if len(items) != dim or not all(isinstance(i, tuple | list) and len(i) == 2 for i in items):
        intervals = "an interval [a, b]" if dim == 1 else f"{dim} intervals [[a, b], [c, d]]"
        raise UatError(f"the domain is {intervals}, got {domain!r:.80}", param="domain")
    return tuple(check_domain((i[0], i[1])) for i in items)  # type: ignore[index]


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


def get_target(spec: str, domain: Interval | Box | None = None, dim: int | None = None) -> Target:
    """Resolve TARGET text of one or two inputs: a named target, a CSV file of samples
    (x,y or x,y,z), or an expression in x (and y); `domain` as in `Target.on`.

    The text decides the number of inputs (`target_dim`) unless `dim` is given: then an
    expression is a function of that many inputs ("sin(x)" as a surface constant in y), and
    a name or CSV of another dimension is refused.
    """
    spec = spec.strip()
    if not spec:
        raise UatError("empty target: give a name (see `uat targets`), an expression or a CSV")
    if spec.startswith("expr:"):
        target = _expression_target(spec[len("expr:") :].strip(), dim)
    elif spec in NAMED:
        target = NAMED[spec]
    elif (path := csv_path(spec)) is not None:
        target = csv_target(path)
    else:
        target = _expression_target(spec, dim)
    if dim is not None and target.dim != dim:
        inputs = {1: "one input (x)", 2: "two inputs (x and y)"}
        raise UatError(
            f"{target.name!r} is a target of {inputs[target.dim]}; this takes targets of "
            f"{inputs.get(dim, f'{dim} inputs')}",
            param="target",
        )
    if domain is not None:
        target = target.on(domain)
    check_finite(target)
    return target


def target_dim(text: str) -> int:
    """The number of inputs of TARGET text, without building it: 2 for a 2-D name, a CSV of 3+
    columns or an expression using y; else 1."""
    spec = text.strip()
    if spec in NAMED:
        return NAMED[spec].dim
    if (path := csv_path(spec)) is not None:
        return 2 if _csv_columns(Path(path)) >= 3 else 1
    return 2 if _mentions_y(spec.removeprefix("expr:")) else 1


def _mentions_y(spec: str) -> bool:
    """Whether an expression is in x and y (a typo elsewhere still counts its y)."""
    from uat.core.expr import mentions_y

    try:
        return mentions_y(spec)
    except UatError:  # not valid in x and y: the reader of the variables it names says why
        return re.search(r"(?<![\w.])y(?![\w(])", spec) is not None


def _csv_columns(path: Path) -> int:
    """Fields on the first data or header line of a CSV (0 if it cannot be read: the reader
    of the 1-D samples then names the fault, a FIFO or a device never read)."""
    from uat.io import read_lines_limited

    try:
        lines = read_lines_limited(path, int(LIMITS["csv_bytes"].high), "CSV file", "csv_bytes")
        for line in lines:
            text = line.strip()
            if text and not text.startswith("#"):
                return len([f for f in re.split(r"[,;\t ]+", text) if f])
    except UatError:
        pass
    return 0


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
    """A target interpolating a CSV file's samples linearly: x,y samples as a curve (constant
    beyond the ends), x,y,z samples (3 or more columns) as a surface (`_csv_surface`)."""
    from uat.core.data import load_csv

    if _csv_columns(Path(path)) >= 3:
        return _csv_surface(path)
    xs, ys = load_csv(path)
    name = Path(path).name
    # the samples' span must be a usable interval, like any --domain
    domain = check_domain((float(xs[0]), float(xs[-1])), f"the x range of {name}")

    def f(x: np.ndarray) -> np.ndarray:
        return np.asarray(np.interp(np.asarray(x, dtype=float), xs, ys), dtype=float)

    return Target(
        name=name,
        f=f,
        box=(domain,),
        formula=f"samples from {name} ({len(xs)} points)",
        label=name.replace("$", r"\$"),
        df=None,
        continuous=True,
        samples=(xs, ys),
        path=str(Path(path).resolve()),
    )


def _csv_surface(path: str | os.PathLike[str]) -> Target:
    """x,y,z samples interpolated linearly: bilinear on a full grid, else on triangles."""
    from uat.core.data import load_csv_xyz

    x, y, z = load_csv_xyz(path)
    name = Path(path).name
    xs, ys = np.unique(x), np.unique(y)
    gridded = xs.size * ys.size == x.size and xs.size >= 2 and ys.size >= 2
    f = _grid_interpolant(x, y, z, xs, ys) if gridded else _scattered_interpolant(x, y, z, name)
    kind = f"{xs.size}×{ys.size} grid" if gridded else f"{x.size} scattered points"
    return Target(
        name=name,
        f=f,
        box=check_box(((x.min(), x.max()), (y.min(), y.max())), 2),
        formula=f"samples from {name} ({kind})",
        label=name.replace("$", r"\$"),
        samples=(x, y, z),
        path=str(Path(path).resolve()),
    )


def _grid_interpolant(
    x: np.ndarray, y: np.ndarray, z: np.ndarray, xs: np.ndarray, ys: np.ndarray
) -> Fn:
    from scipy.interpolate import RegularGridInterpolator

    values = np.empty((xs.size, ys.size))
    values[np.searchsorted(xs, x), np.searchsorted(ys, y)] = z
    interp = RegularGridInterpolator((xs, ys), values, bounds_error=False, fill_value=None)

    def f(u: np.ndarray, v: np.ndarray) -> np.ndarray:
        u = np.clip(u, xs[0], xs[-1])  # constant beyond the sampled rectangle, as in 1-D
        v = np.clip(v, ys[0], ys[-1])
        return np.asarray(interp(np.stack([u, v], axis=-1)), dtype=float)

    return f


def _scattered_interpolant(x: np.ndarray, y: np.ndarray, z: np.ndarray, name: str) -> Fn:
    from scipy.interpolate import LinearNDInterpolator, NearestNDInterpolator
    from scipy.spatial import QhullError

    points = np.c_[x, y]
    try:
        linear = LinearNDInterpolator(points, z)
    except (QhullError, ValueError):
        raise UatError(
            f"CSV file '{name}': the x,y points lie on a line; a surface needs points that span "
            "an area"
        ) from None
    nearest = NearestNDInterpolator(points, z)

    def f(u: np.ndarray, v: np.ndarray) -> np.ndarray:
        z_in = np.asarray(linear(u, v), dtype=float)
        outside = np.isnan(z_in)  # beyond the convex hull: the nearest sample
        if outside.any():
            z_in[outside] = nearest(u[outside], v[outside])
        return z_in

    return f


def _expression_target(spec: str, dim: int | None = None) -> Target:
    """An expression in x, or in x and y when it uses y or `dim` is 2 (on [-1, 1] or
    [-1, 1]²)."""
    from uat.core.expr import (
        ALLOWED_NAMES,
        comparison_points,
        compile_expression,
        compile_expression2d,
        to_mathtext,
    )

    if spec.isidentifier() and spec not in ALLOWED_NAMES | {"x", "y"}:
        close = difflib.get_close_matches(spec, list(NAMED), n=1, cutoff=0.5)
        hint = f"; did you mean {close[0]!r}?" if close else "; `uat targets` lists them"
        raise UatError(f"unknown target {spec!r}{hint}")
    # As maths in figures (x**2*sin(5*x) as x²·sin(5x)); what has no notation stays as typed.
    if dim == 2 or (dim is None and _mentions_y(spec)):
        return Target(spec, compile_expression2d(spec), _SQUARE1, spec, to_mathtext(spec))
    f = compile_expression(spec)
    breaks = tuple(comparison_points(spec))
    return Target(spec, f, ((-1.0, 1.0),), spec, to_mathtext(spec), breaks=breaks)


def check_finite(target: Target) -> None:
    """Refuse a target that is not finite everywhere on its error grid, naming where."""
    grid = target.grid()
    with np.errstate(all="ignore"):
        try:
            y = target._on_grid()
        except (ValueError, TypeError, FloatingPointError) as exc:
            raise UatError(f"cannot evaluate {target.name!r}: {exc}") from None
    shape = grid.shape if target.dim == 1 else grid.shape[1:]
    bad, what = out_of_range(np.broadcast_to(y, shape))
    if not bad.any():
        return
    i = np.unravel_index(np.argmax(bad), bad.shape)
    more = int(bad.sum()) - 1
    extra = f" (and at {more} more grid points)" if more else ""
    if target.dim == 1:
        (a, b), first = target.domain, float(grid[i])
        where = f"x = {first:.6g}{extra} on [{a:g}, {b:g}]"
    else:
        where = f"(x, y) = ({grid[0][i]:.6g}, {grid[1][i]:.6g}){extra}"
    raise UatError(
        f"{target.name!r} is {what} at {where}; choose another domain or rescale it",
        param="domain",
    )


def out_of_range(y: np.ndarray) -> tuple[np.ndarray, str]:
    """Where |y| exceeds the `value_abs` limit (NaN and ±inf too), and what the first is."""
    big = LIMITS["value_abs"].high
    with np.errstate(all="ignore"):
        bad = ~(np.abs(y) <= big)
    first = y.flat[int(np.argmax(bad))] if bad.any() else 0.0
    return bad, "not finite" if not np.isfinite(first) else f"beyond ±{big:g}"
