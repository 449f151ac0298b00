"""The 2-D commands as library calls: one fit, and error against neurons for each method."""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from uat.core.construct2d import TOWER_BOUND_FORMULA, net_bound2d, ridge_sums, towers
from uat.core.layered import LayeredNet
from uat.core.metrics2d import Errors2D, errors2d
from uat.core.targets import Target
from uat.errors import UatError
from uat.jobs.records import (
    Point,
    compare_record,
    convergence_record,
    fit_record,
    fitted_slope,
    training_checks,
)

# construct: K×K quadrant towers; nielsen: Nielsen's towers (with their corner holes);
# ridges: one hidden layer, K+1 steps in each of K directions; train: N neurons trained.
METHODS2D = ("construct", "nielsen", "ridges", "train")
# What a comparison or a convergence study may name: a method and its hidden layers
# ("train2": a net of two hidden layers of N neurons each; compare gives it N/2 each).
VARIANTS2D = {
    "construct": ("construct", 2),
    "nielsen": ("nielsen", 2),
    "ridges": ("ridges", 1),
    "train": ("train", 1),
    "train2": ("train", 2),
}
COMPARE2D = ("construct", "ridges", "train", "train2")
DEFAULT_COMPARE_NEURONS = 48  # 6×6 towers: 12 steps + 36 thresholds
# sizes per variant for `uat convergence` in 2-D: 20 to 290 neurons built, 8 to 64 trained
DEFAULT_CONVERGENCE2D: dict[str, list[int]] = {
    "construct": [4, 6, 8, 12, 16],
    "ridges": [4, 6, 8, 12, 16],
    "train": [8, 16, 32, 64],
    "train2": [4, 8, 16],  # per layer: 8, 16, 32 neurons in all
}


@dataclass
class Fit2D:
    """A network built for a 2-D target, with its errors and, for towers, the bound."""

    target: Target
    net: LayeredNet
    errors: Errors2D
    seconds: float  # time spent building or training the network
    bound: float | None  # L·√(Δx²+Δy²)/2 for towers on a Lipschitz target
    method: str
    size: int  # K for towers and ridges, N for a trained net
    history: list[tuple[int, float]] = field(default_factory=list)

    options: dict[str, Any] | None = None  # what built it (seed, steepness, …); None if read

    def to_dict(self) -> dict[str, Any]:
        """The numbers of this fit, JSON-safe: the keys of a fit of one input, null where
        meaningless (a surface's sup error is not checked for float rounding)."""
        e, net = self.errors, self.net
        trained = self.method == "train"
        settings = None if self.options is None else {"method": self.method, **self.options}
        return fit_record(
            self.target, self.method, self.size, net, e.sup, e.at, e.rmse, e.grid,
            activation=net.layers[0].activation, output_activation=net.layers[-1].activation,
            widths=net.widths, grid_points=e.grid**2, sup_error_on_grid=e.grid_sup,
            sup_found_by="local maximum" if e.sup > e.grid_sup else "grid",
            float_rounding=None, bound=self.bound,
            bound_formula=TOWER_BOUND_FORMULA if self.bound is not None else None,
            seconds=self.seconds, iterations=len(self.history) if trained else None,
            stopped=None, **training_checks(net.meta, trained), settings=settings,
        )  # fmt: skip


def build2d(
    target: Target,
    size: int,
    method: str = "construct",
    *,
    layers: int = 1,
    seed: int = 0,
    steepness: float | None = None,
    heights: str = "minimax",
    max_evaluations: int | None = None,
) -> tuple[LayeredNet, list[tuple[int, float]]]:
    """The network of `method` at `size` (K towers or ridge steps per side; N trained)."""
    if method in ("construct", "nielsen"):
        form = "quadrant" if method == "construct" else "nielsen"
        return towers(target, size, steepness=steepness, heights=heights, form=form), []
    if method == "ridges":
        return ridge_sums(target, size, size, steepness=steepness), []
    if method == "train":
        from uat.core.train import LAYERED_ITERATIONS, train2d

        if layers not in (1, 2) or size < layers:
            raise UatError("a trained 2-D net has 1 or 2 hidden layers of ≥ 1 neuron each")
        run = train2d(
            target, trained_widths(size, layers), seed=seed,
            max_iter=max_evaluations or LAYERED_ITERATIONS,
        )  # fmt: skip
        return run.net, run.history
    raise UatError(f"unknown 2-D method {method!r}; choose one of: {', '.join(METHODS2D)}")


