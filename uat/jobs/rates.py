"""Error against width for each method, with floors and fitted slopes: `convergence`."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any, cast

import numpy as np

from uat.core.targets import Target
from uat.errors import UatError
from uat.jobs.fitting import sweep
from uat.jobs.naming import sweep_words
from uat.jobs.records import Point, asymptotic_start, convergence_record, fitted_slope, json_safe
from uat.jobs.request import (
    _curve_only,
    _names,
    check_losses,
    curve_settings,
    surface_settings,
)
from uat.settings import METHODS, Loss, Settings, check_choice, check_number, check_width

# sizes per variant for `uat convergence` over the plane: 20 to 290 neurons built, 8 to 64
# trained
SURFACE_SIZES: dict[str, list[int]] = {
    "construct": [4, 6, 8, 12, 16],
    "ridges": [4, 6, 8, 12, 16],
    "train": [8, 16, 32, 64],
    "train2": [4, 8, 16],  # per layer: 8, 16, 32 neurons in all
}


# -- error against width ------------------------------------------------------------------


def geometric_widths(max_neurons: int, count: int = 12, *, start: int = 2) -> list[int]:
    """About `count` even widths from `start` to `max_neurons`, spaced geometrically."""
    check_number("max_neurons", max_neurons)
    if max_neurons % 2:
        raise UatError(f"max_neurons {max_neurons} must be even", param="max_neurons")
    raw = np.geomspace(start, max_neurons, count)
    widths = sorted({int(2 * round(w / 2)) for w in raw} | {max_neurons})
    return [w for w in widths if w >= start]


# The optimiser's floor: the first width from which wider nets stop improving. With
# FLOOR_POINTS widths from there on, either every error from there on is below
# FLOOR_LEVEL·max|f| (the level LM reaches in double precision, where runs wander: sin reads
# 8.4e-10, 7.4e-10, 3.1e-9, 4.2e-10 at N = 16 … 128) and no wider net beats the floor's error
# by more than FLOOR_FALL (2×); or, above that level, no error from there on falls by more
# than 2× at any wider width and the widths span FLOOR_SPAN (4×), over which a rate of 1/√N
# would have fallen 2×. Measured (lm, 2…200 neurons): trained x³−x reads 2.9e-9 at N = 16 and
# 2.3e-10 at 200 (12× lower: the floor is from N = 86); log(1+x) on [0, 5] falls 20× after
# N = 8 (floor from 86); sqrt(x) falls from 0.02 at N = 10 to 0.004 at 200 (no floor: the
# slow rate is its singularity's).
FLOOR_POINTS = 3  # the floor and at least two widths after it
FLOOR_FALL = 2.0  # a fall by more than this at a wider width: still improving
FLOOR_SPAN = 4.0  # widest / floor width, above the level: 1/√N falls 2× over it
FLOOR_LEVEL = 1e-8


def optimiser_floor(
    widths: Sequence[float], errors: Sequence[float], scale: float | None = None
) -> int | None:
    """Index of the first width from which wider nets stop improving (see FLOOR_FALL), or None.

    `scale` (max|f|) sets the optimiser's level FLOOR_LEVEL·scale, below which runs wander
    and only a fall below the floor's own error counts.
    """
    w, e = np.asarray(widths, float), np.asarray(errors, float)
    for i in range(w.size - FLOOR_POINTS + 1):
        tail = e[i:]
        later_min = np.minimum.accumulate(tail[::-1])[::-1]  # min over this width and wider
        with np.errstate(divide="ignore", invalid="ignore"):  # 0 → 0 is no fall
            fall = np.where(tail[:-1] == 0, 1.0, tail[:-1] / later_min[1:])
        if scale is not None and scale > 0 and np.all(tail <= FLOOR_LEVEL * scale):
            if fall[0] <= FLOOR_FALL:
                return i
        elif np.all(fall <= FLOOR_FALL) and w[-1] >= FLOOR_SPAN * w[i]:
            return i
    return None


def summarise(
    points: Sequence[Point],
    method: str,
    key: str = "sup_error",
    *,
    loss: str | None = None,
    floor: bool | None = None,
    scale: float | None = None,
) -> dict[str, Any]:
    """Median, min and max of `key` per width for one method (and loss), its floor and slope.

    For a trained method (or `floor=True`) the optimiser's floor is found (`optimiser_floor`,
    with `scale` = max|f| for its absolute level) and the slope is fitted over the widths
    above it only: `floor` is then {"from_width", "level"} (level: the median error at and
    past it), else None. Widths whose sup error is float rounding give no slope ("rounding").
    """
    mine = [p for p in points if p.method == method and (loss is None or p.loss == loss)]
    widths = sorted({p.width for p in mine})
    vals = [[getattr(p, key) for p in mine if p.width == w] for w in widths]
    med = [float(np.median(v)) for v in vals]
    wanted = method == "train" if floor is None else floor
    at = optimiser_floor(widths, med, scale) if wanted else None
    above = len(widths) if at is None else at
    exact = {p.width for p in mine if p.rounding}  # a constant to the last bits: no rate
    # the whole sweep's start, which the figure shades as "before the fitted slopes"
    start = asymptotic_start(widths) if widths else 0.0
    used = [i for i, w in enumerate(widths[:above]) if w not in exact and w >= start - 1e-9]
    fit_w, fit_e = [widths[i] for i in used], [med[i] for i in used]
    slope = fitted_slope(fit_w, fit_e, start) if len(fit_w) >= 2 else float("nan")
    if at is not None and len(fit_w) < 3:
        slope = float("nan")  # two points before a floor are no rate (sin: −18 from N = 8, 10)
    return {
        "widths": widths,
        "median": med,
        "low": [float(min(v)) for v in vals],
        "high": [float(max(v)) for v in vals],
        "slope": slope,
        "slope_widths": fit_w,
        "rounding": bool(mine) and len(exact) == len(widths),
        "floor": None
        if at is None
        else {"from_width": widths[at], "level": float(np.median(med[at:]))},
    }


def series_key(method: str, loss: str | None, losses: Sequence[str]) -> str:
    """The name of one curve of a sweep: the method, with the loss when several are swept."""
    return f"{method}-{loss}" if method == "train" and len(losses) > 1 else method


@dataclass
class Convergence:
    """Errors against width for each method (and trained loss), floors and fitted slopes."""

    target: Target
    settings: Settings
    widths: list[int]
    methods: list[str]
    points: list[Point]
    losses: list[Loss] = field(default_factory=lambda: cast(list[Loss], ["mse"]))

    @property
    def series(self) -> list[tuple[str, str, str | None]]:
        """(key, method, loss) of every curve: hand-built once, trained once per loss."""
        out: list[tuple[str, str, str | None]] = []
        for m in self.methods:
            for loss in self.losses if m == "train" else [None]:
                out.append((series_key(m, loss, self.losses), m, loss))
        return out

    def summary(self, method: str, loss: str | None, key: str = "sup_error") -> dict[str, Any]:
        """`summarise` of one curve; no optimiser floor for the sup error of a jump."""
        jump = key == "sup_error" and self.target.has_jumps()  # stays near half the jump
        return summarise(self.points, method, key, loss=loss, floor=method == "train" and not jump,
                         scale=self.target.sup_norm())  # fmt: skip

    @property
    def slopes(self) -> dict[str, float | None]:
        """Slope of the median sup error per curve, above the optimiser's floor (None: none)."""
        return json_safe({k: self.summary(m, loss)["slope"] for k, m, loss in self.series})

    @property
    def floors(self) -> dict[str, dict[str, float] | None]:
        """Per curve, where the sup error meets the optimiser's floor and its level, or None."""
        return json_safe({k: self.summary(m, loss)["floor"] for k, m, loss in self.series})

    def to_dict(self) -> dict[str, Any]:
        """Every point, the slopes, the floors and the target's Lipschitz constant, JSON-safe."""
        rmse = {k: self.summary(m, loss, "rmse")["slope"] for k, m, loss in self.series}
        return convergence_record(self.target, self.points, self.slopes, rmse, self.floors,
                                  "over the asymptotic widths (the upper half, in log scale) "
                                  "above the optimiser's floor")  # fmt: skip


