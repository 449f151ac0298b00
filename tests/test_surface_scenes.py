"""2-D scenes as data: refine errors fall to the tower bound, grow starts visible, training is
log-spaced, a turn goes once round; numbers checked against the analytic Gaussian."""

from __future__ import annotations

import math

import numpy as np
import pytest

from uat.core.targets import TARGETS2D
from uat.core.towers import towers
from uat.errors import UatError
from uat.jobs.surface_scenes import (
    FRAME_GRID,
    grow_scene,
    partial_towers,
    refine_scene,
    surface_scene,
    training_scene,
    turn_scene,
)

GAUSS = TARGETS2D["gaussian2d"]  # exp(-(x²+y²)) on [-2, 2]²
L_GAUSS = math.sqrt(2 / math.e)  # max |∇f|, at r = 1/√2


def gauss(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    return np.exp(-(x**2 + y**2))


def rmse_on_frame_grid(net_values: np.ndarray, x: np.ndarray, y: np.ndarray) -> float:
    return float(np.sqrt(np.mean((net_values - gauss(x, y)) ** 2)))


def test_refine_errors_fall_to_the_tower_bound() -> None:
    scene = refine_scene(GAUSS, 8)
    assert [f.step for f in scene.frames] == list(range(1, 9))
    rmse = [f.rmse for f in scene.frames]
    # K = 1 and 2 both give one height of 1/2 at the peak ((max + min)/2 of a cell at a corner)
    assert rmse[1] == pytest.approx(rmse[0]) and rmse[2] < rmse[0] / 2
    assert all(b < a for a, b in zip(rmse[1:], rmse[2:], strict=False))
    assert scene.frames[-1].sup < scene.frames[0].sup / 1.5
    for f in scene.frames[3:]:  # L·Δ/√2 with Δ = 4/K; sigmoid corners add a few per cent
        assert f.sup <= 1.1 * L_GAUSS * (4 / f.step) / math.sqrt(2)
    # the RMSE of a frame is the RMSE of the K×K towers on the frame grid, recomputed here
    x, y = np.meshgrid(np.linspace(-2, 2, FRAME_GRID), np.linspace(-2, 2, FRAME_GRID))
    assert scene.frames[-1].rmse == pytest.approx(rmse_on_frame_grid(towers(GAUSS, 8)(x, y), x, y))


def test_refine_thins_to_the_frames_asked() -> None:
    scene = refine_scene(GAUSS, 12, frames=4)
    assert [f.step for f in scene.frames] == [1, 5, 8, 12]


def test_grow_starts_with_a_visible_tower_and_ends_with_all() -> None:
    k = 5
    scene = grow_scene(GAUSS, k, frames=10)
    assert len(scene) == 10
    first = scene.frames[0]
    assert first.z.max() - first.z.min() > 0.5  # the tallest tower (≈ 0.9) first, not a plane
    assert first.step >= 1 and len(first.new_cells) == first.step
    x0, x1, y0, y1, h = first.new_cells[0]
    assert x0 <= 0 <= x1 and y0 <= 0 <= y1  # the centre cell of the Gaussian
    assert sum(len(f.new_cells) for f in scene.frames) == k * k
    steps = [f.step for f in scene.frames]
    assert steps == sorted(set(steps)) and steps[-1] == k * k
    full = refine_scene(GAUSS, k, frames=None).frames[-1]
    assert scene.frames[-1].rmse == pytest.approx(full.rmse, rel=1e-9)
    assert scene.frames[-1].sup == pytest.approx(full.sup, rel=1e-6)


def test_partial_towers_with_every_height_is_the_net() -> None:
    x, y = GAUSS.grid(31)
    for form in ("quadrant", "nielsen"):
        net = towers(GAUSS, 4, form=form)
        same = partial_towers(net, np.asarray(net.meta["tower_heights"]))
        assert np.allclose(same(x, y), net(x, y), atol=1e-12)
        assert np.allclose(partial_towers(net, np.zeros((4, 4)))(x, y), 0.0)


def test_training_frames_are_log_spaced_and_improve() -> None:
    scene = training_scene(GAUSS, 8, frames=12, max_iter=40)
    steps = [f.step for f in scene.frames]
    assert steps[0] == 1 and steps == sorted(set(steps)) and len(steps) == 12
    gaps = np.diff(np.log(steps))
    assert gaps.max() < 4 * np.median(gaps)  # even in log(evaluation), not in evaluation
    assert scene.frames[-1].rmse < scene.frames[0].rmse / 3
    history = dict(scene.meta["history"])
    assert steps[-1] == max(history)


def test_turn_goes_once_round_with_fixed_numbers() -> None:
    net = towers(GAUSS, 4)
    scene = turn_scene(GAUSS, net, "4×4 towers", frames=8)
    az = np.array([f.azimuth for f in scene.frames])
    assert np.allclose(np.diff(az), 45.0)
    assert len({(f.sup, f.rmse) for f in scene.frames}) == 1
    assert [r["frame"] for r in scene.steps] == list(range(1, 9))
    assert scene.meta["continuous"] and scene.meta["neurons"] == net.n_neurons


def test_bad_sweeps_and_frames() -> None:
    from uat.jobs.choice import Choice

    towers3, ridges3 = Choice("construct", 3, 2, {}), Choice("ridges", 3, 1, {})
    with pytest.raises(UatError, match="unknown 2-D sweep"):
        surface_scene(GAUSS, towers3, sweep="spin")
    with pytest.raises(UatError, match="frames must be"):
        surface_scene(GAUSS, towers3, sweep="refine", frames=0)
    with pytest.raises(UatError, match="grow sweep adds towers"):
        surface_scene(GAUSS, ridges3, sweep="grow")
