"""Static figures. Functions take data and an Axes or Figure and return what they drew."""

from __future__ import annotations

import contextlib
import math
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

import numpy as np

from uat.core.construct import windows
from uat.core.network import ShallowNet
from uat.core.targets import Target
from uat.jobs.scenes import (
    DRAWABLE,
    DRAWN_PARTS,
    METHOD_NAMES,
    format_number,
    plot_grid,
    unit_count,
    unit_name,
    y_limits,
)
from uat.text import printable

__all__ = [  # the text helpers live with the scenes, windows with the construction
    "DRAWN_PARTS",
    "METHOD_NAMES",
    "format_number",
    "plot_grid",
    "unit_count",
    "unit_name",
    "windows",
    "y_limits",
]

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

    from uat.jobs.fitting import Fit
    from uat.settings import Settings

# Okabe–Ito: distinguishable with every common colour-vision deficiency.
OKABE_ITO = {
    "black": "#000000",
    "orange": "#E69F00",
    "sky": "#56B4E9",
    "green": "#009E73",
    "yellow": "#F0E442",
    "blue": "#0072B2",
    "vermillion": "#D55E00",
    "purple": "#CC79A7",
}
TARGET_COLOR = "#222222"
METHOD_COLORS = {"construct": OKABE_ITO["blue"], "train": OKABE_ITO["vermillion"]}

STYLE: dict[str, Any] = {
    "font.size": 12,
    "axes.titlesize": 13,
    "axes.labelsize": 12,
    "legend.fontsize": 10.5,
    "xtick.labelsize": 10.5,
    "ytick.labelsize": 10.5,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.grid": True,
    "grid.color": "#e6e6e6",
    "grid.linewidth": 0.8,
    "axes.axisbelow": True,
    "axes.edgecolor": "#555555",
    "legend.frameon": False,
    "figure.dpi": 100,
    "savefig.dpi": 150,
    "mathtext.fontset": "dejavusans",
    "figure.constrained_layout.use": True,
}
FORMATS = (".png", ".svg", ".pdf")
WINDOW_COLORS = [OKABE_ITO[k] for k in ("orange", "green", "purple", "sky", "yellow", "blue")]
BOUND_COLOR = "#666666"
# The faint parts (each bump or neuron) in a neutral grey, never the network's colour: drawn
# in the network's blue, 25 bumps' flat tails overlapped along y = 0 into one dark blue line
# that read as part of the network (docs/fit-sin-50.png before this change).
PART_COLOR = "#9a9a9a"
# A part is drawn only where |y| exceeds this share of its own peak: a bump's tails are exact
# zeros to the eye, and 25 of them stacked on y = 0 are what made the false line.
PART_FLOOR = 1e-3
EPS_COLOR = OKABE_ITO["green"]
EPS_ALPHA = 0.22  # the band f ± ε: one colour in every figure and animation
_WINDOWS_DRAWN = 120  # windows of failure shaded at most (more read as noise)


@contextlib.contextmanager
def style() -> Iterator[None]:
    """Use uat's figure style (shared rcParams) inside the block; the caller's come back after.

    Figures are `matplotlib.figure.Figure`s saved through the canvas of their file format:
    pyplot and the backend are never touched (importing pyplot cost 0.45 s of every `uat fit`,
    and switching the backend stopped a notebook's inline plots for good).
    """
    import matplotlib

    with matplotlib.rc_context(STYLE):  # type: ignore[arg-type]
        yield


def bounded_log(ax: Any) -> None:
    """Keep a log axis's top and its ticks finite doubles where errors reach ~1e300.

    matplotlib's decade locator steps past its top (1e312 from errors near 3e301) and its
    formatter fails on the infinite tick: near the largest double the decades are fixed here.
    """
    lo, hi = ax.get_ylim()
    if hi <= 1e250:
        return
    lo, hi = (max(lo, 1e-300) if np.isfinite(lo) else 1e-300), min(hi, DRAWABLE)
    k0, k1 = math.ceil(math.log10(lo)), math.floor(math.log10(hi))
    stride = max(1, math.ceil((k1 - k0 + 1) / 8))
    from matplotlib.ticker import FixedLocator, NullLocator

    ax.set_ylim(lo, hi)
    ax.yaxis.set_major_locator(FixedLocator([10.0**k for k in range(k1, k0 - 1, -stride)]))
    ax.yaxis.set_minor_locator(NullLocator())


