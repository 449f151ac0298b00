"""The Agg blitting renderer: a Scene's frames as RGBA pixels, drawn fast.

A frame loop of its own on the Agg canvas: the static parts (axes, grid, legend, titles) are
drawn once into a saved background; each frame restores it and draws only what moves (the faint
per-bump or per-neuron curves as one LineCollection, the network, the target over them, the
caption, the loss marker). Axis limits stay fixed, so the background stays valid. Measured:
~1.4 s for a 60-frame 800×500 GIF where `FuncAnimation.save` (full redraw, twice per frame)
takes 8–10 s (benchmarks/render.py). The renderer computes nothing: it draws what the Scene
holds. Frames go to `uat.plot.writers`.
"""

from __future__ import annotations

import contextlib
import math
from collections.abc import Callable, Iterator, Sequence
from typing import TYPE_CHECKING, Any, Protocol

import numpy as np

from uat.jobs.scenes import PanelFrame, Scene
from uat.plot.figures import OKABE_ITO, TARGET_COLOR, method_color

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

_SHEET_CELLS = {1: (3, 3), 2: (3, 2)}  # panels per frame → (rows, columns) of a contact sheet

_CORNERS = {  # where a loss inset and its labels may go, (x0, y0, x1, y1) in axes fractions
    "upper right": (0.66, 0.58, 1.0, 1.0),
    "lower right": (0.66, 0.0, 1.0, 0.42),
    "upper left": (0.0, 0.58, 0.34, 1.0),
    "lower left": (0.0, 0.0, 0.34, 0.42),
}
_INSET_PAD = 0.015
PARTS_COLOR = "#9a9a9a"  # the faint per-unit curves: neutral, never the network's colour
NEW_COLOR = OKABE_ITO["orange"]  # the unit a grow frame adds
STRIP_FLOOR = 1e-12  # the error strip's lowest decade: below it, rounding


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
        with np.errstate(over="ignore"):  # a floor beyond float32 parts: none is visible
            big = np.flatnonzero(np.abs(p) > floor)
        if big.size == 0:
            continue
        i, k = max(big[0] - 1, 0), min(big[-1] + 2, p.size)
        segs.append(np.column_stack([x[i:k], p[i:k]]))
    return segs


def _alpha(k: int) -> float:
    return float(np.clip(6.0 / max(k, 1), 0.12, 0.6))


def _band(ax: Axes, scene: Scene) -> Any:
    """The band target ± ε, static (in the saved background), or None without an ε."""
    if scene.band is None:
        return None
    from uat.plot.figures import EPS_ALPHA, EPS_COLOR, eps_label

    e = scene.band
    return ax.fill_between(
        scene.x, scene.target - e, scene.target + e, color=EPS_COLOR, alpha=EPS_ALPHA,
        lw=0, zorder=1, label=eps_label(e),
    )  # fmt: skip


