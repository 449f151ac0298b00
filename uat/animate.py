"""Animations: scenes computed without matplotlib, rendered fast to GIF, MP4 or a contact sheet.

A `Scene` is pure data (a fixed x grid, the target, and per frame one `PanelFrame` per panel).
`render` draws it with a frame loop of its own on the Agg canvas: the static parts (axes, grid,
legend, titles) are drawn once into a saved background, and each frame restores that background
and draws only what moves (the faint per-bump or per-neuron curves as one LineCollection, the
network, the target over them, the caption, the loss marker). Frames go as raw RGBA to the ffmpeg
binary of imageio-ffmpeg; Pillow writes the GIF when there is no ffmpeg. Output is atomic.

Timing: GIF delays are hundredths of a second, so a GIF's fps must be 10, 20, 25 or 50 (other
values raise `UatError` rather than play at a rate that was not asked for). The `hold` pause on
the last frame is the last frame repeated round(hold·fps) times by ffmpeg (every frame lasts
1/fps) and one longer last frame by Pillow (which merges identical frames anyway).
"""

from __future__ import annotations

import contextlib
import math
import subprocess
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from uat.errors import UatError
from uat.network import ShallowNet
from uat.plot import (
    MAX_PARTS,
    METHOD_NAMES,
    OKABE_ITO,
    TARGET_COLOR,
    format_number,
    method_color,
    plot_grid,
    unit_count,
    unit_name,
    y_limits,
)
from uat.sweep import Settings, check_width, fit, sweep
from uat.targets import Target

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

SWEEPS = ("width", "training", "compare", "steepness")
FORMATS = (".gif", ".mp4", ".png")
WRITERS = ("auto", "ffmpeg", "pillow")
GIF_FPS = (10, 20, 25, 50)  # frame rates whose delays GIF's hundredths of a second hold exactly
MIN_SIZE = (160, 100)
MAX_SIDE = 8000
MAX_HOLD = 60.0
MIN_DPI, MAX_DPI = 20, 600  # text unreadable below, memory and layout give out above
DEFAULT_FRAMES = 60  # a width sweep of hand-built nets: 2, 4, …, N, thinned beyond this
DEFAULT_TRAIN_FRAMES = 30
MAX_NEURONS = 2000  # widest animated net: its bumps are already narrower than a pixel
_GRID_POINTS = (1001, 4001)  # the scene's x grid: enough to resolve the steepest neuron
_SNAPSHOT_CAP = 1_000_000  # training runs: snapshots are requested log-spaced up to here
_SNAPSHOTS = 400
_SHEET_CELLS = {1: (3, 3), 2: (3, 2)}  # panels per frame → (rows, columns) of a contact sheet


# -- data ------------------------------------------------------------------------------


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
    color: str
    label: str  # the network's name, e.g. "hand-built"
    text: str  # this frame's caption, e.g. "N = 50 (25 bumps) · sup error 0.124"
    parts_label: str = ""  # legend entry of the faint curves, e.g. "each bump"
    loss: LossTrace | None = None


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


@dataclass(frozen=True)
class AnimationResult:
    """What `animate` wrote."""

    path: Path
    frames: int  # distinct frames of the scene (a GIF or MP4 adds the hold after them)
    seconds: float  # wall time: computing the networks and rendering
    bytes: int
    size: tuple[int, int]
    fps: float
    last: str = ""  # the last frame's caption(s): its width or steepness and sup error


def default_widths(n: int, method: str, frames: int | None = None) -> list[int]:
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
    _check_widths([n], Settings(method=method))
    if frames is not None and frames < 1:
        raise UatError(f"--frames must be at least 1, got {frames}")
    if frames == 1:
        return [n]
    if method == "construct":
        k = n // 2
        count = min(k, frames or DEFAULT_FRAMES)
        idx = np.unique(np.round(np.linspace(0, k - 1, count)).astype(int))
        return [2 * (int(i) + 1) for i in idx]
    count = min(n, frames or DEFAULT_TRAIN_FRAMES)
    return [int(w) for w in np.unique(np.round(np.linspace(1, n, count)).astype(int))]


def _grid(nets: Sequence[ShallowNet], domain: tuple[float, float]) -> np.ndarray:
    """One x grid for every frame, fine enough for the steepest neuron of all of them."""
    lo, hi = _GRID_POINTS
    n = max(len(plot_grid(net, domain, minimum=lo)) for net in nets)
    return np.linspace(domain[0], domain[1], min(n, hi))


def _width_caption(net: ShallowNet, sup: float) -> str:
    units = f" ({unit_count(net)})" if net.group == 2 else ""
    return f"N = {net.n_neurons}{units} · sup error {format_number(sup)}"