def method_color(method: str) -> str:
    """The colour of a method across every figure."""
    return METHOD_COLORS.get(method, OKABE_ITO["green"])


@dataclass(frozen=True)
class Curves:
    """A fit evaluated once on a plotting grid: the target, the hidden sum, the network."""

    x: np.ndarray
    target: np.ndarray
    hidden: np.ndarray  # Σ v_i·act(w_i·x + b_i) + c
    net: np.ndarray  # out(hidden)

    @classmethod
    def of(cls, fit: Fit, x: np.ndarray | None = None) -> Curves:
        """Evaluate the fit's target and network once on x (default: `plot_grid`)."""
        from uat.core.activations import get_activation

        net = fit.net
        x = plot_grid(net, fit.target.domain) if x is None else x
        # saturated steps through their asymptotes: O(grid + N), 10–40× faster than summing
        # pair by pair (0.39 s for 5,000 sin bumps on 40,001 points) and equal to 3e-16
        hidden = net.hidden_sum(x)
        return cls(x, fit.target(x), hidden, get_activation(net.output_activation).f(hidden))

    @property
    def error(self) -> np.ndarray:
        """network − target."""
        return self.net - self.target


ENVELOPE_BUCKETS = 3000  # about twice the pixel columns of the widest figure's axes


def envelope(
    x: np.ndarray, *ys: np.ndarray, buckets: int = ENVELOPE_BUCKETS
) -> tuple[np.ndarray, ...]:
    """(x, *ys) thinned to each bucket's first, lowest, highest and last points, in order.

    What a pixel column shows is kept (every peak, so the sup error's spike stays drawn) while
    40,001 points become at most 4·buckets: at N = 10,000 the fill of the error and the lines
    cost 0.3 s of drawing. With several ys the extremes of each are kept.
    """
    n = x.size
    if n <= 4 * buckets:
        return (x, *ys)
    edges = np.linspace(0, n, buckets + 1).astype(int)
    keep = np.zeros(n, dtype=bool)
    keep[edges[:-1]] = True
    keep[edges[1:] - 1] = True
    for y in ys:
        for pick in (np.minimum, np.maximum):
            best = pick.reduceat(y, edges[:-1])
            hit = y == np.repeat(best, np.diff(edges))  # first index of each bucket's extreme
            first = np.flatnonzero(hit)
            bucket = np.searchsorted(edges, first, side="right") - 1
            _, once = np.unique(bucket, return_index=True)
            keep[first[once]] = True
    return (x[keep], *(y[keep] for y in ys))


def nonzero_runs(x: np.ndarray, y: np.ndarray, floor: float = PART_FLOOR) -> list[np.ndarray]:
    """The (x, y) pieces of one curve where |y| > floor·max|y|, each with one point of margin.

    The margin joins each piece to the axis it leaves, so a bump is drawn whole (up its two
    steps) while its flat tails, exact zeros to the eye, are not drawn at all.
    """
    peak = float(np.max(np.abs(y))) if y.size else 0.0
    if peak == 0.0:
        return []
    big = np.abs(y) > floor * peak
    grown = big.copy()
    grown[1:] |= big[:-1]
    grown[:-1] |= big[1:]
    edges = np.flatnonzero(np.diff(np.concatenate([[0], grown.astype(np.int8), [0]])))
    return [np.column_stack([x[lo:hi], y[lo:hi]]) for lo, hi in edges.reshape(-1, 2)]