class Panel:
    """The artists of one panel: static frame, and the moving curves, caption and marker."""

    def __init__(
        self,
        ax: Axes,
        scene: Scene,
        j: int,
        *,
        fontsize: float,
        labels: bool = True,
        strip: Axes | None = None,
        wrap: bool = False,
        chars: int | None = None,
    ) -> None:
        from matplotlib.collections import LineCollection

        self.ax, self.scene, self.j = ax, scene, j
        first = scene.frames[0][j]
        lo, hi = scene.ylims[j]
        self.floor = 1e-3 * (hi - lo)
        ax.set_xlim(scene.x[0], scene.x[-1])
        ax.set_ylim(lo, hi)
        if labels:
            ax.set_xlabel("x" if strip is None else "")
            ax.set_ylabel("y")
        self.band = _band(ax, scene)
        self.parts = LineCollection([], colors=PARTS_COLOR, linewidths=1.0, zorder=2)
        ax.add_collection(self.parts)
        (self.new,) = ax.plot([], [], color=NEW_COLOR, lw=3.0, zorder=2.25)  # over the net
        (self.net,) = ax.plot(
            scene.x, first.y, color=method_color(first.method), lw=2.6, zorder=2.2
        )
        # the target on top, dashed: visible even where the network covers it
        (self.target,) = ax.plot(
            scene.x, scene.target, color=TARGET_COLOR, lw=1.5, ls=(0, (4, 2.5)), zorder=2.3
        )
        self.strip: Axes | None = strip
        self.gap: Any = None  # the error strip's line
        if strip is not None:
            self._error_strip(strip, fontsize)
        self.wrap = wrap  # caption on two lines (contact sheets, a panel beside a diagram)
        self.chars = chars  # at most this many characters a caption line (None: any)
        longest = self.wrapped(max((f[j].text for f in scene.frames), key=len))  # room for it
        self.caption = ax.text(0.0, 1.02, longest, transform=ax.transAxes, ha="left", va="bottom",
                               fontsize=fontsize, color="#222222")  # fmt: skip
        self.inset: Axes | None = None
        self.marker: Any = None
        self.fontsize = fontsize
        self.shown = first  # the frame last set by `update`
        if first.loss is not None:
            x0, y0, x1, y1 = self.corner = _CORNERS[_inset_corner(scene, j)]
            self._loss_inset((x0 + 0.08, y0 + 0.12, x1 - x0 - 0.1, y1 - y0 - 0.15))

    def _error_strip(self, strip: Axes, fontsize: float) -> None:
        """|network − target| over x on a log scale: its level falls as the frames go."""
        scene = self.scene
        gaps = [np.abs(f[self.j].y - scene.target) for f in scene.frames]
        hi = max(float(np.max(g)) for g in gaps)
        lo = min(float(np.max(g)) for g in gaps)  # the smallest sup: the strip reaches below it
        strip.set_yscale("log")
        strip.set_xlim(scene.x[0], scene.x[-1])
        strip.set_ylim(max(lo / 30.0, STRIP_FLOOR), max(2.0 * hi, 10 * STRIP_FLOOR))
        strip.set_xlabel("x")
        strip.set_ylabel("|error|", fontsize=fontsize * 0.85)
        strip.tick_params(labelsize=fontsize * 0.8)
        strip.grid(True, which="major", lw=0.5)
        first = scene.frames[0][self.j]
        (self.gap,) = strip.plot(
            scene.x, np.maximum(gaps[0], STRIP_FLOOR), color=method_color(first.method), lw=1.2
        )

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
        ins.plot(loss.iterations[ok], loss.values[ok], color=method_color(first.method), lw=1.4)
        ins.set_yscale("log")
        ins.set_xscale("symlog", linthresh=1.0, linscale=0.5)
        ins.set_xlim(0, 1.25 * max(float(loss.iterations[-1]), 1.0))  # room for the marker
        # 0.8 × 12 pt at 100 dpi: 13 px a line at 800×500 (0.62 made the ~7 px of issue 12)
        ins.tick_params(labelsize=fontsize * 0.8, length=2, pad=1.5)
        ins.set_xlabel("iteration", fontsize=fontsize * 0.8, labelpad=1)
        ins.set_ylabel("RMSE", fontsize=fontsize * 0.8, labelpad=1)
        ins.locator_params(axis="y", numticks=4)
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
        moving = [self.parts, self.net, self.new, self.target, self.caption]  # drawing order
        return moving if self.gap is None else [*moving, self.gap]

    def update(self, frame: PanelFrame) -> None:
        """Set every moving artist to this frame."""
        segs = _segments(self.scene.x, frame.parts, self.floor)
        self.parts.set_segments(segs)
        self.parts.set_alpha(min(1.0, 1.5 * _alpha(len(segs))))
        if frame.new is not None:  # where the new unit is off zero, as the faint parts
            seg = _segments(self.scene.x, frame.new[None, :], self.floor)
            self.new.set_data(*(seg[0].T if seg else ([], [])))
        self.net.set_ydata(frame.y)
        if self.gap is not None:
            self.gap.set_ydata(np.maximum(np.abs(frame.y - self.scene.target), STRIP_FLOOR))
        self.caption.set_text(self.wrapped(frame.text))
        self.shown = frame
        if self.marker is not None and frame.loss is not None:
            self.marker.set_data([frame.loss.iteration], [max(frame.loss.value, 1e-300)])

    def wrapped(self, text: str) -> str:
        """The caption: its " · " parts packed into lines of at most `chars` characters,
        and its last part on a line of its own when wrapping.

        At 320×200 the training caption ran past the figure and matplotlib's layout gave up
        ("axes sizes collapsed to zero").
        """
        parts = text.split(" · ")
        limit = self.chars if self.chars is not None else len(text)
        lines = [parts[0]]
        for part in parts[1:]:
            if len(lines[-1]) + 3 + len(part) > limit:
                lines.append(part)
            else:
                lines[-1] += " · " + part
        if self.wrap and len(lines) == 1 and len(parts) > 1:
            head, _, tail = text.rpartition(" · ")
            lines = [head, tail]
        return "\n".join(lines)

    def legend_entries(self) -> list[tuple[Any, str]]:
        """Legend handles and labels of this panel."""
        from matplotlib.lines import Line2D

        first = self.scene.frames[0][self.j]
        out: list[tuple[Any, str]] = []
        if first.parts.size:
            proxy = Line2D([], [], color=PARTS_COLOR, lw=1.0)
            out.append((proxy, first.parts_label or "each part"))
        if first.new is not None:
            word = first.parts_label.removeprefix("each ")
            several = any(len(f[self.j].lit) > 1 for f in self.scene.frames)
            out.append((self.new, f"new {word}{'s' if several else ''}"))
        out.append((self.net, f"{first.label} network"))
        if self.band is not None:
            out.append((self.band, str(self.band.get_label())))
        return out


