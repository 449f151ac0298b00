"""One network for a target, built or trained, and measured: `fit`, `explain`, `show`, and
the width sweeps and the smallest width for an ε built on them."""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, Generic, TypeVar, cast

import numpy as np

from uat.core.metrics import Errors, errors
from uat.core.network import Network, ShallowNet
from uat.core.targets import Target
from uat.errors import UatError
from uat.jobs.records import fit_record, training_checks
from uat.jobs.request import (
    resolve_target,
)
from uat.settings import Method, Settings, check_width

if TYPE_CHECKING:
    from uat.core.layered import LayeredNet
    from uat.jobs.choice import Choice


# -- one network --------------------------------------------------------------------------


NetT = TypeVar("NetT", bound=Network)


@dataclass
class Fit(Generic[NetT]):
    """A network built for a target of either dimension, with its errors and, where it is a
    theorem for this net, the construction's bound. `Fit[ShallowNet]` for a curve's one
    hidden layer, `Fit[LayeredNet]` for a surface's (or a deep) net."""

    target: Target
    net: NetT
    errors: Errors
    seconds: float  # time spent building or training the network
    bound: float | None  # the construction's error bound, where one holds for this net
    history: list[tuple[int, float]] = field(default_factory=list)
    settings: Settings | None = None  # None for a network read back by `show`
    theorem: str | None = None  # a deep construction's claim, in one line (uat.jobs.deepfit)

    @property
    def method(self) -> str:
        """construct or train; over the plane also nielsen (towers with holes) or ridges."""
        if self.net.inputs == 2 and self.net.meta.get("form") == "nielsen":
            return "nielsen"
        return self.net.method or "train"

    @property
    def size(self) -> int:
        """The size asked for: N neurons (per copy under shifts), or K towers or ridge
        directions per side over the plane."""
        m = self.net.meta
        if self.net.inputs == 2 and self.method != "train":
            return int(m.get("towers_per_side") or m.get("directions") or self.net.n_neurons)
        return self.net.n_neurons // int(m.get("copies", 1) or 1)

    @property
    def bound_formula(self) -> str | None:
        """The printed bound's formula, or None when no bound is printed."""
        from uat.core.metrics import bound_formula
        from uat.core.towers import TOWER_BOUND_FORMULA

        if self.bound is None:
            return None
        if self.target.dim == 2:
            return TOWER_BOUND_FORMULA
        if not isinstance(self.net, ShallowNet):  # a deep construction: Yarotsky's square
            return "2^(-2m-2)"
        return bound_formula(self.net.activation, self.net.output_activation, net=True)

    def to_dict(self) -> dict[str, Any]:
        """The numbers of this fit, JSON-safe (no NaN: null); the keys of every dimension."""
        e, net, m = self.errors, self.net, self.net.meta
        trained = self.method == "train"
        return fit_record(
            self.target, self.method, self.size, net, e.sup, e.at, e.rmse, e.grid,
            activation=net.activation, output_activation=net.output_activation,
            widths=net.widths, grid_points=e.grid_points, sup_error_on_grid=e.grid_sup,
            sup_found_by=e.found_by, float_rounding=e.rounding, bound=self.bound,
            bound_formula=self.bound_formula, seconds=self.seconds,
            iterations=m.get("iterations", len(self.history)) if trained else None,
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
) -> Fit[ShallowNet]:
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
) -> Fit[ShallowNet]:
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
) -> list[Fit[ShallowNet]]:
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


def fit_surface(
    target: Target, choice: Choice, settings: Settings | None = None
) -> Fit[LayeredNet]:
    """Build (or train) the chosen net over the plane and measure it: the sup refined over
    the plane (around the grid's peaks, across the net's step lines, at jumps), the RMSE on
    the grid. `settings` is the request it answers (recorded in the fit's record)."""
    from uat.core.towers import tower_net_bound
    from uat.jobs.choice import build

    start = time.perf_counter()
    net, history = build(target, choice)
    seconds = time.perf_counter() - start
    bound = tower_net_bound(target, net)[0] if choice.method == "construct" else None
    if target.path is not None:  # `uat show` finds the CSV from any folder
        net.meta["target_path"] = target.path
    return Fit(target, net, errors(net, target), seconds, bound, history, settings)


def fit_variant(target: Target, size: int, variant: str, settings: Settings) -> Fit[LayeredNet]:
    """`fit_surface` of one of `choice.VARIANTS` (a method and its hidden layers) at `size`."""
    from uat.jobs.choice import variant_choice

    choice = variant_choice(variant, size, settings)
    return fit_surface(target, choice, replace(settings, method=cast(Method, choice.method)))


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
) -> tuple[int, Fit[ShallowNet]]:
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


def read_layered(path: str | Path, target: str | None) -> tuple[LayeredNet, str]:
    """A saved `uat-network/2` and the target text to measure it against: `target`, or the
    one the file records (a CSV found beside it or where it was)."""
    from uat.core.layered import LayeredNet
    from uat.core.targets import recorded_target

    net = LayeredNet.load(path)
    text = target if target is not None else recorded_target(net.target, net.meta, path)
    if not text:
        raise UatError(f"network {path} records no function to measure; pass target", "target")
    return net, text


def show_surface(
    path: str | Path, target: str | None = None, domain: str | None = None
) -> Fit[LayeredNet]:
    """Read a `uat-network/2` file and measure it against its recorded target (or another)."""
    from uat.core.claims import is_construction
    from uat.core.towers import tower_net_bound

    t0 = time.perf_counter()
    net, text = read_layered(path, target)
    if net.inputs != 2:
        raise UatError(f"network {path} takes {net.inputs} inputs; uat shows 1 or 2")
    if domain is None and target is None and net.domain is not None:
        t = resolve_target(text, dim=2).on(net.domain)
    else:
        t = resolve_target(text, domain, dim=2)
    quadrant = net.method == "construct" and net.meta.get("form") == "quadrant"
    bound = tower_net_bound(t, net)[0] if quadrant and is_construction(net, t) else None
    return Fit(t, net, errors(net, t), time.perf_counter() - t0, bound)
