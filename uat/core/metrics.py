"""Errors: the sup refined beyond a uniform grid, the grid RMSE, and the bounds beside them."""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from uat.core.targets import DENSE, GRID2, Target
from uat.errors import UatError

if TYPE_CHECKING:
    from uat.core.network import ShallowNet


_CELL_SAMPLES = 33  # points across the two grid cells around a grid maximum (h/16 apart)
_EDGE_SAMPLES = 17  # points across a network breakpoint, at two scales
_REFINED_CELLS = 20_000  # grid maxima refined, largest first
_ZOOM_CENTRES = 32  # best points zoomed into
_ZOOM_LEVELS = 10  # each narrows the bracket 4×: h/16 → h/16/4^10
_SMOOTH = ("sigmoid", "tanh", "softplus")  # activations without a kink or a jump
_ROUNDING_ULPS = 16  # a sup at most this many ulps of max|f| is float rounding
# The RMSE's grid holds at least this many points a bump (or a trained neuron): 5,000 bumps
# on 10,001 points sampled only their edges and centres, and gaussian's RMSE at N = 10,000
# read 2.3e-7 for a true 1.2e-4. 16 a bump is a composite rule within a few % of the integral.
RMSE_PER_UNIT = 16
RMSE_GRID_CAP = 400_001  # points: a 400,000-bump RMSE grid is 3.2 MB a curve


def rmse_points(units: int, n: int = DENSE) -> int:
    """Points of the RMSE's uniform grid for a net of `units` bumps (or trained neurons)."""
    return max(n, min(RMSE_PER_UNIT * units + 1, RMSE_GRID_CAP))


@dataclass(frozen=True)
class Errors:
    """Sup error (the ε of the theorem, refined beyond the grid) and grid RMSE of an approximation.

    `sup` is the largest |error| found: on the grid, then refined around the grid's local
    maxima, both sides of the target's jumps and the network's breakpoints (`errors`).
    `rmse` is a grid quantity: the root mean square over the `grid` uniform points (10,001,
    or 16 a bump of the net where it has more than 625 bumps).
    """

    sup: float
    rmse: float
    at: float | tuple[float, float]  # where the sup error occurs: x, or (x, y)
    grid: int  # uniform grid points (per side, over the plane) of the RMSE
    grid_sup: float | None = None  # the largest |error| on the grid points alone
    found_by: str = "grid"  # grid, local maximum, jump, breakpoint, zoom
    rounding: bool = False  # the sup is within a few ulps of max|f|: float rounding

    @property
    def grid_points(self) -> int:
        """Points of the RMSE's grid: `grid`, or grid² over the plane."""
        return self.grid**2 if isinstance(self.at, tuple) else self.grid

    def as_dict(self) -> dict[str, object]:
        """The numbers, JSON-ready."""
        return {
            "sup_error": self.sup,
            "rmse": self.rmse,
            "sup_at": list(self.at) if isinstance(self.at, tuple) else self.at,
            "grid": self.grid,
            "grid_points": self.grid_points,
            "rmse_on": f"uniform grid of {self.grid_points} points",
            "sup_error_on_grid": self.grid_sup,
            "sup_found_by": self.found_by,
            "float_rounding": self.rounding,
        }


