"""Animations: scene data, frame pixels, and the files read back (GIF, MP4, contact sheet)."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from uat import animate as an
from uat.construct import bumps
from uat.errors import UatError
from uat.metrics import errors
from uat.plot import format_number, style
from uat.sweep import Settings
from uat.targets import get_target

SIZE = (320, 200)  # small frames keep the file fast; the layout code is the same
FFMPEG = an.ffmpeg_exe()
needs_ffmpeg = pytest.mark.skipif(FFMPEG is None, reason="no ffmpeg binary")


@pytest.fixture(scope="module")
def sin():
    return get_target("sin")


@pytest.fixture(scope="module")
def scene(sin) -> an.Scene:
    """Hand-built sin, widths 2, 4, …, 12: six frames."""
    return an.width_sweep(sin, an.default_widths(12, "construct"))


@pytest.fixture(scope="module")
def lm_run(sin) -> an.Scene:
    return an.training_run(sin, 8, Settings(method="train", optimizer="lm"), frames=12)


def gif_info(path: Path) -> tuple[int, int, list[int], tuple[int, int]]:
    """(frames, loop, per-frame durations in ms, size) of a GIF, as Pillow reads it."""
    with Image.open(path) as im:
        durations = []
        for i in range(im.n_frames):
            im.seek(i)
            durations.append(im.info["duration"])
        return im.n_frames, im.info.get("loop"), durations, im.size


def probe(path: Path) -> tuple[str, int]:
    """ffmpeg's description of the video stream, and the number of frames it decodes."""
    assert FFMPEG is not None
    cmd = [FFMPEG, "-hide_banner", "-nostdin", "-i", str(path), "-map", "0:v:0"]
    run = subprocess.run([*cmd, "-f", "null", "-"], capture_output=True, text=True, check=True)
    stream = next(ln for ln in run.stderr.splitlines() if "Video:" in ln)
    frames = int(re.findall(r"frame=\s*(\d+)", run.stderr)[-1])
    return stream, frames


# -- widths and scenes -----------------------------------------------------------------


def test_default_widths_hand_built_add_one_bump_per_frame():
    assert an.default_widths(50, "construct") == list(range(2, 51, 2))
    thin = an.default_widths(50, "construct", frames=6)
    assert thin == [2, 12, 22, 30, 40, 50]
    assert an.default_widths(50, "construct", frames=1) == [50]
    assert an.default_widths(6, "construct", frames=60) == [2, 4, 6]
    wide = an.default_widths(400, "construct")  # beyond 60 frames: thinned evenly
    assert len(wide) == 60 and (wide[0], wide[-1]) == (2, 400)
    assert all(w % 2 == 0 for w in wide)


def test_default_widths_trained_spread_from_one_to_n():
    w = an.default_widths(50, "train")
    assert len(w) == 30 and w[0] == 1 and w[-1] == 50
    assert all(b > a for a, b in zip(w, w[1:], strict=False))
    assert an.default_widths(5, "train") == [1, 2, 3, 4, 5]


@pytest.mark.parametrize(
    ("n", "method", "frames", "match"),
    [
        (7, "construct", None, "odd"),
        (10, "construct", 0, "frames"),
        (10, "magic", None, "method"),
        (2002, "construct", None, "too many to animate"),
    ],
)
def test_default_widths_refuse_bad_input(n, method, frames, match):
    with pytest.raises(UatError, match=match):
        an.default_widths(n, method, frames)


def test_width_sweep_frames_match_independent_networks(scene, sin):
    assert len(scene) == 6 and scene.panels == 1
    for k, frame in enumerate(scene.frames, start=1):
        (p,) = frame
        net = bumps(sin, 2 * k)  # the same construction, built again here
        assert p.parts.shape == (k, scene.x.size)
        np.testing.assert_allclose(p.y, net(scene.x), atol=1e-12)
        np.testing.assert_allclose(p.parts.sum(axis=0), p.y, atol=1e-5)  # float32 parts
        sup = errors(net, sin).sup
        assert p.text == f"N = {2 * k} ({k} bump{'s' * (k > 1)}) · sup error {format_number(sup)}"
    assert scene.frames[-1][0].text.startswith("N = 12 (6 bumps)")


