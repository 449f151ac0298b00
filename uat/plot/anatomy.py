"""The anatomy of a fit: one figure that walks through how the network makes the curve.

A hand-built net (``method="construct"``, ``group=2``) is read as the constructive proof, in
five panels: one steep neuron is a step at s = −b/w; two steps with weights +h and −h make a
bump; the bumps side by side; their sum against the target; the error against the bound.

Any other net (a trained one) is read neuron by neuron, in order of position s_i = −b_i/w_i:
each weighted output v_i·act(w_i·x + b_i), the partial sums converging to the network, the
output weights at their positions, and the error. Trained nets overlap soft steps whose large
weights cancel, where the proof uses disjoint bumps.

Artists and Axes carry a ``gid`` (``"step"``, ``"bump"``, ``"network"``, ``"partial"``, …) so
that tests and callers can find them without relying on drawing order.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from uat.core.activations import Activation, get_activation
from uat.plot.figures import (
    DRAWN_PARTS,
    METHOD_NAMES,
    OKABE_ITO,
    TARGET_COLOR,
    Curves,
    draw_error,
    draw_target,
    error_note,
    format_number,
    method_color,
    set_suptitle,
    set_title,
    y_limits,
)

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

    from uat.core.network import ShallowNet
    from uat.jobs.fitting import Fit

POSITION_CMAP = "viridis"  # sequential, perceptually uniform, colour-blind safe
BAR_COLORS = (OKABE_ITO["blue"], OKABE_ITO["orange"])  # neighbouring bumps alternate
UP_COLOR, DOWN_COLOR = OKABE_ITO["sky"], OKABE_ITO["vermillion"]
SYMLOG_RATIO = 25.0  # curves this many times larger than the target get a symlog axis
_SYMBOLS = {"sigmoid": "σ", "tanh": "tanh", "step": "H", "relu": "ReLU", "softplus": "softplus"}


@dataclass(frozen=True)
class Pair:
    """One hand-built unit: its up and down neurons, their positions and its height."""

    index: int  # which pair (bump) of the net
    up: int  # neuron index of the left (up) step
    down: int  # neuron index of the right (down) step
    s1: float  # −b/w of the up neuron
    s2: float  # −b/w of the down neuron
    height: float  # h = v·(upper − lower limit); just v for an activation without limits


def is_hand_built(fit: Fit) -> bool:
    """True when the net is the step-pair construction that the proof panels explain."""
    n = fit.net.n_neurons
    return fit.method == "construct" and fit.net.group == 2 and n >= 2 and n % 2 == 0


def symbol(activation: str) -> str:
    """Short name of an activation for labels: σ, tanh, H, ReLU."""
    return _SYMBOLS.get(activation, activation)


def transition_width(act: Activation, w: float) -> float:
    """A step's transition width ≈ 4/(gain·|w|); 0 for a hard step, nan for no step."""
    if not act.makes_steps or w == 0:
        return math.nan
    return 0.0 if math.isinf(act.gain) else 4.0 / (act.gain * abs(w))


def step_height(act: Activation) -> float:
    """Upper minus lower limit: what one unit of output weight lifts a step by (1 if none)."""
    return act.limits[1] - act.limits[0] if act.limits is not None and act.makes_steps else 1.0


def middle_pair(net: ShallowNet) -> Pair:
    """A middle bump of a ``group=2`` net, to explain one pair on.

    Among the interior bumps (both steps inside the domain, if any are), those at least half
    as tall as the tallest; of these a positive one if any, then the one nearest the centre.
    """
    k = net.n_neurons // 2
    s = net.step_positions
    h = net.v[0::2] * step_height(get_activation(net.activation))
    s1, s2 = s[0 : 2 * k : 2], s[1 : 2 * k : 2]
    a, b = net.domain if net.domain is not None else (float(np.min(s)), float(np.max(s)))
    ok = (s1 >= a) & (s2 <= b)
    ok = ok if ok.any() else np.ones(k, dtype=bool)
    tall = ok & (np.abs(h) >= 0.5 * np.max(np.abs(h[ok])))
    tall = tall & (h > 0) if (tall & (h > 0)).any() else tall
    centre = 0.5 * (a + b)
    j = int(np.argmin(np.where(tall, np.abs(0.5 * (s1 + s2) - centre), np.inf)))
    return Pair(j, 2 * j, 2 * j + 1, float(s1[j]), float(s2[j]), float(h[j]))


