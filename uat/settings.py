"""The request: a frozen, typed `Settings`, checked once against one table of limits.

Standard library only, so that the command line can build its choices and check its
numbers without loading numpy. Errors name the library's parameter (`n_neurons`); only
adapters such as the CLI translate that name into their own spelling (`--neurons`).
"""

from __future__ import annotations

import math
import numbers
from dataclasses import dataclass, fields, replace
from typing import Any, Literal, get_args

from uat.errors import UatError

# construct and train for every target; a surface's nets also nielsen (Nielsen's towers) and
# ridges (one hidden layer)
Method = Literal["construct", "train", "nielsen", "ridges"]
Heights = Literal["minimax", "mean", "centre"]
# The hidden and output activations of `uat.core.activations.ACTIVATIONS` (a test keeps them equal;
# the registry needs numpy, and `uat --help` must not).
HiddenActivation = Literal["sigmoid", "tanh", "step", "relu", "softplus"]
OutputActivation = Literal["identity", "sigmoid"]
Optimizer = Literal["lm", "adam"]
Loss = Literal["mse", "sup"]

METHODS: tuple[Method, ...] = ("construct", "train")  # what a comparison and a sweep build
CHOICES: dict[str, tuple[str, ...]] = {
    "method": get_args(Method),
    "heights": get_args(Heights),
    "activation": get_args(HiddenActivation),
    "output_activation": get_args(OutputActivation),
    "optimizer": get_args(Optimizer),
    "loss": get_args(Loss),
}


@dataclass(frozen=True)
class Limit:
    """The range a number must lie in: [low, high], or (low, high] when `open_low`."""

    low: float
    high: float = math.inf
    whole: bool = False  # a whole number
    open_low: bool = False

    def describe(self) -> str:
        """The range in words: 'positive', 'a whole number from 0 to 10', …."""
        if self.whole:
            if self.high == math.inf:
                return f"a whole number ≥ {self.low:g}"
            return f"a whole number from {self.low:g} to {self.high:,.0f}"
        if self.high == math.inf:
            if self.low == 0:
                return "positive" if self.open_low else "non-negative"
            return f"at least {self.low:g}"
        return f"{'above' if self.open_low else 'from'} {self.low:g} to {self.high:g}"

    def holds(self, value: float) -> bool:
        """True when `value` lies in the range."""
        above = value > self.low if self.open_low else value >= self.low
        return above and value <= self.high and (not self.whole or float(value).is_integer())