def test_many_bumps_are_drawn_as_their_sum_only(sin, tmp_path):
    sc = an.width_sweep(sin, [2 * an.MAX_PARTS, 2 * an.MAX_PARTS + 2])
    small, big = (f[0] for f in sc.frames)
    assert small.parts.shape == (an.MAX_PARTS, sc.x.size)
    assert big.parts.shape == (0, sc.x.size)
    np.testing.assert_allclose(big.y, bumps(sin, 2 * an.MAX_PARTS + 2)(sc.x), atol=1e-12)
    out = an.render(sc, tmp_path / "m.gif", size=SIZE, hold=0, writer="pillow")
    assert gif_info(out)[0] == 2


def test_scene_y_limits_contain_every_frame(scene, lm_run):
    for sc in (scene, lm_run):
        lo, hi = sc.ylims[0]
        curves = [sc.target] + [f[0].y for f in sc.frames]
        assert lo < min(c.min() for c in curves) and hi > max(c.max() for c in curves)
    lo, hi = scene.ylims[0]  # hand-built bumps are framed whole, zero included
    assert lo < min(f[0].parts.min() for f in scene.frames) <= 0 <= hi


def test_training_run_frames_at_increasing_iterations(lm_run):
    its = [f[0].loss.iteration for f in lm_run.frames]
    assert its == lm_run.meta["iterations"]
    assert its[0] == 0 and all(b > a for a, b in zip(its, its[1:], strict=False))
    assert 2 <= len(its) <= 12
    loss = lm_run.frames[0][0].loss
    assert loss.iterations[-1] == its[-1]  # the history runs to the last frame
    for f in lm_run.frames:  # the marker sits on the curve
        i = int(np.searchsorted(loss.iterations, f[0].loss.iteration))
        assert f[0].loss.value == pytest.approx(loss.values[i], rel=1e-12)
        assert f[0].parts.shape == (8, lm_run.x.size)
    first, last = lm_run.frames[0][0].loss.value, lm_run.frames[-1][0].loss.value
    assert last < first  # training lowers the loss


def test_training_run_with_adam(sin):
    sc = an.training_run(sin, 6, Settings(optimizer="adam", max_iter=200), frames=20)
    its = sc.meta["iterations"]
    assert its[0] == 0 and its[-1] == 200 and len(its) == 20
    steps = np.diff(np.log1p(its)) / (np.log1p(200) / 19)  # 1 = evenly log-spaced
    assert np.all((steps[4:] > 0.6) & (steps[4:] < 1.2))  # (integers crowd the first few)
    assert "Adam" in sc.title


def test_compare_sweep_two_panels_one_scale(sin):
    sc = an.compare_sweep(sin, [2, 6], Settings(), Settings(method="train"))
    assert sc.panels == 2 and len(sc) == 2
    assert sc.ylims[0] == sc.ylims[1]
    left, right = sc.frames[1]
    assert left.text.startswith("hand-built: N = 6 (3 bumps)")
    assert right.text.startswith("trained: N = 6 ·")
    assert left.parts.shape[0] == 3 and right.parts.shape[0] == 6
    assert left.color != right.color


# -- frames ------------------------------------------------------------------------------


def test_blitted_frame_equals_a_fresh_draw(scene):
    """Restoring the background leaves nothing stale: frame 4 after 0–3 = frame 4 alone."""
    with style():
        r = an._Renderer(scene, SIZE, 100)
        for f in scene.frames[:4]:
            r.draw(f)
        after = r.draw(scene.frames[4]).copy()
        fresh = an._Renderer(scene, SIZE, 100).draw(scene.frames[4]).copy()
        first = r.draw(scene.frames[0]).copy()
    assert after.shape == (SIZE[1], SIZE[0], 4)
    np.testing.assert_array_equal(after, fresh)
    assert np.count_nonzero(np.any(after != first, axis=-1)) > 500  # and frames do differ


# -- GIF ---------------------------------------------------------------------------------