def draw_contributions(
    ax: Axes, x: np.ndarray, net: ShallowNet, *, color: str = PART_COLOR, level: float | None = None
) -> Any:
    """Each neuron's (or bump's) weighted output, faintly, as one LineCollection.

    Bumps are evaluated only near their steps (`construct.pair_curves`) and drawn only where
    they are not zero (`nonzero_runs`); more than DRAWN_PARTS parts are a blur and are not drawn.
    With `level`, a trained net's neurons are each shifted to have that mean: their offsets
    are arbitrary (the output bias takes them) and put most of them out of view.
    """
    from matplotlib.collections import LineCollection

    from uat.core.construct import pair_curves

    if net.n_neurons // max(net.group, 1) > DRAWN_PARTS:  # a blur, and memory: the sum only
        return None
    if net.group == 2:
        curves = [(x[where], y) for _, where, y in pair_curves(net, x)]
    else:
        curves = [(x, y) for y in net.contributions(x)]
    if level is not None and net.method == "train" and net.group != 2:  # whole, about level
        segs = [np.column_stack([x, y - y.mean() + level]) for _, y in curves]
    else:
        segs = [seg for cx, cy in curves for seg in nonzero_runs(cx, cy)]
    alpha = float(np.clip(6.0 / max(len(curves), 1), 0.25, 0.7))
    lc = LineCollection(segs, colors=color, linewidths=1.0, alpha=alpha, zorder=1.5)
    ax.add_collection(lc)
    return lc


def shifted_words(net: ShallowNet) -> str:
    """What a legend adds where `draw_contributions` shifted a trained net's neurons."""
    return ", shifted to the mean" if net.method == "train" and net.group != 2 else ""


def draw_fit(ax: Axes, fit: Fit, curves: Curves, *, contributions: bool = True) -> list[Any]:
    """Target, network output and (faintly) its contributions on one Axes."""
    color = method_color(fit.method)
    x, yt, yn = curves.x, curves.target, curves.net
    artists: list[Any] = []
    framed = [yt, yn]
    level = float(np.mean(yn))
    lc = draw_contributions(ax, x, fit.net, level=level) if contributions else None
    if lc is not None:
        lc.set_label(f"each {unit_name(fit.net)}" + shifted_words(fit.net))
        artists.append(lc)
        if fit.net.group == 2:  # bumps stand on zero: show them whole
            framed.append(np.zeros(1))
    name = METHOD_NAMES.get(fit.method, fit.method)
    xe, yne, yte = envelope(x, yn, yt)
    artists += ax.plot(xe, yne, color=color, lw=2.4, alpha=0.9, label=f"{name} network")
    artists += draw_target(ax, xe, yte)
    ax.set_ylim(*y_limits(*framed))
    ax.set_xlim(x[0], x[-1])
    return artists


def draw_target(ax: Axes, x: np.ndarray, y: np.ndarray, label: str = "target") -> list[Any]:
    """The target dashed on top of everything, so a fit that lies on it cannot hide it."""
    return ax.plot(x, y, color=TARGET_COLOR, lw=1.6, ls=(0, (4, 2.5)), label=label, zorder=4)


_RELATIONS = frozenset({"=", "≤", "≥", "≈", "<", ">", "±", "×"})


def wrap_text(text: str, width_in: float, fontsize: float) -> str:
    """Break `text` at spaces (never inside $mathtext$) so each line fits `width_in` inches.

    A line holds about width·72 / (0.5·fontsize) characters (DejaVu Sans text averages ~0.5 em);
    mathtext counts by its source length, which overestimates, so a line errs on the short side.
    """
    limit = max(int(width_in * 72 / (0.5 * fontsize)), 12)
    out: list[str] = []
    for para in text.split("\n"):
        words: list[str] = []
        glue = False  # "Σv = -2.58" is one word: never break beside a relation sign
        for w in para.split(" "):  # rejoin the words of one $…$ span
            if words and (words[-1].count("$") % 2 == 1 or glue or w in _RELATIONS):
                words[-1] += " " + w
            else:
                words.append(w)
            glue = w in _RELATIONS
        line = ""
        for w in words:
            if line and len(line) + 1 + len(w) > limit:
                out.append(line)
                line = w
            else:
                line = f"{line} {w}" if line else w
        out.append(line)
    return "\n".join(out)


def set_title(ax: Axes, text: str, **kw: Any) -> Any:
    """An Axes title wrapped to the Axes' width, so it never runs past the figure."""
    import matplotlib as mpl

    size = kw.get("fontsize", mpl.rcParams["axes.titlesize"])
    size = mpl.font_manager.FontProperties(size=size).get_size_in_points()
    return ax.set_title(wrap_text(text, title_width(ax), size), **kw)


