"""`uat depth TARGET`: one hidden layer against several, at equal parameter counts, measured.

Every net is a ReLU net of one input, every weight trained by the project's LM loop: one hidden
layer by the 1-D trainer (`uat.core.train.train`, its evenly spread start), deeper nets by the
layered LM (`lm_layered`, back-propagated Jacobian) from a start whose first-layer kinks are
spread over the domain and whose deeper neurons each switch inside the data. The best of
`seeds` runs is kept per depth. Sup errors are exact for these piecewise-linear nets: the
refined 1-D error measure, then the error at every breakpoint of the net (and of tentK). For
tentK the smallest one-hidden-layer width reaching sup error ≤ 0.1 is searched (doubling, then
bisection) beside the lower bound 2^k − 1 that counting linear pieces gives.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from uat.core.deep import breakpoints, linear_pieces, tent_net, yarotsky_error, yarotsky_net
from uat.core.layered import Layer, LayeredNet
from uat.core.targets import Target
from uat.errors import UatError
from uat.settings import LIMITS

SHALLOW_SUP = 0.1  # the sup error the one-hidden-layer width search must reach
DEPTH_ITERATIONS = 200  # LM iterations of a trained deep net


@dataclass
class DepthRow:
    """One net of the comparison and what it measured."""

    kind: str  # "trained", "hand-built"
    widths: list[int]
    parameters: int
    sup: float
    rmse: float
    pieces: int
    seed: int | None = None
    path: str | None = None
    net: LayeredNet | None = field(default=None, repr=False)  # not printed: drawn by --explain

    def to_dict(self) -> dict[str, Any]:
        """The record `--json` prints for this net."""
        return {"kind": self.kind, "layers": len(self.widths), "widths": self.widths,
                "parameters": self.parameters, "sup_error": self.sup, "rmse": self.rmse,
                "linear_pieces": self.pieces, "seed": self.seed, "net": self.path}  # fmt: skip


@dataclass
class DepthResult:
    """The comparison: trained rows per depth, the hand-built net, the shallow width search."""

    target: str
    domain: tuple[float, float]
    budget: int
    rows: list[DepthRow]
    hand_built: DepthRow | None = None
    hand_built_theorem: str | None = None
    shallow_width: int | None = None
    shallow_bound: int | None = None
    shallow_limit: int | None = None
    search: list[DepthRow] = field(default_factory=list)

    def deepest(self) -> LayeredNet | None:
        """The net `--explain` draws: the hand-built one, else the deepest trained one."""
        if self.hand_built is not None:
            return self.hand_built.net
        return max(self.rows, key=lambda r: len(r.widths)).net if self.rows else None

    def to_dict(self) -> dict[str, Any]:
        """The record `--json` prints."""
        return {
            "target": self.target,
            "domain": list(self.domain),
            "parameter_budget": self.budget,
            "activation": "relu",
            "trained": [r.to_dict() for r in self.rows],
            "hand_built": None if self.hand_built is None else self.hand_built.to_dict(),
            "hand_built_theorem": self.hand_built_theorem,
            "shallow_width": self.shallow_width,
            "shallow_width_sup": SHALLOW_SUP,
            "shallow_width_bound": self.shallow_bound,
            "shallow_width_limit": self.shallow_limit,
            "shallow_search": [r.to_dict() for r in self.search],
        }


def parameters_of(widths: list[int]) -> int:
    """Weights and biases of a one-input, one-output net with these hidden widths."""
    sizes = [1, *widths, 1]
    return sum((sizes[i] + 1) * sizes[i + 1] for i in range(len(sizes) - 1))


def widths_for(layers: int, budget: int) -> list[int]:
    """Equal widths for `layers` hidden layers whose parameter count is nearest the budget."""
    best = min(range(1, budget + 1), key=lambda w: abs(parameters_of([w] * layers) - budget))
    return [best] * layers


def tent_order(target: Target) -> int | None:
    """k for the named target tentk, else None."""
    m = re.fullmatch(r"tent(\d+)", target.name)
    return int(m.group(1)) if m else None


def is_square(target: Target) -> bool:
    """x² on [0, 1], Yarotsky's target."""
    name = target.name.replace(" ", "")
    return name in ("x**2", "x^2", "x*x") and tuple(target.domain) == (0.0, 1.0)


def measure(net: LayeredNet, target: Target) -> tuple[float, float]:
    """(sup error, RMSE) of a 1-input ReLU net: the refined 1-D measure, then every breakpoint."""
    from uat.core.metrics import errors

    e = errors(lambda x: net(x), target)
    xs = breakpoints(net, target.domain)[0]
    if (k := tent_order(target)) is not None:  # the target's own kinks: j / 2^k
        xs = np.concatenate([xs, np.linspace(0.0, 1.0, 2**k + 1)])
    at = float(np.max(np.abs(net(xs) - target(xs))))
    return max(e.sup, at), e.rmse


