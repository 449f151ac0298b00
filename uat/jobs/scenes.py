"""Animation scenes as pure data: a fixed x grid, the target, and per frame what each panel shows.

numpy only: a `Scene` is computed here from fits and training runs, and drawn by `uat.plot.render`.
Each scene passes the whole `Settings` on to the fit (never field by field), so every option a
user sets reaches every network of the animation. The text helpers that captions share with the
figures (`format_number`, `unit_count`, …) live here too, so that the compute side never
imports a drawing module.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, fields, replace
from typing import Any

import numpy as np

from uat.core.network import ShallowNet
from uat.core.targets import Target
from uat.errors import UatError
from uat.jobs.comparison import compare_runs
from uat.jobs.fitting import Fit, sweep
from uat.jobs.fitting import fit_curve as fit
from uat.settings import LIMITS, Method, Settings, check_number, check_width, how_to_raise

# -- animations: which settings a sweep runs -----------------------------------------------

SWEEPS = ("width", "training", "compare", "steepness", "depth")  # depth: uat.jobs.depthscene
SURFACE_SWEEPS = ("refine", "grow", "training", "turn")  # over the plane


def animation_settings(sweep: str, settings: Settings, *, method_given: bool = False) -> Settings:
    """The settings an animation sweep runs: a training sweep trains, a steepness sweep is
    hand-built, a comparison builds both (its runs come from `compare_runs`)."""
    if sweep in SURFACE_SWEEPS and sweep not in SWEEPS:
        raise UatError(f"sweep {sweep} is for 2-D targets; a curve takes {', '.join(SWEEPS)}",
                       param="sweep")  # fmt: skip
    if sweep not in SWEEPS:
        raise UatError(f"unknown sweep {sweep!r}; choose one of: {', '.join(SWEEPS)}", "sweep")
    if method_given and sweep not in ("width", "depth"):  # depth: construct, or train
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


# At 0.5 s a frame (uat.plot.animate.MIN_DWELL), 36 frames last 18 s: a sweep to talk over.
DEFAULT_FRAMES = 36  # a width sweep of hand-built nets: 2, 4, …, N, thinned beyond this
DEFAULT_TRAIN_FRAMES = 30
DRAWN_PARTS = 200  # more bumps or neurons than this are drawn as their sum only (a blur)
METHOD_NAMES = {"construct": "hand-built", "train": "trained"}
# The scene's x grid: 2·w·(b − a) points resolve the steepest neuron, up to 2001 (2.5 a pixel
# of an 800-pixel frame). A cap of 4001 took the whole `uat animate sin -n 120 --frames 60`
# from 4.5–5.2 s to 6.2–7 s (2 shared cores) for no visible difference.
_GRID_POINTS = (1001, 2001)
_SNAPSHOT_CAP = 1_000_000  # training runs: snapshots are requested log-spaced up to here
_SNAPSHOTS = 400
# Settings fields that only the hand-built construction reads; every other field goes to the
# trainer by name, so a new training option cannot be forgotten (train() refuses unknown ones).
_CONSTRUCT_ONLY = frozenset({"method", "heights", "steepness", "shifts", "towers", "layers"})


# -- numbers and words shared by captions and figures ------------------------------------------


def format_number(v: float | None) -> str:
    """Compact, honest number formatting for titles and tables."""
    if v is None:
        return "—"
    if v == 0:
        return "0"
    return f"{v:.3g}" if 1e-3 <= abs(v) < 1e4 else f"{v:.2e}"


def math_label(target: Target) -> str:
    """The target as mathtext: its own label, or its expression rendered (x**2 as x²)."""
    from uat.core.expr import to_mathtext

    plain = target.name.replace("$", r"\$")
    if target.label == plain and target.samples is None:
        return to_mathtext(target.name)
    return target.label


def unit_name(net: ShallowNet) -> str:
    """What one drawn contribution is: a bump, a ramp or a neuron."""
    if net.group != 2:
        return "neuron"
    return "ramp" if net.meta.get("heights") == "interpolant" else "bump"


def unit_count(net: ShallowNet) -> str:
    """How the hidden layer is built: '25 bumps', '1 bump', '10 ramps', '2 copies × 5 bumps'."""
    if net.group != 2:
        return f"{net.n_neurons} neuron{'s' if net.n_neurons != 1 else ''}"
    name = unit_name(net)
    copies = int(net.meta.get("copies", 1))
    k = net.n_neurons // 2 // copies
    units = f"{k} {name}{'s' if k != 1 else ''}"
    return f"{copies} copies × {units}" if copies > 1 else units


def plot_grid(net: ShallowNet, domain: tuple[float, float], minimum: int = 2001) -> np.ndarray:
    """A grid fine enough that the steepest neuron's transition (≈ 4/w wide) shows."""
    a, b = domain
    wmax = float(np.max(np.abs(net.w))) if net.n_neurons else 0.0
    n = int(np.clip(2.0 * wmax * (b - a), minimum, 40_001))
    return np.linspace(a, b, n)


