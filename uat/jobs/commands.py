"""One library function per command: Settings in, a result dataclass with `to_dict()` out.

The CLI, the gallery and Python callers share these; every rule of a command (which runs a
comparison makes, how widths match under shifts, the error ratios, default file names) lives
here, never in an adapter. numpy only: drawing happens elsewhere, from these results.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field, fields, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

import numpy as np

from uat.core.expr import slug
from uat.core.metrics import Errors, errors
from uat.core.network import ShallowNet
from uat.core.targets import Target
from uat.errors import UatError
from uat.jobs.records import (
    Point,
    asymptotic_start,
    compare_record,
    convergence_record,
    fit_record,
    fitted_slope,
    json_safe,
    training_checks,
)

if TYPE_CHECKING:
    from uat.jobs.commands2d import Choice2D, Compare2D, Convergence2D, Fit2D

from uat.settings import (
    CHOICES,
    METHODS,
    Loss,
    Settings,
    check_choice,
    check_number,
    check_width,
)

__all__ = [
    "METHODS", "Comparison", "Convergence", "Fit", "Point", "as_target", "check_width",
    "compare", "compare_runs", "convergence", "explain", "fit", "geometric_widths", "json_safe",
    "output_name", "resolve_target", "show", "summarise", "sweep",
]  # fmt: skip


def resolve_target(text: str, domain: str | tuple[float, float] | None = None) -> Target:
    """TARGET text (a name, an expression in x, a CSV path) and domain text ('A,B') as a Target."""
    from uat.core.targets import get_target, parse_domain

    if not isinstance(text, str):
        raise UatError(f"target must be text, not {type(text).__name__}", param="target")
    if domain is not None and not isinstance(domain, str):
        ok = isinstance(domain, tuple | list) and len(domain) == 2
        if not ok or not all(_real(v) for v in domain):
            raise UatError(f"domain must be two numbers (a, b) or text 'A,B', got {domain!r:.60}",
                           param="domain")  # fmt: skip
    dom = parse_domain(domain) if isinstance(domain, str) else domain
    return get_target(text, dom)


def _names(items: str | Sequence[str]) -> list[str]:
    """A list of names; text is read as the command line reads it, 'a,b' as ['a', 'b']."""
    if isinstance(items, str):
        return [w.strip() for w in items.split(",") if w.strip()]
    return list(items)


def _real(v: Any) -> bool:
    """A real number that is not a bool (numpy's included)."""
    import numbers

    return isinstance(v, numbers.Real) and not isinstance(v, bool)


# -- one network --------------------------------------------------------------------------


@dataclass
class Fit:
    """A network built for a target, with its errors on the dense grid."""

    target: Target
    net: ShallowNet
    errors: Errors
    seconds: float  # time spent building or training the network
    bound: float | None  # the construction's error bound (`construction_bound`), where known
    history: list[tuple[int, float]] = field(default_factory=list)
    settings: Settings | None = None  # None for a network read back by `show`

    @property
    def method(self) -> str:
        """'construct' or 'train'."""
        return self.net.method

    @property
    def size(self) -> int:
        """The width asked for: N neurons (per copy under shifts)."""
        return self.net.n_neurons // int(self.net.meta.get("copies", 1) or 1)

    def to_dict(self) -> dict[str, Any]:
        """The numbers of this fit, JSON-safe (no NaN: null); the keys of every dimension."""
        from uat.core.metrics import bound_formula

        e, net, m = self.errors, self.net, self.net.meta
        formula = bound_formula(net.activation, net.output_activation, net=True)
        trained = self.method == "train"
        return fit_record(
            self.target, self.method, self.size, net, e.sup, e.at, e.rmse, e.grid,
            activation=net.activation, output_activation=net.output_activation,
            widths=[net.n_neurons], grid_points=e.grid, sup_error_on_grid=e.grid_sup,
            sup_found_by=e.found_by, float_rounding=e.rounding, bound=self.bound,
            bound_formula=formula if self.bound is not None else None, seconds=self.seconds,
            iterations=m.get("iterations") if trained else None,
            stopped=m.get("stopped") if trained else None,
            **training_checks(m, trained),
            settings=None if self.settings is None else asdict(self.settings),
        )  # fmt: skip


def _bound(target: Target, net: ShallowNet) -> float | None:
    """The bound of a hand-built net (`metrics.net_bound`, per copy under shifts); None if
    trained, or where no bound holds."""
    from uat.core.metrics import net_bound

    if net.method != "construct":
        return None
    return net_bound(target, net)[0]


def fit_curve(
    target: Target,
    n_neurons: int = 50,
    settings: Settings | None = None,
    *,
    init: ShallowNet | None = None,
    callback: Callable[[int, float], None] | None = None,
) -> Fit:
    """Build (by hand or by training) a network of width N for a curve and measure it."""
    s = settings or Settings()
    n_neurons = check_width(n_neurons, s)
    t0 = time.perf_counter()
    history: list[tuple[int, float]] = []
    if s.method == "construct":
        from uat.core.construct import hand_built

        net = hand_built(
            target,
            n_neurons,
            steepness=s.steepness,
            heights=s.heights,
            activation=s.activation,
            shifts=s.shifts,
            output_activation=s.output_activation,
        )
    else:
        from uat.core.train import train

        with np.errstate(all="ignore"):  # exp(709x) overflows in the first step; train says so
            result = train(
                target,
                n_neurons,
                optimizer=s.optimizer,
                max_iter=s.max_iter,
                tol=s.tol,
                seed=s.seed,
                init=init,
                callback=callback,
                activation=s.activation,
                output_activation=s.output_activation,
                learning_rate=s.learning_rate,
                loss=s.loss,
                restarts=s.restarts,
            )
        net, history = result.net, result.history
    seconds = time.perf_counter() - t0
    if target.path is not None:  # `uat show` finds the CSV from any folder
        net.meta["target_path"] = target.path
    return Fit(target, net, errors(net, target), seconds, _bound(target, net), history, s)


def show_curve(
    path: str | Path,
    target: str | None = None,
    domain: str | tuple[float, float] | None = None,
) -> Fit:
    """Read a `uat-network/1` file (`uat fit --save-net`) and measure it against its target.

    The target is the one recorded in the file, on the recorded domain, unless `target`
    (and `domain`) name another.
    """
    t0 = time.perf_counter()
    from uat.core.targets import recorded_target

    net = ShallowNet.load(path)
    text = target if target is not None else recorded_target(net.target, net.meta, path)
    if not text:
        raise UatError(
            f"network {path} records no function to measure; pass target", param="target"
        )
    # another target is measured on the net's own domain unless a domain is given too
    t = resolve_target(text, domain if domain is not None else net.domain)
    if net.domain is None and domain is None:
        net.domain = t.domain
    # the construction's bound speaks of the target and interval the net was built for
    own = (target is None or text == net.target) and (
        net.domain is None or np.allclose(t.domain, net.domain)
    )
    from uat.core.claims import is_construction

    bound = _bound(t, net) if own and is_construction(net, t) else None
    return Fit(t, net, errors(net, t), time.perf_counter() - t0, bound)


def sweep(
    target: Target,
    widths: Sequence[int],
    settings: Settings | None = None,
    *,
    warm_start: bool = True,
    progress: Callable[[int], None] | None = None,
) -> list[Fit]:
    """One fit per width; with `warm_start`, each trained width starts from the previous net.

    Warm starts measured 2–2.7× faster on sin, gaussian and nielsen up to 40 neurons, at
    similar but path-dependent accuracy: animations use them (frames also move smoothly),
    convergence measurements do not (each width seeded and independent).
    """
    s = settings or Settings()
    for n in widths:
        check_width(n, s)
    fits: list[Fit] = []
    for i, n in enumerate(widths):
        init = fits[-1].net if fits and warm_start and s.method == "train" else None
        fits.append(fit_curve(target, n, s, init=init))
        if progress is not None:
            progress(i + 1)
    return fits


# -- hand-built against trained -----------------------------------------------------------


def compare_runs(
    settings: Settings,
    n_neurons: int,
    activations: Sequence[str] | None = None,
    losses: Sequence[str] | None = None,
) -> list[tuple[Settings, int]]:
    """The (settings, width) of every network `compare` builds, hand-built ones first.

    Each activation is built by hand and trained (once per loss in `losses`, default the
    settings' loss), except those that cannot train (a hard step). Under shifts the hand-built
    net has M·N neurons, so the trained one gets M·N too: the comparison is at equal width.
    """
    from uat.core.activations import get_activation

    acts = _names(activations) if activations is not None else [settings.activation]
    if not acts:
        raise UatError("activations is empty", param="activations")
    known = CHOICES["activation"]
    for a in acts:
        if a not in known:
            raise UatError(
                f"unknown activation {a!r} in activations; use {', '.join(known)}",
                param="activations",
            )
    runs: list[tuple[Settings, int]] = []
    for method in METHODS:
        for a in acts:
            s = replace(settings, method=method, activation=check_choice("activation", a))
            if method == "train" and not get_activation(a).trains:
                continue
            width = n_neurons if method == "construct" else n_neurons * settings.shifts
            check_width(width if method == "train" else n_neurons, s)
            trained = check_losses(losses or [settings.loss]) if method == "train" else [s.loss]
            runs += [(replace(s, loss=loss), width) for loss in trained]
    if not any(s.method == "train" for s, _ in runs):
        if activations is None:  # one --activation: the step itself
            raise UatError(
                "a hard step cannot be trained, so there is nothing to compare with; choose "
                "another activation, or list several (--activations step,sigmoid)",
                param="activation",
            )
        raise UatError(
            "a hard step cannot be trained; add another one to activations", param="activations"
        )
    return runs


@dataclass
class Comparison:
    """Hand-built against trained networks at equal width, and their error ratios."""

    target: Target
    n_neurons: int
    fits: list[Fit]
    activations: list[str]

    def pair(self) -> tuple[Fit, Fit]:
        """The hand-built and trained fit of the first activation that has both."""
        both = next(a for a in self.activations if any(
            f.method == "train" and f.net.activation == a for f in self.fits))  # fmt: skip
        hand, trained = (
            next(f for f in self.fits if (f.method, f.net.activation) == (m, both)) for m in METHODS
        )
        return hand, trained

    @property
    def sup_error_ratio(self) -> float | None:
        """Hand-built sup error over trained (None when the trained one is 0 or both are
        float rounding: a constant's two roundings have no meaningful ratio)."""
        hand, trained = self.pair()
        if not trained.errors.sup or self.both_rounding:
            return None
        return hand.errors.sup / trained.errors.sup

    @property
    def both_rounding(self) -> bool:
        """Whether both sup errors are float rounding (a constant target, a line)."""
        hand, trained = self.pair()
        return hand.errors.rounding and trained.errors.rounding

    @property
    def rmse_ratio(self) -> float | None:
        """Hand-built RMSE over trained RMSE (None when the trained one is 0, or rounding)."""
        hand, trained = self.pair()
        if not trained.errors.rmse or self.both_rounding:
            return None
        return hand.errors.rmse / trained.errors.rmse

    def to_dict(self) -> dict[str, Any]:
        """The numbers of every run and the ratios, JSON-safe (the keys of every dimension)."""
        losses = {f.net.meta.get("loss") for f in self.fits if f.method == "train"}
        variants = []
        for f in self.fits:
            words = [f.method, *([f.net.activation] if len(self.activations) > 1 else [])]
            if f.method == "train" and len(losses) > 1:
                words.append(f"{f.net.meta.get('loss')}-loss")
            variants.append("-".join(words))
        return compare_record(self.target, self.n_neurons, self.activations, variants, self.fits,
                              self.sup_error_ratio, self.rmse_ratio)  # fmt: skip


def compare_curve(
    target: Target,
    n_neurons: int = 50,
    settings: Settings | None = None,
    *,
    activations: Sequence[str] | None = None,
    losses: Sequence[str] | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> Comparison:
    """Build every run of `compare_runs` (trained once per loss) and measure it."""
    s = settings or Settings()
    runs = compare_runs(s, n_neurons, activations, losses)
    fits = []
    for rs, width in runs:
        fits.append(fit_curve(target, width, rs))
        if progress is not None:
            progress(len(fits), len(runs))
    acts: list[str] = list(activations) if activations is not None else [s.activation]
    return Comparison(target, n_neurons, fits, acts)


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
                                  "over the widths above the optimiser's floor")  # fmt: skip


def check_losses(losses: Sequence[str]) -> list[Loss]:
    """Checked trained losses, each once: a subset of mse, sup."""
    chosen = list(dict.fromkeys(losses))
    if not chosen:
        raise UatError("loss is empty; give mse, sup or mse,sup", param="loss")
    return [cast(Loss, check_choice("loss", loss)) for loss in chosen]


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


# -- animations: which settings a sweep runs -----------------------------------------------

SWEEPS = ("width", "training", "compare", "steepness")


def animation_settings(sweep: str, settings: Settings, *, method_given: bool = False) -> Settings:
    """The settings an animation sweep runs: a training sweep trains, a steepness sweep is
    hand-built, a comparison builds both (its runs come from `compare_runs`)."""
    if sweep not in SWEEPS:
        raise UatError(f"unknown sweep {sweep!r}; choose one of: {', '.join(SWEEPS)}", "sweep")
    if method_given and sweep != "width":
        what = {"training": "trains", "compare": "shows both methods", "steepness": "is hand-built"}
        raise UatError(
            f"sweep {sweep} {what[sweep]}; drop method {settings.method}", param="method"
        )
    if sweep == "training":
        return replace(settings, method="train")
    return replace(settings, method="construct") if sweep == "steepness" else settings


def check_animation_width(sweep: str, n_neurons: int, settings: Settings) -> int:
    """Validate the final width of an animation (a comparison is checked as hand-built)."""
    s = replace(settings, method="construct") if sweep == "compare" else settings
    return check_width(n_neurons, s, animated=True)


# -- default file names -------------------------------------------------------------------


ANIMATION_DEFAULTS: dict[str, Any] = {
    "fps": 20, "dwell": None, "hold": 1.0, "size": (800, 500), "dpi": 100.0, "writer": "auto",
}  # fmt: skip


def animation_words(
    kind: str,
    *,
    grow: bool = False,
    diagram: bool = False,
    init: str | None = None,
    frames: int | None = None,
    eps: Any = None,
    **file: Any,
) -> list[str]:
    """The animate options that change the file, as words of the default file name.

    `file` holds the options of the file itself (fps, dwell, hold, size, dpi, writer); one
    differing from `ANIMATION_DEFAULTS` is named, so another run's file keeps its name.
    """
    words = ["grow"] if grow else []
    words += ["diagram"] if diagram else []
    words += [f"{init}-start"] if kind == "training" and init is not None else []
    words += [f"frames{frames}"] if frames is not None else []
    words += [f"eps{eps:g}"] if eps is not None else []
    given = ANIMATION_DEFAULTS | file
    for key in ("fps", "dwell", "hold", "dpi"):
        if given[key] is not None and given[key] != ANIMATION_DEFAULTS[key]:
            words.append(f"{key}{float(given[key]):g}")
    if tuple(given["size"]) != tuple(ANIMATION_DEFAULTS["size"]):
        words.append("{}x{}".format(*given["size"]))
    return words + ([given["writer"]] if given["writer"] != "auto" else [])


def sweep_words(
    widths: Sequence[int] | None,
    max_neurons: int,
    methods: Sequence[str],
    seeds: int,
    losses: Sequence[str],
) -> list[str]:
    """The convergence options that change the result, as words of the default file name."""
    words = []
    if widths:
        ws = sorted(set(widths))
        words.append(
            "w" + "_".join(map(str, ws)) if len(ws) <= 6 else f"w{ws[0]}-{ws[-1]}x{len(ws)}"
        )
    elif max_neurons != 200:
        words.append(f"to{max_neurons}")
    if sorted(methods) != sorted(METHODS):
        words.append("-".join(methods))
    words += [f"seeds{seeds}"] if seeds != 1 else []
    return words + (["-".join(losses) + "-loss"] if len(losses) > 1 else [])


def changes(s: Settings, methods: Sequence[str] | None = None) -> list[str]:
    """Words for the settings that differ from the defaults and matter to `methods`."""
    d, used = Settings(), set(methods or [s.method])
    words: list[str] = [s.activation] if s.activation != d.activation else []
    words += [f"{s.output_activation}-output"] if s.output_activation != d.output_activation else []
    if "construct" in used:
        words += [f"shifts{s.shifts}"] if s.shifts != d.shifts else []
        words += [s.heights] if s.heights != d.heights else []
        words += [f"w{exact_word(s.steepness)}"] if s.steepness is not None else []
    if "train" in used:
        words += [s.optimizer] if s.optimizer != d.optimizer else []
        words += [f"{s.loss}-loss"] if s.loss != d.loss else []
        words += [f"seed{s.seed}"] if s.seed != d.seed else []
        words += [f"iter{s.max_iter}"] if s.max_iter is not None else []
        words += [f"tol{exact_word(s.tol)}"] if s.tol != d.tol else []
        words += [f"lr{exact_word(s.learning_rate)}"] if s.learning_rate is not None else []
    return words


def variant(s: Settings) -> str:
    """The method and every setting that differs from the defaults and changes its result."""
    return "-".join([s.method, *changes(s)])


def output_name(
    command: str,
    target: Target,
    settings: Settings,
    n_neurons: int | None = None,
    *,
    sweep: str = "width",
    ext: str = ".png",
    extra: Sequence[str] = (),
    activations: Sequence[str] | None = None,
    network: tuple[str | Path, Any] | None = None,
) -> str:
    """The default output file of a command: every setting that changes the result is in it.

    One rule for every dimension: the target, its domain where it is not the target's own,
    the command (not for fit), the network and each setting that differs from its default,
    `extra` words (a command's own options, e.g. animate's `grow`), then the width. `command`
    is fit, explain, explore, compare, convergence or animate (with its `sweep`); compare's
    `activations` are named too. A surface's network (fit, explain, animate) is the one
    `surface_choice` makes of `n_neurons` and the settings (method, towers, layers, …).
    show's `network` is the file read and its net: its name, then `vs` the target and
    domain measured when they are not the ones the file records (runge-vs-abs.png).
    """
    if command == "show" and network is not None:
        path, net = network
        mine = target.domain if getattr(target, "dim", 1) == 1 else target.box
        own = net.target == target.name and (
            net.domain is None or np.allclose(np.asarray(net.domain, float), mine)
        )
        words = [] if own else ["vs", slug(target.name), *domain_word(target)]
        return "-".join([Path(path).stem, *words]) + ext
    if getattr(target, "dim", 1) == 2 and command in ("fit", "explain", "animate"):
        net = surface_choice(command, n_neurons, settings)
        words, width = _net_words(command, net, sweep), [net.width_word]
    else:
        words = _words(command, settings, sweep, activations)
        width = [] if n_neurons is None else [str(n_neurons)]
    return "-".join([slug(target.name), *domain_word(target), *words, *extra, *width]) + ext


def _words(
    command: str, settings: Settings, sweep: str, activations: Sequence[str] | None
) -> list[str]:
    """The command's words and the settings of a network of one input that change it."""
    s = settings
    if activations:  # they replace the settings' one activation
        s = replace(s, activation=Settings().activation)
    if command == "animate":
        s = animation_settings(sweep, settings)
        return {
            "width": [variant(s)],
            "training": ["training", s.optimizer, *(w for w in changes(s) if w != s.optimizer)],
            "compare": ["compare", *changes(s, METHODS)],
            "steepness": ["steepness", *changes(s)],
        }[sweep]
    if command in ("compare", "convergence"):
        return [command, *(activations or []), *changes(s, METHODS)]
    if command == "explore":
        return ["explore", *changes(s, METHODS)]
    return ["explain", variant(s)] if command == "explain" else [variant(s)]


def _net_words(command: str, net: Choice2D, sweep: str) -> list[str]:
    """The command's words and a surface's network: method, layers and changed options."""
    o, words = net.options, [net.method] if net.method else []
    words += [f"layers{net.layers}"] if net.method == "train" and net.layers != 1 else []
    words += [str(o["heights"])] if o.get("heights", "minimax") != "minimax" else []
    words += [f"w{exact_word(o['steepness'])}"] if o.get("steepness") is not None else []
    words += [f"seed{o['seed']}"] if o.get("seed") else []
    words += [f"iter{o['max_evaluations']}"] if o.get("max_evaluations") is not None else []
    if command == "animate":
        return [sweep, *words] if sweep not in ("width", "refine") else words
    return words if command == "fit" else [command, *words]


def domain_word(target: Target) -> list[str]:
    """['on0_1'] for sin on [0, 1], ['onm1_1x0_2'] for a surface on [−1, 1] × [0, 2]; []
    on the target's own domain (or when it has none)."""
    try:
        if getattr(target, "dim", 1) == 1:
            own: Any = resolve_target(target.name).domain
        else:
            from uat.core.targets import get_target

            own = get_target(target.name, dim=2).box
    except (UatError, OSError):
        return []
    mine: Any = target.domain if target.dim == 1 else target.box
    if np.allclose(own, mine, rtol=1e-12, atol=0.0):
        return []
    box: list[Any] = [target.domain] if target.dim == 1 else list(target.box)
    text = "x".join("_".join(exact_word(v) for v in side) for side in box)
    return ["on" + text.replace("-", "m").replace(".", "p").replace("+", "")]


def exact_word(v: float) -> str:
    """A number for a file name: 4 digits where they are exact, else every digit needed.

    --domain 0,12344 and 0,12341 both read 1.234e+04 and one run overwrote the other's file.
    """
    short = f"{v:.4g}"
    if float(short) == v:
        return short
    full = repr(float(v)).replace("e+", "e")
    return full[:-2] if full.endswith(".0") else full


def targets() -> list[dict[str, Any]]:
    """The named targets (what `uat targets` lists): name, formula, domain, Lipschitz L."""
    from uat.core.targets import TARGETS

    return json_safe(
        [
            {"name": t.name, "formula": t.formula, "domain": t.domain, "lipschitz": t.lipschitz()}
            for t in TARGETS.values()
        ]
    )


def _beyond(value: float, eps: float) -> str:
    """value > eps with the digits that show it (0.0100003, not 0.01 beside eps 0.01)."""
    for digits in range(3, 17):
        text = f"{value:.{digits}g}"
        if float(text) > eps:
            return text
    return repr(value)


def _no_width(target: Target, eps: float, high: int, fits: dict[int, Fit]) -> None:
    """Refuse eps that no width up to `high` reaches, saying why where the target tells."""
    n = max(fits)
    jumps = (
        "; the target jumps, and no width brings the sup error below half a jump"
        if target.has_jumps()
        else "; the target's slope is unbounded, so the error falls slowly with width"
        if target.lipschitz() is None
        else ""
    )
    raise UatError(
        f"no width up to N = {high:,} reaches sup error ≤ {eps:g} (N = {n:,} gives "
        f"{_beyond(fits[n].errors.sup, eps)}); try a larger eps{jumps}",
        param="eps",
    )


def smallest_width(
    target: Target, eps: float, settings: Settings, *, animated: bool = False
) -> tuple[int, Fit]:
    """The smallest width N (per copy) whose true (refined) sup error is ≤ eps, and its fit.

    Widths double from 2 until one meets eps, then a bisection finds the first that does:
    O(log N_max) fits. The bisection assumes the sup error falls with width, which the
    construction's bound L·Δ/2 (Δ = 2(b−a)/N) guarantees up to its leak, within each of its
    two families (odd and even bump counts, searched apart); a trained net's error is not
    monotone in N, so for training this is the smallest width found. From N = 2 for trained
    nets too. A UatError (param "eps") when no width up to the limit meets eps.
    """
    from uat.settings import LIMITS, width_limit

    if not isinstance(target, Target):
        raise UatError("eps is for targets of one input (x alone)", param="eps")
    if isinstance(eps, bool) or not isinstance(eps, int | float) or not 0 < eps < math.inf:
        raise UatError(f"eps must be a positive number, got {eps!r}", param="eps")
    step = 2 if settings.method == "construct" else 1
    copies = settings.shifts if settings.method == "construct" else 1
    keys = [width_limit(settings)] + ([width_limit(settings, animated=True)] if animated else [])
    high = int(min(LIMITS[k].high for k in keys)) // copies // step * step
    fits: dict[int, Fit] = {}

    def meets(n: int) -> bool:
        fits[n] = fits.get(n) or fit_curve(target, n, settings)
        return fits[n].errors.sup <= eps

    def first_meeting(start: int, stride: int) -> int | None:
        """The smallest width start + j·stride ≤ high meeting eps: j doubles, then bisects."""
        if start > high:
            return None
        last = (high - start) // stride

        def width(j: int) -> int:
            return start + j * stride

        lo, j = -1, 0  # lo: the widest index known to miss eps (−1: none tried)
        while not meets(width(j)):
            if j >= last:
                return None
            lo, j = j, min(2 * j + 1, last)
        while j - lo > 1:
            mid = (lo + j) // 2
            lo, j = (lo, mid) if meets(width(mid)) else (mid, j)
        return width(j)

    # Hand-built: odd and even bump counts are two families (an odd count centres a bump on
    # sqrt|x|'s cusp: 2,501 bumps meet 0.01 where 5,000 miss), each searched on its own.
    classes = [(2, 4), (4, 4)] if step == 2 else [(2, 1)]
    found = [n for n in (first_meeting(a, d) for a, d in classes) if n is not None]
    if not found:
        _no_width(target, eps, high, fits)
    n = min(found)
    return n, fits[n]


# -- the commands, for a target of one input or two ---------------------------------------

TargetLike = str | Target  # TARGET text (a name, an expression, a CSV), or a target


def as_target(
    target: TargetLike,
    domain: str | tuple[float, float] | None = None,
    ydomain: str | None = None,
) -> Target:
    """A target of either dimension: given, or resolved from TARGET text and domain text.

    Text that uses y, a named surface or a CSV of x,y,z is a surface; `ydomain` ('C,D') is
    its y interval (else `domain` serves both axes).
    """
    if not isinstance(target, str):
        if getattr(target, "dim", None) not in (1, 2):
            raise UatError(
                f"target must be text or a Target, not {type(target).__name__}", param="target"
            )
        if domain is not None or ydomain is not None:
            raise UatError("give a domain with TARGET text, not with a Target", param="domain")
        return target
    from uat.core.targets import target_dim

    if target_dim(target) == 2:
        from uat.jobs.commands2d import resolve_target2d

        if domain is not None and not isinstance(domain, str):
            raise UatError("a surface's domain is text 'A,B' (with ydomain 'C,D')", "domain")
        return resolve_target2d(target, domain, ydomain)
    if ydomain is not None:
        raise UatError(
            f"ydomain is for targets of two inputs (x and y); {target!r} is a function of x alone",
            param="ydomain",
        )
    return resolve_target(target, domain)


def request(settings: Settings | None, options: dict[str, object]) -> Settings:
    """The settings (default when None) with `options` (Settings fields by name) applied."""
    if settings is not None and not isinstance(settings, Settings):
        raise UatError(
            f"settings must be a uat.settings.Settings, not {type(settings).__name__}",
            param="settings",
        )
    known = [f.name for f in fields(Settings)]
    for name in options:
        if name not in known:
            raise UatError(f"unknown setting {name!r}; the settings are {', '.join(known)}", name)
    return replace(settings or Settings(), **cast(dict[str, Any], options))


SURFACE_ONLY = ("towers", "layers")  # Settings fields of a surface's networks


def surface_settings(s: Settings, allowed: Sequence[str], command: str = "fit") -> Settings:
    """`s`, refused when a setting a surface's command does not take differs from its default."""
    default = Settings()
    for f in fields(Settings):
        if f.name in allowed or getattr(s, f.name) == getattr(default, f.name):
            continue
        if f.name in SURFACE_ONLY:
            raise UatError(f"{command} on a surface takes n_neurons, not {f.name}", param=f.name)
        raise UatError(f"{f.name} is for targets of one input (x alone)", param=f.name)
    return s


def curve_settings(s: Settings) -> Settings:
    """`s`, refused when it holds a surface's option (towers, layers, nielsen, ridges)."""
    if s.method not in METHODS:
        raise UatError(f"method {s.method} is for 2-D targets; a curve takes construct or train",
                       param="method")  # fmt: skip
    for name in SURFACE_ONLY:
        if getattr(s, name) is not None:
            raise UatError(f"{name} is for targets of two inputs (x and y)", param=name)
    return s


def _curve_only(**given: object) -> None:
    """Refuse a curve's options (activations, widths, …) given for a surface."""
    for name, value in given.items():
        if value is not None:
            raise UatError(f"{name} is for targets of one input (x alone)", param=name)


def default_width(command: str, target: Target, n_neurons: int | None) -> int | None:
    """N as given, or a curve's default (explain 10, else 50); a surface's stays None (its
    network then chooses: 12×12 towers, 32 trained neurons, explain's 3×3 towers)."""
    if n_neurons is not None:
        return n_neurons
    if getattr(target, "dim", 1) == 2:
        from uat.jobs.commands2d import DEFAULT_COMPARE_NEURONS

        return DEFAULT_COMPARE_NEURONS if command == "compare" else None
    return 10 if command == "explain" else 50


def fit(
    target: TargetLike,
    n_neurons: int | None = None,
    settings: Settings | None = None,
    *,
    init: ShallowNet | None = None,
    callback: Callable[[int, float], None] | None = None,
    **options: object,
) -> Fit | Fit2D:
    """Build (by hand or by training) a network for the target and measure it.

    `uat.fit("sin", 50)`, `uat.fit("gaussian2d", 48, method="train")`: TARGET text or a
    target; keyword arguments are `Settings` fields. N neurons (default 50 for a curve); a
    surface takes N or `towers` K (default 12×12 towers, 32 trained neurons), `layers` of a
    trained net, and the methods nielsen and ridges too.
    """
    t, s = as_target(target), request(settings, options)
    if getattr(t, "dim", 1) == 2:
        return _fit_surface(t, n_neurons, s)
    n = cast(int, default_width("fit", t, n_neurons))
    return fit_curve(cast(Target, t), n, curve_settings(s), init=init, callback=callback)


def _fit_surface(t: Target, n_neurons: int | None, s: Settings, command: str = "fit") -> Fit2D:
    """`fit` of a surface: the network chosen from the request (see `surface_choice`)."""
    from uat.jobs.commands2d import fit2d

    c = surface_choice(command, n_neurons, s)
    return fit2d(t, c.size, c.method, **c.options)


def surface_choice(command: str, n_neurons: int | None, s: Settings) -> Choice2D:
    """The network a surface's `command` builds (fit, explain, animate): checked, not built.

    Explain's default is 3×3 Nielsen towers (an x-ridge plus a y-ridge each, for construct).
    """
    from uat.jobs import commands2d as jobs2d

    explain = command == "explain"
    own = ("method", *SURFACE_ONLY)
    given = {k: v for k, v in asdict(s).items() if k not in own}
    default = jobs2d.EXPLAIN_TOWERS if explain else jobs2d.DEFAULT_TOWERS
    method = "nielsen" if explain and s.method == "construct" else s.method
    return jobs2d.choose2d(method, n_neurons, s.towers, s.layers, given, default_towers=default)


def explain(
    target: TargetLike,
    n_neurons: int | None = None,
    settings: Settings | None = None,
    **options: object,
) -> Fit | Fit2D:
    """The fit `uat explain` dissects: few neurons (10 for a curve; 3×3 Nielsen towers, an
    x-ridge plus a y-ridge each, for a surface unless another method is asked)."""
    t, s = as_target(target), request(settings, options)
    n = default_width("explain", t, n_neurons)
    explain_plan(t, n, s)
    if getattr(t, "dim", 1) == 2:
        return _fit_surface(t, n, s, "explain")
    return fit_curve(cast(Target, t), cast(int, n), s)


def explain_plan(target: Target, n_neurons: int | None, s: Settings) -> None:
    """Check an explain request before any work (a trained curve's neurons are drawn on the
    dense grid, so their count is bounded by `check_grid`)."""
    from uat.settings import check_grid

    if getattr(target, "dim", 1) == 2:
        surface_choice("explain", n_neurons, s)
        return
    check_width(n_neurons, curve_settings(s))
    if s.method == "train":  # its neurons' curves are dense; pairs are drawn locally
        check_grid(cast(int, n_neurons))


def compare_plan(
    target: Target,
    n_neurons: int,
    settings: Settings,
    activations: Sequence[str] | None = None,
    losses: Sequence[str] | None = None,
    *,
    animate: bool = False,
) -> list[str]:
    """Check a comparison before any work; the networks it builds (by variant or method)."""
    if getattr(target, "dim", 1) == 2:
        from uat.core.train import check_widths
        from uat.jobs import commands2d as jobs2d

        _curve_only(activations=activations, losses=losses, animate=animate or None)
        surface_settings(settings, ("seed", "max_iter"), "compare")
        jobs2d.sizes_for_neurons(n_neurons)
        for variant in jobs2d.COMPARE2D:
            method, layers = jobs2d.VARIANTS2D[variant]
            if method == "train":
                check_widths(jobs2d.trained_widths(n_neurons, layers))
        return list(jobs2d.COMPARE2D)
    runs = compare_runs(curve_settings(settings), n_neurons, activations, losses)
    return [f"{s.method}-{s.activation}-{s.loss}" for s, _ in runs]


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
        from uat.jobs import commands2d as jobs2d

        _curve_only(widths=widths, losses=losses, seeds=None if seeds == 1 else seeds)
        surface_settings(settings, ("seed",), "convergence")
        chosen = list(methods) if methods else list(jobs2d.DEFAULT_CONVERGENCE2D)
        return sum(len(v) for v in jobs2d.convergence_sizes(chosen, max_neurons).values())
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


def show(
    path: str | Path,
    target: str | None = None,
    domain: str | tuple[float, float] | None = None,
) -> Fit | Fit2D:
    """Read a network saved by `uat fit --save-net` (either format) and measure it against
    its recorded target, on its recorded domain, unless `target` (and `domain`) name another."""
    from uat.core.network import network_inputs

    if network_inputs(path) == 2:
        from uat.jobs.commands2d import show2d

        if domain is not None and not isinstance(domain, str):
            raise UatError("a surface's domain is text 'A,B'", param="domain")
        return show2d(path, target, domain)
    return show_curve(path, target, domain)


def compare(
    target: TargetLike,
    n_neurons: int | None = None,
    settings: Settings | None = None,
    *,
    activations: Sequence[str] | None = None,
    losses: Sequence[str] | None = None,
    progress: Callable[[int, int], None] | None = None,
    **options: object,
) -> Comparison | Compare2D:
    """Hand-built against trained at the same width (a curve: N = 50 by default, per
    activation and loss); on a surface towers, ridges and trained nets at about N = 48."""
    t, s = as_target(target), request(settings, options)
    if getattr(t, "dim", 1) == 2:
        from uat.jobs.commands2d import DEFAULT_COMPARE_NEURONS, compare2d

        _curve_only(activations=activations, losses=losses)
        surface_settings(s, ("seed", "max_iter"), "compare")
        n = DEFAULT_COMPARE_NEURONS if n_neurons is None else n_neurons
        t2 = t
        return compare2d(t2, n, seed=s.seed, max_evaluations=s.max_iter, progress=progress)
    n = 50 if n_neurons is None else n_neurons
    s = curve_settings(s)
    return compare_curve(cast(Target, t), n, s, activations=activations, losses=losses,
                         progress=progress)  # fmt: skip


def convergence(
    target: TargetLike,
    widths: Sequence[int] | None = None,
    methods: str | Sequence[str] | None = None,
    settings: Settings | None = None,
    *,
    max_neurons: int | None = None,
    seeds: int = 1,
    progress: Callable[[int], None] | None = None,
    losses: Sequence[str] | None = None,
    **options: object,
) -> Convergence | Convergence2D:
    """Errors against width for each method, with fitted slopes (see `convergence_curve`;
    a surface: each method at its sizes up to `max_neurons`, `commands2d.convergence_sizes`)."""
    t, s = as_target(target), request(settings, options)
    if getattr(t, "dim", 1) == 2:
        from uat.jobs import commands2d as jobs2d

        _curve_only(widths=widths, losses=losses)
        if seeds != 1:
            raise UatError("seeds is for targets of one input (x alone)", param="seeds")
        surface_settings(s, ("seed",), "convergence")
        chosen = _names(methods) if methods else list(jobs2d.DEFAULT_CONVERGENCE2D)
        sizes = jobs2d.convergence_sizes(chosen, max_neurons)
        return jobs2d.convergence2d(t, sizes, progress, seed=s.seed)
    return convergence_curve(
        cast(Target, t), widths, METHODS if methods is None else _names(methods),
        curve_settings(s),
        max_neurons=200 if max_neurons is None else max_neurons, seeds=seeds,
        progress=progress, losses=losses,
    )  # fmt: skip