def layered_of(shallow: Any) -> LayeredNet:
    """A one-hidden-layer `ShallowNet` as the LayeredNet of the same weights."""
    return LayeredNet(
        [Layer(shallow.w[:, None], shallow.b, shallow.activation),
         Layer(shallow.v[None, :], np.array([shallow.c]), "identity")],
        domain=(tuple(shallow.domain),), target=shallow.target, method="train",
        meta=dict(shallow.meta),
    )  # fmt: skip


def train_points(target: Target) -> int:
    """Training grid: 2,001 points, or 8 a linear piece of tentk."""
    k = tent_order(target)
    return max(2001, 8 * 2**k + 1) if k is not None else 2001


def deep_start(
    widths: list[int], u: np.ndarray, rng: np.random.Generator, activation: str = "relu"
) -> list[Layer]:
    """Hidden layers on u ∈ [−1, 1]: first-layer kinks (or steps) spread, every neuron switching."""
    n1 = widths[0]
    w = rng.choice([-1.0, 1.0], n1) * (1.0 + rng.uniform(0, 1, n1))
    kinks = np.linspace(-1, 1, n1 + 2)[1:-1] + rng.uniform(-0.5, 0.5, n1) / (n1 + 1)
    layers = [Layer(w[:, None], -w * kinks, activation)]
    for n in widths[1:]:
        below = LayeredNet(list(layers)).activations(u[:, None])[-1][1]
        weights = rng.normal(0.0, math.sqrt(2.0 / below.shape[1]), (n, below.shape[1]))
        at = below[rng.integers(0, below.shape[0], n)]  # each neuron switches at a data point
        layers.append(Layer(weights, -np.sum(weights * at, axis=1), activation))
    return layers


def train_deep(
    target: Target,
    widths: list[int],
    seed: int,
    max_iter: int,
    activation: str = "relu",
    callback: Callable[[int, float], None] | None = None,
    history: list[tuple[int, float]] | None = None,
) -> LayeredNet:
    """Every weight of a net with hidden `widths` by the layered LM, on u = (x − mid)/half; the
    training RMSE of every iteration is appended to `history` when one is given."""
    from uat.core.train.common import Run
    from uat.core.train.data import target_gain
    from uat.core.train.initial import output_layer
    from uat.core.train.layered import lm_layered, net_of, pack
    from uat.threads import one_blas_thread

    a, b = target.domain
    mid, half = (a + b) / 2, (b - a) / 2
    u = np.linspace(-1.0, 1.0, train_points(target))
    z = target(mid + half * u)
    gain = target_gain(z)
    z = z / gain
    hidden = deep_start(widths, u, np.random.default_rng(seed), activation)
    layers = [*hidden, output_layer(LayeredNet(hidden), u[:, None], z)]
    shapes = [layer.shape for layer in layers]
    acts = [activation] * len(widths) + ["identity"]
    run = Run(lambda th, it: None, (), callback, gain)
    with one_blas_thread():
        out = lm_layered(pack(layers), shapes, (u[:, None], z), activation, max_iter, run)
    net = net_of(out.state.theta, shapes, acts, target, gain)
    first = net.layers[0]  # back to x: w·u + b = (w/half)·x + b − w·mid/half
    net.layers[0] = Layer(first.weights / half, first.biases - first.weights[:, 0] * mid / half,
                          activation)  # fmt: skip
    net.meta = {"widths": widths, "seed": seed, "optimizer": "lm", "activation": activation,
                "iterations": out.iterations, "stopped": out.stopped}  # fmt: skip
    if history is not None:
        history.extend(run.history)
    return net


class _Saver:
    """Saves every net whose numbers are printed (when a folder is given) and measures it."""

    def __init__(self, target: Target, folder: str | Path | None) -> None:
        self.target, self.folder = target, None if folder is None else Path(folder)
        if self.folder is not None:
            self.folder.mkdir(parents=True, exist_ok=True)

    def row(self, net: LayeredNet, kind: str, name: str, seed: int | None = None) -> DepthRow:
        path = None
        if self.folder is not None:
            path = str(net.save(self.folder / f"{name}.json"))
        sup, rmse = measure(net, self.target)
        pieces = linear_pieces(net, self.target.domain)
        return DepthRow(kind, net.widths, net.n_parameters, sup, rmse, pieces, seed, path, net)


def _trained(target: Target, widths: list[int], seed: int, max_iter: int) -> LayeredNet:
    if len(widths) == 1:
        from uat.core.train import train

        return layered_of(train(target, widths[0], activation="relu", seed=seed).net)
    return train_deep(target, widths, seed, max_iter)