def _panel(net: ShallowNet, x: np.ndarray, text: str, loss: LossTrace | None = None) -> PanelFrame:
    """One panel of one frame: the network on the grid and, unless too many, its parts."""
    many = net.n_neurons // max(net.group, 1) > MAX_PARTS  # a blur, and memory: sum only
    squashed = net.output_activation != "identity"  # parts live on the hidden sum's scale
    parts = np.empty((0, x.size)) if many or squashed else net.contributions(x)
    name = METHOD_NAMES.get(net.method, net.method or "network")
    return PanelFrame(
        y=net(x),
        parts=parts.astype(np.float32),
        color=method_color(net.method),
        label=name,
        text=text,
        parts_label=f"each {unit_name(net)}",
        loss=loss,
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
    widths = _check_widths(widths, s)
    fits = sweep(target, widths, s, progress=_counter(progress, len(widths)))
    x = _grid([f.net for f in fits], target.domain)
    yt = target(x)
    panels = [_panel(f.net, x, _width_caption(f.net, f.errors.sup)) for f in fits]
    name = METHOD_NAMES.get(s.method, s.method)
    return Scene(
        x=x,
        target=yt,
        target_label=target.label,
        frames=[[p] for p in panels],
        ylims=[_limits(yt, panels, parts=s.method == "construct")],
        title=f"{target.label}: {name} network, {_span([f.net.n_neurons for f in fits])} neurons",
        meta={"sweep": "width", "widths": list(widths), "method": s.method},
    )


def compare_sweep(
    target: Target,
    widths: Sequence[int],
    settings_a: Settings | None = None,
    settings_b: Settings | None = None,
    *,
    progress: Callable[[int, int], None] | None = None,
) -> Scene:
    """Two width sweeps side by side (hand-built and trained by default), sharing y-limits.

    Parameters
    ----------
    target : the function and interval.
    widths : the widths of the frames; even when either side is hand-built.
    settings_a, settings_b : the left and right panel's method and options.
    progress : called as progress(done, total) after each network.

    Returns
    -------
    A two-panel Scene.
    """
    sa = settings_a or Settings(method="construct")
    sb = settings_b or Settings(method="train")
    widths = _check_widths(widths, sa)
    _check_widths(widths, sb)
    count = _counter(progress, 2 * len(widths))
    fa = sweep(target, widths, sa, progress=count)
    fb = sweep(target, widths, sb, progress=None if count is None else _offset(count, len(widths)))
    x = _grid([f.net for f in fa + fb], target.domain)
    yt = target(x)
    na, nb = (METHOD_NAMES.get(s.method, s.method) for s in (sa, sb))
    pa = [_panel(f.net, x, f"{na}: {_width_caption(f.net, f.errors.sup)}") for f in fa]
    pb = [_panel(f.net, x, f"{nb}: {_width_caption(f.net, f.errors.sup)}") for f in fb]
    la = _limits(yt, pa, parts=sa.method == "construct")
    lb = _limits(yt, pb, parts=sb.method == "construct")
    both = (min(la[0], lb[0]), max(la[1], lb[1]))  # one scale, so the panels compare
    return Scene(
        x=x,
        target=yt,
        target_label=target.label,
        frames=[[a, b] for a, b in zip(pa, pb, strict=True)],
        ylims=[both, both],
        title=f"{target.label}: {na} vs {nb}, {_span([f.net.n_neurons for f in fa])} neurons",
        meta={"sweep": "compare", "widths": list(widths), "method": [sa.method, sb.method]},
    )


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
    n : the width N (even).
    settings : hand-built options (heights, activation); the steepness is what varies.
    frames : how many steepness values, log-spaced so that w·Δ runs over `span`.
    span : the first and last w·Δ, with Δ the bump width.
    progress : called as progress(done, total) after each network.

    Returns
    -------
    A one-panel Scene; soft steps blur the bumps together, steep ones make them bars.
    """
    s = (settings or Settings()).but(method="construct")
    _check_widths([n], s)
    if frames < 1:
        raise UatError(f"--frames must be at least 1, got {frames}")
    delta = (target.domain[1] - target.domain[0]) / (n // 2)
    ws = np.geomspace(span[0], span[1], frames) / delta
    count = _counter(progress, len(ws))
    fits = []
    for i, w in enumerate(ws):
        fits.append(fit(target, n, s.but(steepness=float(w))))
        if count is not None:
            count(i + 1)
    x = _grid([f.net for f in fits], target.domain)
    yt = target(x)
    panels = [
        _panel(
            f.net,
            x,
            f"w = {w:.3g} (w·Δ = {w * delta:.3g}) · sup error {format_number(f.errors.sup)}",
        )
        for w, f in zip(ws, fits, strict=True)
    ]
    return Scene(
        x=x,
        target=yt,
        target_label=target.label,
        frames=[[p] for p in panels],
        ylims=[_limits(yt, panels, parts=True)],
        title=f"{target.label}: {n} hand-built neurons, soft to steep steps",
        meta={"sweep": "steepness", "steepness": [float(w) for w in ws], "method": "construct"},
    )


def training_run(
    target: Target,
    n: int,
    settings: Settings | None = None,
    frames: int = 60,
    *,
    progress: Callable[[int, int], None] | None = None,
) -> Scene:
    """Frames at log-spaced iterations of one training run of width N, with its loss curve.

    Parameters
    ----------
    target : the function and interval.
    n : the width N.
    settings : the training options (optimizer "lm" or "adam", seed, max_iter, …); the
        method field is ignored: this always trains.
    frames : at most this many frames, iteration 0 (the initialisation) and the last included;
        a run that stops early has fewer.
    progress : called as progress(done, total) after each frame's network is measured.

    Returns
    -------
    A one-panel Scene whose frames are at increasing iterations.
    """
    from uat.metrics import errors
    from uat.train import train

    s = (settings or Settings()).but(method="train")
    _check_widths([n], s)
    if frames < 1:
        raise UatError(f"--frames must be at least 1, got {frames}")
    cap = s.max_iter if s.max_iter is not None else _SNAPSHOT_CAP
    asked = sorted({0, *np.unique(np.round(np.geomspace(1, max(cap, 1), _SNAPSHOTS)).astype(int))})
    result = train(
        target,
        n,
        optimizer=s.optimizer,
        max_iter=s.max_iter,
        tol=s.tol,
        seed=s.seed,
        snapshot_at=[int(i) for i in asked],
        activation=s.activation,
        learning_rate=s.learning_rate,
    )
    snaps = _pick_snapshots(result.snapshots, frames)
    hist = np.asarray(result.history, dtype=float).reshape(-1, 2)
    its, losses = _thin_history(hist[:, 0], hist[:, 1])
    x = _grid([sn.net for sn in snaps], target.domain)
    yt = target(x)
    panels = []
    last = snaps[-1].iteration
    for i, sn in enumerate(snaps):
        sup = errors(sn.net, target).sup
        text = (
            f"iteration {sn.iteration:,} of {last:,} · RMSE {format_number(sn.loss)}"
            f" · sup error {format_number(sup)}"
        )
        panels.append(_panel(sn.net, x, text, LossTrace(its, losses, sn.iteration, sn.loss)))
        if progress is not None:
            progress(i + 1, len(snaps))
    unit = "neuron" if n == 1 else "neurons"
    return Scene(
        x=x,
        target=yt,
        target_label=target.label,
        frames=[[p] for p in panels],
        ylims=[_limits(yt, panels, parts=False)],
        title=f"{target.label}: training {n} {s.activation} {unit} ({_optimizer_name(s)})",
        meta={
            "sweep": "training",
            "iterations": [sn.iteration for sn in snaps],
            "converged": bool(result.converged),
            "method": "train",
        },
    )


def _optimizer_name(s: Settings) -> str:
    return {"lm": "Levenberg–Marquardt", "adam": "Adam"}.get(s.optimizer, s.optimizer)


def _pick_snapshots(snapshots: Sequence[Any], frames: int) -> list[Any]:
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


def _check_widths(widths: Sequence[int], s: Settings) -> list[int]:
    ws = [int(w) for w in widths]
    if not ws:
        raise UatError("no widths to animate")
    for w in ws:
        check_width(w, s)
        if w > MAX_NEURONS:
            raise UatError(
                f"--neurons {w} is too many to animate (at most {MAX_NEURONS:,}: beyond that "
                "each bump is narrower than a pixel); `uat fit` draws wider nets"
            )
    return ws


def _counter(
    progress: Callable[[int, int], None] | None, total: int
) -> Callable[[int], None] | None:
    if progress is None:
        return None
    return lambda done: progress(done, total)


def _offset(count: Callable[[int], None], by: int) -> Callable[[int], None]:
    return lambda done: count(done + by)


# -- drawing ---------------------------------------------------------------------------

_CORNERS = {  # where a loss inset and its labels may go, (x0, y0, x1, y1) in axes fractions
    "upper right": (0.66, 0.58, 1.0, 1.0),
    "lower right": (0.66, 0.0, 1.0, 0.42),
    "upper left": (0.0, 0.58, 0.34, 1.0),
    "lower left": (0.0, 0.0, 0.34, 0.42),
}
_INSET_PAD = 0.015


def _inset_corner(scene: Scene, j: int) -> str:
    """The corner of panel j that the target and the networks cross least."""
    lo, hi = scene.ylims[j]
    xf = (scene.x - scene.x[0]) / (scene.x[-1] - scene.x[0])
    step = max(1, len(scene.frames) // 12)
    curves = [scene.target] + [f[j].y for f in scene.frames[::step]]
    yf = np.concatenate([(c - lo) / (hi - lo) for c in curves])
    xs = np.tile(xf, len(curves))
    best, least = "upper right", math.inf
    for name, (x0, y0, x1, y1) in _CORNERS.items():
        hits = int(np.count_nonzero((xs >= x0) & (xs <= x1) & (yf >= y0) & (yf <= y1)))
        if hits < least:
            best, least = name, hits
    return best


def _segments(x: np.ndarray, parts: np.ndarray, floor: float) -> list[np.ndarray]:
    """Each faint curve where it is visibly away from zero (bumps are local: skip their flats)."""
    segs = []
    for p in parts:
        big = np.flatnonzero(np.abs(p) > floor)
        if big.size == 0:
            continue
        i, k = max(big[0] - 1, 0), min(big[-1] + 2, p.size)
        segs.append(np.column_stack([x[i:k], p[i:k]]))
    return segs


def _alpha(k: int) -> float:
    return float(np.clip(6.0 / max(k, 1), 0.12, 0.6))


class _Panel:
    """The artists of one panel: static frame, and the moving curves, caption and marker."""

    def __init__(
        self, ax: Axes, scene: Scene, j: int, *, fontsize: float, labels: bool = True
    ) -> None:
        from matplotlib.collections import LineCollection

        self.ax, self.scene, self.j = ax, scene, j
        first = scene.frames[0][j]
        lo, hi = scene.ylims[j]
        self.floor = 1e-3 * (hi - lo)
        ax.set_xlim(scene.x[0], scene.x[-1])
        ax.set_ylim(lo, hi)
        if labels:
            ax.set_xlabel("x")
            ax.set_ylabel("y")
        self.parts = LineCollection([], colors=first.color, linewidths=1.0, zorder=2)
        ax.add_collection(self.parts)
        (self.target,) = ax.plot(scene.x, scene.target, color=TARGET_COLOR, lw=2.2, zorder=2.1)
        (self.net,) = ax.plot(scene.x, first.y, color=first.color, lw=2.0, alpha=0.9, zorder=2.2)
        longest = max((f[j].text for f in scene.frames), key=len)
        self.caption = ax.text(
            0.0,
            1.02,
            longest,  # the layout makes room for the longest caption
            transform=ax.transAxes,
            ha="left",
            va="bottom",
            fontsize=fontsize,
            color="#222222",
        )
        self.inset: Axes | None = None
        self.marker: Any = None
        self.fontsize = fontsize
        self.shown = first  # the frame last set by `update`
        self.wrap = False  # caption on two lines (contact sheets)
        if first.loss is not None:
            x0, y0, x1, y1 = self.corner = _CORNERS[_inset_corner(scene, j)]
            self._loss_inset((x0 + 0.08, y0 + 0.12, x1 - x0 - 0.1, y1 - y0 - 0.15))

    def place_inset(self, renderer: Any) -> Any:
        """Fit the inset with its labels into its corner on a white card; the card's bbox."""
        ins, ax = self.inset, self.ax
        assert ins is not None
        (tx0, ty0), (tx1, ty1) = ax.transAxes.inverted().transform(
            _tight(ins, renderer).get_points()
        )
        ix0, iy0, iw, ih = self.inset_bounds
        x0, y0, x1, y1 = self.corner
        nx0, ny0 = x0 + _INSET_PAD + (ix0 - tx0), y0 + _INSET_PAD + (iy0 - ty0)
        nw = x1 - _INSET_PAD - (tx1 - ix0 - iw) - nx0
        nh = y1 - _INSET_PAD - (ty1 - iy0 - ih) - ny0
        if nw > 0.1 and nh > 0.1:  # else keep the first guess: a tiny inset says nothing
            ins.remove()
            self._loss_inset((nx0, ny0, nw, nh))
            assert self.inset is not None
            ins = self.inset
        return _card(ax, ins, renderer)

    def _loss_inset(self, bounds: tuple[float, float, float, float]) -> None:
        first = self.scene.frames[0][self.j]
        assert first.loss is not None
        loss, fontsize = first.loss, self.fontsize
        self.inset_bounds = bounds
        ins = self.ax.inset_axes(bounds)
        ins.set_facecolor("white")
        ok = loss.values > 0
        ins.plot(loss.iterations[ok], loss.values[ok], color=first.color, lw=1.4)
        ins.set_yscale("log")
        ins.set_xscale("symlog", linthresh=1.0, linscale=0.5)
        ins.set_xlim(0, 1.25 * max(float(loss.iterations[-1]), 1.0))  # room for the marker
        ins.tick_params(labelsize=fontsize * 0.62, length=2, pad=1.5)
        ins.set_xlabel("iteration", fontsize=fontsize * 0.66, labelpad=1)
        ins.set_ylabel("RMSE", fontsize=fontsize * 0.66, labelpad=1)
        ins.grid(True, lw=0.5)
        for side in ("top", "right"):
            ins.spines[side].set_visible(True)
        (self.marker,) = ins.plot(
            [loss.iteration],
            [max(loss.value, 1e-300)],
            "o",
            ms=6,
            mfc=OKABE_ITO["yellow"],
            mec=TARGET_COLOR,
            mew=1.2,
            zorder=5,
            clip_on=False,
        )
        self.inset = ins

    def moving(self) -> list[Any]:
        """The artists redrawn every frame, in drawing order."""
        return [self.parts, self.target, self.net, self.caption]

    def update(self, frame: PanelFrame) -> None:
        """Set every moving artist to this frame."""
        segs = _segments(self.scene.x, frame.parts, self.floor)
        self.parts.set_segments(segs)
        self.parts.set_alpha(_alpha(len(segs)))
        self.parts.set_color(frame.color)
        self.net.set_ydata(frame.y)
        head, _, tail = frame.text.rpartition(" · ")
        self.caption.set_text(f"{head}\n{tail}" if self.wrap and head else frame.text)
        self.shown = frame
        if self.marker is not None and frame.loss is not None:
            self.marker.set_data([frame.loss.iteration], [max(frame.loss.value, 1e-300)])

    def legend_entries(self) -> list[tuple[Any, str]]:
        """Legend handles and labels of this panel."""
        from matplotlib.lines import Line2D

        first = self.scene.frames[0][self.j]
        out: list[tuple[Any, str]] = []
        if first.parts.size:
            proxy = Line2D([], [], color=first.color, lw=1.0, alpha=0.45)
            out.append((proxy, first.parts_label or "each part"))
        out.append((self.net, f"{first.label} network"))
        return out


def _figure(pixels: tuple[int, int], dpi: float) -> Figure:
    """A Figure on an Agg canvas of exactly `pixels` (Agg truncates the size: add a margin)."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    w, h = pixels
    fig = Figure(figsize=((w + 0.25) / dpi, (h + 0.25) / dpi), dpi=dpi, layout="constrained")
    FigureCanvasAgg(fig)
    return fig


def _legend(fig: Figure, panels: Sequence[_Panel], fontsize: float) -> None:
    entries: list[tuple[Any, str]] = [(panels[0].target, "target")]
    seen = {"target"}
    for p in panels:
        for handle, label in p.legend_entries():
            if label not in seen:
                entries.append((handle, label))
                seen.add(label)
    handles, labels = zip(*entries, strict=True)
    fig.legend(
        handles,
        labels,
        loc="outside lower center",
        ncols=len(entries),
        fontsize=fontsize,
        handlelength=1.8,
        columnspacing=1.4,
    )


class _Renderer:
    """Draws a Scene's frames on one Agg canvas, blitting only what moves."""

    def __init__(self, scene: Scene, size: tuple[int, int], dpi: float) -> None:
        self.scene, self.size = scene, size
        fig = _figure(size, dpi)
        scale = min(1.0, size[0] / (640.0 * scene.panels), size[1] / 400.0) ** 0.5
        fs = 12.0 * max(scale, 0.6)
        axes = fig.subplots(1, scene.panels, sharey=scene.panels > 1, squeeze=False)[0]
        self.panels = [_Panel(ax, scene, j, fontsize=fs) for j, ax in enumerate(axes)]
        for ax in axes[1:]:
            ax.set_ylabel("")
            ax.tick_params(labelleft=False)
        _legend(fig, self.panels, 0.88 * fs)
        fig.suptitle(scene.title, fontsize=1.08 * fs)
        canvas = fig.canvas
        canvas.draw()  # lay out once, with every artist at its widest ...
        fig.set_layout_engine("none")  # ... and keep that layout for every frame
        renderer = canvas.get_renderer()  # type: ignore[attr-defined]
        self.inset_boxes = []
        for p in self.panels:
            if p.inset is not None:  # an opaque card behind the inset and its labels
                self.inset_boxes.append(p.place_inset(renderer))
        for p in self.panels:
            for a in [*p.moving(), p.marker]:
                if a is not None:
                    a.set_animated(True)
        canvas.draw()
        self.fig, self.canvas = fig, canvas
        self.background = canvas.copy_from_bbox(fig.bbox)  # type: ignore[attr-defined]
        self.inset_backgrounds = [
            canvas.copy_from_bbox(box)  # type: ignore[attr-defined]
            for box in self.inset_boxes
        ]

    def draw(self, frame: list[PanelFrame]) -> np.ndarray:
        """Draw one frame; return the canvas pixels as an (H, W, 4) RGBA view (no copy)."""
        canvas = self.canvas
        canvas.restore_region(self.background)  # type: ignore[attr-defined]
        for p, pf in zip(self.panels, frame, strict=True):
            p.update(pf)
            for a in p.moving():
                p.ax.draw_artist(a)
        for region in self.inset_backgrounds:  # insets sit above the moving curves
            canvas.restore_region(region)  # type: ignore[attr-defined]
        for p in self.panels:
            if p.marker is not None and p.inset is not None:
                p.inset.draw_artist(p.marker)
        canvas.blit(self.fig.bbox)
        rgba = np.asarray(canvas.buffer_rgba())  # type: ignore[attr-defined]
        return rgba[: self.size[1], : self.size[0]]


def _tight(ax: Axes, renderer: Any) -> Any:
    """An Axes' bbox with its tick labels, in display pixels."""
    box = ax.get_tightbbox(renderer)
    return box if box is not None else ax.bbox


def _card(ax: Axes, inset: Axes, renderer: Any) -> Any:
    """A white rectangle under an inset and its tick labels; returns its display bbox."""
    from matplotlib.patches import Rectangle

    box = _tight(inset, renderer).padded(3)
    (x0, y0), (x1, y1) = ax.transAxes.inverted().transform(box.get_points())
    card = Rectangle(
        (x0, y0),
        x1 - x0,
        y1 - y0,
        transform=ax.transAxes,
        facecolor="white",
        edgecolor="#cccccc",
        lw=0.8,
        zorder=4.9,
        clip_on=False,
    )
    ax.add_patch(card)
    return box.padded(1)


def _draw_frame(renderer: _Renderer, frame: list[PanelFrame]) -> np.ndarray:
    """One frame's pixels (a module-level seam: tests make it fail mid-render)."""
    return renderer.draw(frame)


def _frames(
    scene: Scene,
    size: tuple[int, int],
    dpi: float,
    progress: Callable[[int, int], None] | None,
) -> Iterator[np.ndarray]:
    """Every frame of the scene as RGBA pixels, in order (each valid until the next)."""
    r = _Renderer(scene, size, dpi)
    total = len(scene.frames)
    for i, frame in enumerate(scene.frames):
        yield _draw_frame(r, frame)
        if progress is not None:
            progress(i + 1, total)


# -- writers ---------------------------------------------------------------------------


def ffmpeg_exe() -> str | None:
    """The ffmpeg binary of imageio-ffmpeg (or IMAGEIO_FFMPEG_EXE), None if there is none."""
    try:
        import imageio_ffmpeg

        return str(imageio_ffmpeg.get_ffmpeg_exe())
    except (ImportError, RuntimeError, OSError):
        return None


def _check_render(
    out: Path, fps: float, size: tuple[int, int], dpi: float, hold: float, writer: str
) -> str:
    """Validate the output options before anything is drawn; return the writer to use."""
    suffix = out.suffix.lower()
    if suffix not in FORMATS:
        raise UatError(f"cannot write {out}: the extension must be one of {', '.join(FORMATS)}")
    if writer not in WRITERS:
        raise UatError(f"unknown writer {writer!r}; choose one of: {', '.join(WRITERS)}")
    if not (_real(fps) and fps > 0):
        raise UatError(f"--fps must be a positive number, got {fps}")
    if not (_real(hold) and 0 <= hold <= MAX_HOLD):
        raise UatError(f"--hold must be between 0 and {MAX_HOLD:g} seconds, got {hold}")
    if not (_real(dpi) and MIN_DPI <= dpi <= MAX_DPI):
        raise UatError(f"--dpi must be between {MIN_DPI} and {MAX_DPI}, got {dpi:g}")
    w, h = size
    if not (_real(w) and _real(h) and int(w) == w and int(h) == h):
        raise UatError(f"--size {w}x{h} must be whole pixels")
    if not (MIN_SIZE[0] <= w <= MAX_SIDE and MIN_SIZE[1] <= h <= MAX_SIDE):
        raise UatError(
            f"--size {w}x{h} must be at least {MIN_SIZE[0]}x{MIN_SIZE[1]} "
            f"and at most {MAX_SIDE} pixels a side"
        )
    if suffix == ".gif" and fps not in GIF_FPS:
        raise UatError(
            f"--fps {fps:g} cannot be shown exactly in a GIF, whose delays are hundredths of "
            f"a second; use {', '.join(map(str, GIF_FPS))}"
        )
    if suffix == ".mp4" and (w % 2 or h % 2):
        raise UatError(f"--size {w}x{h}: an MP4 (H.264, yuv420p) needs an even width and height")
    if suffix == ".png":
        return "pillow"
    exe = ffmpeg_exe()
    if writer == "auto":
        writer = "ffmpeg" if exe is not None or suffix == ".mp4" else "pillow"
    if suffix == ".mp4" and writer == "pillow":
        raise UatError("Pillow cannot write an MP4; use the ffmpeg writer")
    if writer == "ffmpeg" and exe is None:
        raise UatError(
            f"cannot write {out.name}: no ffmpeg binary found "
            "(install imageio-ffmpeg, or set IMAGEIO_FFMPEG_EXE)"
        )
    return writer


def _real(v: object) -> bool:
    """A finite real number (numpy scalars included, bools not)."""
    if isinstance(v, bool) or not isinstance(v, int | float | np.integer | np.floating):
        return False
    return math.isfinite(float(v))


def render(
    scene: Scene,
    out: str | Path,
    *,
    fps: float = 20,
    size: tuple[int, int] = (800, 500),
    dpi: float = 100,
    hold: float = 1.0,
    progress: Callable[[int, int], None] | None = None,
    writer: str = "auto",
) -> Path:
    """Write a scene as a looping GIF, an MP4 or a PNG contact sheet, by the extension.

    Parameters
    ----------
    scene : what to draw.
    out : the file; ``.gif``, ``.mp4`` or ``.png`` (a grid of up to 9 frames, first and last
        included, each cell `size` pixels). Written atomically.
    fps : frames per second; a GIF allows 10, 20, 25 or 50.
    size : (width, height) in pixels, exactly; even for MP4.
    dpi : pixels per inch of the figure: larger draws the same text bigger.
    hold : seconds the last frame stays before the loop starts again (GIF and MP4).
    progress : called as progress(done, total) after each frame.
    writer : "auto" (ffmpeg when available, else Pillow), "ffmpeg" or "pillow" (GIF only).

    Returns
    -------
    The path written.
    """
    from uat.io import atomic_path
    from uat.plot import style

    p = Path(out)
    how = _check_render(p, fps, size, dpi, hold, writer)
    size = (int(size[0]), int(size[1]))
    extra = round(hold * fps)
    suffix = p.suffix.lower()
    with style(), atomic_path(p) as tmp:
        if suffix == ".png":
            _contact_sheet(scene, tmp, size, dpi, progress)
        elif how == "ffmpeg":
            exe = ffmpeg_exe()
            assert exe is not None
            frames = _with_hold(_frames(scene, size, dpi, progress), extra)
            _pipe_to_ffmpeg(exe, frames, tmp, suffix, size, fps)
        else:
            _pillow_gif(_frames(scene, size, dpi, progress), tmp, fps, extra)
    return p


def _with_hold(frames: Iterator[np.ndarray], extra: int) -> Iterator[np.ndarray]:
    last = None
    for f in frames:
        last = f
        yield f
    if last is not None:
        for _ in range(extra):
            yield last


def _ffmpeg_output_args(suffix: str) -> list[str]:
    if suffix == ".gif":
        graph = (
            "[0:v]split[a][b];[a]palettegen=stats_mode=diff[p];"
            "[b][p]paletteuse=dither=none:diff_mode=rectangle"
        )
        return ["-filter_complex", graph, "-loop", "0", "-f", "gif"]
    return [
        "-c:v",
        "libx264",
        "-preset",
        "medium",
        "-crf",
        "20",
        "-tune",
        "animation",
        "-pix_fmt",
        "yuv420p",
        "-movflags",
        "+faststart",
        "-f",
        "mp4",
    ]


def _pipe_to_ffmpeg(
    exe: str,
    frames: Iterator[np.ndarray],
    out: Path,
    suffix: str,
    size: tuple[int, int],
    fps: float,
) -> None:
    """Pipe RGBA frames as raw video to ffmpeg; kill it if anything goes wrong."""
    cmd = [
        exe,
        "-hide_banner",
        "-loglevel",
        "error",
        "-nostdin",
        "-y",
        "-f",
        "rawvideo",
        "-pix_fmt",
        "rgba",
        "-s",
        f"{size[0]}x{size[1]}",
        "-r",
        f"{fps:g}",
        "-i",
        "pipe:0",
        *_ffmpeg_output_args(suffix),
        str(out),
    ]
    with tempfile.TemporaryFile() as err:  # a file, not a pipe: ffmpeg can never block on it
        proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=err)
        assert proc.stdin is not None
        try:
            try:
                for f in frames:
                    proc.stdin.write(np.ascontiguousarray(f).data)
                proc.stdin.close()
            except BrokenPipeError:
                pass  # ffmpeg stopped early: its exit code and message say why
            code = proc.wait()
        except BaseException:
            proc.kill()
            proc.wait()
            raise
        finally:
            with contextlib.suppress(OSError):
                proc.stdin.close()
        if code != 0:
            err.seek(0)
            msg = err.read().decode(errors="replace").strip().splitlines()
            detail = msg[-1] if msg else f"exit code {code}"
            raise UatError(f"ffmpeg failed to write {suffix[1:].upper()}: {detail}")


