"""The Agg blitting renderer: frames equal fresh draws, colours by method, contact sheets tiled."""

from __future__ import annotations

import numpy as np
import pytest

from uat.core.targets import get_target
from uat.jobs import scenes as sc
from uat.plot import render as rn
from uat.plot.figures import method_color, style

SIZE = (320, 200)


@pytest.fixture(scope="module")
def scene() -> sc.Scene:
    """Hand-built sin, widths 2, 4, …, 12: six frames."""
    return sc.width_sweep(get_target("sin"), sc.default_widths(12, "construct"))


def test_blitted_frame_equals_a_fresh_draw(scene):
    """Restoring the background leaves nothing stale: frame 4 after 0–3 = frame 4 alone."""
    with style():
        r = rn.Renderer(scene, SIZE, 100)
        for f in scene.frames[:4]:
            r.draw(f)
        after = r.draw(scene.frames[4]).copy()
        fresh = rn.Renderer(scene, SIZE, 100).draw(scene.frames[4]).copy()
        first = r.draw(scene.frames[0]).copy()
    assert after.shape == (SIZE[1], SIZE[0], 4)
    np.testing.assert_array_equal(after, fresh)
    assert np.count_nonzero(np.any(after != first, axis=-1)) > 500  # and frames do differ


def test_frames_yields_one_image_per_frame_and_reports_progress(scene):
    done: list[tuple[int, int]] = []
    with rn.open_renderer(scene, SIZE, 100) as r:
        count = sum(1 for _ in rn.frames(r, lambda *a: done.append(a)))
    assert count == len(scene) == 6
    assert done == [(i, 6) for i in range(1, 7)]


def test_network_is_drawn_in_its_method_colour(scene):
    """The scene holds no colours: the renderer picks the method's colour for the network."""
    with style():
        r = rn.Renderer(scene, SIZE, 100)
        px = r.draw(scene.frames[-1])[..., :3]
    want = np.array([int(method_color("construct")[i : i + 2], 16) for i in (1, 3, 5)])
    close = np.all(np.abs(px.astype(int) - want) <= 12, axis=-1)
    assert np.count_nonzero(close) > 100


def test_contact_sheet_tiles_chosen_frames(scene):
    with style():
        rgb = rn.contact_sheet(scene, SIZE, 100)
    assert rgb.shape == (2 * SIZE[1], 3 * SIZE[0], 3)  # 6 frames: 2 rows of 3
    assert rn.sheet_frames(60) == [0, 7, 15, 22, 30, 37, 44, 52, 59]
    assert rn.sheet_frames(60, panels=2) == [0, 12, 24, 35, 47, 59]
    assert rn.sheet_shape(6) == (2, 3) and rn.sheet_shape(4) == (2, 2)
    assert rn.sheet_shape(12) == (3, 3) and rn.sheet_shape(3, panels=2) == (2, 2)


def test_a_long_title_shrinks_to_fit_the_frame(scene):
    from dataclasses import replace

    long = replace(scene, title=r"$\sin x$: a title far too long for a frame of 320 pixels " * 2)
    with style():
        r = rn.Renderer(long, SIZE, 100)
        renderer = r.canvas.get_renderer()
        (title,) = [t for t in r.fig.texts if "far too long" in t.get_text()]
        box = title.get_window_extent(renderer)
    assert box.x0 >= 0 and box.x1 <= SIZE[0]  # shrunk or wrapped, never clipped


def test_training_frames_have_a_legible_inset_and_a_falling_error_strip():
    target = get_target("runge")
    s = sc.training_run(target, 8, frames=5)
    with style():
        r = rn.Renderer(s, (800, 500), 100)
        (panel,) = r.panels
        assert panel.inset is not None and panel.gap is not None
        px = [t.get_fontsize() * 100 / 72 for t in panel.inset.get_yticklabels()]
        assert min(px) >= 10  # pixels a line at 800×500
        levels = []
        for f in s.frames:
            r.draw(f)
            levels.append(float(np.max(panel.gap.get_ydata())))
    gaps = [float(np.max(np.abs(f[0].y - s.target))) for f in s.frames]
    np.testing.assert_allclose(levels, np.maximum(gaps, rn.STRIP_FLOOR))
    assert levels[-1] < 1e-2 * levels[0]
