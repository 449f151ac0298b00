"""The 2-D renderer: one RGBA frame per scene frame at the exact size, moving where it should."""

from __future__ import annotations

import numpy as np
import pytest

from uat.core.targets import TARGETS2D
from uat.core.towers import towers
from uat.jobs.surface_scenes import grow_scene, turn_scene
from uat.plot import render as rn
from uat.plot.surface_render import contact_sheet, open_renderer, quads

GAUSS = TARGETS2D["gaussian2d"]
SIZE = (320, 200)


def frames2d(scene, size, dpi):
    """Every frame's pixels through the one frame loop of the animation driver."""
    with open_renderer(scene, size, dpi) as r:
        yield from rn.frames(r)


def test_quads_are_the_grid_cells() -> None:
    x, y = np.meshgrid([0.0, 1.0, 3.0], [0.0, 2.0])
    v = quads(x, y, x + 10 * y)
    assert v.shape == (2, 4, 3)
    assert v[1].tolist() == [[1, 0, 1], [3, 0, 3], [3, 2, 23], [1, 2, 21]]


@pytest.mark.parametrize("dpi", [50, 100])
def test_one_frame_per_scene_frame_at_the_exact_size(dpi: int) -> None:
    scene = grow_scene(GAUSS, 3, frames=4)
    pics = [f.copy() for f in frames2d(scene, SIZE, dpi)]
    assert len(pics) == 4
    assert all(p.shape == (200, 320, 4) and p.dtype == np.uint8 for p in pics)
    # towers are added in every frame: the pixels change every time
    assert all(np.any(a != b) for a, b in zip(pics, pics[1:], strict=False))


def test_a_turn_moves_the_camera() -> None:
    scene = turn_scene(GAUSS, towers(GAUSS, 3), "3×3 towers", frames=3)
    a, b, c = (f[..., :3].copy() for f in frames2d(scene, SIZE, 60))
    assert np.mean(a != b) > 0.01 and np.mean(b != c) > 0.01


def test_contact_sheet_tiles_nine_frames() -> None:
    scene = grow_scene(GAUSS, 4, frames=12)
    sheet = contact_sheet(scene, SIZE, 50)
    assert sheet.shape == (3 * 200, 3 * 320, 3)
    first = next(frames2d(scene, SIZE, 50))[..., :3]
    assert np.array_equal(sheet[:200, :320], first)