def trained_widths(n: int, layers: int) -> list[int]:
    """N hidden neurons in each hidden layer (`--neurons` is the width of a layer)."""
    return [n] * layers


def fit2d(target: Target, size: int, method: str = "construct", **options: Any) -> Fit2D:
    """Build (or train) a 2-D net and measure it: sup refined over the plane, RMSE on the grid.

    Parameters
    ----------
    target : the surface and rectangle.
    size : K towers per side (construct, nielsen), K steps and K directions (ridges), or the
        number N of hidden neurons in each hidden layer (train; layers=2: N + N).
    method : one of METHODS2D.
    options : layers, seed, steepness, heights, max_evaluations (see `build2d`).
    """
    start = time.perf_counter()
    net, history = build2d(target, size, method, **options)
    seconds = time.perf_counter() - start
    bound = net_bound2d(target, net)[0] if method == "construct" else None
    if target.path is not None:  # `uat show` finds the CSV from any folder
        net.meta["target_path"] = target.path
    e = errors2d(net, target)
    return Fit2D(target, net, e, seconds, bound, method, size, history, dict(options))


@dataclass
class Convergence2D:
    """Errors against hidden neurons for several methods, with fitted slopes."""

    target: Target
    points: list[Point]  # width: hidden neurons; size: K, or N trained

    def slope(self, method: str, key: str = "sup_error") -> float:
        """Fitted slope of log(error) against log(neurons) over the asymptotic sizes."""
        mine = [p for p in self.points if p.method == method]
        return fitted_slope([p.width for p in mine], [getattr(p, key) for p in mine])

    def to_dict(self) -> dict[str, Any]:
        """Points and slopes: the keys of 1-D's (no optimiser floor is sought here)."""
        methods = list(dict.fromkeys(p.method for p in self.points))
        return convergence_record(
            self.target, self.points, {m: self.slope(m) for m in methods},
            {m: self.slope(m, "rmse") for m in methods}, dict.fromkeys(methods),
            "over the asymptotic sizes (the upper half, in log scale)",
        )  # fmt: skip


def fit_variant(target: Target, size: int, variant: str, **options: Any) -> Fit2D:
    """`fit2d` of one of VARIANTS2D (a trained variant sets its own hidden layers)."""
    if variant not in VARIANTS2D:
        known = ", ".join(VARIANTS2D)
        raise UatError(f"unknown 2-D method {variant!r}; choose one of: {known}")
    method, layers = VARIANTS2D[variant]
    if method == "train":
        options = {**options, "layers": layers}
    else:
        options.pop("layers", None)
    return fit2d(target, size, method, **options)


def convergence2d(
    target: Target,
    sizes: dict[str, Sequence[int]] | None = None,
    progress: Callable[[int], None] | None = None,
    **options: Any,
) -> Convergence2D:
    """Fit every variant at each of its sizes ({variant: [sizes]}, default
    DEFAULT_CONVERGENCE2D); errors against neurons, slopes per variant."""
    points, done = [], 0
    for method, method_sizes in (sizes or DEFAULT_CONVERGENCE2D).items():
        for size in method_sizes:
            fit = fit_variant(target, size, method, **options)
            e, seed = fit.errors, options.get("seed", 0)
            points.append(Point(fit.net.n_neurons, method, e.sup, e.rmse, fit.seconds, seed, None,
                                None, size, fit.bound))  # fmt: skip
            done += 1
            if progress is not None:
                progress(done)
    return Convergence2D(target, points)