# Every numeric limit of the package, in one place; the reason for each upper end beside it.
LIMITS: dict[str, Limit] = {
    # hand-built width: 10,000 neurons evaluate on the 10,001-point grid in about a second
    "n_neurons": Limit(1, 10_000, whole=True),
    # trained width: the banded engine's iteration costs ~ N; at 2,000 the default 100
    # iterations take about 20 s on one core
    "n_neurons_trained": Limit(1, 2_000, whole=True),
    # Adam's full-batch gradients: 500 neurons already take minutes at its iteration budget
    "n_neurons_adam": Limit(1, 500, whole=True),
    # relu, softplus, an output sigmoid or a random start: dense LM solves, ~ N³ an iteration
    "n_neurons_dense": Limit(1, 300, whole=True),
    # trained nets of two inputs: the dense Jacobian is samples × parameters (1,681 × 3,000)
    "n_parameters_trained": Limit(1, 3_000, whole=True),
    "hidden_layers_trained": Limit(1, 2, whole=True),  # trained nets of two inputs
    # animated width: beyond it every bump is narrower than a pixel of an 8000-pixel frame
    "n_neurons_animated": Limit(1, 2_000, whole=True),
    "max_neurons": Limit(2, 10_000, whole=True),  # convergence's widest width
    "steepness": Limit(0, math.inf, open_low=True),
    "towers": Limit(1, 64, whole=True),  # K per side: 4,096 towers, ~165 M evaluations on 201²
    # the surface explorer's K slider: every K up to it is embedded and redrawn live
    "towers_explored": Limit(1, 24, whole=True),
    # hidden layers: a curve's deep net (tent12 needs 12); a surface's trained net takes 1 or 2
    # (hidden_layers_trained)
    "layers": Limit(1, 12, whole=True),
    # a sum of ridges: its least-squares design matrix is 121² × N, 175 MB at 1,500 neurons
    "ridge_neurons": Limit(1, 1_500, whole=True),
    "shifts": Limit(1, 100, whole=True),  # M copies of N neurons: M·N still within n_neurons
    "seed": Limit(0, 2**32 - 1, whole=True),  # numpy's legacy seeds and most RNGs take 32 bits
    "seeds": Limit(1, 100, whole=True),  # repeated trainings of each width in convergence
    "restarts": Limit(1, 20, whole=True),  # seeds of a trained run's multi-start: each a run
    "max_iter": Limit(1, 100_000, whole=True),  # Adam's default is 3,000; LM's 100
    "tol": Limit(0),
    "learning_rate": Limit(0, math.inf, open_low=True),
    "frames": Limit(1, 2_000, whole=True),
    "fps": Limit(0, 100, open_low=True),  # GIF delays are whole hundredths of a second
    "hold": Limit(0, 60),  # seconds on the last frame
    "dwell": Limit(0, 60, open_low=True),  # seconds on each frame of an animation
    "dpi": Limit(20, 600),  # text unreadable below, memory and layout give out above
    "width_px": Limit(160, 8_000, whole=True),
    "height_px": Limit(100, 8_000, whole=True),
    "jobs": Limit(1, 256, whole=True),  # gallery worker processes
    # |x| at the domain's ends: steep steps need w·x and w·Δ both within double precision
    "domain_abs": Limit(0, 1e15),
    # |f| on the domain: every figure draws f, and matplotlib's transforms overflow on data
    # near the largest double (exp(709·x) reaches 8.2e307: "Singular matrix", glyphs placed
    # beyond any canvas); 1e300 leaves the sums, spans and pads of the figures room
    "value_abs": Limit(0, 1e300),
    # files read: a saved network of 10,000 neurons takes 0.8 MB
    "file_bytes": Limit(0, 32_000_000, whole=True),
    # saved networks: the widest uat writes, 64×64 towers, takes 5.6 MB; a 30 MB 2-D network
    # peaked at 728 MB before its checks, so network files stop at 16 MB (about 390 MB)
    "network_bytes": Limit(0, 16_000_000, whole=True),
    # CSV samples: parsed line by line into float arrays, peaking near 2.6 times the file
    # (measured), so 64 MB of text (about 3 million rows) needs under 200 MB
    "csv_bytes": Limit(0, 64_000_000, whole=True),
    # frames × width × height held at once by an animation's writer, ffmpeg's included (4 bytes
    # a pixel, so 400 million pixels is about 1.6 GB): Pillow keeps every frame, libx264 about
    # 48, a contact sheet 18 (uat.plot.writers.held_frames)
    "frame_pixels": Limit(1, 400_000_000, whole=True),
    # frames × width × height an animation encodes: libx264 took 48 s for 6,000 frames of
    # 800×500 (2.4e9 pixels) here; drawing comes on top, so about a minute in all
    "video_pixels": Limit(1, 2_000_000_000, whole=True),
    # seconds uat waits on a child process (ffmpeg) that reads nothing or does not exit
    "child_seconds": Limit(1, 60),
    # explain's grid points × neurons: each neuron's curve on the 10,001-point grid, 8 bytes a
    # value, so 20 million is 160 MB (N = 2,000 at most)
    "grid_neurons": Limit(1, 20_000_000, whole=True),
    # saved networks (uat-network/2): inputs, hidden layers and neurons in one layer; a tower
    # net of 100×100 towers has 10,200 neurons in its widest layer
    "network_inputs": Limit(1, 64, whole=True),
    "network_layers": Limit(1, 64, whole=True),
    "depth_layers": Limit(1, 12, whole=True),  # hidden layers of a net `uat depth` trains
    "layer_width": Limit(1, 100_000, whole=True),
    # expressions: characters, nested AST nodes, and |p| of a constant exponent in a ** p
    # (x**1000 already overflows beyond |x| > 2.03; beyond it a power is no teaching target)
    "expression_length": Limit(1, 1_000, whole=True),
    "expression_depth": Limit(1, 100, whole=True),
    "exponent_abs": Limit(0, 1_000),
    # the explorer page: its sliders' ends, its size (one file a browser opens at once), the
    # CSV samples it embeds (~0.4 MB of the 1.5 MB) and |f| it draws (beyond ~1e100 the
    # construction's sums of heights and slopes over narrow bumps overflow)
    "explore_neurons": Limit(2, 200, whole=True),
    "explore_shifts": Limit(1, 8, whole=True),
    "page_bytes": Limit(1, 1_500_000, whole=True),
    "explore_samples": Limit(1, 20_000, whole=True),
    "explore_value_abs": Limit(0, 1e100),
    # |weight| in a saved network: sums of such weights overflow before any plot; beyond it a
    # file is corrupt, not a network
    "weight_abs": Limit(0, 1e150),
}


