"""Animation layouts hold at the smallest size the limits allow: no text meets another."""

from __future__ import annotations

from itertools import combinations
from typing import Any

import pytest

from uat.core.targets import get_target
from uat.jobs.choice import Choice
from uat.jobs.surface_scenes import surface_scene
from uat.plot import surface_render as r2
from uat.settings import LIMITS


def texts(r: Any) -> dict[str, list[Any]]:
    """The drawn texts of a surface renderer by group: each group's boxes must stay apart."""

    def ticks(ax: Any) -> list[Any]:  # the labels drawn: of the ticks inside the view
        axes = [ax.xaxis, ax.yaxis, *([ax.zaxis] if hasattr(ax, "zaxis") else [])]
        out = []
        for axis in axes:  # a 3-D axis places its labels while drawing: read them as drawn
            lo, hi = sorted(axis.get_view_interval())
            drawn = axis.majorTicks if hasattr(ax, "zaxis") else axis._update_ticks()
            out += [t.label1 for t in drawn if lo <= t.get_loc() <= hi]
        return out

    return {
        "title": [r.title],
        "caption": [r.caption],
        "surface title": [r.ax3.title],
        "error title": [r.ax_err.title],
        "error ticks": ticks(r.ax_err) + [r.ax_err.xaxis.label, r.ax_err.yaxis.label],
        "colour bar": ticks(r.cax) + [r.cax.yaxis.label],
        "surface ticks": ticks(r.ax3),
    }


def boxes(r: Any) -> dict[str, list[Any]]:
    renderer = r.fig.canvas.get_renderer()
    out = {}
    for name, group in texts(r).items():
        shown = [t for t in group if t.get_visible() and t.get_text().strip()]
        out[name] = [t.get_window_extent(renderer) for t in shown]
    return out


SIZES = [
    (int(LIMITS["width_px"].low), int(LIMITS["height_px"].low)),  # the smallest the limits allow
    (480, 300),  # the README's command
    (800, 500),
]


@pytest.mark.parametrize("size", SIZES, ids=[f"{w}x{h}" for w, h in SIZES])
def test_a_surface_animation_keeps_its_texts_apart_and_inside(size) -> None:
    towers3 = Choice("construct", 3, 2, {})
    scene = surface_scene(get_target("gaussian2d", dim=2), towers3, "refine", 2)
    w, h = size
    with r2.open_renderer(scene, size, 100) as r:
        r.draw(scene.frames[-1])
        r.fig.canvas.draw()  # a whole draw places every label as the frames show it
        found = boxes(r)
    for name in ("title", "caption", "error title", "colour bar"):
        assert found[name], name  # drawn, not dropped
    for name, group in found.items():
        for b in group:
            assert b.x0 >= -0.5 and b.y0 >= -0.5 and b.x1 <= w + 0.5 and b.y1 <= h + 0.5, name
    for (n1, g1), (n2, g2) in combinations(found.items(), 2):
        for b1 in g1:
            for b2 in g2:
                assert not b1.overlaps(b2), (n1, n2, b1, b2)