def set_suptitle(fig: Figure, text: str, fontsize: float | None = None) -> Any:
    """A figure title wrapped to the figure's width (less its margins): never clipped."""
    import matplotlib as mpl

    size = fontsize or mpl.rcParams["figure.titlesize"]
    size = mpl.font_manager.FontProperties(size=size).get_size_in_points()
    width = 0.94 * float(fig.get_figwidth())
    return fig.suptitle(wrap_text(text, width, size), fontsize=fontsize)


def title_width(ax: Axes) -> float:
    """Inches a title over `ax` may take: its grid columns' share of the figure's width.

    The Axes' own position is the one before constrained layout, narrower than the final
    one (a half-width panel of a 12-inch figure: 4.2 inches before, 5.3 after), so the share
    of the gridspec's width ratios, less 8 % for margins and labels, is nearer the truth.
    """
    fig_width = float(ax.get_figure().get_figwidth())  # type: ignore[union-attr]
    spec = ax.get_subplotspec()
    if spec is None:
        return ax.get_position().width * fig_width
    grid = spec.get_gridspec()
    ratios = [float(r) for r in np.ravel(grid.get_width_ratios() or [1.0] * grid.ncols)]
    cols = spec.colspan
    return 0.92 * fig_width * sum(ratios[cols.start : cols.stop]) / sum(ratios)


def bound_label(fit: Fit) -> str | None:
    """'bound Δ²·max|f″|/8 = 0.0123' from `uat.core.metrics`, or None where no bound is known."""
    from uat.core.metrics import bound_formula

    if fit.bound is None or not np.isfinite(fit.bound):
        return None
    formula = bound_formula(fit.net.activation, fit.net.output_activation, net=True)
    return f"{formula} = {format_number(fit.bound)}"


def error_note(fit: Fit) -> str:
    """'sup error 0.01 ≤ L·Δ/2 = 0.02', or where it occurs when no bound is known."""
    sup = fit.errors.sup
    bound = bound_label(fit)
    if bound is None:
        return f"sup error {format_number(sup)} at x = {format_number(cast(float, fit.errors.at))}"
    assert fit.bound is not None
    return f"sup error {format_number(sup)} {'≤' if sup <= fit.bound else '>'} {bound}"


def draw_error(
    ax: Axes,
    fit: Fit,
    curves: Curves,
    *,
    label: str | None = "network − target",
    bound: bool = True,
) -> list[Any]:
    """The signed error network − target, ±sup error (gid "sup"), its peak and ±bound.

    The bound and its formula come from `uat.core.metrics` (`Fit.bound`, `bound_formula`), so a
    ramp's Δ²·max|f″|/8 or a sigmoid output's ¼·L·Δ/2 of σ⁻¹∘f is labelled as what it is.
    """
    color = method_color(fit.method)
    x, e = envelope(curves.x, curves.error)
    sup = fit.errors.sup
    artists: list[Any] = [ax.fill_between(x, e, color=color, alpha=0.18, lw=0)]
    artists += ax.plot(x, e, color=color, lw=1.2, label=label, gid="error")
    ax.axhline(0, color="#888888", lw=0.6)
    for sign in (1, -1):
        text = f"±sup error = {format_number(sup)}" if sign > 0 else None
        artists.append(
            ax.axhline(sign * sup, color=color, lw=1.0, ls=(0, (2, 2)), label=text, gid="sup")
        )
    at = fit.errors.at
    side = 1.0 if np.interp(at, curves.x, curves.error) >= 0 else -1.0  # the side of the peak
    artists += ax.plot([at], [side * sup], "o", color=color, ms=6, clip_on=False, gid="sup_at")
    framed = [e, np.array([sup, -sup])]
    text = bound_label(fit) if bound else None
    if text is not None and fit.bound is not None:
        for sign in (1, -1):
            artists.append(
                ax.axhline(
                    sign * fit.bound,
                    color=BOUND_COLOR,
                    lw=1.4,
                    ls="--",
                    label=f"±bound {text}" if sign > 0 else None,
                    gid="bound",
                )
            )
        framed.append(np.array([fit.bound, -fit.bound]))
    ax.set_xlim(x[0], x[-1])
    lo, hi = y_limits(*framed, pad=0.1)
    ax.set_ylim(lo, hi + 0.3 * (hi - lo))  # room above for the legend
    return artists