DEFAULT_LIMITS = dict(LIMITS)


def read_limits(environ: Any = None) -> None:
    """Set LIMITS' upper ends from UAT_LIMITS="frames=5000,fps=200" or UAT_MAX_FRAMES=5000."""
    import os

    LIMITS.update(DEFAULT_LIMITS)
    env = os.environ if environ is None else environ
    pairs = [p.partition("=") for p in env.get("UAT_LIMITS", "").split(",") if p.strip()]
    given = {k.strip(): v.strip() for k, _, v in pairs}
    given |= {k: env[f"UAT_MAX_{k.upper()}"] for k in LIMITS if f"UAT_MAX_{k.upper()}" in env}
    for key, text in given.items():
        if key not in LIMITS:
            raise UatError(f"UAT_LIMITS: unknown limit {key!r}; known: {', '.join(LIMITS)}")
        try:
            high = float(text)
        except ValueError:
            raise UatError(f"limit {key}={text!r} must be a number") from None
        if not (math.isfinite(high) and high >= LIMITS[key].low):  # inf: no limit is none
            raise UatError(f"limit {key}={text} must be at least {LIMITS[key].low:g}, and finite")
        LIMITS[key] = replace(DEFAULT_LIMITS[key], high=high)


def how_to_raise(key: str) -> str:
    """The words that tell a user how to raise LIMITS[key]."""
    return f"(raise it with UAT_MAX_{key.upper()}=N)"


def check_number(param: str, value: Any, limit: str | None = None) -> Any:
    """`value` if it lies within LIMITS[limit or param], else a UatError naming `param`."""
    rule = LIMITS[limit or param]
    number = isinstance(value, numbers.Real) and not isinstance(value, bool)  # numpy's too
    if number and isinstance(value, numbers.Integral):
        value = int(value)
    elif number:
        value = float(value)
    try:
        finite = number and math.isfinite(value)
    except OverflowError:  # an integer beyond every float, such as 10**400
        finite = False
    if not finite:
        shown = repr(value) if len(repr(value)) <= 24 else repr(value)[:20] + "…"
        what = rule.describe() + (", a finite number" if number else "")
        raise UatError(f"{param} must be {what}, got {shown}", param=param)
    if not rule.holds(value):
        raise UatError(
            f"{param} must be {rule.describe()}, got "
            + (f"{value:,}" if isinstance(value, int) else f"{value:g}")
            + (f" {how_to_raise(limit or param)}" if value > rule.high else ""),
            param=param,
        )
    return int(value) if rule.whole else value


def check_choice(param: str, value: Any) -> Any:
    """`value` if it is one of CHOICES[param], else a UatError naming `param`."""
    if value not in CHOICES[param]:
        known = ", ".join(CHOICES[param])
        raise UatError(f"unknown {param} {value!r}; choose one of: {known}", param=param)
    return value


@dataclass(frozen=True)
class Settings:
    """How to build a network: the method and its options, shared by every command.

    Checked once, here; change a copy with `dataclasses.replace(settings, seed=1)`.
    """

    method: Method = "construct"
    heights: Heights = "minimax"  # hand-built bump heights
    steepness: float | None = None  # hand-built hidden weight w; None: chosen per target
    activation: HiddenActivation = "sigmoid"
    output_activation: OutputActivation = "identity"
    shifts: int = 1  # hand-built: sum of M shifted copies of f/M (windows of failure)
    optimizer: Optimizer = "lm"
    loss: Loss = "mse"  # trained: mean square, or the sup norm of the theorem
    seed: int = 0
    max_iter: int | None = None  # None: per optimiser
    tol: float = 1e-12
    learning_rate: float | None = None  # Adam's; None: per optimiser
    restarts: int = 3  # trained: seeds of the multi-start, run where they pay
    towers: int | None = None  # a surface's K towers per side (ridges: K directions)
    layers: int | None = None  # hidden layers (a curve: 1 to 12; a surface's trained net: 1 or 2)

    def __post_init__(self) -> None:
        for f in fields(self):
            value = getattr(self, f.name)
            if f.name in CHOICES:
                check_choice(f.name, value)
            elif value is not None or f.name not in _OPTIONAL:
                # whole numbers given as 3.0 are stored as 3
                object.__setattr__(self, f.name, check_number(f.name, value))