def _pillow_gif(frames: Iterator[np.ndarray], out: Path, fps: float, extra: int) -> None:
    """The fallback GIF writer: one shared palette, the hold as a longer last frame."""
    from PIL import Image

    images: list[Any] = []
    palette: Any = None
    for f in frames:
        im = Image.fromarray(np.ascontiguousarray(f[..., :3]))
        if palette is None:
            palette = im.quantize(colors=255, method=Image.Quantize.MEDIANCUT)
        images.append(im.quantize(palette=palette, dither=Image.Dither.NONE))
    delay = 1000.0 / fps
    durations = [delay] * len(images)
    durations[-1] = delay * (1 + extra)
    images[0].save(
        out,
        format="GIF",
        save_all=True,
        append_images=images[1:],
        loop=0,
        duration=durations,
        optimize=False,
        disposal=1,
    )


def sheet_frames(count: int, panels: int = 1) -> list[int]:
    """Indices of the frames a contact sheet shows: evenly chosen, first and last included."""
    rows, cols = _SHEET_CELLS.get(panels, (3, 2))
    k = min(count, rows * cols)
    return [int(i) for i in np.unique(np.round(np.linspace(0, count - 1, k)).astype(int))]


def sheet_shape(cells: int, panels: int = 1) -> tuple[int, int]:
    """Rows and columns of a contact sheet of `cells` frames."""
    rows, cols = _SHEET_CELLS.get(panels, (3, 2))
    if cells >= rows * cols:
        return rows, cols
    cols = min(cols, math.ceil(math.sqrt(cells)))
    return math.ceil(cells / cols), cols