def errors(
    approx: Callable[..., np.ndarray],
    target: Target,
    n: int | None = None,
    *,
    net: ShallowNet | None = None,
    refine: bool = True,
) -> Errors:
    """Sup error and RMSE of `approx` against `target`; the sup refined beyond the grid.

    Parameters
    ----------
    approx : the approximation; a `ShallowNet` also lends its breakpoints (as `net` does).
    target : the function and interval.
    n : points of the uniform grid (the RMSE is measured on it alone): DENSE on an interval;
        per side (GRID2) over a rectangle, where the sup is refined around the grid's peaks,
        across the net's step lines and at both sides of jumps.
    net : the network behind `approx`, whose breakpoints s = −b/w are refined around.
    refine : False for the grid alone.
    """
    from uat.core.network import ShallowNet

    if target.dim == 2:
        return _plane_errors(approx, target, GRID2 if n is None else n)
    n = DENSE if n is None else n
    if net is None and isinstance(approx, ShallowNet):
        net = approx
    if net is not None and refine:  # never fewer than RMSE_PER_UNIT points a bump (or neuron)
        n = rmse_points(net.n_neurons // max(net.group, 1), n)
    x = target.grid(n)
    with np.errstate(all="ignore"):
        ya, yt = np.asarray(approx(x), dtype=float), target(x)
    e = _checked(ya, yt, x, target.name)
    i = int(np.argmax(e))
    grid_sup = float(e[i])
    rmse = grid_sup * float(np.sqrt(np.mean((e / grid_sup) ** 2))) if grid_sup > 0 else 0.0
    sup, at, found = grid_sup, float(x[i]), "grid"
    if refine and n > 1:
        sup, at, found = _refine(approx, target, x, e, net)
        if sup <= grid_sup:
            sup, at, found = grid_sup, float(x[i]), "grid"
    scale = float(max(np.max(np.abs(yt)), np.max(np.abs(ya))))
    rounding = sup <= _ROUNDING_ULPS * np.finfo(float).eps * scale
    return Errors(sup, rmse, at, n, grid_sup, found, bool(rounding))


def _abs_error(
    approx: Callable[[np.ndarray], np.ndarray], target: Target, x: np.ndarray
) -> np.ndarray:
    """|approx − target| at x, refusing a non-finite value."""
    with np.errstate(all="ignore"):
        return _checked(np.asarray(approx(x), dtype=float), target(x), x, target.name)


def _checked(ya: np.ndarray, yt: np.ndarray, x: np.ndarray, name: str) -> np.ndarray:
    """|ya − yt| at x, or a UatError naming where the target or the network is not finite."""
    from uat.errors import UatError

    if not np.all(np.isfinite(yt)):  # between grid points: a pole the grid stepped over
        bad = float(x[np.argmax(~np.isfinite(yt))])
        raise UatError(
            f"{name!r} is not finite at x = {bad:.6g}; choose another domain", param="domain"
        )
    e = np.abs(ya - yt)
    if not np.all(np.isfinite(e)):
        bad = float(x[np.argmax(~np.isfinite(e))])
        raise UatError(
            f"the network's output is not finite at x = {bad:.6g}: its weights overflow; "
            "try a smaller steepness or a narrower domain",
            param="steepness",
        )
    return e


def _refine(
    approx: Callable[[np.ndarray], np.ndarray],
    target: Target,
    x: np.ndarray,
    e: np.ndarray,
    net: ShallowNet | None,
) -> tuple[float, float, str]:
    """The largest |error| at candidate points beyond the grid, zoomed: (sup, where, how)."""
    a, b = target.domain
    h = float(x[1] - x[0])
    sources = {
        "local maximum": _around_grid_maxima(x, e, h),
        "jump": _beside(target.jumps(), h, a, b),
        "breakpoint": np.empty(0) if net is None else _around_breakpoints(net, h, a, b),
    }
    names = list(sources)
    pts = np.clip(np.concatenate([sources[k] for k in names]), a, b)
    label = np.repeat(np.arange(len(names)), [sources[k].size for k in names])
    if pts.size == 0:
        return -math.inf, math.nan, "grid"
    err = _abs_error(approx, target, pts)
    best = int(np.argmax(err))
    sup, at, found = float(err[best]), float(pts[best]), names[label[best]]
    # zoom into the best distinct candidates (grid points included)
    allx, alle = np.concatenate([x, pts]), np.concatenate([e, err])
    order = np.argsort(alle)[::-1][: 4 * _ZOOM_CENTRES]
    ux, first = np.unique(allx[order], return_index=True)
    top = ux[np.argsort(alle[order][first])[::-1][:_ZOOM_CENTRES]]
    zx, ze = _zoom(approx, target, top, h / (_CELL_SAMPLES // 2), a, b)
    if ze > sup:
        sup, at, found = ze, zx, "zoom"
    return sup, at, found


def _around_grid_maxima(x: np.ndarray, e: np.ndarray, h: float) -> np.ndarray:
    """Dense points across the two cells around each local maximum of the grid error."""
    pad = np.concatenate([[-np.inf], e, [-np.inf]])
    peaks = np.flatnonzero((e >= pad[:-2]) & (e >= pad[2:]))
    peaks = peaks[np.argsort(e[peaks])[::-1][:_REFINED_CELLS]]
    offsets = np.linspace(-h, h, _CELL_SAMPLES)
    return (x[peaks, None] + offsets).ravel()


def _beside(points: np.ndarray, h: float, a: float, b: float, far: bool = True) -> np.ndarray:
    """Points beside each x: a few ulps out (one-sided limits); if `far`, a ladder to 2 cells."""
    points = points[(points >= a - h) & (points <= b + h)]
    if points.size == 0:
        return np.empty(0)
    ulp = np.spacing(np.maximum(np.abs(points), max(abs(a), abs(b))))
    own = np.spacing(np.abs(points))  # the very next floats: a step neuron at s = −b/w
    # can still be off one float past a jump at 0.2 (w·x + b rounds below 0 there)
    d = np.concatenate(
        [np.array([1.0, 2.0, 4.0, 16.0])[None, :] * ulp[:, None],
         np.array([1.0, 2.0, 3.0])[None, :] * own[:, None]],
        axis=1,
    )  # fmt: skip
    if far:
        ladder = np.geomspace(1e-12 * (b - a), 2 * h, 40)[None, :]
        d = np.concatenate([d, np.broadcast_to(ladder, (points.size, ladder.size))], axis=1)
    return np.concatenate([points, (points[:, None] - d).ravel(), (points[:, None] + d).ravel()])


def _around_breakpoints(net: ShallowNet, h: float, a: float, b: float) -> np.ndarray:
    """Points across each breakpoint s = −b/w of the net: over a grid cell and its transition."""
    with np.errstate(all="ignore"):
        s = net.step_positions
        width = 8.0 / np.abs(net.w)  # the transition of act(w·(x − s)) is a few 1/|w| wide
    # a smooth neuron wider than a grid cell (|w|·h < 1) is resolved by the grid already;
    # step and relu break at any w
    sharp = np.abs(net.w) * h >= 1 if net.activation in _SMOOTH else True
    keep = np.isfinite(s) & (s >= a - h) & (s <= b + h) & sharp
    s, width = s[keep], np.minimum(width[keep], h)
    s, first = np.unique(s, return_index=True)  # bump pairs share their edges
    width = width[first]
    t = np.linspace(-1.0, 1.0, _EDGE_SAMPLES)
    cell = s[:, None] + h * t
    transition = s[:, None] + width[:, None] * t
    return np.concatenate([cell.ravel(), transition.ravel(), _beside(s, h, a, b, far=False)])


def _zoom(
    approx: Callable[[np.ndarray], np.ndarray],
    target: Target,
    centres: np.ndarray,
    radius: float,
    a: float,
    b: float,
) -> tuple[float, float]:
    """Vectorised bracketing: 9 points across ±radius of each centre, narrowing 4× a level."""
    c, r = centres.copy(), radius
    t = np.linspace(-1.0, 1.0, 9)
    best_x, best_e = math.nan, -math.inf
    for _ in range(_ZOOM_LEVELS):
        pts = np.clip(c[:, None] + r * t, a, b)
        err = _abs_error(approx, target, pts.ravel()).reshape(pts.shape)
        j = np.argmax(err, axis=1)
        c = pts[np.arange(c.size), j]
        k = int(np.argmax(err.max(axis=1)))
        if err[k, j[k]] > best_e:
            best_x, best_e = float(c[k]), float(err[k, j[k]])
        r /= 4
    return best_x, best_e


def bump_bound(target: Target, n_neurons: int) -> float | None:
    """L·Δ/2: the sup error of N/2 exact-step bumps with minimax or centre heights.

    None where f jumps, where L is not a proved bound (an estimate from samples), or where
    the bound overflows double precision (e.g. exp(709x)).
    """
    lip = target.lipschitz()
    if (
        lip is None or not target.lipschitz_is_exact or n_neurons < 2
    ):  # fewer than one bump: no construction to bound
        return None
    a, b = target.domain
    return _finite(lip * ((b - a) / (n_neurons // 2)) / 2)


def ramp_bound(target: Target, n_neurons: int) -> float | None:
    """Δ²·max|f″|/8: the sup error of the piecewise-linear interpolant on N/2 segments.

    None where f″ does not exist everywhere or where the bound overflows double precision.
    """
    curv = target.curvature()
    if curv is None or n_neurons < 2:
        return None
    a, b = target.domain
    delta = (b - a) / (n_neurons // 2)
    return _finite(delta**2 * curv / 8)


def _finite(value: float) -> float | None:
    """The value, or None where it is not a finite number (an overflowed bound is no bound)."""
    with np.errstate(all="ignore"):
        value = float(value)
    return value if math.isfinite(value) else None


def bound_reason(
    target: Target,
    n_neurons: int,
    activation: str = "sigmoid",
    output_activation: str = "identity",
) -> str | None:
    """Why `construction_bound` is None, in one line; None when there is a bound."""
    from uat.core.activations import get_activation

    if construction_bound(target, n_neurons, activation, output_activation) is not None:
        return None
    inner = target
    if output_activation == "sigmoid":
        from uat.core.construct import squashed_target

        inner = squashed_target(target)
    if get_activation(activation).makes_steps:
        if inner.has_jumps():
            return "the target jumps, so the sup error cannot vanish"
        if inner.lipschitz() is None:
            return "the target's slope is unbounded (not Lipschitz), so L·Δ/2 does not apply"
        if not inner.lipschitz_is_exact:
            return (
                "no bound on the target's slope follows from its expression, so L·Δ/2 is "
                "not claimed"
            )
        return "L·Δ/2 overflows double precision: the target is too steep to bound"
    if inner.curvature() is None:
        return "f″ does not exist everywhere (a kink or a jump), so Δ²·max|f″|/8 does not apply"
    return "Δ²·max|f″|/8 overflows double precision: the target curves too sharply to bound"


def construction_bound(
    target: Target,
    n_neurons: int,
    activation: str = "sigmoid",
    output_activation: str = "identity",
) -> float | None:
    """The error bound of the hand-built net of width N (per copy) for this activation.

    Steps (sigmoid, tanh, step): L·Δ/2. Ramps (relu, softplus): Δ²·max|f″|/8. Under a
    sigmoid output the hidden sum approximates σ⁻¹∘f, and σ is ¼-Lipschitz: a quarter of
    the bound for σ⁻¹∘f.
    """
    from uat.core.activations import get_activation

    if output_activation == "sigmoid":
        from uat.core.construct import squashed_target

        inner = construction_bound(squashed_target(target), n_neurons, activation)
        return None if inner is None else inner / 4
    if get_activation(activation).makes_steps:
        return bump_bound(target, n_neurons)
    return ramp_bound(target, n_neurons)


def bound_formula(
    activation: str = "sigmoid", output_activation: str = "identity", *, net: bool = False
) -> str:
    """The formula behind `construction_bound`, in words fit for a table or a legend; with
    `net`, that of a built net's bound (`net_bound`: softplus adds its hinges' rounding, soft
    steps their leak)."""
    from uat.core.activations import get_activation

    act = get_activation(activation)
    inner = "L·Δ/2" if act.makes_steps else "Δ²·max|f″|/8"
    if net and activation == "softplus":
        inner += " + hinge rounding"
    if net and act.makes_steps and math.isfinite(act.gain):
        inner += " + soft-step leak"
    return f"¼·{inner} of σ⁻¹∘f" if output_activation == "sigmoid" else inner


_LEAK_PEAK = 0.27846455  # max over z > 0 of z·σ(−z) (= e^{−z} at z = 1.27846), rounded up


def step_leak(target: Target, net: ShallowNet, gw: float) -> float:
    """How far the soft steps of a hand-built bump net (steepness g·w) can add to L·Δ/2.

    The net is Σ_k h_k·φ_k with φ_k = σ(gw(x − l_k)) − σ(gw(x − r_k)) ≥ 0 summing to
    S(x) ≤ 1, and |h_k − f(x)| ≤ L·Δ/2 + L·dist(x, bump k) for any of the three height rules;
    so |net − f| ≤ L·Δ/2 + L·Σ_k φ_k·dist_k + (1 − S)·‖f‖. Bump j beyond x's own, at
    distance u ≥ (j−1)·Δ + t, weighs φ ≤ σ(−gw·u), and u·σ(−gw·u) ≤ 0.2785/(gw): the nearest
    on each side adds at most 0.2785/(gw) + Δ·σ(−gw·Δ/2), the others Σ jΔ·σ(−gw·jΔ) each. The
    outer steps, m outside [a, b], leave 1 − S ≤ σ(−gw·m) + σ(−gw·(m + b − a)). ‖f‖ is the
    grid's max plus L·h/2 between its points. Summed over the copies (f/M each).
    """
    from uat.core.activations import sigmoid as expit  # scipy.special: 0.3 s to import

    a, b = target.domain
    lip = target.lipschitz() or 0.0
    delta = float(net.meta.get("bump_width", (b - a) / max(net.n_neurons // 2, 1)))
    margin = float(net.meta.get("edge_margin", delta / 2))
    k = max(net.n_neurons // 2, 1)
    j = np.arange(1, k + 1) * delta
    near = _LEAK_PEAK / gw + delta * float(expit(np.asarray(-gw * delta / 2)))
    far = 2 * float(np.sum(j * expit(-gw * j)))
    fmax = target.sup_norm() + lip * (b - a) / (DENSE - 1) / 2
    ends = float(expit(np.asarray(-gw * margin)) + expit(np.asarray(-gw * (margin + b - a))))
    return lip * (near + far) + fmax * ends


def net_bound(target: Target, net: ShallowNet) -> tuple[float | None, str | None]:
    """(bound, why none) for a hand-built net: `construction_bound` where its steepness
    makes the construction's steps, plus, for softplus ramps, their hinges' rounding.

    A step bound needs steep steps: with --steepness 2 on sin (N = 20) the soft steps
    overlap and the sup error was 0.304 beside L·Δ/2 = 0.1. A softplus ramp differs from its
    relu twin by v·log(1 + e^{−|w·x + b|}) ≤ |v|·min(ln 2, e^{−w·d}), d its knot's distance
    to [a, b]: summed over the knots, that term is added (x at N = 20: 9.1e-9, the error).
    """
    from uat.core.activations import get_activation
    from uat.core.construct import auto_steepness

    copies = max(1, int(net.meta.get("copies", 1)))
    per_copy = net.n_neurons // copies
    bound = construction_bound(target, per_copy, net.activation, net.output_activation)
    if bound is None:
        return None, bound_reason(target, per_copy, net.activation, net.output_activation)
    w = net.meta.get("steepness")
    act = get_activation(net.activation)
    if act.makes_steps and math.isfinite(act.gain) and isinstance(w, int | float):
        inner = target
        if net.output_activation == "sigmoid":
            from uat.core.construct import squashed_target

            inner = squashed_target(target)
        auto = auto_steepness(inner, per_copy // 2) / act.gain  # as `construct.bumps` sets it
        if w < auto * (1 - 1e-9):
            return None, (
                f"the steepness w = {w:.4g} is below the automatic {auto:.4g}: the soft "
                "steps overlap, so L·Δ/2 is not guaranteed"
            )
        if copies > 1:  # shifted copies tile with Δ' = (b−a)/(K − (M−1)/M), wider than Δ
            a, b = inner.domain
            bound *= float(net.meta["bump_width"]) / ((b - a) / (per_copy // 2))
        leak = step_leak(inner, net, act.gain * w)
        bound = (bound + leak / 4) if net.output_activation == "sigmoid" else bound + leak
    if net.activation == "softplus":
        a, b = net.domain if net.domain is not None else target.domain
        knots = net.step_positions
        with np.errstate(all="ignore"):
            dist = np.maximum(0.0, np.maximum(a - knots, knots - b))
            keys, inverse = np.unique(np.round(knots, 12), return_inverse=True)
            weight = np.zeros(keys.size)
            np.add.at(weight, inverse, net.v)  # neurons sharing a knot share one hinge
            reach = np.zeros(keys.size)
            np.maximum.at(reach, inverse, np.minimum(math.log(2), np.exp(-np.abs(net.w) * dist)))
        rounding = float(np.sum(np.abs(weight) * reach))
        if net.output_activation == "sigmoid":
            rounding /= 4  # σ′ ≤ ¼
        bound += rounding
    return bound, None


# -- over the plane: a target of two inputs -------------------------------------------------

Surface = Callable[[np.ndarray, np.ndarray], np.ndarray]
# public: the explorer's surface page ports this refinement to JavaScript with these constants
PLANE_PEAKS = 32  # grid local maxima refined
PLANE_ZOOMS = 10  # each zoom halves the search window: 2^-10 of a grid step at the end
PLANE_ZOOM_POINTS = 7  # per side of each zoom's sub-grid
PLANE_ACROSS = 17  # points across a step line's transition (and per side of a crossing's patch)
PLANE_JUMP_OFFSET = 1e-9  # of the rectangle's diameter: where a one-sided limit is sampled


def _plane_error(approx: Surface, target: Target, x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """|approx − target| at (x, y), refusing a non-finite value."""
    with np.errstate(all="ignore"):
        e = np.abs(approx(x, y) - target(x, y))
    if not np.all(np.isfinite(e)):
        i = np.argmax(~np.isfinite(e).ravel())
        raise UatError(
            f"the network's output is not finite at (x, y) = ({x.ravel()[i]:.6g}, "
            f"{y.ravel()[i]:.6g}): its weights overflow; try a smaller steepness",
            param="steepness",
        )
    return e


def grid_peaks(e: np.ndarray, count: int = PLANE_PEAKS) -> np.ndarray:
    """(row, column) of the `count` largest local maxima of an error grid (8 neighbours)."""
    padded = np.pad(e, 1, constant_values=-np.inf)
    rows, cols = e.shape
    neighbours = [
        padded[1 + di : 1 + di + rows, 1 + dj : 1 + dj + cols]
        for di in (-1, 0, 1)
        for dj in (-1, 0, 1)
        if di or dj
    ]
    peak = np.all([e >= n for n in neighbours], axis=0)
    flat = np.flatnonzero(peak)
    best = flat[np.argsort(e.ravel()[flat])[::-1][:count]]
    return np.column_stack(np.unravel_index(best, e.shape))


def refine_plane(
    approx: Surface, target: Target, starts: np.ndarray, step: tuple[float, float]
) -> tuple[float, tuple[float, float]]:
    """Zoom in around each start point (x, y) for a larger error; the best found and where."""
    (a, b), (c, d) = target.box
    centre = np.asarray(starts, dtype=float).reshape(-1, 2)
    span = np.array(step, dtype=float)
    u = np.linspace(-1.0, 1.0, PLANE_ZOOM_POINTS)
    du, dv = (g.ravel() for g in np.meshgrid(u, u))
    best, where = -1.0, (float("nan"), float("nan"))
    for _ in range(PLANE_ZOOMS):
        x = np.clip(centre[:, :1] + span[0] * du, a, b)
        y = np.clip(centre[:, 1:] + span[1] * dv, c, d)
        e = _plane_error(approx, target, x, y)
        k = np.argmax(e, axis=1)
        rows = np.arange(len(centre))
        centre = np.c_[x[rows, k], y[rows, k]]
        top = int(np.argmax(e[rows, k]))
        if e[top, k[top]] > best:
            best, where = float(e[top, k[top]]), (float(centre[top, 0]), float(centre[top, 1]))
        span = span / 2
    return best, where


def _plane_jumps(approx: Surface, target: Target) -> tuple[float, tuple[float, float]]:
    """The largest error just either side of the target's known discontinuity."""
    p, normal = target.jumps()
    if not len(p):
        return -1.0, (float("nan"), float("nan"))
    (a, b), (c, d) = target.box
    delta = PLANE_JUMP_OFFSET * float(np.hypot(*target.side))
    sides = np.concatenate([p + delta * normal, p - delta * normal])
    x, y = np.clip(sides[:, 0], a, b), np.clip(sides[:, 1], c, d)
    e = _plane_error(approx, target, x, y)
    i = int(np.argmax(e))
    return float(e[i]), (float(x[i]), float(y[i]))


def step_lines(approx: Surface) -> tuple[np.ndarray, np.ndarray, float]:
    """The axis-parallel step lines of a net's first layer (x = s, y = s) and its largest
    steepness; empty for anything else."""
    from uat.core.layered import LayeredNet

    if not isinstance(approx, LayeredNet) or approx.inputs != 2:
        return np.empty(0), np.empty(0), 0.0
    first = approx.layers[0]
    wx, wy, bias = first.weights[:, 0], first.weights[:, 1], first.biases
    along_x, along_y = (wx != 0) & (wy == 0), (wy != 0) & (wx == 0)
    xs, ys = np.unique(-bias[along_x] / wx[along_x]), np.unique(-bias[along_y] / wy[along_y])
    steep = np.abs(np.concatenate([wx[along_x], wy[along_y]]))
    return xs, ys, float(steep.max()) if steep.size else 0.0


def across_steps(approx: Surface, target: Target, n: int) -> tuple[np.ndarray, tuple[float, float]]:
    """Points across the net's own step lines and around their crossings, where features
    narrower than any grid live (towers' corners: sin(x)·cos(y), K = 16, a spike 0.01 wide
    that the 201² grid missed by 8.6 %); returns the best of them and a transition's span."""
    xs, ys, w = step_lines(approx)
    if w == 0.0:
        return np.empty((0, 2)), (0.0, 0.0)
    (a, b), (c, d) = target.box
    xs, ys = xs[(xs >= a) & (xs <= b)], ys[(ys >= c) & (ys <= d)]
    half = 6.0 / w  # σ(w·u) is within e^{-6} of 0 or 1 beyond
    t = np.linspace(-1.0, 1.0, PLANE_ACROSS)
    gx, gy = target.axes(n)
    pts = [
        np.c_[(xs[:, None, None] + half * t[None, :, None] + 0 * gy).ravel(),
              np.broadcast_to(gy, (xs.size, t.size, gy.size)).ravel()],
        np.c_[np.broadcast_to(gx, (ys.size, t.size, gx.size)).ravel(),
              (ys[:, None, None] + half * t[None, :, None] + 0 * gx).ravel()],
    ]  # fmt: skip
    if xs.size and ys.size:  # every crossing, on a fine patch
        u, v = (g.ravel() for g in np.meshgrid(t, t))
        cx, cy = (g.ravel() for g in np.meshgrid(xs, ys))
        pts.append(np.c_[(cx[:, None] + half * u).ravel(), (cy[:, None] + half * v).ravel()])
    p = np.concatenate(pts)
    p[:, 0], p[:, 1] = np.clip(p[:, 0], a, b), np.clip(p[:, 1], c, d)
    if not len(p):  # K = 1: every step line lies outside the rectangle
        return np.empty((0, 2)), (0.0, 0.0)
    e = np.concatenate([_plane_error(approx, target, q[:, 0], q[:, 1]) for q in _chunks(p)])
    best = p[np.argsort(e)[::-1][:PLANE_PEAKS]]
    return best, (half / (PLANE_ACROSS // 2), half / (PLANE_ACROSS // 2))


def _chunks(p: np.ndarray, size: int = 200_000) -> list[np.ndarray]:
    return [p[i : i + size] for i in range(0, len(p), size)]


def _plane_errors(approx: Surface, target: Target, n: int) -> Errors:
    """Sup error (grid, refined around its peaks, across the net's step lines and at jumps)
    and RMSE on an n×n grid."""
    x, y = target.grid(n)
    e = _plane_error(approx, target, x, y)
    i = np.unravel_index(int(np.argmax(e)), e.shape)
    grid_sup, at = float(e[i]), (float(x[i]), float(y[i]))
    sup, found = grid_sup, "grid"
    peaks = grid_peaks(e)
    step = (target.side[0] / (n - 1), target.side[1] / (n - 1))
    starts = np.c_[x[peaks[:, 0], peaks[:, 1]], y[peaks[:, 0], peaks[:, 1]]]
    across, span = across_steps(approx, target, n)
    candidates = {"local maximum": refine_plane(approx, target, starts, step),
                  "jump": _plane_jumps(approx, target)}  # fmt: skip
    if len(across):
        candidates["breakpoint"] = refine_plane(approx, target, across, span)
    for how, (value, where) in candidates.items():
        if value > sup:
            sup, at, found = value, where, how
    rmse = grid_sup * float(np.sqrt(np.mean((e / grid_sup) ** 2))) if grid_sup > 0 else 0.0
    with np.errstate(all="ignore"):
        scale = float(np.max(np.abs(target(x, y))))
    rounding = sup <= _ROUNDING_ULPS * np.finfo(float).eps * scale
    return Errors(sup, rmse, at, n, grid_sup, found, bool(rounding))