def best_of(
    target: Target, widths: list[int], seeds: int, max_iter: int, saver: _Saver, name: str
) -> DepthRow:
    """The run of least sup error over `seeds` seeds, measured and saved."""
    best: tuple[float, int, LayeredNet] | None = None
    for seed in range(seeds):
        net = _trained(target, widths, seed, max_iter)
        sup = measure(net, target)[0]
        if best is None or sup < best[0]:
            best = (sup, seed, net)
    assert best is not None
    return saver.row(best[2], "trained", name, best[1])


def shallow_search(
    target: Target, seeds: int, max_iter: int, saver: _Saver, limit: int
) -> tuple[int | None, list[DepthRow]]:
    """Smallest width reaching SHALLOW_SUP: double from 1 until one does, then bisect."""
    tried: dict[int, DepthRow] = {}

    def ok(n: int) -> bool:
        if n not in tried:
            tried[n] = best_of(target, [n], seeds, max_iter, saver, f"shallow-{n}")
        return tried[n].sup <= SHALLOW_SUP

    lo, hi = 0, 1
    while not ok(hi):
        if hi >= limit:
            return None, [tried[n] for n in sorted(tried)]
        lo, hi = hi, min(2 * hi, limit)
    while hi - lo > 1:
        mid = (lo + hi) // 2
        lo, hi = (lo, mid) if ok(mid) else (mid, hi)
    return hi, [tried[n] for n in sorted(tried)]


def hand_built(target: Target, layers: int) -> tuple[LayeredNet | None, str | None]:
    """The deep construction for this target, if one exists: tentk, or x² on [0, 1]."""
    if (k := tent_order(target)) is not None:
        return tent_net(k), f"tent composed {k} times exactly: 2^{k} pieces with {2 * k} neurons"
    if is_square(target):
        m = max(layers, 1)
        return yarotsky_net(m), f"Yarotsky: sup error 2^(-2m-2) = {yarotsky_error(m):.3g}, m = {m}"
    return None, None


def depth(
    target: Target,
    layers_list: list[int] | tuple[int, ...] = (1, 2, 3, 4),
    neurons: int = 32,
    seeds: int = 3,
    save_nets: str | Path | None = None,
    max_iter: int = DEPTH_ITERATIONS,
) -> DepthResult:
    """The comparison at the parameter count of one hidden layer of `neurons` ReLUs."""
    if target.dim != 1:
        raise UatError("`uat depth` compares nets of one input: give a 1-D target", param="target")
    deepest = int(LIMITS["depth_layers"].high)
    if not layers_list or any(not 1 <= int(n) <= deepest for n in layers_list):
        raise UatError(f"--layers-list takes 1 to {deepest} hidden layers each", param="layers")
    for name, value in (("neurons", neurons), ("seeds", seeds), ("max_iter", max_iter)):
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            raise UatError(f"{name} must be a whole number ≥ 1, got {value!r}", param=name)
    if seeds > int(LIMITS["seeds"].high):
        raise UatError(f"seeds is at most {LIMITS['seeds'].high:.0f}", param="seeds")
    if neurons > int(LIMITS["n_neurons_dense"].high):
        raise UatError(f"neurons is at most {LIMITS['n_neurons_dense'].high:.0f}", param="neurons")
    saver, budget = _Saver(target, save_nets), parameters_of([neurons])
    rows = []
    for n in dict.fromkeys(int(n) for n in layers_list):
        widths = [neurons] if n == 1 else widths_for(n, budget)
        rows.append(best_of(target, widths, seeds, max_iter, saver, f"trained-{n}-layers"))
    net, theorem = hand_built(target, max(layers_list))
    result = DepthResult(target.name, target.domain, budget, rows, None, theorem)
    if net is not None:
        result.hand_built = saver.row(net, "hand-built", "hand-built")
        widths = net.widths  # the hand-built shape, trained from a random start
        name = f"trained-{len(widths)}-layers-hand-built-shape"
        result.rows.append(best_of(target, widths, seeds, max_iter, saver, name))
    if (k := tent_order(target)) is not None:
        result.shallow_bound = 2**k - 1
        result.shallow_limit = int(LIMITS["n_neurons_dense"].high)
        result.shallow_width, result.search = shallow_search(
            target, seeds, max_iter, saver, result.shallow_limit
        )
    return result


def relu_pieces(net: Any, domain: tuple[float, float]) -> int | None:
    """The exact linear pieces of a ReLU net of one input (ShallowNet or LayeredNet), else None."""
    if not isinstance(net, LayeredNet):
        if getattr(net, "output_activation", None) != "identity" or not hasattr(net, "w"):
            return None
        net = layered_of(replace_domain(net, domain))
    hidden = {layer.activation for layer in net.layers[:-1]}
    if net.inputs != 1 or hidden != {"relu"} or net.layers[-1].activation != "identity":
        return None
    return linear_pieces(net, domain)


def replace_domain(shallow: Any, domain: tuple[float, float]) -> Any:
    """The ShallowNet with its domain set (a net built in memory may have none)."""
    from dataclasses import replace

    return replace(shallow, domain=tuple(domain))