def _contact_sheet(
    scene: Scene,
    out: Path,
    size: tuple[int, int],
    dpi: float,
    progress: Callable[[int, int], None] | None,
) -> None:
    """A grid of frames in one PNG of (columns·width, rows·height) pixels."""
    from PIL import Image

    picks = sheet_frames(len(scene.frames), scene.panels)
    rows, cols = sheet_shape(len(picks), scene.panels)
    zoom = 1.6  # the sheet is read smaller than a frame: draw it at a larger dpi
    fig = _figure((cols * size[0], rows * size[1]), zoom * dpi)
    fs = 12.0 * min(1.0, size[0] / (640.0 * scene.panels)) ** 0.5
    grid = fig.subplots(rows, cols * scene.panels, sharex=True, sharey=True, squeeze=False)
    first_panels: list[_Panel] = []
    panels: list[_Panel] = []
    for c, i in enumerate(picks):
        r, k = divmod(c, cols)
        for j in range(scene.panels):
            ax = grid[r, k * scene.panels + j]
            p = _Panel(ax, scene, j, fontsize=0.9 * fs, labels=False)
            panels.append(p)
            p.wrap = True
            p.update(scene.frames[i][j])
            if c == 0:
                first_panels.append(p)
        if progress is not None:
            progress(c + 1, len(picks))
    for c in range(len(picks), rows * cols):
        r, k = divmod(c, cols)
        for j in range(scene.panels):
            grid[r, k * scene.panels + j].set_visible(False)
    for ax in grid[-1, :]:
        ax.set_xlabel("x")
    for ax in grid[:, 0]:
        ax.set_ylabel("y")
    for ax in grid[:, 1:].ravel():
        ax.tick_params(labelleft=False)
    _legend(fig, first_panels, 0.9 * fs)
    fig.suptitle(scene.title, fontsize=1.1 * fs)
    if any(p.inset is not None for p in panels):  # lay out, then put cards under the insets
        fig.canvas.draw()
        fig.set_layout_engine("none")
        renderer = fig.canvas.get_renderer()  # type: ignore[attr-defined]
        for p in panels:
            if p.inset is not None:
                p.place_inset(renderer)
                p.update(p.shown)
    fig.canvas.draw()
    rgba = np.asarray(fig.canvas.buffer_rgba())  # type: ignore[attr-defined]
    w, h = cols * size[0], rows * size[1]
    Image.fromarray(np.ascontiguousarray(rgba[:h, :w, :3])).save(out, format="PNG")