def fit_title(fit: Fit) -> str:
    """Title of a fit figure: target, method, width and sup error."""
    n = fit.net.n_neurons
    width = f"{n} neurons" + (f" ({unit_count(fit.net)})" if fit.net.group == 2 else "")
    name = METHOD_NAMES.get(fit.method, fit.method)
    made_for = fit.net.target  # `uat show --target`: the net measured against another target
    if isinstance(made_for, str) and made_for and made_for != fit.target.name:
        name += f" for {printable(made_for)}"
    return f"{fit.target.label}: {name}, {width}, sup error {format_number(fit.errors.sup)}"


def draw_hidden(ax: Axes, fit: Fit, curves: Curves) -> list[Any]:
    """Under a sigmoid output: the hidden sum against σ⁻¹∘f, which it approximates."""
    from uat.core.construct import squashed_target

    color = method_color(fit.method)
    x = curves.x
    yt, yh = squashed_target(fit.target)(x), curves.hidden
    lc = draw_contributions(ax, x, fit.net, level=float(np.mean(yh)))
    artists: list[Any] = []
    if lc is not None:
        lc.set_label(f"each {unit_name(fit.net)}" + shifted_words(fit.net))
        artists.append(lc)
    artists += ax.plot(x, yh, color=color, lw=2.4, alpha=0.9, label="hidden sum")
    artists += draw_target(ax, x, yt, label=r"$\sigma^{-1}(f)$")
    framed = [yt, yh] + ([np.zeros(1)] if fit.net.group == 2 else [])
    ax.set_ylim(*y_limits(*framed))
    ax.set_xlim(x[0], x[-1])
    return artists


def draw_windows(ax: Axes, net: ShallowNet, domain: tuple[float, float]) -> list[Any]:
    """Shade the windows of failure, one colour per shifted copy."""
    spans = windows(net, domain)
    if not spans or sum(len(s) for s in spans) > _WINDOWS_DRAWN:
        return []
    artists = []
    for j, rows in enumerate(spans):
        color = WINDOW_COLORS[j % len(WINDOW_COLORS)]
        label = "windows of failure" if len(spans) == 1 else f"windows of copy {j + 1}"
        for i, (lo, hi) in enumerate(rows):
            artists.append(
                ax.axvspan(lo, hi, color=color, alpha=0.22, lw=0, label=label if i == 0 else None)
            )
    return artists


def eps_label(eps: float) -> str:
    """The ε band's one label, in every figure and animation."""
    return f"f ± ε, ε = {format_number(eps)}"


def draw_eps_band(ax: Axes, ax_err: Axes, curves: Curves, eps: float) -> list[Any]:
    """The band f ± ε around the target (gid "eps") and ±ε on the error panel."""
    x, yt = curves.x, curves.target
    label = eps_label(eps)
    band = ax.fill_between(x, yt - eps, yt + eps, color=EPS_COLOR, alpha=EPS_ALPHA, lw=0, zorder=1)
    band.set_label(label)
    band.set_gid("eps")
    artists: list[Any] = [band]
    for sign in (1, -1):
        artists.append(
            ax_err.axhline(
                sign * eps, color=EPS_COLOR, lw=1.4, label=label if sign > 0 else None, gid="eps"
            )
        )
    lo, hi = ax_err.get_ylim()
    ax_err.set_ylim(min(lo, -1.15 * eps), max(hi, 1.15 * eps))
    return artists


