"""`uat animate TARGET --sweep depth`: one more hidden layer each frame; frames read back and
every frame's numbers checked against plain numpy."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from PIL import Image


def tent(x: np.ndarray, k: int) -> np.ndarray:
    for _ in range(k):
        x = 2.0 * np.minimum(x, 1.0 - x)
    return x


def gif_frames(path: Path) -> int:
    with Image.open(path) as im:
        return int(im.n_frames)


def test_the_tent_is_composed_once_more_each_frame(cli, tmp_path: Path) -> None:
    small = ["--size", "320x200", "--dpi", "50", "--fps", "10", "--dwell", "0.1"]
    code, out, err = cli("animate", "tent4", "--sweep", "depth", *small, "-o", "t.gif", "--json")
    assert code == 0, err
    rec = json.loads(out)
    assert rec["frames"] == 4 and gif_frames(tmp_path / "t.gif") == 4
    x = np.linspace(0.0, 1.0, 2**12 + 1)  # every kink of tent^k, k ≤ 4, is a grid point
    for k, step in enumerate(rec["steps"], start=1):
        assert step["layers"] == k and step["linear_pieces"] == 2**k
        gap = float(np.max(np.abs(tent(x, k) - tent(x, 4))))
        assert step["sup_error"] == pytest.approx(gap, abs=1e-12)
    assert rec["steps"][-1]["sup_error"] <= 1e-12


def test_yarotsky_square_gains_a_factor_4_a_frame(cli, tmp_path: Path) -> None:
    small = ["--frames", "4", "--size", "320x200", "--dpi", "50", "-o", "s.gif", "--json"]
    code, out, err = cli("animate", "x**2", "--domain", "0,1", "--sweep", "depth", *small)
    assert code == 0, err
    rec = json.loads(out)
    assert gif_frames(tmp_path / "s.gif") == rec["frames"] == 4
    for m, step in enumerate(rec["steps"], start=1):
        assert step["sup_error"] == pytest.approx(2.0 ** (-2 * m - 2), rel=1e-6)


def test_other_targets_train_one_more_layer_each_frame(tmp_path: Path) -> None:
    from uat.core.targets import get_target
    from uat.jobs.depth import measure
    from uat.jobs.depthscene import depth_nets, depth_sweep
    from uat.settings import Settings

    t = get_target("sin")
    s = Settings(max_iter=20)
    scene = depth_sweep(t, 4, s, 3)
    assert len(scene) == 3 and scene.meta["strip"] and scene.meta["layers"] == [1, 2, 3]
    nets, method = depth_nets(t, 4, s, 3)  # the same seeds: the same nets
    assert method == "train" and [n.widths for n in nets] == [[4], [4, 4], [4, 4, 4]]
    for frame, net in zip(scene.frames, nets, strict=True):
        # each frame draws its net: numpy's forward pass of the same weights
        a = scene.x[:, None]
        for i, layer in enumerate(net.layers):
            a = a @ layer.weights.T + layer.biases
            a = np.maximum(a, 0.0) if i < len(net.layers) - 1 else a
        np.testing.assert_allclose(frame[0].y, a[:, 0], rtol=1e-12, atol=1e-12)
        assert frame[0].step["sup_error"] == pytest.approx(measure(net, t)[0], rel=1e-12)


def test_a_depth_sweep_too_wide_to_train_is_one_line(cli) -> None:
    code, _, err = cli("animate", "sin", "--sweep", "depth", "--neurons", "60", "-o", "a.gif")
    assert code == 2 and err.count("\n") == 1 and "parameters" in err