def neuron_order(net: ShallowNet) -> np.ndarray:
    """Neuron indices sorted by position −b/w (stable; neurons without a position last)."""
    s = np.where(np.isfinite(net.step_positions), net.step_positions, np.inf)
    return np.argsort(s, kind="stable")


def anatomy_figure(fit: Fit, *, size: tuple[float, float] = (15.0, 9.5)) -> Figure:
    """One figure that walks through how the fit's network builds its curve.

    Parameters
    ----------
    fit : a fit from `uat.jobs.commands.fit`. A hand-built step-pair net (``method="construct"``,
        ``group=2``) gets the five panels of the constructive proof; any other net (trained)
        gets its neurons in order of position, their partial sums, their weights and the error.
    size : figure size in inches.

    Returns
    -------
    matplotlib Figure (not attached to pyplot). Call inside ``with uat.plot.figures.style():``.
    Axes carry gids: ``"neuron"``, ``"pair"``, ``"bars"``, ``"sum"``, ``"error"`` (hand-built)
    or ``"outputs"``, ``"cumulative"``, ``"weights"``, ``"error"`` (otherwise).
    """
    from matplotlib.figure import Figure

    fig = Figure(figsize=size)
    if is_hand_built(fit):
        _hand_built(fig, fit)
    else:
        _neuron_by_neuron(fig, fit)
    return fig


# -- the constructive proof, panel by panel --------------------------------------------------