def fit_figure(
    fit: Fit, *, eps: float | None = None, size: tuple[float, float] | None = None
) -> Figure:
    """The `uat fit` figure: the approximation above, its error below.

    Under a sigmoid output a first panel shows the hidden sum against σ⁻¹∘f; for step
    neurons the error panel shades the windows of failure. With `eps` the band f ± ε is
    drawn around the target and ±ε on the error. The network is evaluated once.
    """
    from matplotlib.figure import Figure

    squashed = fit.net.output_activation == "sigmoid"
    fig = Figure(figsize=size or ((8.0, 8.2) if squashed else (8.0, 6.0)))
    ratios = [2.2, 2.6, 1.3] if squashed else [3, 1.3]
    axes = fig.subplots(len(ratios), 1, sharex=True, height_ratios=ratios)
    ax, ax_err = axes[-2], axes[-1]
    curves = Curves.of(fit)
    title = fit_title(fit)
    if eps is not None:
        title += f", the smallest width with sup error ≤ ε = {format_number(eps)}"
    if squashed:
        draw_hidden(axes[0], fit, curves)
        axes[0].set_ylabel("hidden sum")
        set_title(axes[0], title)
        axes[0].legend(loc="best")
        ax.set_title("output σ(hidden sum) against f", fontsize=11, loc="left")
    else:
        set_title(ax, title)
    draw_fit(ax, fit, curves, contributions=not squashed)
    ax.set_ylabel("y")
    draw_error(ax_err, fit, curves, label=None, bound=False)
    if eps is not None:
        draw_eps_band(ax, ax_err, curves, eps)
    ax.legend(loc="best")
    if fit.method == "construct" and draw_windows(ax_err, fit.net, fit.target.domain):
        handles, labels = ax_err.get_legend_handles_labels()
        keep = [
            (h, t) for h, t in zip(handles, labels, strict=True) if t.startswith(("window", "f ±"))
        ]
        ax_err.legend(*zip(*keep, strict=True), loc="upper right", fontsize=9, ncols=4)
    ax_err.set_xlabel("x")
    ax_err.set_ylabel("error")
    note = f"sup {format_number(fit.errors.sup)}, RMSE {format_number(fit.errors.rmse)}"
    bound = bound_label(fit)
    if bound is not None:
        note += f", bound {bound}"
    set_title(ax_err, note + f"  ({fit.errors.grid:,}-point grid)", fontsize=10.5, loc="left")
    return fig


def save_figure(fig: Figure, path: str | Path) -> Path:
    """Save a figure atomically; the format comes from the extension."""
    from uat.io import atomic_path

    p = Path(path)
    fmt = p.suffix.lower()
    # ticks of a curve near the float limit (exp(709x)) overflow inside matplotlib's locator
    with atomic_path(p) as tmp, np.errstate(over="ignore", invalid="ignore"):
        fig.savefig(tmp, format=fmt.lstrip("."))
    return p