_OPTIONAL = ("steepness", "max_iter", "learning_rate", "towers", "layers")  # None: automatic


# One line of help per field: the command line offers every field as an option with it.
FIELD_HELP = {
    "method": "construct: hand-built bumps (the proof) or towers; train: fitted; a surface "
    "also nielsen (Nielsen's towers) or ridges (one hidden layer).",
    "heights": (
        "Bump heights: minimax (least sup error with exact steps; sigmoid's soft steps can "
        "make centre lower), mean (least squares with exact steps), centre (f at the middle)."
    ),
    "steepness": "Hidden weight w of the hand-built steps (automatic by default).",
    "activation": "Hidden activation: sigmoid, tanh, step make bumps; relu, softplus ramps.",
    "output_activation": "Output activation; sigmoid: the hidden sum approximates σ⁻¹∘f.",
    "shifts": "Hand-built: sum M shifted copies of f/M (windows of failure); M·N neurons.",
    "optimizer": "lm: Levenberg–Marquardt (accurate); adam: gradient descent.",
    "loss": "Trained: mse (mean square) or sup (the theorem's worst case).",
    "seed": "Seed of the trained network's initialisation.",
    "max_iter": "Iteration limit of training (per optimiser by default).",
    "tol": "Training stops when the loss improves less.",
    "learning_rate": "Adam's learning rate (per optimiser by default).",
    "restarts": "Trained: seeds tried where the first run loses to the hand-built net.",
    "towers": "2-D: K towers per side (ridges: K directions), instead of --neurons.",
    "layers": "Hidden layers: a curve's deep net (construct: tentK, x**2 on 0,1; or train), "
    "2-D trained nets 1 or 2.",
}


def width_limit(settings: Settings, *, animated: bool = False) -> str:
    """The LIMITS key that bounds the width of a network built with `settings`."""
    if animated:
        return "n_neurons_animated"
    if settings.method == "train":
        return "n_neurons_adam" if settings.optimizer == "adam" else "n_neurons_trained"
    return "n_neurons"


def check_width(n_neurons: Any, settings: Settings, *, animated: bool = False) -> int:
    """Validate a width N for `settings` before anything is allocated."""
    if isinstance(n_neurons, numbers.Integral) and not isinstance(n_neurons, bool):
        n_neurons = int(n_neurons)  # numpy's integers too
    if isinstance(n_neurons, bool) or not isinstance(n_neurons, int) or n_neurons < 1:
        raise UatError(
            f"n_neurons must be a positive whole number, got {n_neurons!r}", param="n_neurons"
        )
    copies = settings.shifts if settings.method == "construct" else 1
    high = LIMITS[width_limit(settings, animated=animated)].high
    if n_neurons * copies > high:
        what = f" × {copies} shifts" if copies > 1 else ""
        key = width_limit(settings, animated=animated)
        raise UatError(
            f"n_neurons {n_neurons:,}{what} is too many; the limit here is {high:,.0f} "
            + how_to_raise(key),
            param="n_neurons",
        )
    if settings.method == "construct" and n_neurons % 2:
        lo, hi = max(2, n_neurons - 1), n_neurons + 1
        both = f"{lo} or {hi}" if lo != hi else f"{hi}"
        raise UatError(
            f"n_neurons {n_neurons} is odd, but bumps use neurons in pairs; try {both}",
            param="n_neurons",
        )
    return n_neurons


def check_grid(n_neurons: int, points: int = 10_001) -> None:
    """Refuse n_neurons curves of `points` values each beyond LIMITS["grid_neurons"]."""
    budget = LIMITS["grid_neurons"].high
    if n_neurons * points > budget:
        raise UatError(
            f"n_neurons {n_neurons:,}: drawing each neuron on {points:,} grid points is over the "
            f"budget of {budget:,.0f} values; at most {budget // points:,.0f} neurons "
            + how_to_raise("grid_neurons"),
            param="n_neurons",
        )


def parse_size(text: str) -> tuple[int, int]:
    """A pixel size 'WIDTHxHEIGHT' such as '800x500' as (800, 500)."""
    w, sep, h = str(text).lower().partition("x")
    try:
        if not sep:
            raise ValueError
        return int(w), int(h)
    except ValueError:
        raise UatError(
            f"size {text!r} must be WIDTHxHEIGHT in pixels, such as 800x500", param="size"
        ) from None