def convergence_plan(
    settings: Settings,
    widths: Sequence[int] | None = None,
    methods: Sequence[str] = METHODS,
    *,
    max_neurons: int = 200,
    seeds: int = 1,
    losses: Sequence[str] | None = None,
) -> tuple[list[int], list[str], int]:
    """Checked widths and methods of a convergence sweep, and how many fits it makes."""
    ws = sorted(set(widths)) if widths is not None else geometric_widths(max_neurons)
    if not ws:
        raise UatError("widths is empty", param="widths")
    chosen = _names(methods)
    if not chosen:
        raise UatError("methods is empty", param="methods")
    for m in chosen:
        if m not in METHODS:
            raise UatError(
                f"unknown method {m!r} in methods; choose from {', '.join(METHODS)}",
                param="methods",
            )
        for n in ws:
            try:
                check_width(n, replace(settings, method=check_choice("method", m)))
            except UatError as exc:  # a width of the list, not the --neurons option
                raise UatError(str(exc).replace("n_neurons", "widths:", 1), "widths") from None
    check_number("seeds", seeds)
    if "train" in chosen:  # every seed of the run, before any is trained
        check_number("seed", settings.seed + seeds - 1)
    per_train = seeds * len(check_losses(losses or [settings.loss]))
    return ws, chosen, len(ws) * sum(per_train if m == "train" else 1 for m in chosen)