# -- one call --------------------------------------------------------------------------


def animate(
    target: Target | str,
    n: int,
    settings: Settings | None = None,
    *,
    sweep: str = "width",
    out: str | Path,
    frames: int | None = None,
    fps: float = 20,
    size: tuple[int, int] = (800, 500),
    dpi: float = 100,
    hold: float = 1.0,
    writer: str = "auto",
    progress: Callable[[str, int, int], None] | None = None,
) -> AnimationResult:
    """Compute a scene and render it: the one call behind `uat animate`.

    Parameters
    ----------
    target : a Target, or text for `uat.targets.get_target` ("sin", "x**2", a CSV path).
    n : the final width N (even for hand-built networks).
    settings : method and options; hand-built by default. "compare" uses the hand-built
        options on the left and the training options on the right.
    sweep : "width" (one frame per width 2, 4, …, N for hand-built nets, about 30 widths
        1 … N for trained ones), "training" (one run of width N, frames at log-spaced
        iterations), "compare" (hand-built vs trained, side by side, over widths) or
        "steepness" (one hand-built net of width N, its steps going from soft to steep).
    out : the file: .gif, .mp4 or .png (contact sheet).
    frames : the most frames (thins the widths; default 60 for "training").
    fps, size, dpi, hold, writer : as for `render`.
    progress : called as progress(stage, done, total), stage "compute" then "render".

    Returns
    -------
    AnimationResult with the path, frame count, wall time and file size.
    """
    from uat.targets import get_target

    t0 = time.perf_counter()
    if sweep not in SWEEPS:
        raise UatError(f"unknown sweep {sweep!r}; choose one of: {', '.join(SWEEPS)}")
    if frames is not None and frames < 1:
        raise UatError(f"--frames must be at least 1, got {frames}")
    p = Path(out)
    _check_render(p, fps, size, dpi, hold, writer)  # fail before any computing
    size = (int(size[0]), int(size[1]))
    from uat.io import check_writable

    check_writable(p)
    tgt = get_target(target) if isinstance(target, str) else target
    s = settings or Settings()

    def stage(name: str) -> Callable[[int, int], None] | None:
        if progress is None:
            return None
        return lambda done, total: progress(name, done, total)

    if sweep == "width":
        scene = width_sweep(tgt, default_widths(n, s.method, frames), s, progress=stage("compute"))
    elif sweep == "training":
        scene = training_run(tgt, n, s, frames or 60, progress=stage("compute"))
    elif sweep == "steepness":
        scene = steepness_sweep(tgt, n, s, frames or 30, progress=stage("compute"))
    else:
        widths = default_widths(n, "construct", frames or DEFAULT_TRAIN_FRAMES)
        scene = compare_sweep(
            tgt,
            widths,
            s.but(method="construct"),
            s.but(method="train"),
            progress=stage("compute"),
        )
    render(
        scene,
        p,
        fps=fps,
        size=size,
        dpi=dpi,
        hold=hold,
        progress=stage("render"),
        writer=writer,
    )
    return AnimationResult(
        path=p,
        frames=len(scene.frames),
        seconds=time.perf_counter() - t0,
        bytes=p.stat().st_size,
        size=size,
        fps=float(fps),
        last=" | ".join(panel.text for panel in scene.frames[-1]),
    )