def agg_figure(pixels: tuple[int, int], dpi: float) -> Figure:
    """A Figure on an Agg canvas of exactly `pixels` (Agg truncates the size: add a margin)."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    w, h = pixels
    fig = Figure(figsize=((w + 0.25) / dpi, (h + 0.25) / dpi), dpi=dpi, layout="constrained")
    FigureCanvasAgg(fig)
    return fig


def figure_legend(fig: Figure, panels: Sequence[Panel], fontsize: float) -> None:
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


def _caption_chars(width_px: int, dpi: float, panels: int, fontsize: float, share: float) -> int:
    """Characters a caption line holds: the axes take `share` of a panel, ~0.55 em each."""
    points = 72.0 * width_px / dpi / panels * share
    return max(int(points / (0.55 * fontsize)), 16)


class Renderer:
    """Draws a Scene's frames on one Agg canvas, blitting only what moves."""

    def __init__(self, scene: Scene, size: tuple[int, int], dpi: float) -> None:
        self.scene, self.size = scene, size
        fig = agg_figure(size, dpi)
        scale = min(1.0, size[0] / (640.0 * scene.panels), size[1] / 400.0) ** 0.5
        fs = 12.0 * max(scale, 0.6)
        axes, strips, self.diagram_ax = _layout(fig, scene)
        chars = _caption_chars(size[0], dpi, scene.panels, fs, 0.5 if self.diagram_ax else 0.8)
        self.panels = [
            Panel(
                ax,
                scene,
                j,
                fontsize=fs,
                strip=strips[j],
                wrap=self.diagram_ax is not None,
                chars=chars,
            )  # fmt: skip
            for j, ax in enumerate(axes)
        ]
        for ax in axes[1:]:
            ax.set_ylabel("")
            ax.tick_params(labelleft=False)
        figure_legend(fig, self.panels, 0.88 * fs)
        title = fig.suptitle(scene.title, fontsize=1.08 * fs)
        canvas = fig.canvas
        fit_text(title, canvas.get_renderer(), size[0] - 8)  # type: ignore[attr-defined]
        self._animate()
        # Lay out once, with every artist at its widest (animated artists count in the layout
        # but are not drawn), and keep that layout for every frame: the drawing is the
        # background, unless an inset or the diagram must be placed on the laid-out Axes.
        canvas.draw()
        fig.set_layout_engine("none")
        self.diagram = None
        if self.diagram_ax is not None and scene.diagram is not None:
            from uat.plot.diagram import NetworkDiagram

            # made after the layout: it sizes its nodes and fonts to its Axes' pixels
            self.diagram = NetworkDiagram(self.diagram_ax, scene.diagram, max_pairs=6)
            self.diagram.set_animated(True)
        renderer = canvas.get_renderer()  # type: ignore[attr-defined]
        self.inset_boxes = []
        for p in self.panels:
            if p.inset is not None:  # an opaque card behind the inset and its labels
                self.inset_boxes.append(p.place_inset(renderer))
        if self.diagram is not None or self.inset_boxes:
            self._animate()  # a placed inset has a new marker
            canvas.draw()
        self.fig, self.canvas = fig, canvas
        self.background = canvas.copy_from_bbox(fig.bbox)  # type: ignore[attr-defined]
        self.inset_backgrounds = [
            canvas.copy_from_bbox(box)  # type: ignore[attr-defined]
            for box in self.inset_boxes
        ]

    def _animate(self) -> None:
        """Mark what moves: drawn each frame over the background, never into it."""
        for p in self.panels:
            for a in [*p.moving(), p.marker]:
                if a is not None:
                    a.set_animated(True)

    def _refocus(self, unit: int) -> None:
        """Summarise the diagram again around `unit` (with its neighbours), which an
        ellipsis row hid: the lit pair is always drawn, never "one of 19 more"."""
        from uat.plot.diagram import NetworkDiagram

        assert self.diagram is not None and self.diagram_ax is not None
        for a in self.diagram.artists:
            a.remove()
        self.diagram = NetworkDiagram(self.diagram_ax, self.diagram.net, max_pairs=6, focus=unit)
        self.diagram.set_animated(True)

    def draw(self, frame: list[PanelFrame]) -> np.ndarray:
        """Draw one frame; return the canvas pixels as an (H, W, 4) RGBA view (no copy)."""
        canvas = self.canvas
        canvas.restore_region(self.background)  # type: ignore[attr-defined]
        for p, pf in zip(self.panels, frame, strict=True):
            p.update(pf)
            for a in p.moving():
                a.axes.draw_artist(a)
        if self.diagram is not None and self.diagram_ax is not None:
            f0 = frame[0]  # lit in step with the new bumps; those not built yet are ghosts
            if f0.unit is not None and f0.unit not in self.diagram.layout.rows:
                self._refocus(f0.unit)
            for a in self.diagram.light(f0.unit, lit=f0.lit or None, built=f0.built):
                self.diagram_ax.draw_artist(a)
        for region in self.inset_backgrounds:  # insets sit above the moving curves
            canvas.restore_region(region)  # type: ignore[attr-defined]
        for p in self.panels:
            if p.marker is not None and p.inset is not None:
                p.inset.draw_artist(p.marker)
        canvas.blit(self.fig.bbox)
        rgba = np.asarray(canvas.buffer_rgba())  # type: ignore[attr-defined]
        return rgba[: self.size[1], : self.size[0]]


