"""Draws a `SurfaceScene` on one Agg canvas: the net's surface beside its error map, frame by frame.

A 3-D Axes cannot be blitted (its depth sort changes with every surface), so each frame is a
full draw made cheap instead: one figure and one set of artists for the whole scene, the
surface as one `Poly3DCollection` whose vertices and colours are replaced (not a new
`plot_surface`, which recomputes shading), a coarse grid (41² to 81²), fixed axis limits and a
fixed layout. The error map is an image with a fixed log colour scale. Nothing is computed
here: every number comes from the scene.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any, cast

import numpy as np

from uat.jobs.surface_scenes import ELEVATION, SurfaceFrame, SurfaceScene
from uat.plot.surfaces import ERROR_CMAP, SURFACE_CMAP

if TYPE_CHECKING:
    from matplotlib.figure import Figure

HIGHLIGHT = "#D55E00"  # the towers added in this frame
_WIRE_LINES = 11  # target wireframe lines per side: the shape without hiding the surface
_SHEET = (3, 3)  # rows, columns of a PNG contact sheet


def quads(x: np.ndarray, y: np.ndarray, z: np.ndarray) -> np.ndarray:
    """The (n−1)² quadrilaterals of a surface on a grid, shape ((n−1)², 4, 3)."""
    corners = [(slice(None, -1), slice(None, -1)), (slice(None, -1), slice(1, None)),
               (slice(1, None), slice(1, None)), (slice(1, None), slice(None, -1))]  # fmt: skip
    v = np.stack([np.stack([x[c], y[c], z[c]], axis=-1) for c in corners], axis=2)
    return v.reshape(-1, 4, 3)


def agg_figure(pixels: tuple[int, int], dpi: float) -> Figure:
    """A Figure on an Agg canvas of at least `pixels` (Agg truncates the size: add a margin)."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    w, h = pixels
    fig = Figure(figsize=((w + 0.25) / dpi, (h + 0.25) / dpi), dpi=dpi)
    fig.set_layout_engine("none")  # fixed positions: the style may ask for constrained layout
    FigureCanvasAgg(fig)
    return fig


