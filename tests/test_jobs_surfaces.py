"""Tests for the 2-D jobs: fits whose saved networks reproduce their numbers, convergence,
animations read back."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from uat.core.targets import TARGETS2D
from uat.errors import UatError
from uat.jobs.choice import sizes_for_neurons
from uat.jobs.commands import fit
from uat.jobs.comparison import compare_surface
from uat.jobs.rates import convergence_surface
from uat.plot.animate import animate
from uat.plot.writers import ffmpeg_exe
from uat.settings import Settings

GAUSS = TARGETS2D["gaussian2d"]


def fit2d(target: Any, size: int, method: str = "construct", **options: Any) -> Any:
    """The public `fit` of a surface: K towers (or ridge directions) per side, or N trained."""
    if method == "train":
        return fit(target, size, method=method, **options)
    return fit(target, method=method, towers=size, **options)


def forward_from_json(d: dict[str, Any], x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """The saved network evaluated from its JSON with plain numpy, layer by layer."""
    acts = {"sigmoid": lambda z: 0.5 * (1 + np.tanh(z / 2)), "identity": lambda z: z}
    a = np.stack([x.ravel(), y.ravel()])
    for layer in d["layers"]:
        a = acts[layer["activation"]](np.array(layer["weights"]) @ a + np.c_[layer["biases"]])
    return a[0].reshape(x.shape)


@pytest.mark.parametrize(
    ("size", "method", "options"),
    [(6, "construct", {}), (5, "nielsen", {}), (12, "train", {"layers": 2, "max_iter": 15})],
)
def test_saved_networks_reproduce_the_errors(
    tmp_path: Path, size: int, method: str, options: dict[str, Any]
) -> None:
    fit = fit2d(GAUSS, size, method, **options)
    d = json.loads(fit.net.save(tmp_path / "net.json").read_text())
    assert d["format"] == "uat-network/2" and d["inputs"] == 2
    (a, b), (c, e) = d["domain"]
    n = fit.errors.grid
    x, y = np.meshgrid(np.linspace(a, b, n), np.linspace(c, e, n))
    err = np.abs(forward_from_json(d, x, y) - np.exp(-(x**2 + y**2)))
    assert np.sqrt(np.mean(err**2)) == pytest.approx(fit.errors.rmse, rel=1e-9)
    assert err.max() == pytest.approx(fit.errors.grid_sup, rel=1e-9)
    # a denser grid never beats the refined sup (up to the refinement's last zoom)
    xd, yd = np.meshgrid(np.linspace(a, b, 601), np.linspace(c, e, 601))
    dense = np.abs(forward_from_json(d, xd, yd) - np.exp(-(xd**2 + yd**2))).max()
    assert dense <= fit.errors.sup * (1 + 1e-3)


def test_tower_fit_record() -> None:
    fit = fit2d(GAUSS, 6)
    record = json.loads(json.dumps(fit.to_dict()))
    assert record["neurons"] == 2 * 6 + 36 and record["widths"] == [12, 36]
    assert record["bound"] is None and record["bound_formula"] is None  # corners break it
    assert record["grid_points"] == record["grid"] ** 2


def test_tower_convergence_in_neurons_is_minus_one_half() -> None:
    # K² towers: error ~ 1/K ~ N^(-1/2): the cost of a second dimension
    study = convergence_surface(GAUSS, {"construct": [6, 8, 12, 16]})
    assert [p.width for p in study.points] == [2 * k + k * k for k in (6, 8, 12, 16)]
    assert study.slopes["construct"] == pytest.approx(-0.5, abs=0.15)
    assert study.to_dict()["slopes"]["construct"] == study.slopes["construct"]


def test_unknown_method() -> None:
    with pytest.raises(UatError, match="unknown method 'magic'; choose one of: construct"):
        fit2d(GAUSS, 4, "magic")


# -- animations ----------------------------------------------------------------------------

SMALL = (320, 200)
needs_ffmpeg = pytest.mark.skipif(ffmpeg_exe() is None, reason="no ffmpeg binary")


def gif_frames(path: Path) -> int:
    from PIL import Image

    with Image.open(path) as im:
        return int(im.n_frames)


@pytest.mark.parametrize("writer", [pytest.param("ffmpeg", marks=needs_ffmpeg), "pillow"])
def test_refine_gif_has_one_frame_per_k_and_errors_that_fall(tmp_path: Path, writer: str) -> None:
    result = animate(
        GAUSS, towers=5, sweep="refine", out=tmp_path / "r.gif", size=SMALL, hold=0, writer=writer
    )
    record = json.loads(json.dumps(result.to_dict()))
    assert gif_frames(tmp_path / "r.gif") == record["frames"] == 5
    assert [f["K"] for f in record["steps"]] == [1, 2, 3, 4, 5]
    assert record["steps"][-1]["sup_error"] < record["steps"][0]["sup_error"]
    assert record["steps"][-1]["rmse"] < record["steps"][0]["rmse"] / 2
    assert record["frame_grid"] == 101 and record["bytes"] == (tmp_path / "r.gif").stat().st_size
    assert record["neurons"] == 2 * 5 + 25 and record["dim"] == 2


@needs_ffmpeg
def test_training_mp4_frames_and_hold(tmp_path: Path) -> None:
    import imageio_ffmpeg

    out = tmp_path / "t.mp4"
    result = animate(
        GAUSS, 6, sweep="training", out=out, frames=8, fps=10, hold=0.5, size=SMALL,
        max_iter=25, dwell=0.1,
    )  # fmt: skip
    frames, seconds = imageio_ffmpeg.count_frames_and_secs(str(out))
    assert result.frames == 8 and frames == 8 + 5  # the hold: round(0.5 s × 10 fps)
    assert seconds == pytest.approx(1.3, abs=0.11)
    steps = [f["iteration"] for f in result.steps]  # the key of a curve's training sweep
    assert steps[0] == 1 and steps == sorted(set(steps))


def test_grow_png_contact_sheet(tmp_path: Path) -> None:
    from PIL import Image

    result = animate(GAUSS, towers=3, sweep="grow", out=tmp_path / "g.png", size=SMALL, dpi=50)
    with Image.open(tmp_path / "g.png") as im:
        assert im.size == (3 * 320, 3 * 200)
    assert [f["towers"] for f in result.steps] == list(range(1, 10))


def test_turn_of_a_trained_net(tmp_path: Path) -> None:
    result = animate(
        GAUSS, 6, method="train", sweep="turn", out=tmp_path / "t.gif", frames=3, size=SMALL,
        writer="pillow", max_iter=10,
    )  # fmt: skip
    from PIL import Image

    assert gif_frames(tmp_path / "t.gif") == 3 and result.method == "train"
    with Image.open(tmp_path / "t.gif") as im:  # a turn loops without a pause: no hold
        im.seek(2)
        assert im.info["duration"] == 50  # 1/20 s, as every frame


def test_a_failing_render_leaves_the_existing_file_intact(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from uat.plot import render as rn

    out = tmp_path / "a.gif"
    out.write_bytes(b"old animation")
    real, drawn = rn.draw_frame, []

    def draw(renderer: Any, frame: Any) -> Any:
        drawn.append(1)
        if len(drawn) == 3:
            raise RuntimeError("disk on fire")
        return real(renderer, frame)

    monkeypatch.setattr(rn, "draw_frame", draw)
    with pytest.raises(RuntimeError, match="disk on fire"):
        animate(GAUSS, towers=4, sweep="refine", out=out, size=SMALL, writer="pillow")
    assert out.read_bytes() == b"old animation"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.gif"]  # no temporary left


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"fps": 7}, "cannot be shown exactly in a GIF"),
        ({"sweep": "spin"}, "unknown 2-D sweep"),
        ({"dwell": 0}, "dwell must be"),
        ({"eps": 0.1}, "--eps is for targets of one input"),
        ({"frames": 10_000}, "frames must be"),
    ],
)
def test_animate2d_checks_before_computing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, kwargs: dict[str, Any], match: str
) -> None:
    import uat.jobs.surface_scenes

    monkeypatch.setattr(
        uat.jobs.surface_scenes, "towers", None
    )  # any computing would fail otherwise
    with pytest.raises(UatError, match=match):
        animate(GAUSS, towers=4, out=tmp_path / "x.gif", **{"sweep": "refine", **kwargs})
    assert list(tmp_path.iterdir()) == []


# -- compare and convergence over every variant --------------------------------------------


def test_sizes_for_neurons_match_the_layouts() -> None:
    sizes = sizes_for_neurons(48)
    k, m = sizes["construct"], sizes["ridges"]
    assert 2 * k + k * k == 48 and m * (m + 1) == 42  # 6×6 towers; 6 directions × 7 steps
    assert sizes_for_neurons(80)["construct"] == 8 and sizes_for_neurons(80)["ridges"] == 8
    with pytest.raises(UatError, match="at least 3 neurons"):
        sizes_for_neurons(2)


def test_compare_at_equal_neurons_trained_beats_towers() -> None:
    result = compare_surface(GAUSS, 24, Settings(max_iter=40))
    record = json.loads(json.dumps(result.to_dict()))
    nets = {e["variant"]: e for e in record["networks"]}
    assert list(nets) == ["construct", "ridges", "train", "train2"]
    assert [nets[v]["neurons"] for v in nets] == [8 + 16, 4 * 5, 24, 24]
    assert nets["train2"]["widths"] == [12, 12] and nets["train"]["widths"] == [24]
    assert nets["train"]["sup_error"] < nets["construct"]["sup_error"] / 10
    assert nets["construct"]["bound"] is None  # sigmoid towers' corners: no bound claimed


def test_compare_refuses_before_building() -> None:
    with pytest.raises(UatError, match="unknown 2-D method 'magic'"):
        compare_surface(GAUSS, 24, variants=("construct", "magic"))
    with pytest.raises(UatError, match="parameters"):  # two layers of 300: too many to train
        compare_surface(GAUSS, 600, variants=("construct", "train2"))


def test_convergence_covers_towers_ridges_and_trained_nets() -> None:
    sizes = {"construct": [3, 4, 6, 8], "ridges": [3, 4, 6], "train": [4, 8], "train2": [4, 8]}
    study = convergence_surface(GAUSS, sizes, Settings(max_iter=30))
    record = study.to_dict()
    assert set(record["slopes"]) == set(sizes)
    assert [p.width for p in study.points if p.method == "train2"] == [8, 16]  # 4+4, 8+8
    assert all(math.isfinite(s) for s in record["slopes"].values())
    assert study.slopes["train"] < study.slopes["construct"] < 0  # training gains faster


@pytest.mark.parametrize("spec", ["x*y", "gaussian2d"])
def test_the_record_says_whether_refinement_found_more(spec: str) -> None:
    from uat.core.targets import get_target

    fit = fit2d(get_target(spec), 6)
    record = fit.to_dict()
    assert record["sup_error_on_grid"] == fit.errors.grid_sup <= record["sup_error"]
    refined = fit.errors.sup > fit.errors.grid_sup  # x*y peaks at a corner, a grid point
    # refined around the grid's peaks, or across the net's own step lines (its breakpoints)
    assert record["sup_found_by"] in (("local maximum", "breakpoint") if refined else ("grid",))
    assert refined == (spec == "gaussian2d")