def _layout(fig: Figure, scene: Scene) -> tuple[list[Axes], list[Axes | None], Axes | None]:
    """The curve axes, their error strips (training) and the diagram's axes, as asked."""
    strip = bool(scene.meta.get("strip"))
    diagram = scene.diagram is not None
    widths = [1.0] * scene.panels + ([0.7] if diagram else [])
    grid = fig.add_gridspec(
        2 if strip else 1, len(widths), width_ratios=widths, height_ratios=[3, 1] if strip else None
    )
    axes: list[Axes] = []
    for j in range(scene.panels):
        share = axes[0] if axes else None
        axes.append(fig.add_subplot(grid[0, j], sharey=share))
    strips: list[Axes | None] = [
        fig.add_subplot(grid[1, j], sharex=axes[j]) if strip else None for j in range(scene.panels)
    ]
    if strip:
        for ax in axes:
            ax.tick_params(labelbottom=False)
    return axes, strips, fig.add_subplot(grid[:, -1]) if diagram else None


def fit_text(text: Any, renderer: Any, width: float) -> None:
    """Shrink a title until it fits `width` pixels, to 70 %; beyond that wrap it in two lines."""
    size = text.get_fontsize()
    for factor in (1.0, 0.92, 0.85, 0.78, 0.7):
        text.set_fontsize(size * factor)
        if text.get_window_extent(renderer).width <= width:
            return
    words = text.get_text().split(" ")
    # break outside mathtext only: an even number of $ before the break
    breaks = [i for i in range(1, len(words)) if " ".join(words[:i]).count("$") % 2 == 0]
    if breaks:
        half = min(breaks, key=lambda i: abs(i - len(words) / 2))
        text.set_text(" ".join(words[:half]) + "\n" + " ".join(words[half:]))


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


