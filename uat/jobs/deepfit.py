"""`uat fit TARGET --layers L` for a curve: a net of L hidden layers, built by hand or trained.

`--method construct` builds the deep construction where one exists: tentK composed in L ≥ K
layers of 2 ReLUs (Telgarsky), x² on [0, 1] within 2^(−2m−2) in m layers of 3 (Yarotsky); any
other target is refused in one line. `--method train` trains every weight of a net of L hidden
layers (`--neurons` wide each, or a list of widths) with the layered LM loop, the best of
`restarts` seeds kept. The result is measured as a one-hidden-layer fit is (the refined sup
error, the RMSE on the grid), and, for ReLU nets, at every breakpoint too; it is saved in the
`uat-network/2` format (inputs = 1) and read back by `uat show`.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import cast

import numpy as np

from uat.core.layered import Layer, LayeredNet
from uat.core.metrics import Errors
from uat.core.targets import Target
from uat.errors import UatError
from uat.jobs.fitting import Fit
from uat.settings import LIMITS, Settings

CONSTRUCTIONS = "tent1 … tent12 (Telgarsky's tent) and x**2 on --domain=0,1 (Yarotsky's square)"
TRAINED_ACTIVATIONS = ("sigmoid", "tanh", "relu", "softplus")  # differentiable: LM's Jacobian


def is_deep(target: Target, settings: Settings, neurons: object = None) -> bool:
    """True when a curve's request is for this module: more than one hidden layer, or
    `--layers 1 --method construct` of a target with a deep construction at its own width."""
    if getattr(target, "dim", 1) != 1 or settings.layers is None:
        return False
    if settings.layers > 1:
        return True
    own = construction_width(target)
    return settings.method == "construct" and own is not None and neurons in (None, own)


def construction_width(target: Target) -> int | None:
    """Neurons a layer of the target's deep construction (tent 2, square 3), else None."""
    from uat.jobs.depth import is_square, tent_order

    if tent_order(target) is not None and tuple(target.domain) == (0.0, 1.0):
        return 2
    return 3 if is_square(target) else None


def widths_of(neurons: int | str | Sequence[int] | None, layers: int) -> list[int] | None:
    """The hidden widths: N for each of the layers, or a list ('8,8,8') of exactly `layers`."""
    if neurons is None:
        return None
    if isinstance(neurons, str):
        try:
            neurons = [int(n) for n in neurons.split(",")]
        except ValueError:
            raise UatError(f"--neurons takes N or N,N,… per layer, got {neurons!r}",
                           param="n_neurons") from None  # fmt: skip
    listed = [neurons] * layers if isinstance(neurons, int | np.integer) else list(neurons)
    if len(listed) != layers or any(isinstance(n, bool) or int(n) != n or n < 1 for n in listed):
        each = ",".join(["N"] * layers)
        raise UatError(f"--neurons gives {layers} hidden layers one positive width each (N, or "
                       f"{each}), got {neurons!r}", param="n_neurons")  # fmt: skip
    return [int(n) for n in listed]


def padded_tent(k: int, layers: int) -> LayeredNet:
    """tentK in `layers` ≥ k hidden layers of 2 ReLUs: the tent k times, then layers passing
    its value on (relu(a), relu(a − ½) of a ≥ 0; a read back as the first neuron)."""
    from uat.core.deep import tent_net

    net = tent_net(k)
    *hidden, out = net.layers
    for _ in range(layers - k):
        read = out.weights[0]  # how the layer below is read: its value a ≥ 0
        hidden.append(Layer(np.vstack([read, read]), np.array([0.0, -0.5]), "relu"))
        out = Layer(np.array([[1.0, 0.0]]), np.zeros(1), "identity")
    meta = net.meta | {"layers": layers}
    return LayeredNet([*hidden, out], net.domain, net.target, "construct", meta)


def construct_deep(
    target: Target, layers: int, widths: list[int] | None
) -> tuple[LayeredNet, str, float | None]:
    """The deep construction of `target` in `layers` hidden layers: (net, theorem, bound)."""
    from uat.core.deep import yarotsky_error, yarotsky_net
    from uat.jobs.depth import is_square, tent_order

    if (k := tent_order(target)) is not None and tuple(target.domain) == (0.0, 1.0):
        if widths is not None and set(widths) != {2}:
            raise UatError("the tent is built with 2 neurons a layer: --neurons 2", "n_neurons")
        if layers < k:
            raise UatError(f"tent{k} composes the tent {k} times: --layers {k} or more", "layers")
        pieces = f"2^{k} = {2**k} linear pieces with {2 * k} neurons"
        theorem = f"tent composed {k} times exactly (Telgarsky), {pieces}"
        return padded_tent(k, layers), theorem, None
    if is_square(target):
        if widths is not None and set(widths) != {3}:
            raise UatError("Yarotsky's square has 3 neurons a layer: leave out --neurons",
                           param="n_neurons")  # fmt: skip
        theorem = f"x − Σ_(s≤{layers}) tent^s(x)/4^s (Yarotsky), sup error 2^(−2m−2)"
        return yarotsky_net(layers), theorem, yarotsky_error(layers)
    raise UatError(f"--method construct --layers {layers} has deep constructions for "
                   f"{CONSTRUCTIONS} only; train it with --method train", "layers")  # fmt: skip


