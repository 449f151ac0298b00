"""Targets of two inputs: named surfaces, safe expressions in x and y, and CSV x,y,z samples."""

from __future__ import annotations

import difflib
import functools
import math
import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

from uat.core.targets import check_domain, out_of_range, parse_domain
from uat.errors import UatError

Fn2 = Callable[[np.ndarray, np.ndarray], np.ndarray]
Domain2 = tuple[tuple[float, float], tuple[float, float]]
# Points on a discontinuity and the unit normals there, n of them: (points (n, 2), normals).
JumpCurve = Callable[[int], tuple[np.ndarray, np.ndarray]]
GRID2 = 201  # points per side of the 2-D error grid (40,401 points; peaks are refined off it)
_LIP_GRID = 801  # points per side for the Lipschitz constant by differences
JUMP_SAMPLES = 4000  # points taken along a known discontinuity, each seen from both sides


@dataclass(frozen=True)
class Target2D:
    """A function of (x, y) to approximate on a rectangle, with what is known about it."""

    name: str
    f: Fn2
    domain: Domain2  # ((a, b), (c, d)): x in [a, b], y in [c, d]
    formula: str  # plain text, for tables
    label: str  # matplotlib mathtext, for figures
    continuous: bool = True
    samples: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None  # CSV data: x, y, z
    jump_curve: JumpCurve | None = None  # where f jumps, with normals (for one-sided limits)
    path: str | None = None  # CSV data: the file, resolved (a saved net records it)
    dim = 2  # inputs (a class attribute, not a field)

    def __call__(self, x: np.ndarray, y: np.ndarray) -> np.ndarray:
        xs, ys = np.broadcast_arrays(np.asarray(x, dtype=float), np.asarray(y, dtype=float))
        return np.asarray(np.broadcast_to(self.f(xs, ys), xs.shape), dtype=float)

    def on(self, domain: Domain2) -> Target2D:
        """The same target on another rectangle."""
        return replace(self, domain=check_domain2d(domain))

    def axes(self, n: int = GRID2) -> tuple[np.ndarray, np.ndarray]:
        """n uniform points along x and along y."""
        (a, b), (c, d) = self.domain
        return np.linspace(a, b, n), np.linspace(c, d, n)

    def grid(self, n: int = GRID2) -> tuple[np.ndarray, np.ndarray]:
        """The n×n grid as two (n, n) arrays X, Y, x varying along the second axis."""
        xs, ys = self.axes(n)
        return np.meshgrid(xs, ys)

    @property
    def side(self) -> tuple[float, float]:
        """Widths of the rectangle along x and y."""
        (a, b), (c, d) = self.domain
        return b - a, d - c

    def jumps(self, n: int = JUMP_SAMPLES) -> tuple[np.ndarray, np.ndarray]:
        """Points of the known discontinuity inside the domain and the unit normals there."""
        if self.jump_curve is None:
            return np.empty((0, 2)), np.empty((0, 2))
        p, normal = self.jump_curve(n)
        (a, b), (c, d) = self.domain
        inside = (p[:, 0] >= a) & (p[:, 0] <= b) & (p[:, 1] >= c) & (p[:, 1] <= d)
        return p[inside], normal[inside]

    def lipschitz(self) -> float | None:
        """max |∇f| over the rectangle (Euclidean norm, by differences); None if f jumps."""
        return self._lipschitz

    @functools.cached_property
    def _lipschitz(self) -> float | None:
        if not self.continuous:
            return None
        coarse, fine = _max_gradient(self, (_LIP_GRID - 1) // 2 + 1), _max_gradient(self, _LIP_GRID)
        diameter = math.hypot(*self.side)
        # A jump's difference quotient grows like 1/h: halving h nearly doubles it.
        return None if fine > 1.5 * coarse and fine * diameter > 1e3 else fine

    def sup_norm(self) -> float:
        """max |f| over the rectangle, on the error grid."""
        return self._sup_norm

    @functools.cached_property
    def _sup_norm(self) -> float:
        return float(np.max(np.abs(self(*self.grid()))))


def _max_gradient(target: Target2D, n: int) -> float:
    """max |∇f| by one-sided differences on an n×n grid (exact for piecewise-linear f)."""
    xs, ys = target.axes(n)
    z = target(*np.meshgrid(xs, ys))
    gx = np.diff(z, axis=1)[:-1] / np.diff(xs)
    gy = np.diff(z, axis=0)[:, :-1] / np.diff(ys)[:, None]
    return float(np.max(np.hypot(gx, gy)))


def check_domain2d(domain: Domain2) -> Domain2:
    """Validate a rectangle: two finite, non-empty, increasing intervals."""
    try:
        (a, b), (c, d) = domain
    except (TypeError, ValueError):
        raise UatError(f"a 2-D domain is two intervals [[a, b], [c, d]], got {domain!r}") from None
    return check_domain((a, b)), check_domain((c, d))


def parse_domain2d(xtext: str, ytext: str | None = None) -> Domain2:
    """Parse --domain 'A,B' and --ydomain 'C,D'; one interval serves both axes if y is None."""
    xdom = parse_domain(xtext)
    return xdom, xdom if ytext is None else parse_domain(ytext)


# -- named targets -------------------------------------------------------------------------


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


_SQUARE1 = ((-1.0, 1.0), (-1.0, 1.0))

TARGETS2D: dict[str, Target2D] = {
    t.name: t
    for t in [
        Target2D(
            "gaussian2d", _gaussian2d, ((-2.0, 2.0), (-2.0, 2.0)), "exp(-(x²+y²))",
            r"$e^{-(x^2+y^2)}$",
        ),
        Target2D("saddle", lambda x, y: x**2 - y**2, _SQUARE1, "x² - y²", r"$x^2 - y^2$"),
        Target2D(
            "ripple", _ripple, ((-10.0, 10.0), (-10.0, 10.0)), "sin(r)/r, r = √(x²+y²)",
            r"$\sin r / r$",
        ),
        Target2D(
            "tower", _tower, _SQUARE1, "1 on [-½, ½]², 0 elsewhere (jumps on the square)",
            r"$1_{[-1/2,\,1/2]^2}$", continuous=False, jump_curve=_tower_edges,
        ),
        Target2D(
            "disc", _disc, _SQUARE1, "1 inside r < 0.6, x/4 outside (a jump on the circle)",
            r"$1_{r<0.6} + \frac{x}{4}1_{r\geq 0.6}$", continuous=False, jump_curve=_disc_edge,
        ),
    ]
}  # fmt: skip


# -- resolving TARGET text -----------------------------------------------------------------


def get_target2d(spec: str, domain: Domain2 | None = None) -> Target2D:
    """Resolve TARGET text of two inputs: a named surface, an x,y,z CSV, or an expression."""
    spec = spec.strip()
    if not spec:
        raise UatError("empty target: give a 2-D name, an expression in x and y, or a CSV")
    from uat.core.targets import csv_path

    if spec.startswith("expr:"):
        target = _expression_target2d(spec.removeprefix("expr:").strip())
    elif spec in TARGETS2D:
        target = TARGETS2D[spec]
    elif (path := csv_path(spec)) is not None:  # the 1-D rule: .csv, .txt or file:PATH
        target = csv_target2d(path)
    else:
        target = _expression_target2d(spec)
    if domain is not None:
        target = target.on(domain)
    check_finite2d(target)
    return target


def _expression_target2d(spec: str) -> Target2D:
    from uat.core.expr import ALLOWED_NAMES, compile_expression2d, to_mathtext

    if spec.isidentifier() and spec not in ALLOWED_NAMES | {"y"}:
        close = difflib.get_close_matches(spec, list(TARGETS2D), n=1, cutoff=0.5)
        known = ", ".join(TARGETS2D)
        hint = f"; did you mean {close[0]!r}?" if close else f"; 2-D targets: {known}"
        raise UatError(f"unknown 2-D target {spec!r}{hint}")
    f = compile_expression2d(spec)
    return Target2D(spec, f, _SQUARE1, spec, to_mathtext(spec))  # titles as maths


def csv_target2d(path: str | Path) -> Target2D:
    """A target interpolating x,y,z samples linearly: bilinear on a full grid, else triangles."""
    from uat.core.data import load_csv_xyz

    x, y, z = load_csv_xyz(path)
    name = Path(path).name
    xs, ys = np.unique(x), np.unique(y)
    gridded = xs.size * ys.size == x.size and xs.size >= 2 and ys.size >= 2
    f = _grid_interpolant(x, y, z, xs, ys) if gridded else _scattered_interpolant(x, y, z, name)
    kind = f"{xs.size}×{ys.size} grid" if gridded else f"{x.size} scattered points"
    return Target2D(
        name=name,
        f=f,
        domain=check_domain2d(((x.min(), x.max()), (y.min(), y.max()))),
        formula=f"samples from {name} ({kind})",
        label=name.replace("$", r"\$"),
        samples=(x, y, z),
        path=str(Path(path).resolve()),
    )


def _grid_interpolant(
    x: np.ndarray, y: np.ndarray, z: np.ndarray, xs: np.ndarray, ys: np.ndarray
) -> Fn2:
    from scipy.interpolate import RegularGridInterpolator

    values = np.empty((xs.size, ys.size))
    values[np.searchsorted(xs, x), np.searchsorted(ys, y)] = z
    interp = RegularGridInterpolator((xs, ys), values, bounds_error=False, fill_value=None)

    def f(u: np.ndarray, v: np.ndarray) -> np.ndarray:
        u = np.clip(u, xs[0], xs[-1])  # constant beyond the sampled rectangle, as in 1-D
        v = np.clip(v, ys[0], ys[-1])
        return np.asarray(interp(np.stack([u, v], axis=-1)), dtype=float)

    return f


def _scattered_interpolant(x: np.ndarray, y: np.ndarray, z: np.ndarray, name: str) -> Fn2:
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


def check_finite2d(target: Target2D) -> None:
    """Refuse a target that is not finite everywhere on its grid, naming where."""
    x, y = target.grid()
    with np.errstate(all="ignore"):
        try:
            z = target(x, y)
        except (ValueError, TypeError, FloatingPointError) as exc:
            raise UatError(f"cannot evaluate {target.name!r}: {exc}") from None
    bad, what = out_of_range(np.broadcast_to(z, x.shape))
    if bad.any():
        i = np.unravel_index(np.argmax(bad), bad.shape)
        more = int(bad.sum()) - 1
        extra = f" (and at {more} more grid points)" if more else ""
        raise UatError(
            f"{target.name!r} is {what} at (x, y) = ({x[i]:.6g}, {y[i]:.6g}){extra}; "
            "choose another domain or rescale it",
            param="domain",
        )


# -- which kind of input a command was given (the CLI decides 1-D or 2-D by these) -------


def is_target2d(text: str) -> bool:
    """True when TARGET text is a surface: a 2-D name, a CSV of 3+ columns, or uses y."""
    from uat.core.expr import mentions_y
    from uat.core.targets import TARGETS, csv_path

    spec = text.strip()
    if spec in TARGETS2D:
        return True
    if spec in TARGETS:
        return False
    if (path := csv_path(spec)) is not None:
        return _csv_columns(Path(path)) >= 3
    spec = spec.removeprefix("expr:")
    try:
        return mentions_y(spec)
    except UatError:  # not valid in x and y: the reader of the variables it names says why
        return re.search(r"(?<![\w.])y(?![\w(])", spec) is not None


def _csv_columns(path: Path) -> int:
    """Fields on the first data or header line of a CSV (0 if it cannot be read: the reader
    of the 1-D samples then names the fault, a FIFO or a device never read)."""
    from uat.io import read_lines_limited
    from uat.settings import LIMITS

    try:
        lines = read_lines_limited(path, int(LIMITS["csv_bytes"].high), "CSV file", "csv_bytes")
        for line in lines:
            text = line.strip()
            if text and not text.startswith("#"):
                return len([f for f in re.split(r"[,;\t ]+", text) if f])
    except UatError:
        pass
    return 0


def network_inputs(path: str | Path) -> int:
    """Inputs of a saved network by its format tag: 2 for a 2-input uat-network/2, else 1."""
    import json

    from uat.io import read_text_limited
    from uat.settings import LIMITS

    try:  # never blocks on a FIFO nor reads /dev/zero: regular files under the limit only
        d = json.loads(read_text_limited(path, int(LIMITS["file_bytes"].high), "network"))
    except (UatError, ValueError, RecursionError):
        return 1  # the reader of either format names the fault
    two = isinstance(d, dict) and d.get("format") == "uat-network/2" and d.get("inputs") == 2
    return 2 if two else 1