def net_label(method: str, size: int, layers: int = 1) -> str:
    """A network's name in captions: '8×8 towers', 'trained, 2 hidden layers', …"""
    if method in ("construct", "nielsen"):
        return f"{size}×{size} {'Nielsen ' if method == 'nielsen' else ''}towers"
    if method == "ridges":
        return f"ridges in {size} directions"
    return f"trained, {layers} hidden layer{'s' if layers > 1 else ''}"


def sizes_for_neurons(neurons: int) -> dict[str, int]:
    """The size of each variant whose hidden-neuron count is nearest to `neurons`."""
    if not isinstance(neurons, int) or neurons < 3:
        raise UatError(f"compare needs at least 3 neurons, got {neurons}")
    k_towers = max(1, round(math.sqrt(neurons + 1) - 1))  # 2K steps + K² thresholds
    k_ridges = max(1, round((math.sqrt(4 * neurons + 1) - 1) / 2))  # K directions × (K+1)
    sizes = {"construct": k_towers, "nielsen": k_towers, "ridges": k_ridges}
    return {**sizes, "train": neurons, "train2": max(1, neurons // 2)}  # N/2 + N/2 neurons


@dataclass
class Compare2D:
    """Several networks for one target at about the same number of hidden neurons."""

    target: Target
    neurons: int  # as asked; each fit has its own count
    variants: list[str]
    fits: list[Fit2D]

    def ratio(self, key: str) -> float | None:
        """Towers' error over the one-layer trained net's (`key`: sup or rmse), if both ran."""
        by = dict(zip(self.variants, self.fits, strict=True))
        if "construct" not in by or "train" not in by:
            return None
        hand, trained = (getattr(by[v].errors, key) for v in ("construct", "train"))
        return hand / trained if trained else None

    def to_dict(self) -> dict[str, Any]:
        """Per network its variant and fit record, and the ratios: the keys of 1-D's."""
        return compare_record(self.target, self.neurons, None, self.variants, self.fits,
                              self.ratio("sup"), self.ratio("rmse"))  # fmt: skip


def compare2d(
    target: Target,
    neurons: int = DEFAULT_COMPARE_NEURONS,
    *,
    variants: Sequence[str] = COMPARE2D,
    seed: int = 0,
    max_evaluations: int | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> Compare2D:
    """Towers, ridges and trained nets (one and two hidden layers) at about `neurons` each.

    Parameters
    ----------
    target : the surface and rectangle.
    neurons : hidden neurons each network should have (towers and ridges take the nearest
        count their layout allows: 2K + K² and K·(K+1)).
    variants : which of VARIANTS2D, in order.
    seed, max_evaluations : of the trained nets.
    progress : called as progress(done, total) after each network.
    """
    from uat.core.train import check_widths

    sizes = sizes_for_neurons(neurons)
    for variant in variants:  # every refusal before the first network is built
        if variant not in VARIANTS2D:
            raise UatError(
                f"unknown 2-D method {variant!r}; choose one of: {', '.join(VARIANTS2D)}"
            )
        method, layers = VARIANTS2D[variant]
        if method == "train":
            check_widths(trained_widths(sizes.get(variant, neurons), layers))
    fits = []
    for i, variant in enumerate(variants):
        fits.append(
            fit_variant(
                target,
                sizes.get(variant, neurons),
                variant,
                seed=seed,
                max_evaluations=max_evaluations,
            )  # fmt: skip
        )
        if progress is not None:
            progress(i + 1, len(variants))
    return Compare2D(target, neurons, list(variants), fits)


# -- the command line's rules for two inputs ----------------------------------------------

DEFAULT_TOWERS = 12  # towers per side (168 neurons): a 0.2 s build, a figure that reads
DEFAULT_TRAINED = 32  # hidden neurons of a trained net: about 2 s of LM here
EXPLAIN_TOWERS = 3  # `uat explain`: few neurons, so that each surface is one step or tower
# Settings the 2-D networks do not take (sigmoid steps, identity output, one optimiser).
_ONE_D_ONLY = (
    "activation",
    "output_activation",
    "shifts",
    "optimizer",
    "loss",
    "tol",
    "learning_rate",
)


_SWEEP_TOWERS = (2, 3, 4, 6, 8, 12, 16, 24, 32)  # K per side, for --max-neurons
_SWEEP_TRAINED = (4, 8, 16, 32, 64, 128)


def convergence_sizes(
    variants: Sequence[str], max_neurons: int | None = None
) -> dict[str, Sequence[int]]:
    """Sizes per variant for `uat convergence`: the defaults, or up to `max_neurons` each."""
    sizes: dict[str, Sequence[int]] = {}
    for v in variants:
        if v not in VARIANTS2D:
            raise UatError(
                f"unknown 2-D method {v!r}; choose one of: {', '.join(VARIANTS2D)}", param="methods"
            )
        if max_neurons is None:
            sizes[v] = DEFAULT_CONVERGENCE2D.get(v, DEFAULT_CONVERGENCE2D["construct"])
        elif VARIANTS2D[v][0] == "train":
            sizes[v] = [n for n in _SWEEP_TRAINED if n <= max_neurons]
        else:
            sizes[v] = [k for k in _SWEEP_TOWERS if neurons_of(VARIANTS2D[v][0], k) <= max_neurons]
        if len(sizes[v]) < 2:
            raise UatError(
                f"max_neurons {max_neurons} leaves {v} fewer than 2 sizes for a slope",
                param="max_neurons",
            )
    return sizes


def resolve_target2d(text: str, domain: str | None = None, ydomain: str | None = None) -> Target:
    """TARGET text and --domain/--ydomain text as a Target (one --domain serves both axes)."""
    from uat.core.targets import check_finite, get_target, parse_domain

    if domain is not None:
        xdom = parse_domain(domain)
        return get_target(text, (xdom, xdom if ydomain is None else parse_domain(ydomain)), 2)
    target = get_target(text, dim=2)
    if ydomain is None:
        return target
    moved = target.on((target.box[0], parse_domain(ydomain)))
    check_finite(moved)
    return moved


def neurons_of(method: str, k: int) -> int:
    """Hidden neurons of K×K towers (2K steps + K² thresholds; Nielsen's 2K + 2 steps) or of
    ridges in K directions (K + 1 steps each)."""
    if method == "construct":
        return k * k + 2 * k
    if method == "nielsen":
        return k * k + 2 * k + 2
    return k * (k + 1)


@dataclass(frozen=True)
class Choice2D:
    """What a 2-D command builds: the method, its size (K, or N trained) and its options."""

    method: str
    size: int
    layers: int
    options: dict[str, Any]

    @property
    def width_word(self) -> str:
        """The size in a file name: K12 (towers or ridge directions), or 32 neurons trained."""
        return str(self.size) if self.method == "train" else f"K{self.size}"


def size_for(method: str, neurons: int | None, towers: int | None, default: int) -> int:
    """K from --towers, or from --neurons when it is a count the layout makes exactly."""
    from uat.core.construct2d import check_towers

    if neurons is not None and towers is not None:
        raise UatError("give n_neurons or towers, not both", param="n_neurons")
    if neurons is None:
        return check_towers(default if towers is None else towers)
    if neurons < 1:
        raise UatError(f"n_neurons must be a positive whole number, got {neurons}", "n_neurons")
    k = 1
    while neurons_of(method, k + 1) <= neurons:
        k += 1
    if neurons_of(method, k) == neurons:
        return check_towers(k)
    layout = {
        "construct": "K×K towers take K² + 2K",
        "nielsen": "K×K Nielsen towers take K² + 2K + 2",
        "ridges": "ridges in K directions take K² + K",
    }[method]
    tries = " or ".join(f"{neurons_of(method, j)} (K = {j})" for j in (k, k + 1))
    raise UatError(
        f"n_neurons {neurons} does not fit: {layout} neurons; try {tries}, or give towers K",
        param="n_neurons",
    )


def choose2d(
    method: str | None,
    neurons: int | None,
    towers: int | None,
    layers: int | None,
    settings: dict[str, Any],
    *,
    default_towers: int = DEFAULT_TOWERS,
) -> Choice2D:
    """Check a 2-D request (method, size, Settings values) before any work; refuse what
    a 2-D net does not take, naming the option."""
    from uat.settings import Settings

    method = method or "construct"
    if method not in METHODS2D:
        raise UatError(f"unknown 2-D method {method!r}; choose one of: {', '.join(METHODS2D)}")
    defaults = Settings()
    for name in _ONE_D_ONLY:
        if name in settings and settings[name] != getattr(defaults, name):
            raise UatError(
                f"{name} is for targets of one input; a 2-D net uses sigmoid steps", param=name
            )
    checked = Settings(**{k: v for k, v in settings.items() if k != "method"})
    if layers is not None and method != "train":
        raise UatError(
            "layers is for trained nets: towers have 2 hidden layers, ridges 1", param="layers"
        )
    if method == "train":
        from uat.core.train import check_widths

        if towers is not None:
            raise UatError(
                "towers is for hand-built nets; give a trained net n_neurons", param="towers"
            )
        size, depth = (DEFAULT_TRAINED if neurons is None else neurons), layers or 1
        if depth not in (1, 2) or size < depth:
            raise UatError(
                "a trained 2-D net has 1 or 2 hidden layers of ≥ 1 neuron each", param="layers"
            )
        check_widths(trained_widths(size, depth))
        options: dict[str, Any] = {"seed": checked.seed, "max_evaluations": checked.max_iter}
        options["layers"] = depth
        return Choice2D(method, size, depth, options)
    if checked.heights not in ("minimax", "centre"):
        raise UatError(
            f"heights {checked.heights!r} is 1-D only; 2-D towers take minimax or centre",
            param="heights",
        )
    size = size_for(method, neurons, towers, default_towers)
    built: dict[str, Any] = {"steepness": checked.steepness}
    if method != "ridges":
        built["heights"] = checked.heights
    return Choice2D(method, size, 2 if method != "ridges" else 1, built)


def output_name2d(command: str, target: Target, what: str, ext: str = ".png") -> str:
    """Default output file: target, command (not for fit), the network or sweep words."""
    from uat.core.expr import slug

    words = [] if command == "fit" else [command]
    return "-".join([slug(target.name), *words, what]) + ext


def show2d(path: str | Path, target: str | None = None, domain: str | None = None) -> Fit2D:
    """Read a `uat-network/2` file and measure it against its recorded target (or another)."""
    t0 = time.perf_counter()
    from uat.core.targets import recorded_target

    net = LayeredNet.load(path)
    text = target if target is not None else recorded_target(net.target, net.meta, path)
    if not text:
        raise UatError(f"network {path} records no function to measure; pass target", "target")
    if net.inputs != 2:
        raise UatError(f"network {path} takes {net.inputs} inputs; uat shows 1 or 2")
    if domain is None and target is None and net.domain is not None:
        t = resolve_target2d(text).on(net.domain)
    else:
        t = resolve_target2d(text, domain)
    meta = net.meta
    form = meta.get("form")
    method = "nielsen" if form == "nielsen" else net.method or "train"
    size = int(meta.get("towers_per_side") or meta.get("directions") or net.n_neurons)
    quadrant = method == "construct" and form == "quadrant"
    from uat.core.claims import is_construction

    bound = net_bound2d(t, net)[0] if quadrant and is_construction(net, t) else None
    errors = errors2d(net, t)
    return Fit2D(t, net, errors, time.perf_counter() - t0, bound, method, size)