def check_trained(widths: list[int] | None, s: Settings) -> list[int]:
    """The widths of a trained deep net, refused beyond the limits of the layered LM."""
    if widths is None:
        raise UatError("--method train --layers L needs --neurons: N per layer, or N,N,…",
                       param="n_neurons")  # fmt: skip
    if s.activation not in TRAINED_ACTIVATIONS:
        raise UatError(f"a deep net is trained with {', '.join(TRAINED_ACTIVATIONS)} neurons, "
                       f"not {s.activation}", param="activation")  # fmt: skip
    if s.output_activation != "identity" or s.optimizer != "lm" or s.loss != "mse":
        raise UatError("a deep net is trained by LM on the mean square with an identity "
                       "output: --optimizer lm --loss mse", param="optimizer")  # fmt: skip
    from uat.jobs.depth import parameters_of

    count, high = parameters_of(widths), LIMITS["n_parameters_trained"].high
    if count > high:
        raise UatError(f"hidden widths {widths} give {count:,} parameters; the layered LM "
                       f"here takes {high:,.0f} (n_parameters_trained)", "n_neurons")  # fmt: skip
    return widths


def train_best(
    target: Target,
    widths: list[int],
    s: Settings,
    callback: Callable[[int, float], None] | None = None,
) -> tuple[LayeredNet, list[tuple[int, float]]]:
    """The least-sup-error net of `restarts` seeds from `seed` on, with its training history."""
    from uat.jobs.depth import DEPTH_ITERATIONS, measure, train_deep

    best: tuple[float, LayeredNet, list[tuple[int, float]]] | None = None
    for seed in range(s.seed, s.seed + s.restarts):
        history: list[tuple[int, float]] = []
        iterations = s.max_iter or DEPTH_ITERATIONS
        net = train_deep(target, widths, seed, iterations, s.activation, callback, history)
        sup = deep_errors(net, target).sup if s.activation != "relu" else measure(net, target)[0]
        if best is None or sup < best[0]:
            best = (sup, net, history)
    assert best is not None
    best[1].meta["runs"] = s.restarts
    return best[1], best[2]


def deep_errors(net: LayeredNet, target: Target) -> Errors:
    """The refined 1-D errors of the net; for a ReLU net also the error at every breakpoint
    (and at tentK's own kinks), where the error of a piecewise-linear difference peaks."""
    from dataclasses import replace

    from uat.core.metrics import errors
    from uat.jobs.depth import relu_pieces, tent_order

    e = errors(lambda x: net(x), target)
    if relu_pieces(net, target.domain) is None:
        return e
    from uat.core.deep import breakpoints

    xs = breakpoints(net, target.domain)[0]
    if (k := tent_order(target)) is not None:
        xs = np.concatenate([xs, np.linspace(*target.domain, 2**k + 1)])
    gaps = np.abs(net(xs) - target(xs))
    i = int(np.argmax(gaps))
    if gaps[i] > e.sup:
        return replace(e, sup=float(gaps[i]), at=float(xs[i]), found_by="breakpoint")
    return e


def fit_deep(
    target: Target,
    neurons: int | str | Sequence[int] | None,
    settings: Settings,
    callback: Callable[[int, float], None] | None = None,
) -> Fit[LayeredNet]:
    """`uat fit TARGET --layers L` of a curve: the deep construction, or every weight trained."""
    layers = int(settings.layers or 1)
    widths = widths_of(neurons, layers)
    t0 = time.perf_counter()
    theorem, bound, history = None, None, cast(list[tuple[int, float]], [])
    if settings.method == "construct":
        net, theorem, bound = construct_deep(target, layers, widths)
    else:
        net, history = train_best(target, check_trained(widths, settings), settings, callback)
        net.target, net.domain = target.name, (target.domain,)
    seconds = time.perf_counter() - t0
    if target.path is not None:
        net.meta["target_path"] = target.path
    e = deep_errors(net, target)
    return Fit(target, net, e, seconds, bound, history, settings, theorem)


def is_deep_file(path: str | Path) -> bool:
    """True for a saved `uat-network/2` of one input (a deep net of a curve)."""
    from uat.core.network import read_network

    try:
        d = read_network(path)
    except UatError:
        return False
    return isinstance(d, dict) and d.get("format") == "uat-network/2" and d.get("inputs") == 1


def show_deep(
    path: str | Path, target: str | None = None, domain: str | tuple[float, float] | None = None
) -> Fit[LayeredNet]:
    """Read a deep net of one input and measure it against its recorded target (or `target`)."""
    from uat.core.targets import get_target, parse_domain
    from uat.jobs.fitting import read_layered

    t0 = time.perf_counter()
    net, text = read_layered(path, target)
    own = net.domain[0] if net.domain else None
    given = parse_domain(domain) if isinstance(domain, str) else domain  # checked by `show`
    t = get_target(text, given if given is not None else own)
    theorem, bound = None, None
    if net.method == "construct" and (target is None or text == net.target):
        theorem, bound = _claim(net)
    return Fit(t, net, deep_errors(net, t), time.perf_counter() - t0, bound, [], None, theorem)


def _claim(net: LayeredNet) -> tuple[str | None, float | None]:
    """The theorem a saved construction states, checked against its own construction."""
    from uat.core.deep import yarotsky_error, yarotsky_net

    m = net.meta
    if m.get("construction") == "tent" and isinstance(k := m.get("compositions"), int):
        same = padded_tent(k, len(net.widths)) if k <= len(net.widths) else None
        if same is not None and np.allclose(same.parameters(), net.parameters()):
            return f"tent composed {k} times exactly (Telgarsky)", None
    terms = m.get("terms")
    square = m.get("construction") == "yarotsky-square" and terms == len(net.widths)
    if square and np.allclose(yarotsky_net(len(net.widths)).parameters(), net.parameters()):
        return f"Yarotsky's square, {terms} terms", yarotsky_error(len(net.widths))
    return None, None
