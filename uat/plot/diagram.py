"""The network drawn: input x, the hidden neurons (in ± pairs for hand-built nets), output y.

Input→hidden edges carry w, hidden→output edges the output weight; each edge's colour runs
from vermillion (negative) through grey to blue (positive), a diverging pair that stays
distinct under every common colour-vision deficiency, and its width grows with |weight|.
A wide layer is summarised: the first and last few units with "⋮ 46 more pairs" between, never
a hairball. One unit can be lit, with its w, b, s = −b/w and output weight h written beside it.

`diagram_layout` and `diagram_frame` compute, without matplotlib, where everything sits and
what one lit unit changes; `NetworkDiagram` draws once and then only restyles (for blitting).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

import numpy as np

from uat.core.network import ShallowNet

if TYPE_CHECKING:
    from matplotlib.artist import Artist
    from matplotlib.axes import Axes

X_INPUT, X_HIDDEN, X_OUTPUT = 0.0, 1.0, 2.0  # column positions in data units
PAIR_OFFSET = 0.2  # the two neurons of a pair sit ±this far from their row (rows are 1 apart)
EDGE_WIDTH = (0.5, 4.0)  # points: the smallest |weight| drawn, and the largest
FADED = 0.25  # alpha of the edges of units that are not lit while one is
GHOST = 0.05  # alpha of the edges of units not yet built (a growing net)
GHOST_RIM = "#d4d4d4"  # their nodes' outline


@dataclass(frozen=True)
class DiagramLayout:
    """Where each drawn hidden node sits; rows run top (row 0) to bottom."""

    group: int  # neurons per unit: 2 for the ± pairs of a hand-built net, else 1
    n_units: int
    rows: tuple[int | None, ...]  # the unit shown in each row, None for an ellipsis row
    gaps: tuple[int, ...]  # how many units each ellipsis row stands for, top to bottom
    neurons: np.ndarray  # neuron index of each drawn hidden node
    node_y: np.ndarray  # y of each drawn hidden node
    node_unit: np.ndarray  # unit index of each drawn hidden node
    gap_y: np.ndarray  # y of each ellipsis row
    io_y: float  # y of the input and output nodes
    unit_word: str  # "pair", "neuron"

    @property
    def n_rows(self) -> int:
        """Rows of the hidden column, ellipsis rows included."""
        return len(self.rows)


@dataclass(frozen=True)
class DiagramFrame:
    """What lighting one unit changes: node faces, edge alphas, the lit gap, the label."""

    lit_nodes: np.ndarray  # bool per drawn hidden node
    lit_gap: int | None  # the ellipsis row that hides the lit unit, if it is hidden
    label: str  # w, b, s and h of the lit unit ("" when nothing is lit)
    label_y: float
    label_va: Literal["top", "bottom"]  # whether label_y is the label's top or its bottom


def unit_order(net: ShallowNet) -> np.ndarray:
    """Units top to bottom: pairs in the net's order; single neurons by step s = −b/w."""
    if _group(net) == 2:
        return np.arange(net.n_neurons // 2)
    s = net.step_positions
    return np.argsort(np.where(np.isnan(s), np.inf, s), kind="stable")


def shown_positions(n: int, limit: int, focus: int | None = None) -> list[int | None]:
    """Positions 0..n-1 to draw, at most `limit` of them; None marks each elided run.

    Without a focus the first ⌈limit/2⌉ and the last ⌊limit/2⌋ are shown; a focus inside
    the elided middle is shown as well, with its neighbours where the limit leaves room (5
    or more), so a lit unit is drawn beside the units built before and after it.
    """
    limit = max(limit, 3)  # room for both ends and a focus
    if n <= limit:
        return list(range(n))
    head = (limit + 1) // 2
    keep = {*range(head), *range(n - (limit - head), n)}
    if focus is not None and 0 <= focus < n and focus not in keep:
        near = {focus - 1, focus, focus + 1} if limit >= 5 else {focus}
        room = limit - len(near)
        head = (room + 1) // 2 if limit >= 5 else limit // 2
        keep = {*range(head), *range(n - (room - head), n)} | near
    rows: list[int | None] = []
    for p in sorted(keep):
        if rows and rows[-1] is not None and p != rows[-1] + 1:
            rows.append(None)
        rows.append(p)
    return rows


def diagram_layout(
    net: ShallowNet, *, max_pairs: int = 8, focus: int | None = None
) -> DiagramLayout:
    """Rows of the hidden column: at most max_pairs pairs (or 2·max_pairs single neurons).

    `focus` is a unit index (pair k, or neuron i in the net's order) kept visible.
    """
    group = _group(net)
    order = unit_order(net)
    n_units = order.size
    word = ("ramp" if net.meta.get("heights") == "interpolant" else "bump") if group == 2 else ""
    word = word or "neuron"
    if focus is not None:
        check_unit(n_units, focus, word)
    position = np.empty(n_units, dtype=int)
    position[order] = np.arange(n_units)
    limit = max_pairs if group == 2 else 2 * max_pairs
    shown = shown_positions(n_units, limit, None if focus is None else int(position[focus]))
    rows = tuple(None if p is None else int(order[p]) for p in shown)
    gaps, gap_rows, neurons, node_y, node_unit = [], [], [], [], []
    offsets = (PAIR_OFFSET, -PAIR_OFFSET) if group == 2 else (0.0,)
    for r, unit in enumerate(rows):
        y = float(len(rows) - 1 - r)
        if unit is None:
            nxt = next(u for u in rows[r + 1 :] if u is not None)
            prev = rows[r - 1]
            assert prev is not None
            gaps.append(int(position[nxt] - position[prev] - 1))
            gap_rows.append(y)
            continue
        for j, dy in enumerate(offsets):
            neurons.append(unit * group + j)
            node_y.append(y + dy)
            node_unit.append(unit)
    return DiagramLayout(
        group=group,
        n_units=n_units,
        rows=rows,
        gaps=tuple(gaps),
        neurons=np.array(neurons, dtype=int),
        node_y=np.array(node_y, dtype=float),
        node_unit=np.array(node_unit, dtype=int),
        gap_y=np.array(gap_rows, dtype=float),
        io_y=(len(rows) - 1) / 2,
        unit_word=word,
    )


def diagram_frame(
    net: ShallowNet, layout: DiagramLayout, highlight: int | None, *, label_rows: float = 2.5
) -> DiagramFrame:
    """What changes when unit `highlight` (pair k, or neuron i) is lit; None lights nothing.

    `label_rows` is the label's height in rows; it is placed beside the unit, clear of the
    heading, and clear of the middle band where the output node and its label sit.
    """
    lit = np.zeros(layout.neurons.size, dtype=bool)
    if highlight is None:
        return DiagramFrame(lit, None, "", 0.0, "top")
    check_unit(layout.n_units, highlight, layout.unit_word)
    lit = layout.node_unit == highlight
    if lit.any():
        y, gap = float(layout.node_y[lit].mean()), None
    else:  # hidden in an ellipsis row: light the row that stands for it
        gap = _gap_of(net, layout, highlight)
        y = float(layout.gap_y[gap])
    label_y, va = label_place(layout, y, label_rows)
    return DiagramFrame(lit, gap, unit_label(net, layout, highlight), label_y, va)


def label_place(
    layout: DiagramLayout, y: float, rows: float
) -> tuple[float, Literal["top", "bottom"]]:
    """Anchor and alignment of a label `rows` tall beside row y (see `diagram_frame`)."""
    low, high = -0.6, layout.n_rows - 0.45  # the axes' bottom, the heading's foot
    band = (layout.io_y - 0.5, layout.io_y + 0.5)
    upward = (y - 0.45, y - 0.45 + rows)  # (bottom, top) when hung above the anchor
    downward = (y + 0.45 - rows, y + 0.45)
    above_band, below_band = (band[1], band[1] + rows), (band[0] - rows, band[0])
    away = [upward, downward] if y >= layout.io_y else [downward, upward]
    away += [above_band, below_band] if y >= layout.io_y else [below_band, above_band]
    fits = [c for c in away if c[0] >= low and c[1] <= high]
    clear = [c for c in fits if c[1] <= band[0] or c[0] >= band[1]]
    bottom, top = (clear or fits or [downward if y >= layout.io_y else upward])[0]
    if (bottom, top) in (upward, above_band):
        return max(bottom, low), "bottom"
    return min(top, high), "top"


def check_unit(n_units: int, unit: int, word: str) -> int:
    """A unit index to light: 0 to n_units − 1."""
    if not 0 <= unit < n_units:
        from uat.errors import UatError

        raise UatError(f"no {word} {unit} to highlight: this net has {word}s 0 to {n_units - 1}")
    return unit


def _gap_of(net: ShallowNet, layout: DiagramLayout, unit: int) -> int:
    """The ellipsis row (0 = topmost) that hides `unit`."""
    position = np.empty(layout.n_units, dtype=int)
    position[unit_order(net)] = np.arange(layout.n_units)
    gap = -1
    for shown in layout.rows:
        if shown is None:
            gap += 1
        elif position[shown] > position[unit]:
            return max(gap, 0)
    return max(gap, 0)  # pragma: no cover - the last row is always a shown unit


def unit_label(net: ShallowNet, layout: DiagramLayout, unit: int) -> str:
    """Lines naming one unit's parameters: w, b, s = −b/w and the output weight h."""
    idx = np.arange(unit * layout.group, (unit + 1) * layout.group)
    w, b, v = net.w[idx], net.b[idx], net.v[idx]
    # a height at float rounding of the largest is zero: "h = ±2.22e-16" said nothing
    v = np.where(np.abs(v) <= 1e-12 * float(np.max(np.abs(net.v), initial=0.0)), 0.0, v)
    with np.errstate(divide="ignore", invalid="ignore"):
        s = -b / w
    if layout.group == 2:
        name = f"{layout.unit_word} {unit + 1} of {layout.n_units}"
        h = f"±{_num(abs(v[0]))}" if v[1] == -v[0] else _nums(v)
    else:
        name, h = f"neuron {unit + 1} of {layout.n_units}", _num(v[0])
    w_text = _num(w[0]) if np.all(w == w[0]) else _nums(w)
    return "\n".join(
        [name, f"w = {w_text}", f"b = {_nums(b)}", f"s = −b/w = {_nums(s)}", f"h = {h}"]
    )


def _num(value: float) -> str:
    """Three significant figures with a true minus sign."""
    if not np.isfinite(value):
        return "∞" if value > 0 else ("−∞" if value < 0 else "—")
    return f"{value:.3g}".replace("-", "−")


def _nums(values: np.ndarray) -> str:
    return " | ".join(_num(float(v)) for v in values)


def _group(net: ShallowNet) -> int:
    return 2 if net.group == 2 and net.n_neurons % 2 == 0 and net.n_neurons > 0 else 1


def weight_colors(weights: np.ndarray, scale: float) -> np.ndarray:
    """RGBA per weight on a vermillion–grey–blue scale, ±scale at the two ends."""
    from matplotlib.colors import LinearSegmentedColormap

    from uat.plot.figures import OKABE_ITO

    cmap = LinearSegmentedColormap.from_list(
        "uat-weights", [OKABE_ITO["vermillion"], "#bbbbbb", OKABE_ITO["blue"]]
    )
    t = (
        0.5 + 0.5 * np.clip(weights / scale, -1.0, 1.0)
        if scale > 0
        else np.full(weights.shape, 0.5)
    )
    return np.asarray(cmap(t))


def weight_widths(weights: np.ndarray, scale: float) -> np.ndarray:
    """Line widths in points, growing with |weight| up to EDGE_WIDTH[1] at |weight| = scale."""
    lo, hi = EDGE_WIDTH
    t = np.abs(weights) / scale if scale > 0 else np.zeros(weights.shape)
    return lo + (hi - lo) * np.clip(t, 0.0, 1.0)


class NetworkDiagram:
    """A network drawn once on an Axes; `light(k)` then restyles only what changes."""

    def __init__(
        self,
        ax: Axes,
        net: ShallowNet,
        *,
        max_pairs: int = 8,
        labels: bool = True,
        focus: int | None = None,
    ) -> None:
        self.ax, self.net, self.labels = ax, net, labels
        self.layout = diagram_layout(net, max_pairs=max_pairs, focus=focus)
        self.sizes = _sizes(ax, self.layout)
        self.static: list[Artist] = []
        self._draw_edges()
        self._draw_nodes()
        self._draw_texts()
        self._frame_axes()
        self.light(None)

    @property
    def artists(self) -> list[Artist]:
        """Everything drawn, bottom to top (the order a blitting renderer redraws them in)."""
        drawn = {id(a): i for i, a in enumerate(self.ax.get_children())}  # ties: as the Axes
        mine = [*self.static, *self.dynamic]
        return sorted(mine, key=lambda a: (a.get_zorder(), drawn.get(id(a), 0)))

    @property
    def dynamic(self) -> list[Artist]:
        """The artists `light` restyles; the rest never change after the first draw."""
        return [self.in_edges, self.out_edges, self.lit_edges, self.hidden_nodes,
                self.label, *self.gap_texts]  # fmt: skip

    def set_animated(self, animated: bool = True) -> None:
        """Leave every artist out of full redraws (for blitting) or put them back."""
        for artist in self.artists:
            artist.set_animated(animated)

    def _draw_edges(self) -> None:
        from matplotlib.collections import LineCollection

        lay, net = self.layout, self.net
        w, v = net.w[lay.neurons], net.v[lay.neurons]
        scale_w, scale_v = _scale(net.w), _scale(net.v)
        self.colors_in, self.colors_out = weight_colors(w, scale_w), weight_colors(v, scale_v)
        self.widths_in, self.widths_out = weight_widths(w, scale_w), weight_widths(v, scale_v)
        self.seg_in = np.array([[(X_INPUT, lay.io_y), (X_HIDDEN, y)] for y in lay.node_y])
        self.seg_out = np.array([[(X_HIDDEN, y), (X_OUTPUT, lay.io_y)] for y in lay.node_y])
        self.seg_in = self.seg_in.reshape(-1, 2, 2)
        self.seg_out = self.seg_out.reshape(-1, 2, 2)
        kw: dict[str, Any] = {"zorder": 1, "capstyle": "round"}
        self.in_edges = LineCollection(list(self.seg_in), linewidths=self.widths_in, **kw)
        self.out_edges = LineCollection(list(self.seg_out), linewidths=self.widths_out, **kw)
        self.lit_edges = LineCollection([], zorder=2, capstyle="round")
        for coll in (self.in_edges, self.out_edges, self.lit_edges):
            self.ax.add_collection(coll)

    def _draw_nodes(self) -> None:
        from matplotlib.patches import FancyBboxPatch

        lay, ax, size = self.layout, self.ax, self.sizes
        if lay.group == 2:  # a light frame around each pair: the two neurons are one bump
            for unit in lay.rows:
                if unit is None:
                    continue
                y = float(lay.node_y[lay.node_unit == unit].mean())
                box = FancyBboxPatch(
                    (X_HIDDEN - size["frame"] / 2, y - 0.36), size["frame"], 0.72,
                    boxstyle="round,pad=0,rounding_size=0.06",
                    facecolor="none", edgecolor="#cccccc", linewidth=0.8, zorder=2,
                )  # fmt: skip
                ax.add_patch(box)
                self.static.append(box)
        self.hidden_nodes = ax.scatter(
            np.full(lay.node_y.size, X_HIDDEN), lay.node_y, s=size["hidden"] ** 2,
            facecolors="white", edgecolors="#444444", linewidths=1.0, zorder=3,
        )  # fmt: skip
        io = ax.scatter(
            [X_INPUT, X_OUTPUT], [lay.io_y, lay.io_y], s=size["io"] ** 2,
            facecolors="white", edgecolors="#222222", linewidths=1.4, zorder=3,
        )  # fmt: skip
        self.static.append(io)

    def _draw_texts(self) -> None:
        lay, ax, fs = self.layout, self.ax, self.sizes["font"]
        bbox = {"boxstyle": "round,pad=0.25", "facecolor": "white", "edgecolor": "none",
                "alpha": 0.9}  # fmt: skip
        pad = self.sizes["io_pad"]
        self.texts = [
            ax.text(X_INPUT - pad, lay.io_y, "x", ha="right", va="center", fontsize=fs + 1,
                    fontstyle="italic", zorder=4),
            ax.text(X_OUTPUT + pad, lay.io_y, "y", ha="left", va="center", fontsize=fs + 1,
                    fontstyle="italic", zorder=4),
            ax.text(X_HIDDEN, lay.n_rows - 0.35, _heading(self.net, lay), ha="center",
                    va="bottom", fontsize=fs, color="#333333", zorder=4),
        ]  # fmt: skip
        more = "pairs" if lay.group == 2 else "neurons"
        # Between the input node and the hidden column; on two lines where one is too wide
        # (about 0.6 em a character, with the box's padding).
        room = (X_HIDDEN - 0.12 - X_INPUT) * self.sizes["per_unit"] - self.sizes["io_px"]
        em = fs / self.sizes["pt"]
        self.gap_texts = []
        for n, y in zip(lay.gaps, lay.gap_y, strict=True):
            words = f"⋮ {n} more {more}"
            if (len(words) * 0.6 + 0.5) * em > room:
                words = f"⋮ {n} more\n{more}"
            self.gap_texts.append(
                ax.text(X_HIDDEN - 0.12, y, words, ha="right", va="center", fontsize=fs,
                        color="#555555", bbox=bbox, zorder=4, linespacing=1.1)
            )  # fmt: skip
        self.label = ax.text(
            X_HIDDEN + 0.14, 0.0, "", ha="left", va="top", fontsize=fs, zorder=5,
            linespacing=1.25, bbox=bbox | {"edgecolor": "#999999", "linewidth": 0.6},
        )  # fmt: skip
        self.label.set_visible(self.labels)
        self.static.extend(self.texts)
        for text in self.texts:
            text.set_visible(self.labels)

    def _frame_axes(self) -> None:
        ax = self.ax
        ax.set_xlim(X_INPUT - 0.4, X_OUTPUT + 0.4)
        ax.set_ylim(-0.7, self.layout.n_rows + 0.15)
        ax.set_axis_off()

    def light(
        self,
        unit: int | None,
        *,
        lit: Sequence[int] | None = None,
        built: Sequence[int] | None = None,
    ) -> list[Artist]:
        """Light pair k (or neuron i, in the net's order), or none; the artists to redraw.

        `lit` lights several units (the label still names `unit`); `built` names the units
        the frame's network has so far (None: all): the others are ghosts, barely drawn.
        """
        from uat.plot.figures import OKABE_ITO

        frame = diagram_frame(self.net, self.layout, unit, label_rows=self.sizes["label_rows"])
        units = self.layout.node_unit
        on = frame.lit_nodes if lit is None else np.isin(units, np.asarray(lit, dtype=int))
        present = np.ones(units.size, bool) if built is None else np.isin(units, list(built))
        fade = FADED if unit is not None else 0.9
        for coll, colors in ((self.in_edges, self.colors_in), (self.out_edges, self.colors_out)):
            rgba = colors.copy()
            rgba[:, 3] = np.where(present, fade, GHOST)
            coll.set_color(list(map(tuple, rgba)))
        self.lit_edges.set_segments([*self.seg_in[on], *self.seg_out[on]])
        self.lit_edges.set_color([*self.colors_in[on], *self.colors_out[on]])
        self.lit_edges.set_linewidth([*self.widths_in[on], *self.widths_out[on]])
        faces = np.where(on[:, None], _rgba(OKABE_ITO["yellow"]), _rgba("white"))
        self.hidden_nodes.set_facecolor(list(map(tuple, faces)))
        rims = np.where(present[:, None], _rgba("#444444"), _rgba(GHOST_RIM))
        self.hidden_nodes.set_edgecolor(list(map(tuple, rims)))
        for i, text in enumerate(self.gap_texts):
            text.set_color(OKABE_ITO["orange"] if i == frame.lit_gap else "#555555")
            text.set_fontweight("bold" if i == frame.lit_gap else "normal")
        self.label.set_text(frame.label)
        self.label.set_y(frame.label_y)
        self.label.set_verticalalignment(frame.label_va)
        self.label.set_visible(self.labels and unit is not None)
        # The edges lie under the nodes and labels: a blitting renderer redraws all of it
        # over a background saved without the diagram (a few collections: cheap).
        return self.artists


def draw_network(
    ax: Axes,
    net: ShallowNet,
    *,
    highlight: int | None = None,
    max_pairs: int = 8,
    labels: bool = True,
) -> list[Artist]:
    """Draw `net` as input → hidden → output on `ax`, unit `highlight` lit; the artists drawn.

    Parameters
    ----------
    ax : an Axes to fill (its axis lines are turned off).
    net : a one-hidden-layer network; a hand-built one (group 2) is drawn in ± pairs.
    highlight : pair k (group 2) or neuron i (in the net's order) to light and label.
    max_pairs : at most this many pairs (or twice as many single neurons) are drawn.
    labels : write the x/y, heading, ellipsis and lit-unit labels.
    """
    diagram = NetworkDiagram(ax, net, max_pairs=max_pairs, labels=labels, focus=highlight)
    diagram.light(highlight)
    return diagram.artists


def _heading(net: ShallowNet, layout: DiagramLayout) -> str:
    """What the hidden column holds: '25 bumps (N = 50)', or '12 neurons, ordered by s'."""
    n = layout.n_units
    if layout.group == 2:
        return f"{n} {layout.unit_word}{'s' if n != 1 else ''} (N = {net.n_neurons})"
    return f"{n} neuron{'s' if n != 1 else ''}, ordered by s"


def _sizes(ax: Axes, layout: DiagramLayout) -> dict[str, float]:
    """Font size and node diameters (points) that fit the Axes' size in pixels."""
    box = ax.get_window_extent()
    pt = 72.0 / ax.figure.dpi
    slot = box.height / (layout.n_rows + 0.85)  # pixels per row
    per_unit = box.width / (X_OUTPUT - X_INPUT + 0.8)  # pixels per data unit along x
    # The lit unit's label, ~24 characters of ~0.55 em, must fit between the hidden column
    # and the right edge (1.26 data units): at most width/27 pixels per em.
    font_px = min(0.5 * slot, box.width / 27)
    hidden = min(0.3 * slot, 0.13 * per_unit, 14.0)
    io = min(0.6 * slot, 0.22 * per_unit, 24.0)
    font = float(np.clip(font_px * pt, 6.5, 10.0))
    return {
        "font": font,
        "hidden": max(hidden, 3.0) * pt,
        "io": max(io, 6.0) * pt,
        "io_pad": (io / 2 + 4) / per_unit,
        "io_px": io / 2 + 4,
        "per_unit": per_unit,
        "pt": pt,
        "frame": (hidden + 6) / per_unit,  # data width of the frame around a pair
        "label_rows": 6.9 * (font / pt) / slot,  # five lines at 1.25 spacing, and padding
    }


def _scale(weights: np.ndarray) -> float:
    """The largest finite |weight| of a layer: the end of its colour and width scales."""
    finite = np.abs(weights[np.isfinite(weights)])
    return float(finite.max()) if finite.size else 0.0


def _rgba(color: str) -> np.ndarray:
    from matplotlib.colors import to_rgba

    return np.array(to_rgba(color))