def _hand_built(fig: Figure, fit: Fit) -> None:
    """Five panels: neuron, pair, bumps side by side, their sum, the error."""
    net, act = fit.net, get_activation(fit.net.activation)
    grid = fig.add_gridspec(3, 3, height_ratios=[1.0, 1.0, 0.8], width_ratios=[1.0, 1.0, 0.62])
    ax1, ax2 = fig.add_subplot(grid[0, 0]), fig.add_subplot(grid[0, 1])
    ax3, ax4 = fig.add_subplot(grid[1, 0]), fig.add_subplot(grid[1, 1])
    ax5 = fig.add_subplot(grid[2, :2])
    curves = Curves.of(fit)  # the network on the plotting grid, evaluated once
    pair = middle_pair(net)
    xz = _pair_grid(net, pair, fit.target.domain, min(curves.x.size, 4001))

    _draw_neuron(ax1, net, act, pair, xz)
    _draw_pair(ax2, net, act, pair, xz)
    _draw_bars(ax3, fit, act, curves)
    _draw_sum(ax4, fit, curves)
    _draw_error(ax5, fit, curves, number=5)
    _draw_diagram(fig.add_subplot(grid[:, 2]), net, pair.index, "6 · the network, pair lit")
    ax2.sharex(ax1)
    ax4.sharex(ax3)
    for ax in (ax1, ax3):
        ax.set_ylabel("y")
    for ax in (ax3, ax4, ax5):
        ax.set_xlabel("x")
    n = net.n_neurons
    k = f"{n // 2} pair" + ("s" if n // 2 != 1 else "")
    delta = net.meta.get("bump_width")
    steep = net.meta.get("steepness", float(np.median(np.abs(net.w))))
    extra = f", bump width Δ = {format_number(delta)}" if delta else ""
    set_suptitle(
        fig,
        f"Anatomy of a hand-built fit: {fit.target.label} from {n} {act.name} neurons "
        f"= {k}{extra}, steepness w = {format_number(steep)}",
        fontsize=14,
    )


def _draw_diagram(ax: Axes, net: ShallowNet, unit: int, title: str) -> None:
    """The network as input → hidden → output (`diagram`), one unit lit with its numbers."""
    from uat.plot.diagram import draw_network

    ax.set_gid("diagram")
    draw_network(ax, net, highlight=unit, max_pairs=6)
    set_title(ax, title, loc="left")


def _pair_grid(net: ShallowNet, pair: Pair, domain: tuple[float, float], n: int) -> np.ndarray:
    """A grid around one pair: its two steps with room either side, or the whole domain."""
    act = get_activation(net.activation)
    t = transition_width(act, float(net.w[pair.up]))
    s1, s2 = min(pair.s1, pair.s2), max(pair.s1, pair.s2)
    pad = (2.0 * t if math.isfinite(t) else 0.0) or 0.05 * (domain[1] - domain[0])
    room = max(1.5 * (s2 - s1), pad)
    lo, hi = s1 - room, s2 + room
    if hi - lo > 0.6 * (domain[1] - domain[0]):  # a wide pair: show it on the domain
        lo, hi = min(domain[0], s1 - pad), max(domain[1], s2 + pad)
    return np.linspace(lo, hi, n)


def _draw_neuron(ax: Axes, net: ShallowNet, act: Activation, pair: Pair, x: np.ndarray) -> None:
    """Panel 1: the up neuron act(w·x + b), its position s = −b/w and transition width."""
    ax.set_gid("neuron")
    i, sym = pair.up, symbol(act.name)
    w, b, s = float(net.w[i]), float(net.b[i]), pair.s1
    y = act.f(w * x + b)
    color = method_color("construct")
    ax.plot(x, y, color=color, lw=2.2, label=f"{sym}(w·x + b)", gid="activation")
    t = transition_width(act, w)
    lines = [f"w = {format_number(w)}", f"b = {format_number(b)}", f"s = −b/w = {format_number(s)}"]
    if act.makes_steps:
        if t > 0:
            lo, hi = s - t / 2, s + t / 2
            ax.axvspan(lo, hi, color=color, alpha=0.15, lw=0, gid="transition")
            lines.append(f"transition ≈ {4 / act.gain:g}/w = {format_number(t)}")
        else:
            lines.append("transition: none (a hard step)")
        title = "1 · one steep neuron is a step at s = −b/w"
    else:
        title = "1 · one neuron is a hinge at s = −b/w"
    ax.axvline(s, color=TARGET_COLOR, lw=1.2, ls="--", gid="step")
    # the numbers go where the curve is not: beside its low side, above or below
    right = (s - x[0]) / (x[-1] - x[0]) > 0.5
    top = right == (w > 0)
    ax.text(
        0.03 if right else 0.97,
        0.95 if top else 0.05,
        "\n".join(lines),
        transform=ax.transAxes,
        va="top" if top else "bottom",
        ha="left" if right else "right",
        fontsize=11,
        bbox={"boxstyle": "round,pad=0.35", "fc": "white", "ec": "#cccccc", "alpha": 0.9},
        gid="numbers",
    )
    ax.annotate(
        f"s = {format_number(s)}",
        xy=(s, 0.02),
        xycoords=("data", "axes fraction"),
        xytext=(5, 0),
        textcoords="offset points",
        fontsize=10.5,
        va="bottom",
    )
    ax.set_xlim(x[0], x[-1])
    ax.set_ylim(*y_limits(y))
    set_title(ax, title, loc="left")


def _draw_pair(ax: Axes, net: ShallowNet, act: Activation, pair: Pair, x: np.ndarray) -> None:
    """Panel 2: the up neuron ×(+h), the down neuron ×(−h) and their sum."""
    ax.set_gid("pair")
    hid = act.f(np.outer(x, net.w[[pair.up, pair.down]]) + net.b[[pair.up, pair.down]])
    yu, yd = hid[:, 0] * net.v[pair.up], hid[:, 1] * net.v[pair.down]
    total = yu + yd
    s1, s2, h = format_number(pair.s1), format_number(pair.s2), format_number(pair.height)
    vu, vd = format_number(float(net.v[pair.up])), format_number(float(net.v[pair.down]))
    ax.plot(x, yu, color=UP_COLOR, lw=1.6, label=f"up neuron × {vu}  (s₁ = {s1})", gid="up")
    ax.plot(x, yd, color=DOWN_COLOR, lw=1.6, label=f"down neuron × {vd}  (s₂ = {s2})", gid="down")
    color = method_color("construct")
    if act.makes_steps:
        what = f"sum: a bump of height h = {h} on [{s1}, {s2}]"
        title = "2 · two steps, +h and −h, make a bump"
    else:
        what = f"sum of the pair (largest {format_number(float(np.max(np.abs(total))))})"
        title = "2 · two neurons with weights +v and −v make a ramp"
    ax.fill_between(x, total, color=color, alpha=0.12, lw=0)
    ax.plot(x, total, color=color, lw=2.6, label=what, gid="bump")
    for s in (pair.s1, pair.s2):
        ax.axvline(s, color="#999999", lw=0.9, ls=":")
    if act.makes_steps:
        xc = 0.5 * (pair.s1 + pair.s2)
        ax.annotate(
            "",
            xy=(xc, pair.height),
            xytext=(xc, 0.0),
            arrowprops={"arrowstyle": "<->", "color": TARGET_COLOR, "lw": 1.1},
        )
        ax.text(xc, 0.3 * pair.height, f" h = {h}", va="center", ha="left", fontsize=11)
    ax.axhline(0, color="#888888", lw=0.6)
    ax.set_xlim(x[0], x[-1])
    lo, hi = y_limits(yu, yd, total, pad=0.1)
    ax.set_ylim(lo - 0.5 * (hi - lo), hi)  # room below the curves for the legend
    ax.legend(loc="lower left", fontsize=10)
    set_title(ax, title, loc="left")


def _draw_bars(ax: Axes, fit: Fit, act: Activation, curves: Curves) -> None:
    """Panel 3: every pair's contribution, faintly filled like bars, the target over them."""
    from matplotlib.collections import PolyCollection

    from uat.core.construct import inverse_output, pair_curves

    ax.set_gid("bars")
    net, x = fit.net, curves.x
    parts = pair_curves(net, x)  # each pair near its steps only: no (points × pairs) matrix
    k = len(parts)
    if k <= DRAWN_PARTS:
        for j, where, y in parts:
            xs, color = x[where], BAR_COLORS[j % 2]
            ax.fill_between(xs, y, color=color, alpha=0.28, lw=0, gid="bar")
            ax.plot(xs, y, color=color, lw=1.0, alpha=0.9)
    else:  # too many to tell apart: one filled collection per colour, no outlines
        for c, color in enumerate(BAR_COLORS):
            polys = [np.column_stack([np.r_[x[w][0], x[w], x[w][-1]], np.r_[0.0, y, 0.0]])
                     for j, w, y in parts if j % 2 == c]  # fmt: skip
            ax.add_collection(PolyCollection(polys, color=color, alpha=0.28, lw=0, gid="bars"))
    a, b = fit.target.domain
    if act.makes_steps and k <= 12:
        _label_heights(ax, net, act, (a, b))
    yt = inverse_output(curves.target, net.output_activation)
    if yt is not None:
        ax.plot(x, yt, color=TARGET_COLOR, lw=2.0, label=_target_label(fit), gid="target")
        ax.legend(loc="best", fontsize=10)
    ax.axhline(0, color="#888888", lw=0.6)
    ax.set_xlim(a, b)
    ys = np.concatenate([y for _, _, y in parts])
    ax.set_ylim(*y_limits(ys, *([] if yt is None else [yt]), np.zeros(1), pad=0.15))
    unit = ("bump" if act.makes_steps else "pair") + ("s" if k != 1 else "")
    rule = net.meta.get("heights")
    how = f", heights by the {rule} rule" if isinstance(rule, str) and act.makes_steps else ""
    set_title(ax, f"3 · {k} {unit} side by side{how}", loc="left")


def _label_heights(ax: Axes, net: ShallowNet, act: Activation, domain: tuple[float, float]) -> None:
    """Name each bar's height inside it, by its base."""
    s = net.step_positions
    a, b = domain
    k = net.n_neurons // 2
    span = step_height(act)
    for j in range(k):
        xc = 0.5 * (max(s[2 * j], a) + min(s[2 * j + 1], b))
        h = float(net.v[2 * j]) * span
        ax.annotate(
            f"h = {format_number(h)}" if k <= 6 else format_number(h),
            xy=(xc, 0.0),
            xytext=(0, 4 if h >= 0 else -4),
            textcoords="offset points",
            ha="center",
            va="bottom" if h >= 0 else "top",
            fontsize=9.5,
            color="#333333",
            bbox={"boxstyle": "round,pad=0.1", "fc": "white", "ec": "none", "alpha": 0.6},
        )


def _target_label(fit: Fit) -> str:
    """'target' or, under an output activation, its inverse applied to the target."""
    if fit.net.output_activation == "identity":
        return f"target {fit.target.label}"
    return f"{symbol(fit.net.output_activation)}⁻¹(target)"


def _draw_sum(ax: Axes, fit: Fit, curves: Curves) -> None:
    """Panel 4: the network (the sum of the bumps) against the target."""
    ax.set_gid("sum")
    x, yt, yn = curves.x, curves.target, curves.net
    color = method_color(fit.method)
    n = fit.net.n_neurons
    ax.plot(x, yn, color=color, lw=2.4, alpha=0.9, label=f"network ({n} neurons)", gid="network")
    (line,) = draw_target(ax, x, yt, label=f"target {fit.target.label}")
    line.set_gid("target")
    ax.set_xlim(x[0], x[-1])
    ax.set_ylim(*y_limits(yt, yn))
    ax.legend(loc="best", fontsize=10)
    set_title(
        ax,
        f"4 · their sum approximates the target: sup error {format_number(fit.errors.sup)}",
        loc="left",
    )


def _draw_error(ax: Axes, fit: Fit, curves: Curves, *, number: int | str) -> None:
    """The error panel: `figures.draw_error`, numbered, with its bound named by its formula."""
    ax.set_gid("error")
    draw_error(ax, fit, curves)
    ax.legend(loc="upper left", ncols=3, fontsize=10)
    wide = isinstance(number, int)  # the proof's error panel spans the figure; (d) half of it
    sep = ": " if wide else "\n"
    set_title(ax, f"{number} · the error, network − target{sep}{error_note(fit)}", loc="left")
    ax.set_ylabel("error")


# -- a trained (or any other) net, neuron by neuron ------------------------------------------


def _neuron_by_neuron(fig: Figure, fit: Fit) -> None:
    """Four panels: weighted outputs, partial sums, weights at their positions, the error."""
    import matplotlib as mpl

    net, act = fit.net, get_activation(fit.net.activation)
    a, b = fit.target.domain
    curves = Curves.of(fit)
    x = curves.x
    order = neuron_order(net)
    s = _clipped_positions(net, (a, b))
    norm = mpl.colors.Normalize(*_position_range(s, (a, b)))
    # viridis without its palest tenth, which is hard to see as a thin line on white
    cmap = mpl.colors.ListedColormap(mpl.colormaps[POSITION_CMAP](np.linspace(0.0, 0.9, 256)))
    colors = cmap(norm(s[order]))
    # at most DRAWN_PARTS curves per panel, computed as such: never a (points × N) matrix
    counts = _thinned(net.n_neurons)
    shown = order[counts - 1]

    grid = fig.add_gridspec(2, 3, height_ratios=[1.25, 1.0], width_ratios=[1.0, 1.0, 0.62])
    ax_out, ax_cum = fig.add_subplot(grid[0, 0]), fig.add_subplot(grid[0, 1])
    ax_w, ax_err = fig.add_subplot(grid[1, 0]), fig.add_subplot(grid[1, 1])
    lit = int(np.argmax(np.abs(net.v)))  # the neuron with the largest output weight
    _draw_diagram(fig.add_subplot(grid[:, 2]), net, lit, "e · the network, largest |v| lit")
    ref = max(fit.target.sup_norm(), 1e-12)
    outputs = act.f(np.outer(x, net.w[shown]) + net.b[shown]) * net.v[shown]
    partial = get_activation(net.output_activation).f(partial_sums(net, x, order, counts))

    _draw_outputs(ax_out, fit, act, x, outputs, colors[counts - 1], ref)
    _draw_cumulative(ax_cum, fit, curves, partial, colors[counts - 1], ref)
    _draw_weights(ax_w, fit, s, order, colors)
    _draw_error(ax_err, fit, curves, number="d")
    ax_cum.sharex(ax_out)
    for ax in (ax_out, ax_cum, ax_err):
        ax.set_xlabel("x")
    mappable = mpl.cm.ScalarMappable(norm=norm, cmap=cmap)
    bar = fig.colorbar(mappable, ax=[ax_out, ax_cum], location="bottom", shrink=0.5, aspect=40)
    bar.set_label("neuron position s = −b/w  (the colour in a, b and c)")

    name = METHOD_NAMES.get(fit.method, fit.method)
    total = float(np.sum(np.abs(net.v)))
    if fit.method == "train" and total > 2.0 * ref:
        point = "overlapping soft steps whose large weights cancel, not disjoint bumps"
    else:
        point = "each neuron's share, in order of position"
    set_suptitle(
        fig,
        f"Anatomy of a {name} fit: {fit.target.label} from {net.n_neurons} {act.name} neurons\n"
        f"{point}: Σ|v| = {format_number(total)} against max|f| = {format_number(ref)}",
        fontsize=13,
    )


def _thinned(n: int) -> np.ndarray:
    """Neuron counts 1, 2, …, N, thinned evenly to at most DRAWN_PARTS (N always included)."""
    if n <= DRAWN_PARTS:
        return np.arange(1, n + 1)
    return np.unique(np.round(np.linspace(1, n, DRAWN_PARTS)).astype(int))


def partial_sums(
    net: ShallowNet, x: np.ndarray, order: np.ndarray, counts: np.ndarray
) -> np.ndarray:
    """Hidden sums c + Σ of the first k neurons in `order`, for each k in counts: (len(x), K).

    Accumulated neuron block by neuron block, so memory is len(x) × len(counts) however wide
    the net is (a dense (points × N) matrix took 6.7 GB for `uat explain -n 3000`).
    """
    act = get_activation(net.activation)
    out = np.empty((x.size, len(counts)))
    run = np.full(x.size, net.c)
    done = 0
    for r, k in enumerate(counts):
        idx = order[done:k]
        if idx.size:
            run = run + act.f(np.outer(x, net.w[idx]) + net.b[idx]) @ net.v[idx]
        done = int(k)
        out[:, r] = run
    return out


def _clipped_positions(net: ShallowNet, domain: tuple[float, float]) -> np.ndarray:
    """Positions −b/w, clipped to the domain widened by half its length on either side."""
    a, b = domain
    lo, hi = a - 0.5 * (b - a), b + 0.5 * (b - a)
    s = np.nan_to_num(net.step_positions, nan=hi, posinf=hi, neginf=lo)
    return np.clip(s, lo, hi)


def _position_range(s: np.ndarray, domain: tuple[float, float]) -> tuple[float, float]:
    """Colour scale limits: the positions' range, never narrower than the domain."""
    lo, hi = min(float(s.min()), domain[0]), max(float(s.max()), domain[1])
    return lo, hi


def _scale_for(ax: Axes, curves: list[np.ndarray], ref: float) -> str:
    """A linear y axis, or symlog (linear up to the target's size) when curves dwarf it."""
    big = max(float(np.max(np.abs(c))) for c in curves)
    if big > SYMLOG_RATIO * ref:
        ax.set_yscale("symlog", linthresh=ref)
        ax.set_ylim(-1.3 * big, 1.3 * big)
        return "symlog"
    ax.set_ylim(*y_limits(*curves, pad=0.08))
    return "linear"


def _draw_outputs(
    ax: Axes,
    fit: Fit,
    act: Activation,
    x: np.ndarray,
    ys: np.ndarray,
    colors: np.ndarray,
    ref: float,
) -> None:
    """(a) each neuron's weighted output, coloured by position, with the target for scale."""
    from matplotlib.collections import LineCollection

    ax.set_gid("outputs")
    net = fit.net
    segs = np.stack([np.broadcast_to(x[:, None], ys.shape), ys], axis=-1).transpose(1, 0, 2)
    lw = float(np.clip(30.0 / max(net.n_neurons, 1), 0.6, 1.8))
    lc = LineCollection(list(segs), colors=colors, linewidths=lw, gid="neurons")
    ax.add_collection(lc)
    yt = fit.target(x)
    ax.plot(x, yt, color=TARGET_COLOR, lw=2.2, ls="--", label="target", gid="target")
    if net.c:
        ax.axhline(net.c, color="#888888", lw=1.0, ls=":", label=f"bias c = {format_number(net.c)}")
    ax.axhline(0, color="#888888", lw=0.6)
    ax.set_xlim(x[0], x[-1])
    scale = _scale_for(ax, [ys.ravel(), yt, np.array([net.c])], ref)
    ax.legend(loc="best", fontsize=10)
    sym = symbol(act.name)
    widths = [transition_width(act, float(w)) for w in net.w]
    finite = [t for t in widths if math.isfinite(t) and t > 0]
    soft = ""
    if finite:
        lo, hi = format_number(min(finite)), format_number(max(finite))
        soft = f": steps {lo if lo == hi else f'{lo}–{hi}'} wide"
    note = " (symlog y)" if scale == "symlog" else ""
    if ys.shape[1] < net.n_neurons:
        note += f"\n{ys.shape[1]} of {net.n_neurons} shown, evenly by position"
    set_title(ax, f"a · each neuron v·{sym}(w·x + b){soft}{note}", loc="left")
    ax.set_ylabel("y")


def _draw_cumulative(
    ax: Axes, fit: Fit, curves: Curves, partial: np.ndarray, colors: np.ndarray, ref: float
) -> None:
    """(b) partial sums out(c + Σ_{j≤k}) as neurons are added in order, ending at the network."""
    from matplotlib.collections import LineCollection

    ax.set_gid("cumulative")
    net, x = fit.net, curves.x
    segs = np.stack([np.broadcast_to(x[:, None], partial.shape), partial], axis=-1)
    segs = segs.transpose(1, 0, 2)
    lw = float(np.clip(30.0 / max(partial.shape[1], 1), 0.6, 1.6))
    lc = LineCollection(list(segs[:-1]), colors=colors[:-1], linewidths=lw, gid="partial")
    lc.set_alpha(0.85)
    ax.add_collection(lc)
    yt, yn = curves.target, curves.net
    ax.plot(x, yt, color=TARGET_COLOR, lw=3.2, label="target", gid="target")
    color = method_color(fit.method)
    n = net.n_neurons
    ax.plot(x, yn, color=color, lw=1.6, ls="--", label=f"all {n} = network", gid="network")
    ax.set_xlim(x[0], x[-1])
    scale = _scale_for(ax, [partial.ravel(), yt], ref)
    ax.legend(loc="upper left", fontsize=10)
    note = " (symlog y)" if scale == "symlog" else ""
    if partial.shape[1] < n:
        note += f"\n{partial.shape[1]} of the {n} sums shown, evenly"
    set_title(ax, f"b · partial sums, neurons added left to right{note}", loc="left")


def _draw_weights(ax: Axes, fit: Fit, s: np.ndarray, order: np.ndarray, colors: np.ndarray) -> None:
    """(c) each output weight v_i as a stem at its position, against the target's size."""
    ax.set_gid("weights")
    a, b = fit.target.domain
    v = fit.net.v[order]
    ref = fit.target.sup_norm()
    ax.axvspan(a, b, color="#f2f2f2", lw=0, zorder=-2, label="domain")
    ax.axhspan(-ref, ref, color=OKABE_ITO["yellow"], alpha=0.25, lw=0, label="±max|f|")
    ax.vlines(s[order], 0, v, colors=list(map(tuple, colors)), lw=2.0, gid="stems")
    size = float(np.clip(1200.0 / max(len(v), 1), 6.0, 36.0))
    ax.scatter(s[order], v, c=colors, s=size, zorder=3, edgecolors="white", linewidths=0.6)
    ax.axhline(0, color="#888888", lw=0.6)
    lo, hi = _position_range(s, (a, b))
    pad = 0.04 * (hi - lo)
    ax.set_xlim(lo - pad, hi + pad)
    ax.set_ylim(*y_limits(v, np.array([ref, -ref]), pad=0.12))
    ax.legend(loc="upper left", ncols=2, fontsize=10)
    total, net_sum = float(np.sum(np.abs(v))), float(np.sum(v))
    set_title(
        ax,
        f"c · output weights at their positions: Σ|v| = {format_number(total)}, "
        f"Σv = {format_number(net_sum)}",
        loc="left",
    )
    ax.set_xlabel("position s = −b/w")
    ax.set_ylabel("v")