def compare_figure(
    fits: list[Fit], *, columns: int | None = None, size: tuple[float, float] | None = None
) -> Figure:
    """Approximations side by side (a grid of `columns`), above every |error| on one log axis.

    With several activations, one column per activation and one row per method (and loss):
    a cell the comparison could not build (a hard step cannot be trained) says why. The error
    lines differ in colour by activation and in dash by method.
    """
    from matplotlib.figure import Figure

    acts = list(dict.fromkeys(f.net.activation for f in fits))
    several = len(acts) > 1
    runs = list(dict.fromkeys(_run_key(f) for f in fits))
    if several:  # the cell of each fit: its run's row, its activation's column
        cols, rows = len(acts), len(runs)
        cells = {(runs.index(_run_key(f)), acts.index(f.net.activation)): f for f in fits}
    else:
        cols = columns or len(fits)
        rows = -(-len(fits) // cols)
        cells = {divmod(i, cols): f for i, f in enumerate(fits)}
    fig = Figure(figsize=size or (max(12.0, 4.2 * cols), 3.6 * rows + 3.2))
    grid = fig.add_gridspec(rows + 1, cols, height_ratios=[3] * rows + [1.9])
    errs: list[tuple[np.ndarray, np.ndarray, str, str, str]] = []
    palette = [OKABE_ITO[k] for k in ("blue", "vermillion", "green", "purple", "orange", "sky")]
    dashes = ["-", "--", ":", "-."]
    lims: list[float] = []
    axes: dict[tuple[int, int], Axes] = {}
    for (r, c), f in sorted(cells.items()):
        ax = axes[r, c] = fig.add_subplot(grid[r, c])
        curves = Curves.of(f)
        draw_fit(ax, f, curves)
        name = METHOD_NAMES.get(f.method, f.method)
        if several:
            name += f", {f.net.activation}"
        set_title(ax, f"{name}: sup error {format_number(f.errors.sup)}")
        ax.set_xlabel("x")
        ax.legend(loc="best", fontsize=9 if len(fits) > 2 else None)
        lims += list(ax.get_ylim())
        x, e = curves.x, np.abs(curves.error)
        if several:  # colour: activation; dash: method (and loss)
            color = palette[acts.index(f.net.activation) % len(palette)]
            ls = dashes[runs.index(_run_key(f)) % len(dashes)]
        else:
            color, ls = method_color(f.method), "-"
        errs.append((x, np.maximum(e, 1e-17), color, ls, name))
    for ax in axes.values():  # one y-scale for every approximation
        ax.set_ylim(min(lims), max(lims))
    if several:  # the cells no fit fills, each with its reason
        _empty_cells(fig, grid, cells, runs, acts)
    for (r, c), ax in axes.items():
        if c == 0 or (r, c - 1) not in axes:
            ax.set_ylabel("y")
    _error_panel(fig.add_subplot(grid[rows, :]), errs, fits[0].target.domain,
                 min(len(fits), 5 if several else 4))  # fmt: skip
    n = fits[0].net.n_neurons
    what = ", ".join(acts[:-1]) + f" and {acts[-1]} neurons" if several else "neurons"
    set_suptitle(fig, f"{fits[0].target.label}: hand-built against trained, {n} {what}")
    return fig


def _empty_cells(
    fig: Figure, grid: Any, cells: dict[tuple[int, int], Fit], runs: list[Any], acts: list[str]
) -> None:
    """Each cell of a comparison no network fills, saying why (a hard step is not trained)."""
    from uat.core.activations import get_activation

    for r, run in enumerate(runs):
        for c, act in enumerate(acts):
            if (r, c) in cells:
                continue
            ax = fig.add_subplot(grid[r, c])
            ax.set_axis_off()
            method = METHOD_NAMES.get(run[0], run[0])
            why = (
                "a hard step has no gradient:\nit cannot be trained"
                if run[0] == "train" and not get_activation(act).trains
                else "no such network"
            )
            ax.text(0.5, 0.5, f"{method}, {act}\n\n{why}", ha="center", va="center",
                    transform=ax.transAxes, color="#555555", fontsize=11)  # fmt: skip


def _error_panel(ax: Axes, errs: list[Any], domain: tuple[float, float], columns: int) -> None:
    """Every |error| of a comparison on one log scale, the last Axes of its figure."""
    for x, e, color, ls, name in errs:
        ax.semilogy(x, e, color=color, ls=ls, lw=1.1, label=name)
    ax.set_xlabel("x")
    ax.set_ylabel("|error|")
    ax.set_xlim(*domain)
    bounded_log(ax)
    ax.legend(loc="best", ncols=columns, fontsize=9)
    ax.set_title("absolute error", fontsize=10.5, loc="left")


def _run_key(f: Fit) -> tuple[str, str | None]:
    """A compare figure's row: the method, and the loss of a trained net."""
    return f.method, (f.settings.loss if f.method == "train" and f.settings is not None else None)


def series_name(method: str, loss: str | None, losses: Sequence[str]) -> str:
    """A curve's name: the method's, with the trained loss when it is not the only mse one."""
    name = METHOD_NAMES.get(method, method)
    return f"{name} ({loss} loss)" if loss is not None and list(losses) != ["mse"] else name


def convergence_figure(
    target: Target,
    points: list[Any],
    settings: Settings | None = None,
    *,
    size: tuple[float, float] | None = None,
) -> Figure:
    """Sup error and RMSE against width on log-log axes, with the construction's bound.

    The bound is the one for `settings` (steps: L·Δ/2; ramps: Δ²·max|f″|/8; a sigmoid output:
    a quarter of the inner one), drawn at each width's neurons per copy. Trained curves
    (one per loss) mark the optimiser's floor with hollow markers and a dotted level, and
    their slopes are fitted above it only (`uat.jobs.commands.summarise`).
    """
    from matplotlib.figure import Figure

    from uat.settings import Settings

    s = settings or Settings()
    fig = Figure(figsize=size or (8.0, 5.5))
    ax = fig.subplots()
    losses = sorted({p.loss for p in points if p.method == "train" and p.loss is not None})
    series = [("construct", None)] if any(p.method == "construct" for p in points) else []
    series += [
        ("train", loss) for loss in losses or [None] if any(p.method == "train" for p in points)
    ]
    all_widths = sorted({p.width for p in points})
    for i, (m, loss) in enumerate(series):
        color = method_color(m) if i < 2 else OKABE_ITO["purple"]
        for key, ls, marker in (("sup_error", "-", "o"), ("rmse", "--", "s")):
            _draw_series(
                ax,
                target,
                points,
                (m, loss, key),
                series_name(m, loss, losses),
                (color, ls, marker),
            )
    title = f"{target.label}: error against width"
    drawn = series[:1] == [("construct", None)] and _draw_bound(ax, points, s)
    if not drawn and target.has_jumps():
        title += (
            "\nthe target jumps, so the sup error cannot vanish whatever N;"
            "\nconvergence holds in L² (RMSE), not uniformly"
        )
    _shade_before_asymptotic(ax, all_widths)
    ax.set_xlabel("neurons N")
    ax.set_ylabel("error (sup refined; RMSE on the grid)")
    ax.set_title(title)
    ax.legend(loc="best", fontsize=8.5)
    ax.grid(True, which="minor", color="#f2f2f2", lw=0.6)
    return fig


def _draw_series(
    ax: Axes,
    target: Target,
    points: list[Any],
    which: tuple[str, str | None, str],
    name: str,
    look: tuple[str, str, str],
) -> None:
    """One curve: medians, seed range, and (trained) the optimiser's floor, hollow and dotted."""
    from uat.jobs.rates import summarise

    (m, loss, key), (color, ls, marker) = which, look
    jump = key == "sup_error" and target.has_jumps()  # half the jump, not a floor
    r = summarise(points, m, key, loss=loss, floor=m == "train" and not jump,
                  scale=target.sup_norm())  # fmt: skip
    what = "sup" if key == "sup_error" else "RMSE"
    slope = "—" if not np.isfinite(r["slope"]) else f"{r['slope']:+.2f}"
    slope = "float rounding" if r["rounding"] else slope
    floor = r["floor"]
    above = len(r["widths"]) if floor is None else r["widths"].index(floor["from_width"])
    pos = np.array([v if v > 0 else np.nan for v in r["median"]])  # exact zeros have no log
    label = f"{name} {what} (slope {slope}{' above the floor' if floor else ''})"
    ax.loglog(r["widths"][: above + 1], pos[: above + 1], ls=ls, marker=marker, ms=4.5,
              color=color, label=label)  # fmt: skip
    if r["low"] != r["high"]:
        ax.fill_between(r["widths"], r["low"], r["high"], color=color, alpha=0.15, lw=0)
    if floor is None:
        return
    ax.loglog(r["widths"][above:], pos[above:], ls="none", marker=marker, ms=5.5, mfc="white",
              color=color)  # fmt: skip
    level = floor["level"]
    ax.hlines(level, floor["from_width"], r["widths"][-1], colors=color, linestyles=":", lw=1.4,
              label=f"{name} {what}: optimiser's floor ≈ {format_number(level)}")  # fmt: skip


def _draw_bound(ax: Axes, points: Sequence[Any], s: Settings) -> bool:
    """The hand-built nets' own bounds (`metrics.net_bound`: the soft steps' leak included, as
    `fit` prints it) at each width, the largest over seeds; False where a width has none."""
    from uat.core.metrics import bound_formula

    at: dict[int, float] = {}
    for p in points:
        if p.method == "construct":
            if p.bound is None or not p.bound > 0:
                return False
            at[p.width] = max(at.get(p.width, 0.0), p.bound)
    if not at:
        return False
    widths = sorted(at)
    formula = bound_formula(s.activation, s.output_activation, net=True)
    per = " per copy" if s.shifts > 1 else ""
    label = f"bound {formula}{per}, Δ = 2(b−a)/N"
    ax.loglog(widths, [at[n] for n in widths], color="#777777", ls=":", lw=1.8, label=label)
    return True


def _shade_before_asymptotic(ax: Axes, widths: list[int]) -> None:
    """Grey out the widths below the asymptotic start, which the fitted slopes leave out."""
    from uat.jobs.records import asymptotic_start

    start = asymptotic_start(widths)
    if start > min(widths):
        ax.axvspan(min(widths), start, color="#f4f4f4", lw=0, zorder=-1)
        ax.text(
            min(widths),
            0.02,
            f" N < {start:.0f}: before the fitted slopes",
            transform=ax.get_xaxis_transform(),
            va="bottom",
            fontsize=9,
            color="#666666",
        )