DRAWABLE = 2e307  # limits within ±DRAWABLE: their span, 4e307, stays a double


def y_limits(*curves: np.ndarray, pad: float = 0.12) -> tuple[float, float]:
    """Limits that frame the given curves with some room, within ±DRAWABLE.

    A net's values may exceed the target's (|f| ≤ 1e300): the span is taken in halves and
    the limits clamped, so that they stay finite ("Axis limits cannot be NaN or Inf").
    """
    with np.errstate(over="ignore", invalid="ignore"):
        lo = min(float(np.nanmin(c)) for c in curves)
        hi = max(float(np.nanmax(c)) for c in curves)
    half = hi / 2 - lo / 2 or max(abs(hi), 1.0) / 2
    return max(lo - 2 * pad * half, -DRAWABLE), min(hi + 2 * pad * half, DRAWABLE)


# -- data --------------------------------------------------------------------------------------


@dataclass
class LossTrace:
    """A training run's loss history and where the current frame is on it."""

    iterations: np.ndarray
    values: np.ndarray  # training RMSE per iteration
    iteration: int  # the current frame's iteration
    value: float  # the current frame's training RMSE


@dataclass
class PanelFrame:
    """What one panel shows in one frame."""

    y: np.ndarray  # network output on the scene's grid
    parts: np.ndarray  # (K, len(x)) per-bump or per-neuron curves, drawn faintly; K may be 0
    method: str  # "construct" or "train": the renderer picks the colour from it
    label: str  # the network's name, e.g. "hand-built"
    text: str  # this frame's caption, e.g. "N = 50 (25 bumps) · sup error 0.124"
    parts_label: str = ""  # legend entry of the faint curves, e.g. "each bump"
    loss: LossTrace | None = None
    net: ShallowNet | None = None  # the network this frame shows
    step: dict[str, Any] = field(default_factory=dict)  # width or iteration, sup error, RMSE
    unit: int | None = None  # the pair (or neuron) this frame adds: lit in the diagram
    new: np.ndarray | None = None  # the curve of the units it adds on the grid, highlighted
    lit: tuple[int, ...] = ()  # every unit this frame adds (`unit` is the last of them)
    built: tuple[int, ...] | None = None  # the units its network has (None: all of them)


@dataclass
class Scene:
    """An animation as data: a fixed grid, the target, and the panels of every frame."""

    x: np.ndarray
    target: np.ndarray
    target_label: str
    frames: list[list[PanelFrame]]
    ylims: list[tuple[float, float]]  # one per panel, fixed across frames
    title: str
    meta: dict[str, Any] = field(default_factory=dict)
    diagram: ShallowNet | None = None  # drawn beside the curves, its pair `unit` lit per frame
    band: float | None = None  # draw target ± band (the ε asked by --eps)

    def __post_init__(self) -> None:
        if not self.frames:
            raise UatError("an animation needs at least one frame")
        if any(len(f) != self.panels for f in self.frames):
            raise ValueError("every frame must have the same number of panels")
        if len(self.ylims) != self.panels:
            raise ValueError("one y-limit pair per panel")

    @property
    def panels(self) -> int:
        """Panels side by side in every frame."""
        return len(self.frames[0])

    def __len__(self) -> int:
        return len(self.frames)

    @property
    def steps(self) -> list[dict[str, Any]]:
        """Per frame what it shows and its errors (side by side: one entry per panel)."""
        if self.panels == 1:
            return [f[0].step for f in self.frames]
        return [{"panels": [p.step for p in f]} for f in self.frames]

    @property
    def last_text(self) -> str:
        """The last frame's caption(s), side by side joined by " | "."""
        return " | ".join(panel.text for panel in self.frames[-1])