class SurfaceRenderer:
    """One figure for a whole scene; `draw(frame)` updates its artists and returns the pixels."""

    def __init__(self, scene: SurfaceScene, size: tuple[int, int], dpi: float) -> None:
        import matplotlib as mpl
        from matplotlib.colors import LogNorm, Normalize

        self.scene, self.size = scene, size
        self._z: np.ndarray | None = None
        self.fig = fig = agg_figure(size, dpi)
        fs = 10.0 * min(1.0, size[0] / 800.0, size[1] / 500.0) ** 0.5 * 100.0 / dpi
        self.cmap = mpl.colormaps[SURFACE_CMAP]
        self.znorm = Normalize(*scene.zlim)
        self.ax3: Any = cast(Any, fig.add_axes((0.0, 0.08, 0.58, 0.8), projection="3d"))
        self.ax_err = fig.add_axes((0.64, 0.17, 0.25, 0.62))
        cax = fig.add_axes((0.9, 0.17, 0.015, 0.62))
        self._surface_axes(fs)
        err_cmap = mpl.colormaps[ERROR_CMAP].with_extremes(bad="black", under="black")
        first = scene.frames[0]
        (a, b), (c, d) = scene.domain
        self.image = self.ax_err.imshow(
            np.maximum(first.error, 0.0), origin="lower", extent=(a, b, c, d), aspect="auto",
            cmap=err_cmap, norm=LogNorm(*scene.error_lim, clip=False), interpolation="nearest",
        )  # fmt: skip
        (self.star,) = self.ax_err.plot(
            *first.sup_at, marker="*", ms=12, mec="white", mfc="#56B4E9", ls="none"
        )
        bar = fig.colorbar(self.image, cax=cax)
        bar.set_label("|network − f| (log scale)", fontsize=0.9 * fs)
        bar.ax.tick_params(labelsize=0.8 * fs)
        self.ax_err.set_title("error, sup ★ refined", fontsize=fs)
        self.ax_err.set_xlabel("x", fontsize=0.9 * fs)
        self.ax_err.set_ylabel("y", fontsize=0.9 * fs)
        self.ax_err.tick_params(labelsize=0.8 * fs)
        self.title = fig.text(0.5, 0.99, scene.title, ha="center", va="top", fontsize=1.1 * fs)
        self.caption = fig.text(0.5, 0.01, first.text, ha="center", va="bottom", fontsize=fs)
        self.cax = cax
        _arrange(self)
        # a turning camera redraws the 3-D axes whole; a fixed one only the surface's artists
        self.turning = len({f.azimuth for f in scene.frames}) > 1
        self.ax3.view_init(elev=ELEVATION, azim=first.azimuth)
        for a in self.moving():
            a.set_animated(True)
        canvas: Any = fig.canvas
        canvas.draw()
        self.background = canvas.copy_from_bbox(fig.bbox)

    def moving(self) -> list[Any]:
        """The artists redrawn in every frame, in drawing order."""
        surface = [self.ax3] if self.turning else [self.surface, self.wire, self.outline]
        return [*surface, self.image, self.star, self.caption]

    def _surface_axes(self, fs: float) -> None:
        """The 3-D axes with fixed limits, the target as a faint wireframe, empty surface."""
        from mpl_toolkits.mplot3d.art3d import Line3DCollection, Poly3DCollection

        s, ax = self.scene, self.ax3
        (a, b), (c, d) = s.domain
        ax.set_xlim(a, b)
        ax.set_ylim(c, d)
        ax.set_zlim(*s.zlim)
        ax.set_xlabel("x", fontsize=0.9 * fs)
        ax.set_ylabel("y", fontsize=0.9 * fs)
        ax.tick_params(labelsize=0.75 * fs)
        n = s.x.shape[0]
        stride = max(1, (n - 1) // (_WIRE_LINES - 1))
        ax.computed_zorder = False  # the wire and the outline stay above the surface
        self.surface = Poly3DCollection(
            np.zeros((0, 4, 3)), linewidth=0, antialiased=False, zorder=1
        )
        ax.add_collection3d(self.surface, autolim=False)
        self.wire = ax.plot_wireframe(s.x, s.y, s.target, rstride=stride, cstride=stride,
                                      color="0.2", lw=0.5, alpha=0.6, zorder=2)  # fmt: skip
        self.outline = Line3DCollection([], colors=HIGHLIGHT, linewidths=2.0, zorder=3)
        ax.add_collection3d(self.outline, autolim=False)
        ax.set_title("network (surface) over the target (wire)", fontsize=fs)

    def draw(self, frame: SurfaceFrame) -> np.ndarray:
        """Update the artists to `frame`, draw, return the pixels as (H, W, 4) RGBA (a view)."""
        s = self.scene
        if frame.z is not self._z:  # a turn keeps one surface
            verts = quads(s.x, s.y, frame.z)
            self.surface.set_verts(verts)
            self.surface.set_facecolor(self.cmap(self.znorm(verts[:, :, 2].mean(axis=1))))
            self._z = frame.z
        self.outline.set_segments([_rectangle(cell) for cell in frame.new_cells])
        self.image.set_data(frame.error)
        self.star.set_data([frame.sup_at[0]], [frame.sup_at[1]])
        self.caption.set_text(frame.text)
        canvas: Any = self.fig.canvas
        canvas.restore_region(self.background)
        if self.turning:
            self.ax3.view_init(elev=ELEVATION, azim=frame.azimuth)
        else:  # the projection of the first draw still holds: project the moved artists only
            for a in (self.surface, self.wire, self.outline):
                a.do_3d_projection()
        for a in self.moving():
            self.fig.draw_artist(a)
        return np.asarray(canvas.buffer_rgba())[: self.size[1], : self.size[0]]


def _arrange(r: SurfaceRenderer) -> None:
    """Place the axes between the title and the caption, measured in pixels, so that no
    text meets another or leaves the canvas at any size the limits allow (480×300 put the
    title over the subtitles, the caption over the ticks, the colour-bar label outside)."""
    from uat.plot.render import fit_text

    fig, (w, h) = r.fig, r.size
    canvas: Any = fig.canvas
    renderer = canvas.get_renderer()
    pad = max(2.0, 0.01 * h)
    for text, width in ((r.title, w), (r.caption, w), (r.ax3.title, 0.58 * w)):
        fit_text(text, renderer, width - 2 * pad)
    fit_text(r.ax_err.title, renderer, 0.4 * w - 2 * pad)
    top = r.title.get_window_extent(renderer).y0 - pad
    bottom = r.caption.get_window_extent(renderer).y1 + pad
    bar = max(4.0, 0.015 * w)
    if w < 400 or h < 250:  # few ticks where few fit, closer to their axes
        from matplotlib.ticker import MaxNLocator, NullFormatter

        for axis in (r.ax_err.xaxis, r.ax_err.yaxis):
            axis.set_major_locator(MaxNLocator(3))
        if w < 400:  # the surface's numbers are the error map's: leave it the room
            for axis in (r.ax3.xaxis, r.ax3.yaxis, r.ax3.zaxis):
                axis.set_major_formatter(NullFormatter())
        for ax in (r.ax_err, r.cax, r.ax3):
            ax.tick_params(pad=1.0)
        r.ax_err.xaxis.labelpad = r.ax_err.yaxis.labelpad = r.cax.yaxis.labelpad = 1.0
    for _ in range(3):  # tick labels change with the axes' size: settle
        err, cbox = r.ax_err.get_tightbbox(renderer), r.cax.get_tightbbox(renderer)
        assert err is not None and cbox is not None  # both are drawn
        e, c = r.ax_err.get_window_extent(renderer), r.cax.get_window_extent(renderer)
        below = e.y0 - min(err.y0, cbox.y0)
        above = max(err.y1, cbox.y1) - e.y1
        y0, y1 = bottom + below, top - above
        x1 = w - pad - (cbox.x1 - c.x1)  # the colour bar's right edge, its label inside
        x0 = (0.6 if w >= 400 else 0.55) * w + (e.x0 - err.x0)
        gap = (c.x0 - e.x1) if c.x0 > e.x1 else 0.02 * w
        gap = max(gap, (cbox.x0 - c.x0) + 0.01 * w)
        ex1 = x1 - bar - gap
        if y1 - y0 < 8 or ex1 - x0 < 8:
            break  # no room left to shrink into: keep the last placement
        r.ax_err.set_position((x0 / w, y0 / h, (ex1 - x0) / w, (y1 - y0) / h))
        r.cax.set_position(((x1 - bar) / w, y0 / h, bar / w, (y1 - y0) / h))
        box = r.ax3.get_tightbbox(renderer)
        a = r.ax3.get_window_extent(renderer)
        d0, d1 = a.y0 - box.y0, box.y1 - a.y1
        height = max(8.0, top - bottom - d0 - d1)
        r.ax3.set_position((0.0, (bottom + d0) / h, 0.58, height / h))


def _rectangle(cell: tuple[float, float, float, float, float]) -> np.ndarray:
    """A new tower's top edge: the closed outline of its cell at its height."""
    x0, x1, y0, y1, h = cell
    return np.array([[x0, y0, h], [x1, y0, h], [x1, y1, h], [x0, y1, h], [x0, y0, h]])


@contextlib.contextmanager
def open_renderer(
    scene: SurfaceScene, size: tuple[int, int], dpi: float
) -> Iterator[SurfaceRenderer]:
    """A SurfaceRenderer for the scene, under uat's style while it is in use."""
    import matplotlib as mpl

    from uat.plot.figures import STYLE

    with mpl.rc_context(STYLE | {"axes.grid": False}):  # type: ignore[arg-type]
        yield SurfaceRenderer(scene, size, dpi)


def contact_sheet(
    scene: SurfaceScene,
    size: tuple[int, int],
    dpi: float,
    progress: Callable[[int, int], None] | None = None,
) -> np.ndarray:
    """Up to 3×3 evenly chosen frames (first and last included) tiled as one RGB image."""
    from uat.jobs.surface_scenes import evenly

    rows, cols = _SHEET
    picks = evenly(range(len(scene)), rows * cols)
    with open_renderer(scene, size, dpi) as r:
        cells = []
        for i in picks:
            cells.append(r.draw(scene.frames[i])[..., :3].copy())
            if progress is not None:
                progress(len(cells), len(picks))
    cols = min(cols, len(cells))
    rows = -(-len(cells) // cols)
    w, h = size
    sheet = np.full((rows * h, cols * w, 3), 255, dtype=np.uint8)
    for k, cell in enumerate(cells):
        r_, c = divmod(k, cols)
        sheet[r_ * h : (r_ + 1) * h, c * w : (c + 1) * w] = cell
    return sheet