@needs_ffmpeg
@pytest.mark.parametrize(("fps", "delay"), [(20, 50), (25, 40)])
def test_ffmpeg_gif_loops_with_exact_delays_and_hold(scene, tmp_path, fps, delay):
    out = an.render(scene, tmp_path / "a.gif", fps=fps, size=SIZE, hold=0.4, writer="ffmpeg")
    n, loop, durations, size = gif_info(out)
    extra = round(0.4 * fps)  # the last frame, repeated
    assert (n, loop, size) == (6 + extra, 0, SIZE)
    assert durations == [delay] * n
    with Image.open(out) as im:  # the hold really repeats the last frame
        im.seek(5)
        last = np.asarray(im.convert("RGB"))
        im.seek(n - 1)
        np.testing.assert_array_equal(np.asarray(im.convert("RGB")), last)


def test_pillow_gif_fallback_loops_with_longer_last_frame(scene, tmp_path):
    out = an.render(scene, tmp_path / "p.gif", fps=20, size=SIZE, hold=0.5, writer="pillow")
    n, loop, durations, size = gif_info(out)
    assert (n, loop, size) == (6, 0, SIZE)
    assert durations == [50] * 5 + [50 * (1 + 10)]


def test_auto_writer_falls_back_to_pillow_without_ffmpeg(scene, tmp_path, monkeypatch):
    monkeypatch.setattr(an, "ffmpeg_exe", lambda: None)
    n, loop, durations, _ = gif_info(an.render(scene, tmp_path / "a.gif", size=SIZE, hold=0))
    assert (n, loop, durations) == (6, 0, [50] * 6)
    with pytest.raises(UatError, match="no ffmpeg"):
        an.render(scene, tmp_path / "a.mp4", size=SIZE)
    with pytest.raises(UatError, match="no ffmpeg"):
        an.render(scene, tmp_path / "b.gif", size=SIZE, writer="ffmpeg")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.gif"]


def test_gif_refuses_frame_rates_it_cannot_time(scene, tmp_path):
    with pytest.raises(UatError, match="10, 20, 25, 50"):
        an.render(scene, tmp_path / "a.gif", fps=24, size=SIZE)
    assert not any(tmp_path.iterdir())


# -- MP4 ---------------------------------------------------------------------------------


@needs_ffmpeg
def test_mp4_is_h264_yuv420p_at_the_exact_size(scene, tmp_path):
    out = an.render(scene, tmp_path / "a.mp4", fps=10, size=(322, 200), hold=0.5)
    stream, frames = probe(out)
    assert "h264" in stream and "yuv420p" in stream
    assert re.search(r"\b322x200\b", stream)
    assert frames == 6 + 5


@pytest.mark.parametrize("size", [(321, 200), (320, 201)])
def test_mp4_refuses_odd_sizes(scene, tmp_path, size):
    with pytest.raises(UatError, match="even"):
        an.render(scene, tmp_path / "a.mp4", size=size)
    assert not any(tmp_path.iterdir())


# -- contact sheet -----------------------------------------------------------------------


def test_contact_sheet_tiles_chosen_frames(scene, lm_run, tmp_path):
    with Image.open(an.render(scene, tmp_path / "s.png", size=SIZE)) as im:
        assert im.size == (3 * SIZE[0], 2 * SIZE[1])  # 6 frames: 2 rows of 3
    with Image.open(an.render(lm_run, tmp_path / "t.png", size=SIZE)) as im:
        assert im.size == (3 * SIZE[0], 3 * SIZE[1])  # more than 9 frames: 3 × 3
    assert an.sheet_frames(60) == [0, 7, 15, 22, 30, 37, 44, 52, 59]
    assert an.sheet_frames(60, panels=2) == [0, 12, 24, 35, 47, 59]
    assert an.sheet_shape(6) == (2, 3) and an.sheet_shape(4) == (2, 2)


# -- atomic writes -----------------------------------------------------------------------


def _fail_after(monkeypatch, n: int, exc: BaseException) -> None:
    real = an._draw_frame
    calls = {"n": 0}

    def draw(renderer, frame):
        calls["n"] += 1
        if calls["n"] > n:
            raise exc
        return real(renderer, frame)

    monkeypatch.setattr(an, "_draw_frame", draw)


