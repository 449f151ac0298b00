"""Which network a request over the plane builds, and building it: K×K towers (or Nielsen's),
ridges in K directions, or N neurons trained in one or two hidden layers."""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from typing import Any

from uat.core.layered import LayeredNet
from uat.core.targets import Target
from uat.core.towers import ridge_sums, towers
from uat.errors import UatError
from uat.settings import Settings

# construct: K×K quadrant towers; nielsen: Nielsen's towers (with their corner holes);
# ridges: one hidden layer, K+1 steps in each of K directions; train: N neurons trained.
SURFACE_METHODS = ("construct", "nielsen", "ridges", "train")
# What a comparison or a convergence study may name: a method and its hidden layers
# ("train2": a net of two hidden layers of N neurons each; compare gives it N/2 each).
VARIANTS = {
    "construct": ("construct", 2),
    "nielsen": ("nielsen", 2),
    "ridges": ("ridges", 1),
    "train": ("train", 1),
    "train2": ("train", 2),
}


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


def build(target: Target, choice: Choice) -> tuple[LayeredNet, list[tuple[int, float]]]:
    """The network of a choice: K×K towers or ridges in K directions, or N neurons trained."""
    method, size, o = choice.method, choice.size, choice.options
    if method in ("construct", "nielsen"):
        form = "quadrant" if method == "construct" else "nielsen"
        return towers(target, size, steepness=o.get("steepness"),
                      heights=o.get("heights", "minimax"), form=form), []  # fmt: skip
    if method == "ridges":
        return ridge_sums(target, size, size, steepness=o.get("steepness")), []
    from uat.core.train import LAYERED_ITERATIONS, train2d

    run = train2d(target, trained_widths(size, choice.layers), seed=o.get("seed", 0),
                  max_iter=o.get("max_iter") or LAYERED_ITERATIONS)  # fmt: skip
    return run.net, run.history


def variant_choice(variant: str, size: int, s: Settings) -> Choice:
    """The choice of one of VARIANTS (a method and its hidden layers) at `size`, with the
    settings of `s` that network takes."""
    if variant not in VARIANTS:
        known = ", ".join(VARIANTS)
        raise UatError(f"unknown 2-D method {variant!r}; choose one of: {known}", param="methods")
    method, layers = VARIANTS[variant]
    if method == "train":
        return Choice(method, size, layers, {"seed": s.seed, "max_iter": s.max_iter})
    built: dict[str, Any] = {"steepness": s.steepness}
    if method != "ridges":
        built["heights"] = s.heights
    return Choice(method, size, layers, built)


def trained_widths(n: int, layers: int) -> list[int]:
    """N hidden neurons in each hidden layer (`--neurons` is the width of a layer)."""
    return [n] * layers


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


def neurons_of(method: str, k: int) -> int:
    """Hidden neurons of K×K towers (2K steps + K² thresholds; Nielsen's 2K + 2 steps) or of
    ridges in K directions (K + 1 steps each)."""
    if method == "construct":
        return k * k + 2 * k
    if method == "nielsen":
        return k * k + 2 * k + 2
    return k * (k + 1)


@dataclass(frozen=True)
class Choice:
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
    from uat.core.towers import check_towers

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


def choose(
    method: str | None,
    neurons: int | None,
    towers: int | None,
    layers: int | None,
    settings: dict[str, Any],
    *,
    default_towers: int = DEFAULT_TOWERS,
) -> Choice:
    """Check a 2-D request (method, size, Settings values) before any work; refuse what
    a 2-D net does not take, naming the option."""
    from uat.settings import Settings

    method = method or "construct"
    if method not in SURFACE_METHODS:
        raise UatError(
            f"unknown 2-D method {method!r}; choose one of: {', '.join(SURFACE_METHODS)}", "method"
        )
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
        options: dict[str, Any] = {"seed": checked.seed, "max_iter": checked.max_iter}
        options["layers"] = depth
        return Choice(method, size, depth, options)
    if checked.heights not in ("minimax", "centre"):
        raise UatError(
            f"heights {checked.heights!r} is 1-D only; 2-D towers take minimax or centre",
            param="heights",
        )
    size = size_for(method, neurons, towers, default_towers)
    built: dict[str, Any] = {"steepness": checked.steepness}
    if method != "ridges":
        built["heights"] = checked.heights
    return Choice(method, size, 2 if method != "ridges" else 1, built)


def surface_choice(command: str, n_neurons: int | None, s: Settings) -> Choice:
    """The network a surface's `command` builds (fit, explain, animate): checked, not built.

    Explain's default is 3×3 Nielsen towers (an x-ridge plus a y-ridge each, for construct).
    """
    from uat.jobs.request import SURFACE_ONLY

    explain = command == "explain"
    own = ("method", *SURFACE_ONLY)
    given = {k: v for k, v in asdict(s).items() if k not in own}
    default = EXPLAIN_TOWERS if explain else DEFAULT_TOWERS
    method = "nielsen" if explain and s.method == "construct" else s.method
    return choose(method, n_neurons, s.towers, s.layers, given, default_towers=default)