# -- widths ------------------------------------------------------------------------------------


def check_widths(widths: Sequence[int], s: Settings) -> list[int]:
    """Validate the widths of an animation for its settings; return them as ints."""
    ws = [int(w) for w in widths]
    if not ws:
        raise UatError("no widths to animate")
    for w in ws:
        check_width(w, s)
        high = LIMITS["n_neurons_animated"].high
        if w > high:
            raise UatError(
                f"n_neurons {w} is too many to animate (at most {high:,.0f}: beyond that "
                "each bump is narrower than a pixel); `uat fit` draws wider nets "
                + how_to_raise("n_neurons_animated"),
                param="n_neurons",
            )
    return ws


def check_frames(frames: int | None) -> None:
    """A frame count within LIMITS["frames"] (None: the sweep's default)."""
    if frames is not None:
        check_number("frames", frames)


def default_widths(n: int, method: Method, frames: int | None = None) -> list[int]:
    """The widths of a width sweep up to N.

    Parameters
    ----------
    n : the final width N (even for the hand-built method).
    method : "construct" gives 2, 4, …, N (one more bump per frame), thinned to
        min(N/2, frames or 60); "train" gives min(N, frames or 30) widths spread evenly
        from 1 to N.
    frames : thin the widths evenly to at most this many, keeping the first and the last.

    Returns
    -------
    Increasing widths ending at N.
    """
    check_widths([n], Settings(method=method))
    check_frames(frames)
    if frames == 1:
        return [n]
    if method == "construct":
        k = n // 2
        count = min(k, frames or DEFAULT_FRAMES)
        idx = np.unique(np.round(np.linspace(0, k - 1, count)).astype(int))
        return [2 * (int(i) + 1) for i in idx]
    count = min(n, frames or DEFAULT_TRAIN_FRAMES)
    return [int(w) for w in np.unique(np.round(np.linspace(1, n, count)).astype(int))]