class FrameRenderer(Protocol):
    """What the animation driver asks of a renderer, for curves (`Renderer`) and surfaces
    (`uat.plot.surface_render.SurfaceRenderer`) alike: its scene, and one frame's pixels."""

    @property
    def scene(self) -> Any: ...

    def draw(self, frame: Any) -> np.ndarray: ...


@contextlib.contextmanager
def open_renderer(scene: Scene, size: tuple[int, int], dpi: float) -> Iterator[Renderer]:
    """A Renderer for the scene, under uat's style while it is in use."""
    import matplotlib

    from uat.plot.figures import STYLE

    # uat.plot.figures.style's rcParams without its pyplot import: 0.45 s of every process
    with matplotlib.rc_context(STYLE):  # type: ignore[arg-type]
        yield Renderer(scene, size, dpi)


def draw_frame(renderer: FrameRenderer, frame: Any) -> np.ndarray:
    """One frame's pixels (a module-level seam: tests make it fail mid-render)."""
    return renderer.draw(frame)


def samples(renderer: FrameRenderer, picks: Sequence[int]) -> list[np.ndarray]:
    """Copies of the chosen frames' pixels (drawing is stateless: any order will do)."""
    return [renderer.draw(renderer.scene.frames[i]).copy() for i in picks]


def frames(
    renderer: FrameRenderer, progress: Callable[[int, int], None] | None = None
) -> Iterator[np.ndarray]:
    """Every frame of the renderer's scene as RGBA pixels, in order (each valid until the next)."""
    scene_frames = renderer.scene.frames
    for i, frame in enumerate(scene_frames):
        yield draw_frame(renderer, frame)
        if progress is not None:
            progress(i + 1, len(scene_frames))


# -- contact sheet ------------------------------------------------------------


def sheet_frames(count: int, panels: int = 1) -> list[int]:
    """Indices of the frames a contact sheet shows: evenly chosen, first and last included."""
    rows, cols = _SHEET_CELLS.get(panels, (3, 1))
    k = min(count, rows * cols)
    return [int(i) for i in np.unique(np.round(np.linspace(0, count - 1, k)).astype(int))]


def sheet_shape(cells: int, panels: int = 1) -> tuple[int, int]:
    """Rows and columns of a contact sheet of `cells` frames."""
    rows, cols = _SHEET_CELLS.get(panels, (3, 1))
    if cells >= rows * cols:
        return rows, cols
    cols = min(cols, math.ceil(math.sqrt(cells)))
    return math.ceil(cells / cols), cols


def contact_sheet(
    scene: Scene,
    size: tuple[int, int],
    dpi: float,
    progress: Callable[[int, int], None] | None = None,
) -> np.ndarray:
    """A grid of chosen frames as one RGB image of (rows·height, columns·width) pixels."""
    import matplotlib

    from uat.plot.figures import STYLE

    with matplotlib.rc_context(STYLE):  # type: ignore[arg-type]
        return _contact_sheet(scene, size, dpi, progress)


def _contact_sheet(
    scene: Scene,
    size: tuple[int, int],
    dpi: float,
    progress: Callable[[int, int], None] | None = None,
) -> np.ndarray:
    picks = sheet_frames(len(scene.frames), scene.panels)
    rows, cols = sheet_shape(len(picks), scene.panels)
    zoom = 1.6  # the sheet is read smaller than a frame: draw it at a larger dpi
    fig = agg_figure((cols * size[0], rows * size[1]), zoom * dpi)
    fs = 12.0 * min(1.0, size[0] / (640.0 * scene.panels)) ** 0.5
    grid = fig.subplots(rows, cols * scene.panels, sharex=True, sharey=True, squeeze=False)
    first_panels: list[Panel] = []
    panels: list[Panel] = []
    chars = _caption_chars(size[0], dpi, scene.panels, 0.9 * fs, 0.8)
    for c, i in enumerate(picks):
        r, k = divmod(c, cols)
        for j in range(scene.panels):
            ax = grid[r, k * scene.panels + j]
            p = Panel(ax, scene, j, fontsize=0.9 * fs, labels=False, wrap=True, chars=chars)
            panels.append(p)
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
    figure_legend(fig, first_panels, 0.9 * fs)
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
    return np.ascontiguousarray(rgba[:h, :w, :3])