@pytest.mark.parametrize(
    ("name", "writer", "exc"),
    [
        pytest.param("a.gif", "ffmpeg", RuntimeError("boom"), marks=needs_ffmpeg),
        pytest.param("a.gif", "ffmpeg", KeyboardInterrupt(), marks=needs_ffmpeg),
        pytest.param("a.mp4", "auto", RuntimeError("boom"), marks=needs_ffmpeg),
        ("a.gif", "pillow", KeyboardInterrupt()),
    ],
)
def test_failure_mid_render_leaves_existing_file_untouched(
    scene, tmp_path, monkeypatch, name, writer, exc
):
    out = tmp_path / name
    out.write_bytes(b"the previous animation")
    procs: list[subprocess.Popen] = []
    real_popen = subprocess.Popen

    def spy(*args, **kwargs):
        procs.append(real_popen(*args, **kwargs))
        return procs[-1]

    monkeypatch.setattr(an.subprocess, "Popen", spy)
    _fail_after(monkeypatch, 3, exc)
    with pytest.raises(type(exc)):
        an.render(scene, out, size=SIZE, writer=writer)
    assert out.read_bytes() == b"the previous animation"
    assert [p.name for p in tmp_path.iterdir()] == [name]  # no temporary file left
    assert all(p.returncode is not None for p in procs)  # ffmpeg killed and reaped
    assert len(procs) == (0 if writer == "pillow" else 1)


# -- the one call --------------------------------------------------------------------------


@needs_ffmpeg
def test_animate_writes_the_gif_and_reports_it(tmp_path):
    done: list[tuple[str, int, int]] = []
    res = an.animate(
        "sin",
        8,
        out=tmp_path / "sin.gif",
        size=SIZE,
        hold=0.5,
        progress=lambda *a: done.append(a),
    )
    assert res.frames == 4 and res.path == tmp_path / "sin.gif"
    assert res.bytes == res.path.stat().st_size > 0
    assert gif_info(res.path)[0] == 4 + 10
    assert done[-1] == ("render", 4, 4) and ("compute", 4, 4) in done


def test_animate_training_contact_sheet(tmp_path):
    res = an.animate(
        "gaussian",
        6,
        Settings(optimizer="adam", max_iter=60),
        sweep="training",
        frames=5,
        out=tmp_path / "g.png",
        size=SIZE,
    )
    assert res.frames == 5
    with Image.open(res.path) as im:
        assert im.size == (3 * SIZE[0], 2 * SIZE[1])


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"sweep": "depth"}, "unknown sweep"),
        ({"fps": 0}, "fps"),
        ({"fps": -5, "out": "a.mp4"}, "fps"),
        ({"frames": 0}, "frames"),
        ({"size": (100, 50)}, "at least"),
        ({"out": "a.avi"}, "extension"),
        ({"hold": -1}, "hold"),
        ({"writer": "imagemagick"}, "writer"),
        ({"n": 7}, "odd"),
        ({"n": 7, "sweep": "compare"}, "odd"),
    ],
)
def test_animate_validates_before_computing(tmp_path, monkeypatch, kwargs, match):
    monkeypatch.chdir(tmp_path)
    args = {"out": "a.gif", "n": 8} | kwargs
    with pytest.raises(UatError, match=match):
        an.animate("sin", **args)
    assert not any(tmp_path.iterdir())


def test_steepness_sweep_sharpens_the_steps() -> None:
    from uat.animate import steepness_sweep
    from uat.targets import get_target

    t = get_target("sin")
    scene = steepness_sweep(t, 20, frames=6)
    ws = scene.meta["steepness"]
    delta = 2 * np.pi / 10
    assert len(scene.frames) == 6
    assert ws[0] * delta == pytest.approx(1.0) and ws[-1] * delta == pytest.approx(60.0)
    assert all(b > a for a, b in zip(ws, ws[1:], strict=False))
    # soft steps blur the bumps: the first frame's largest bump is far below the steep one's
    assert scene.frames[0][0].parts.max() < 0.5 * scene.frames[-1][0].parts.max()
    lo, hi = scene.ylims[0]
    for (p,) in scene.frames:
        assert lo <= p.y.min() and p.y.max() <= hi