def convergence_curve(
    target: Target,
    widths: Sequence[int] | None = None,
    methods: Sequence[str] = METHODS,
    settings: Settings | None = None,
    *,
    max_neurons: int = 200,
    seeds: int = 1,
    progress: Callable[[int], None] | None = None,
    losses: Sequence[str] | None = None,
) -> Convergence:
    """Errors against width (default: about 12 up to `max_neurons`) for each method.

    Trained widths are repeated over `seeds` seeds and over `losses` (default: the
    settings' loss), each width independent of the others.
    """
    s = settings or Settings()
    ws, chosen, _ = convergence_plan(
        s, widths, methods, max_neurons=max_neurons, seeds=seeds, losses=losses
    )
    trained = check_losses(losses or [s.loss])
    points: list[Point] = []
    for m in chosen:
        for loss in trained if m == "train" else [None]:
            for seed in range(s.seed, s.seed + (seeds if m == "train" else 1)):
                rs = replace(s, method=check_choice("method", m), seed=seed, loss=loss or s.loss)
                for f in sweep(target, ws, rs, warm_start=False):
                    e = f.errors
                    points.append(Point(f.net.n_neurons, m, e.sup, e.rmse, f.seconds, seed, loss,
                                        e.rounding, f.size, f.bound))  # fmt: skip
                    if progress is not None:
                        progress(len(points))
    return Convergence(target, s, ws, chosen, points, trained)


def convergence_surface(
    target: Target,
    sizes: dict[str, Sequence[int]] | None = None,
    settings: Settings | None = None,
    progress: Callable[[int], None] | None = None,
) -> Convergence:
    """Fit every variant over the plane at each of its sizes ({variant: [sizes]}, default
    SURFACE_SIZES): errors against hidden neurons, floors and slopes as for a curve."""
    from uat.jobs.choice import VARIANTS
    from uat.jobs.fitting import fit_variant

    s, chosen = settings or Settings(), sizes or SURFACE_SIZES
    points: list[Point] = []
    for variant, variant_sizes in chosen.items():
        trained = VARIANTS.get(variant, ("", 0))[0] == "train"
        for size in variant_sizes:
            f = fit_variant(target, size, variant, s)
            e = f.errors
            points.append(Point(f.net.n_neurons, variant, e.sup, e.rmse, f.seconds, s.seed,
                                "mse" if trained else None, e.rounding, size, f.bound))  # fmt: skip
            if progress is not None:
                progress(len(points))
    widths = sorted({p.width for p in points})
    return Convergence(target, s, widths, list(chosen), points)


_SWEEP_TOWERS = (2, 3, 4, 6, 8, 12, 16, 24, 32)  # K per side, for --max-neurons
_SWEEP_TRAINED = (4, 8, 16, 32, 64, 128)


def convergence_sizes(
    variants: Sequence[str], max_neurons: int | None = None
) -> dict[str, Sequence[int]]:
    """Sizes per variant for `uat convergence`: the defaults, or up to `max_neurons` each."""
    from uat.jobs.choice import VARIANTS, neurons_of

    sizes: dict[str, Sequence[int]] = {}
    for v in variants:
        if v not in VARIANTS:
            raise UatError(
                f"unknown 2-D method {v!r}; choose one of: {', '.join(VARIANTS)}", param="methods"
            )
        if max_neurons is None:
            sizes[v] = SURFACE_SIZES.get(v, SURFACE_SIZES["construct"])
        elif VARIANTS[v][0] == "train":
            layers = VARIANTS[v][1]  # N neurons in each hidden layer
            sizes[v] = [n for n in _SWEEP_TRAINED if n * layers <= max_neurons]
        else:
            sizes[v] = [k for k in _SWEEP_TOWERS if neurons_of(VARIANTS[v][0], k) <= max_neurons]
        if len(sizes[v]) < 2:
            raise UatError(
                f"max_neurons {max_neurons} leaves {v} fewer than 2 sizes for a slope",
                param="max_neurons",
            )
    return sizes


def convergence_count(
    target: Target,
    widths: Sequence[int] | None,
    methods: Sequence[str] | None,
    settings: Settings,
    *,
    max_neurons: int | None = None,
    seeds: int = 1,
    losses: Sequence[str] | None = None,
) -> int:
    """Check a convergence study before any work; how many networks it fits."""
    if getattr(target, "dim", 1) == 2:
        _curve_only(widths=widths, losses=losses, seeds=None if seeds == 1 else seeds)
        surface_settings(settings, ("seed",), "convergence")
        chosen = list(methods) if methods else list(SURFACE_SIZES)
        return sum(len(v) for v in convergence_sizes(chosen, max_neurons).values())
    plan = convergence_plan(
        curve_settings(settings), widths, METHODS if methods is None else methods,
        max_neurons=200 if max_neurons is None else max_neurons, seeds=seeds, losses=losses,
    )  # fmt: skip
    return plan[2]


def convergence_words(
    target: Target,
    widths: Sequence[int] | None,
    max_neurons: int | None,
    methods: Sequence[str] | None,
    seeds: int,
    losses: Sequence[str] | None,
) -> list[str]:
    """The convergence options that change the result, as words of the default file name."""
    if getattr(target, "dim", 1) == 2:
        words = ["-".join(methods)] if methods else []
        return words + ([f"to{max_neurons}"] if max_neurons is not None else [])
    chosen = METHODS if methods is None else methods
    top = 200 if max_neurons is None else max_neurons
    return sweep_words(widths, top, chosen, seeds, losses or ["mse"])