def scaled_widths(widths: Sequence[int], n_from: int, n_to: int) -> list[int]:
    """The widths of a sweep ending at `n_from`, rescaled to end at `n_to` (at least 1 each)."""
    return [max(1, int(w) * n_to // n_from) for w in widths]


# -- frames ------------------------------------------------------------------------------------


def _grid(nets: Sequence[ShallowNet], domain: tuple[float, float]) -> np.ndarray:
    """One x grid for every frame, fine enough for the steepest neuron of all of them."""
    lo, hi = _GRID_POINTS
    n = max(len(plot_grid(net, domain, minimum=lo)) for net in nets)
    return np.linspace(domain[0], domain[1], min(n, hi))


def width_caption(net: ShallowNet, sup: float) -> str:
    """'N = 50 (25 bumps) · sup error 0.124'."""
    units = f" ({unit_count(net)})" if net.group == 2 else ""
    return f"N = {net.n_neurons}{units} · sup error {format_number(sup)}"


def step_record(key: str, value: float, errs: Any) -> dict[str, Any]:
    """One frame's entry of `Scene.steps`: what varies, the sup error and the grid RMSE."""
    return {key: value, "sup_error": float(errs.sup), "rmse": float(errs.rmse)}


def _single(a: np.ndarray) -> bool:
    """Whether float32 holds every value of `a` (1e60·sin(x) does not: it became ±inf)."""
    return a.size == 0 or float(np.max(np.abs(a))) < float(np.finfo(np.float32).max) / 2


def panel_frame(
    net: ShallowNet, x: np.ndarray, text: str, loss: LossTrace | None = None
) -> PanelFrame:
    """One panel of one frame: the network on the grid and, unless too many, its parts."""
    many = net.n_neurons // max(net.group, 1) > DRAWN_PARTS  # a blur, and memory: sum only
    squashed = net.output_activation != "identity"  # parts live on the hidden sum's scale
    parts = np.empty((0, x.size)) if many or squashed else net.contributions(x)
    return PanelFrame(
        y=net(x),
        parts=parts.astype(np.float32) if _single(parts) else parts,
        method=net.method,
        label=METHOD_NAMES.get(net.method, net.method or "network"),
        text=text,
        parts_label=f"each {unit_name(net)}",
        loss=loss,
        net=net,
    )


def _limits(
    target: np.ndarray, panels: Sequence[PanelFrame], *, parts: bool
) -> tuple[float, float]:
    """Limits framing the target and every frame's network (and its parts, for bumps)."""
    curves = [target, *(p.y for p in panels)]
    if parts:
        curves += [p.parts for p in panels if p.parts.size]
        curves.append(np.zeros(1))  # bumps stand on zero: show them whole
    return y_limits(*curves)


def _span(widths: Sequence[int]) -> str:
    return f"N = {widths[0]}" if len(widths) == 1 else f"N = {widths[0]} … {widths[-1]}"


def _counter(
    progress: Callable[[int, int], None] | None, total: int, offset: int = 0
) -> Callable[[int], None] | None:
    if progress is None:
        return None
    return lambda done: progress(done + offset, total)


# -- the four scenes ---------------------------------------------------------------------------


def width_sweep(
    target: Target,
    widths: Sequence[int],
    settings: Settings | None = None,
    *,
    progress: Callable[[int, int], None] | None = None,
) -> Scene:
    """One frame per width: the bumps (or neurons) faintly, their sum boldly, the sup error.

    Parameters
    ----------
    target : the function and interval.
    widths : the width N of each frame, e.g. `default_widths(50, "construct")`.
    settings : how to build each network (hand-built by default; trained warm-starts).
    progress : called as progress(done, total) after each network.

    Returns
    -------
    A one-panel Scene with fixed y-limits that frame every frame.
    """
    s = settings or Settings()
    widths = check_widths(widths, s)
    fits = sweep(target, widths, s, progress=_counter(progress, len(widths)))
    x = _grid([f.net for f in fits], target.domain)
    yt = target(x)
    panels = [panel_frame(f.net, x, width_caption(f.net, f.errors.sup)) for f in fits]
    for p, f in zip(panels, fits, strict=True):
        p.step = step_record("width", f.net.n_neurons, f.errors)
    name = METHOD_NAMES.get(s.method, s.method)
    return Scene(
        x=x,
        target=yt,
        target_label=target.label,
        frames=[[p] for p in panels],
        ylims=[_limits(yt, panels, parts=s.method == "construct")],
        title=f"{target.label}: {name} network, {_span([f.net.n_neurons for f in fits])} neurons",
        meta={"sweep": "width", "widths": list(widths), "method": s.method, "strip": True},
    )


def compare_scene(
    target: Target,
    runs: Sequence[tuple[Settings, int]],
    frames: int | None = None,
    *,
    progress: Callable[[int, int], None] | None = None,
) -> Scene:
    """Width sweeps side by side, one panel per run, sharing y-limits.

    Parameters
    ----------
    target : the function and interval.
    runs : (settings, final width) per panel, as the compare job makes them (e.g. hand-built
        N per copy and trained M·N under --shifts M, so both end at M·N neurons).
    frames : the most frames; every panel's widths are the first run's default widths,
        rescaled to end at its own width.
    progress : called as progress(done, total) after each network.

    Returns
    -------
    A Scene of len(runs) panels.
    """
    if not runs:
        raise UatError("a comparison needs at least one run")
    s0, n0 = runs[0]
    base = default_widths(n0, s0.method, frames or DEFAULT_TRAIN_FRAMES)
    plans = [(s, check_widths(scaled_widths(base, n0, n), s)) for s, n in runs]
    total, fits = len(runs) * len(base), []
    for i, (s, ws) in enumerate(plans):
        fits.append(sweep(target, ws, s, progress=_counter(progress, total, i * len(base))))
    x = _grid([f.net for side in fits for f in side], target.domain)
    yt = target(x)
    names = [METHOD_NAMES.get(s.method, s.method) for s, _ in runs]
    columns = [
        [panel_frame(f.net, x, f"{name}: {width_caption(f.net, f.errors.sup)}") for f in side]
        for name, side in zip(names, fits, strict=True)
    ]
    for col, side in zip(columns, fits, strict=True):
        for p, f in zip(col, side, strict=True):
            p.step = step_record("width", f.net.n_neurons, f.errors)
    lims = [
        _limits(yt, col, parts=s.method == "construct")
        for (s, _), col in zip(runs, columns, strict=True)
    ]
    both = (min(lo for lo, _ in lims), max(hi for _, hi in lims))  # one scale, to compare
    return Scene(
        x=x,
        target=yt,
        target_label=target.label,
        frames=[list(row) for row in zip(*columns, strict=True)],
        ylims=[both] * len(runs),
        title=f"{target.label}: {' vs '.join(names)}, {_span([f.net.n_neurons for f in fits[0]])}"
        " neurons",
        meta={
            "sweep": "compare",
            "widths": [ws for _, ws in plans],
            "method": [s.method for s, _ in runs],
        },
    )


def pair_order(net: ShallowNet) -> list[int]:
    """The units (± pairs) of a hand-built net, left to right by the middle of their steps."""
    if net.group != 2:
        raise UatError("growing one bump at a time needs a hand-built net of ± pairs")
    with np.errstate(divide="ignore", invalid="ignore"):
        steps = np.where(net.w != 0, -net.b / net.w, 0.0)
    middles = steps.reshape(-1, 2).mean(axis=1)
    return [int(k) for k in np.argsort(middles, kind="stable")]


def partial_net(net: ShallowNet, units: Sequence[int]) -> ShallowNet:
    """The hand-built net with only the given ± pairs (and its output bias)."""
    idx = np.array([2 * k + j for k in units for j in (0, 1)], dtype=int)
    return replace(net, w=net.w[idx], b=net.b[idx], v=net.v[idx], meta=dict(net.meta))


GROW_VISIBLE = 0.05  # the first frame of a grow sweep has a bump this high (× the target's span)


def _first_visible(parts: np.ndarray, target: np.ndarray) -> int:
    """How many bumps, in order, until one stands out (|h| ≥ GROW_VISIBLE of the span).

    gaussian's first bump on [−3, 3] is 3e-4 high: a first frame of it alone looked flat.
    """
    span = float(np.ptp(target)) or float(np.max(np.abs(target))) or 1.0
    tall = np.flatnonzero(np.max(np.abs(parts), axis=1) >= GROW_VISIBLE * span)
    return int(tall[0]) + 1 if tall.size else 1


def _built_end(net: ShallowNet, lo: float, hi: float) -> float:
    """Where the built part ends: its last step, less that step's transition.

    At the step itself the net is halfway down to zero; counting that half-step made the
    covered sup error jump from frame to frame (0.65, 0.43, 0.65, …).
    """
    with np.errstate(divide="ignore", invalid="ignore"):
        s = -net.b / net.w
    last = int(np.nanargmax(np.where(np.isfinite(s), s, -np.inf)))
    settle = 6.0 / abs(float(net.w[last])) if net.w[last] else 0.0  # σ(−6) = 0.25 %
    return float(np.clip(s[last] - settle, lo, hi))


def grow_sweep(
    target: Target,
    n: int,
    settings: Settings | None = None,
    frames: int | None = None,
    *,
    progress: Callable[[int, int], None] | None = None,
) -> Scene:
    """The hand-built net of width N built one bump at a time, left to right, Δ fixed.

    Parameters
    ----------
    target : the function and interval.
    n : the final width N (even): N/2 bumps of width Δ = (b − a)/(N/2) from the first frame.
    settings : hand-built options (heights, steepness, activation, shifts, …).
    frames : the most frames (default 36): beyond it several bumps are added a frame.
    progress : called as progress(done, total) after each frame's network is measured.

    Returns a one-panel Scene; frame k shows the first k bumps, the newest highlighted, and
    `diagram` is the final net (frame k lights its newest pair).
    """
    from uat.core.metrics import errors

    s = replace(settings or Settings(), method="construct")
    check_widths([n], s)
    check_frames(frames)
    full = fit(target, n, s).net
    order = pair_order(full)
    x = _grid([full], target.domain)
    yt = target(x)
    each = full.contributions(x)
    first = _first_visible(each[order], yt)
    count = min(len(order) - first + 1, frames or DEFAULT_FRAMES)
    ks = [int(k) for k in np.unique(np.round(np.linspace(first, len(order), count)).astype(int))]
    delta = (target.domain[1] - target.domain[0]) / (n // 2 // int(full.meta.get("copies", 1)))
    panels = []
    for i, k in enumerate(ks):
        net = partial_net(full, order[:k])
        errs = errors(net, target)
        a, b = target.domain
        edge = _built_end(net, a + delta / 2, b)
        covered = errors(net, target.on((a, edge))).sup
        name = f"{unit_name(full)} {k} of {len(order)} (N = {net.n_neurons})"
        sup = format_number(covered)
        text = f"{name} · Δ = {delta:.3g} · sup error on [{a:.3g}, {edge:.3g}]: {sup}"
        p = panel_frame(net, x, text)
        p.step = step_record("width", net.n_neurons, errs) | {"bumps": k, "covered_sup": covered}
        added = order[(ks[i - 1] if i else 0) : k]  # every bump since the last frame, lit
        p.unit, p.lit, p.built = order[k - 1], tuple(added), tuple(order[:k])
        p.new = each[added].sum(axis=0).astype(np.float32)
        panels.append(p)
        if progress is not None:
            progress(i + 1, len(ks))
    per = int(np.diff(ks).max()) if len(ks) > 1 else 1  # the first frame may take a few flat ones
    how = "added one at a time" if per == 1 else f"added left to right, up to {per} a frame"
    meta = {"sweep": "width", "grow": True, "widths": [2 * k for k in ks], "method": "construct"}
    title = f"{target.label}: {len(order)} hand-built {unit_name(full)}s {how}"
    return Scene(x=x, target=yt, target_label=target.label, frames=[[p] for p in panels],
                 ylims=[_limits(yt, panels, parts=True)], title=title, meta=meta,
                 diagram=full)  # fmt: skip


def steepness_sweep(
    target: Target,
    n: int,
    settings: Settings | None = None,
    frames: int = 30,
    *,
    span: tuple[float, float] = (1.0, 60.0),
    progress: Callable[[int, int], None] | None = None,
) -> Scene:
    """One hand-built net of width N per frame, its steepness w growing from soft to steep.

    Parameters
    ----------
    target : the function and interval.
    n : the width N (even; per copy under shifts).
    settings : hand-built options (heights, activation, shifts, …); the steepness varies.
    frames : how many steepness values, log-spaced so that w·Δ runs over `span`.
    span : the first and last w·Δ, with Δ the bump width.
    progress : called as progress(done, total) after each network.

    Returns
    -------
    A one-panel Scene; soft steps blur the bumps together, steep ones make them bars.
    """
    s = replace(settings or Settings(), method="construct")
    check_widths([n], s)
    check_frames(frames)
    delta = (target.domain[1] - target.domain[0]) / (n // 2)
    ws = np.geomspace(span[0], span[1], frames) / delta
    count = _counter(progress, len(ws))
    fits: list[Fit] = []
    for i, w in enumerate(ws):
        fits.append(fit(target, n, replace(s, steepness=float(w))))
        if count is not None:
            count(i + 1)
    x = _grid([f.net for f in fits], target.domain)
    yt = target(x)
    panels = [
        panel_frame(
            f.net,
            x,
            f"w = {w:.3g} (w·Δ = {w * delta:.3g}) · sup error {format_number(f.errors.sup)}",
        )
        for w, f in zip(ws, fits, strict=True)
    ]
    for p, w, f in zip(panels, ws, fits, strict=True):
        p.step = step_record("steepness", float(w), f.errors)
    return Scene(
        x=x,
        target=yt,
        target_label=target.label,
        frames=[[p] for p in panels],
        ylims=[_limits(yt, panels, parts=True)],
        title=f"{target.label}: {fits[-1].net.n_neurons} hand-built neurons, soft to steep steps",
        meta={"sweep": "steepness", "steepness": [float(w) for w in ws], "method": "construct"},
    )


def train_with_snapshots(
    target: Target, n: int, settings: Settings, snapshot_at: Sequence[int], init: str = "spread"
) -> Any:
    """Train a width-N net with every training option of `settings`, keeping snapshots.

    The options go to `uat.core.train.train` by field name (all but the hand-built ones), so an
    option cannot be dropped on the way. LEAD: replace by the jobs layer's training call once
    it accepts `snapshot_at`.
    """
    from uat.core.train import train

    options = {f.name: getattr(settings, f.name) for f in fields(settings)}
    for name in _CONSTRUCT_ONLY:
        options.pop(name, None)
    return train(target, n, snapshot_at=list(snapshot_at), init=init, **options)


OPTIMIZER_NAMES = {"lm": "Levenberg–Marquardt", "adam": "Adam"}


def training_run(
    target: Target,
    n: int,
    settings: Settings | None = None,
    frames: int = DEFAULT_TRAIN_FRAMES,
    *,
    init: str | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> Scene:
    """Frames at log-spaced iterations of one training run of width N, with its loss curve.

    Parameters
    ----------
    target : the function and interval.
    n : the width N.
    settings : the training options (optimizer, seed, max_iter, output activation, …); the
        method field is ignored: this always trains.
    frames : at most this many frames, iteration 0 (the initialisation) and the last included;
        a run that stops early has fewer.
    init : "random" (a start far from the target, seen being improved) or "spread" (the
        evenly spread start of `uat fit`, already close after its linear solve); None:
        `default_init`.
    progress : called as progress(done, total) after each frame's network is measured.

    Returns a one-panel Scene whose frames are at increasing iterations.
    """
    from uat.core.metrics import errors

    s = replace(settings or Settings(), method="train")
    check_widths([n], s)
    check_frames(frames)
    cap = s.max_iter if s.max_iter is not None else _SNAPSHOT_CAP
    asked = sorted({0, *np.unique(np.round(np.geomspace(1, max(cap, 1), _SNAPSHOTS)).astype(int))})
    init = init or default_init(s, n)
    result = train_with_snapshots(target, n, s, [int(i) for i in asked], init)
    snaps = pick_snapshots(result.snapshots, frames)
    hist = np.asarray(result.history, dtype=float).reshape(-1, 2)
    its, losses = _thin_history(hist[:, 0], hist[:, 1])
    x = _grid([sn.net for sn in snaps], target.domain)
    yt = target(x)
    panels = []
    last = snaps[-1].iteration
    for i, sn in enumerate(snaps):
        errs = errors(sn.net, target)
        text = (
            # the loss the optimiser sees (the inset's curve), not the grid RMSE of --json
            f"iteration {sn.iteration:,} of {last:,} · training RMSE {format_number(sn.loss)}"
            f" · sup error {format_number(errs.sup)}"
        )
        panels.append(panel_frame(sn.net, x, text, LossTrace(its, losses, sn.iteration, sn.loss)))
        panels[-1].step = step_record("iteration", sn.iteration, errs)
        if progress is not None:
            progress(i + 1, len(snaps))
    unit, optimizer = "neuron" if n == 1 else "neurons", OPTIMIZER_NAMES.get(s.optimizer, "")
    meta = {"strip": True, "init": init, "sweep": "training", "method": "train",
            "iterations": [sn.iteration for sn in snaps],
            "converged": bool(result.converged)}  # fmt: skip
    title = f"{target.label}: training {n} {s.activation} {unit} ({optimizer}, {init} start)"
    return Scene(x=x, target=yt, target_label=target.label, frames=[[p] for p in panels],
                 ylims=[_limits(yt, panels, parts=False)], title=title, meta=meta)  # fmt: skip


def default_init(s: Settings, n: int) -> str:
    """An animation's start: "random" where `train` offers it (least squares, identity
    output, a dense-solver width), else the spread start."""
    ok = s.loss == "mse" and s.output_activation == "identity"
    ok = ok and n <= LIMITS["n_neurons_dense"].high
    return "random" if ok else "spread"


def pick_snapshots(snapshots: Sequence[Any], frames: int) -> list[Any]:
    """Exactly min(frames, available) snapshots, evenly spread in log(1 + iteration).

    The first (the initialisation) and the last are always kept; each next pick divides the
    log-span still ahead evenly, so collisions among the dense early iterations cost no frames.
    """
    uniq = {sn.iteration: sn for sn in snapshots}
    snaps = [uniq[i] for i in sorted(uniq)]
    if len(snaps) <= frames:
        return snaps
    if frames == 1:
        return [snaps[-1]]
    keys = np.log1p(np.array([sn.iteration for sn in snaps], dtype=float))
    last = len(snaps) - 1
    picks = [0]
    for k in range(1, frames - 1):
        here = picks[-1]
        want = keys[here] + (keys[last] - keys[here]) / (frames - k)
        i = int(np.searchsorted(keys, want))
        if i > here + 1 and want - keys[i - 1] < keys[i] - want:
            i -= 1  # the nearer of the two neighbours
        picks.append(min(max(i, here + 1), last - (frames - 1 - k)))
    picks.append(last)
    return [snaps[i] for i in picks]


def _thin_history(its: np.ndarray, values: np.ndarray, keep: int = 1500) -> tuple[Any, Any]:
    """A long loss history thinned log-evenly in iteration, for drawing."""
    if its.size <= keep:
        return its, values
    idx = np.unique(np.round(np.geomspace(1, its.size, keep)).astype(int) - 1)
    return its[np.r_[0, idx]], values[np.r_[0, idx]]


def scene_for(
    target: Target,
    n: int,
    settings: Settings,
    sweep_kind: str,
    frames: int | None = None,
    *,
    runs: Sequence[tuple[Settings, int]] | None = None,
    progress: Callable[[int, int], None] | None = None,
    grow: bool = False,
    init: str | None = None,
) -> Scene:
    """The scene of one `uat animate` sweep ("width", "training", "compare", "steepness").

    `grow` builds a hand-built width sweep one bump at a time (`grow_sweep`); `init` is the
    start of a training sweep.
    """
    if sweep_kind not in SWEEPS:
        raise UatError(f"unknown sweep {sweep_kind!r}; choose one of: {', '.join(SWEEPS)}")
    if sweep_kind == "depth":  # its nets are layered: uat.jobs.depthscene.depth_sweep
        raise UatError("the depth sweep's scene is uat.jobs.depthscene.depth_sweep")
    check_frames(frames)
    target = replace(target, label=math_label(target))  # titles show x², not x**2
    if grow and (sweep_kind != "width" or settings.method != "construct"):
        raise UatError("--grow adds hand-built bumps one at a time: use it with the width sweep")
    if init is not None and sweep_kind != "training":  # accepted and ignored, it misled
        raise UatError(
            f"--init chooses the start of a training sweep, not of a {sweep_kind} sweep; "
            "use --sweep training"
        )
    if grow:
        return grow_sweep(target, n, settings, frames, progress=progress)
    if sweep_kind == "width":
        widths = default_widths(n, settings.method, frames)
        return width_sweep(target, widths, settings, progress=progress)
    if sweep_kind == "training":
        frames = frames or DEFAULT_TRAIN_FRAMES
        return training_run(target, n, settings, frames, init=init, progress=progress)
    if sweep_kind == "steepness":
        return steepness_sweep(target, n, settings, frames or 30, progress=progress)
    plan = list(runs) if runs is not None else compare_runs(settings, n)
    return compare_scene(target, plan, frames, progress=progress)
