"""The one call: a scene rendered to a file (GIF, MP4, contact sheet), atomically, and animate()."""

from __future__ import annotations

import subprocess
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from uat.core.targets import get_target
from uat.errors import UatError
from uat.plot import animate as an
from uat.plot import render as rn
from uat.plot import writers as wr
from uat.settings import Settings

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


def test_render_writes_a_gif_with_pillow_when_there_is_no_ffmpeg(scene, tmp_path, monkeypatch):
    monkeypatch.setattr(wr, "ffmpeg_exe", lambda: None)
    out = an.render(scene, tmp_path / "a.gif", size=SIZE, hold=0, dwell=0.05)
    n, loop, durations, size = gif_info(out)
    assert (n, loop, durations, size) == (6, 0, [50] * 6, SIZE)
    with pytest.raises(UatError, match="no ffmpeg"):
        an.render(scene, tmp_path / "a.mp4", size=SIZE)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.gif"]


@needs_ffmpeg
def test_render_gif_through_ffmpeg_adds_the_hold(scene, tmp_path):
    out = an.render(
        scene, tmp_path / "a.gif", fps=25, size=SIZE, hold=0.4, writer="ffmpeg", dwell=0.04
    )
    assert gif_info(out)[:3] == (6, 0, [40] * 5 + [440])  # the hold: a longer last delay


@needs_ffmpeg
@pytest.mark.parametrize(("fps", "dwell", "hold"), [(25, 0.52, 1.0), (20, 1.5, 1.0), (4, 0.5, 0.3)])
def test_a_gif_stores_each_frame_once_whatever_the_dwell_and_hold(
    scene, tmp_path, fps, dwell, hold
):
    # at 25 fps a 0.52 s dwell and a 1 s hold shared no divisor: each width was 13 frames
    out = an.render(scene, tmp_path / "a.gif", fps=fps, size=SIZE, hold=hold, dwell=dwell)
    n, _, durations, _ = gif_info(out)
    step = 1000 * round(dwell * fps) / fps
    assert n == len(scene) and durations == pytest.approx([step] * 5 + [step + 1000 * hold])


@pytest.mark.parametrize("writer", ["pillow", pytest.param("ffmpeg", marks=needs_ffmpeg)])
@pytest.mark.parametrize(("fps", "dwell", "hold"), [(5, 0.6, 1.0), (2, 0.5, 0.5), (20, 0.4, 0)])
def test_every_frame_stays_dwell_seconds_and_the_last_the_hold_more(
    scene, tmp_path, writer, fps, dwell, hold
):
    out = an.render(
        scene, tmp_path / "a.gif", fps=fps, size=SIZE, hold=hold, dwell=dwell, writer=writer
    )
    durations = gif_info(out)[2]
    # the time each distinct picture is shown: GIF delays are whole hundredths
    shown = _shown(out, durations)
    step = 1000 * max(1, round(dwell * fps)) / fps
    assert shown == pytest.approx([step] * 5 + [step + 1000 * hold], abs=1e-9)


def _shown(path, durations):
    """Milliseconds each run of identical frames is on screen."""
    runs: list[float] = []
    last = None
    with Image.open(path) as im:
        for i, d in enumerate(durations):
            im.seek(i)
            px = np.asarray(im.convert("RGB"))
            if last is not None and np.array_equal(px, last):
                runs[-1] += d
            else:
                runs.append(d)
            last = px
    return runs


def test_the_default_dwell_lets_a_teacher_talk_over_each_width(tmp_path, monkeypatch):
    monkeypatch.setattr(wr, "ffmpeg_exe", lambda: None)
    res = an.animate("sin", 50, out=tmp_path / "a.gif", size=SIZE, hold=0)
    shown = _shown(res.path, gif_info(res.path)[2])
    assert len(shown) == res.frames == 25  # one frame per bump count 1 … 25
    assert min(shown) >= 400 and 8000 <= sum(shown) <= 20000


def test_render_refuses_what_it_cannot_write_before_drawing(scene, tmp_path):
    with pytest.raises(UatError, match="10, 20, 25, 50"):
        an.render(scene, tmp_path / "a.gif", fps=24, size=SIZE)
    with pytest.raises(UatError, match="even"):
        an.render(scene, tmp_path / "a.mp4", size=(321, 200))
    assert not any(tmp_path.iterdir())


def test_render_contact_sheet_tiles_chosen_frames(scene, lm_run, tmp_path):
    with Image.open(an.render(scene, tmp_path / "s.png", size=SIZE)) as im:
        assert im.size == (3 * SIZE[0], 2 * SIZE[1])  # 6 frames: 2 rows of 3
    with Image.open(an.render(lm_run, tmp_path / "t.png", size=SIZE)) as im:
        assert im.size == (3 * SIZE[0], 3 * SIZE[1])  # more than 9 frames: 3 × 3


# -- atomic writes -----------------------------------------------------------------------


def _fail_after(monkeypatch, n: int, exc: BaseException) -> None:
    real = rn.draw_frame
    calls = {"n": 0}

    def draw(renderer, frame):
        calls["n"] += 1
        if calls["n"] > n:
            raise exc
        return real(renderer, frame)

    monkeypatch.setattr(rn, "draw_frame", draw)


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

    monkeypatch.setattr(wr.subprocess, "Popen", spy)
    _fail_after(monkeypatch, 3, exc)
    with pytest.raises(type(exc)):
        an.render(scene, out, size=SIZE, writer=writer)
    assert out.read_bytes() == b"the previous animation"
    assert [p.name for p in tmp_path.iterdir()] == [name]  # no temporary file left
    assert all(p.returncode is not None for p in procs)  # ffmpeg killed and reaped
    # a GIF by ffmpeg: its palette from three sample frames, then the encoder
    assert len(procs) == (0 if writer == "pillow" else 2 if name.endswith(".gif") else 1)


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
    frames, _, durations, _ = gif_info(res.path)
    assert _shown(res.path, durations) == [1500] * 3 + [1500 + 500]  # 4 frames: 1.5 s each
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
        ({"sweep": "sideways"}, "unknown sweep"),
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


def test_animate_compare_under_shifts_matches_total_widths(tmp_path):
    """Bug 3, end to end: hand-built N = 10 per copy × 2 against trained N = 20."""
    res = an.animate(
        "sin",
        10,
        Settings(shifts=2),
        sweep="compare",
        frames=2,
        out=tmp_path / "c.gif",
        writer="pillow",
    )
    left, right = res.last.split(" | ")
    assert left.startswith("hand-built: N = 20 (2 copies × 5 bumps)")
    assert right.startswith("trained: N = 20 ·")


def test_animate_compare_takes_its_runs(tmp_path):
    runs = [(Settings(), 4), (Settings(method="train"), 3), (Settings(activation="tanh"), 4)]
    res = an.animate(
        "sin", 99, sweep="compare", runs=runs, frames=2, out=tmp_path / "c.gif", writer="pillow"
    )
    texts = res.last.split(" | ")
    assert [t.split(" · ")[0] for t in texts] == [
        "hand-built: N = 4 (2 bumps)",
        "trained: N = 3",
        "hand-built: N = 4 (2 bumps)",
    ]


@needs_ffmpeg
def test_a_rendered_gif_reads_back_as_drawn(scene, tmp_path):
    # the palette comes from three sample frames: every frame must still match its drawing
    out = an.render(scene, tmp_path / "a.gif", size=SIZE, hold=0, dwell=0.05)
    with rn.open_renderer(scene, SIZE, 100) as r:
        drawn = [g[..., :3].astype(int) for g in rn.frames(r)]
    with Image.open(out) as im:
        assert im.n_frames == len(drawn)
        for i, want in enumerate(drawn):
            im.seek(i)
            diff = np.abs(np.asarray(im.convert("RGB"), dtype=int) - want)
            # measured: mean ≤ 0.04, max ≤ 32 of 255 (a palette of the first frame alone: 0.16, 48)
            assert diff.mean() < 0.08 and diff.max() <= 36, (i, diff.mean(), diff.max())


def test_a_diagram_in_a_contact_sheet_is_refused_not_dropped(sin, tmp_path):
    with pytest.raises(UatError, match="contact sheet") as info:
        an.animate(sin, 12, out=tmp_path / "g.png", grow=True, diagram=True)
    assert info.value.param == "diagram" and not any(tmp_path.iterdir())


# -- one pacing rule for curves and surfaces -----------------------------------------------


@pytest.mark.parametrize(
    ("target", "width", "sweep"),
    [("sin", {"n": 6}, "width"), ("gaussian2d", {"towers": 2}, "grow")],  # 3 frames each
)
@pytest.mark.parametrize(
    ("fmt", "fps", "dwell", "hold"),
    [
        ("gif", 10, 0.3, 0.5),
        ("gif", 5, 1.0, 0.0),
        pytest.param("mp4", 10, 0.3, 0.5, marks=needs_ffmpeg),
    ],
)
def test_dwell_fps_and_hold_pace_curves_and_surfaces_alike(
    tmp_path, target, width, sweep, fmt, fps, dwell, hold
):
    out = tmp_path / f"a.{fmt}"
    res = an.animate(
        target, **width, sweep=sweep, frames=3, out=out, fps=fps, dwell=dwell, hold=hold, size=SIZE
    )
    repeats = round(dwell * fps)  # file frames per scene frame at the file's clock
    if fmt == "gif":  # each distinct frame stored once, its dwell the delay, the hold in the last
        count, loop, durations, size = gif_info(out)
        assert (count, loop, size) == (3, 0, SIZE)
        assert durations == [1000 * dwell] * 2 + [1000 * (dwell + hold)]
    else:
        import imageio_ffmpeg

        count, seconds = imageio_ffmpeg.count_frames_and_secs(str(out))
        assert count == 3 * repeats + round(hold * fps)
        assert seconds == pytest.approx(3 * dwell + hold, abs=1.01 / fps)
    rec = res.to_dict()
    assert (
        rec["frames"] == 3
        and rec["file_frames"] == count
        and rec["dim"] == (2 if "towers" in width else 1)
    )
    assert rec["dwell"] == pytest.approx(dwell) and rec["hold"] == pytest.approx(hold)
    assert len(rec["steps"]) == 3 and all(s["sup_error"] >= s["rmse"] > 0 for s in rec["steps"])


def test_a_record_has_the_same_keys_in_both_dimensions(tmp_path):
    kw = {"size": SIZE, "writer": "pillow"}
    one = an.animate("sin", 4, out=tmp_path / "a.gif", **kw).to_dict()
    two = an.animate("gaussian2d", towers=2, frames=2, out=tmp_path / "b.gif", **kw).to_dict()
    assert list(one) == list(two)
    assert (one["frame_grid"], two["frame_grid"], one["dim"], two["dim"]) == (None, 101, 1, 2)
    assert two["neurons"] == 2 * 2 + 4 and one["neurons"] == 4  # K = 2: 2K steps + K² towers


def test_a_turn_is_one_motion_without_a_pause(tmp_path, monkeypatch):
    monkeypatch.setattr(wr, "ffmpeg_exe", lambda: None)
    res = an.animate(
        "gaussian2d", towers=2, sweep="turn", frames=4, out=tmp_path / "t.gif", size=SIZE, fps=25
    )
    assert gif_info(res.path)[2] == [40] * 4  # 1/fps each, no hold: a seamless loop
    assert res.dwell == pytest.approx(0.04) and res.hold == 0


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [({"grow": True}, "--grow is for targets of one input"), ({"init": "random"}, "--init"),
     ({"sweep": "compare"}, "unknown 2-D sweep"), ({"dwell": 61}, "dwell must be")],
)  # fmt: skip
def test_a_surface_refuses_curve_options_before_computing(tmp_path, kwargs, match):
    with pytest.raises(UatError, match=match):
        an.animate("gaussian2d", towers=2, out=tmp_path / "a.gif", **kwargs)
    with pytest.raises(UatError, match="layers is for targets of two inputs"):
        an.animate("sin", 4, out=tmp_path / "a.gif", layers=2)
    assert not any(tmp_path.iterdir())


# -- a budget for every output, in real processes ------------------------------------------

PEAK = """import resource, subprocess, sys, time
t = time.perf_counter()
p = subprocess.run([sys.executable, "-m", "uat", *sys.argv[1:]], capture_output=True, text=True)
peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss  # kB, the largest descendant
print(p.returncode, peak, time.perf_counter() - t, repr(p.stderr))
"""


def uat_measured(args: list[str], cwd: Path, env: dict[str, str] | None = None):
    """(exit code, peak kB of uat and its ffmpeg, seconds, stderr) of `uat ARGS` in `cwd`."""
    import ast
    import os
    import sys

    run_env = {**os.environ, "MPLBACKEND": "Agg", **(env or {})}
    run_env.pop("UAT_DEBUG", None)
    proc = subprocess.run(
        [sys.executable, "-c", PEAK, *args], cwd=cwd, env=run_env, capture_output=True,
        text=True, timeout=120,
    )  # fmt: skip
    code, peak, seconds, stderr = proc.stdout.split(" ", 3)
    return int(code), int(peak), float(seconds), ast.literal_eval(stderr)


def one_line(stderr: str) -> str:
    lines = [ln for ln in stderr.splitlines() if ln.strip()]
    assert len(lines) == 1 and "Traceback" not in stderr, stderr
    return lines[0]


@pytest.mark.parametrize(
    ("args", "words"),
    [
        # 13.4 GB and 117 s before: libx264 holds ~48 frames of 8000×8000
        (["--frames", "2", "--size", "8000x8000", "--hold", "0", "-o", "big.mp4"],
         ("--size", "an MP4", "UAT_MAX_FRAME_PIXELS")),
        # 18,000 frames encoded before: 2 × 60 s × 100 fps + 60 s × 100 fps
        (["--frames", "2", "--dwell", "60", "--fps", "100", "--hold", "60", "-o", "d.mp4"],
         ("--dwell", "18,000 frames", "UAT_MAX_VIDEO_PIXELS")),
        (["--frames", "2", "--size", "8000x8000", "-o", "big.gif"], ("--size", "GIF")),
    ],
)  # fmt: skip
def test_an_output_over_its_budget_is_refused_before_any_work(tmp_path, args, words):
    code, peak, seconds, err = uat_measured(["animate", "sin", "-n", "4", *args], tmp_path)
    line = one_line(err)
    assert code == 2 and all(w in line for w in words), line
    assert peak < 400_000 and seconds < 30  # kB: refused at the start, nothing drawn
    assert list(tmp_path.iterdir()) == []


def test_a_gallery_entry_over_the_budget_is_refused_before_the_build(tmp_path):
    spec = tmp_path / "gallery.toml"
    spec.write_text(
        '[[entry]]\nname = "big"\nkind = "width"\ntarget = "sin"\nneurons = 4\n'
        'size = "8000x8000"\nformat = "mp4"\ncaption = "c"\n'
    )
    code, peak, seconds, err = uat_measured(["gallery", "--spec", str(spec)], tmp_path)
    assert code == 2 and "'big'" in one_line(err) and "8000x8000" in err
    assert peak < 400_000 and seconds < 30
    assert sorted(p.name for p in tmp_path.iterdir()) == ["gallery.toml"]


def test_the_largest_mp4_within_the_budget_finishes_under_2_gb(tmp_path):
    from uat.settings import LIMITS

    # the largest square MP4 the default budget allows, rounded down to even sides
    side = int((LIMITS["frame_pixels"].high / (wr.RENDER_HELD + wr.MP4_HELD)) ** 0.5) // 2 * 2
    args = ["animate", "sin", "-n", "4", "--hold", "0", "--dwell", "0.1", "--fps", "10"]
    code, peak, seconds, err = uat_measured(
        [*args, "--size", f"{side}x{side}", "-o", "m.mp4"], tmp_path
    )
    assert code == 0, err
    assert peak < 1_500_000 and seconds < 60, (peak, seconds)  # kB, the largest process
    import imageio_ffmpeg

    assert imageio_ffmpeg.count_frames_and_secs(str(tmp_path / "m.mp4"))[0] == 2


def test_an_ffmpeg_that_never_reads_is_stopped_after_the_wait_limit(tmp_path):
    import os

    fake = tmp_path / "ffmpeg"
    fake.write_text(f"#!/bin/sh\necho $$ > {tmp_path / 'pid'}\nexec sleep 600\n")
    fake.chmod(0o755)
    env = {"IMAGEIO_FFMPEG_EXE": str(fake), "UAT_MAX_CHILD_SECONDS": "2"}
    code, _, seconds, err = uat_measured(
        ["animate", "sin", "-n", "4", "--size", "800x500", "-o", "a.mp4"], tmp_path, env
    )
    line = one_line(err)
    assert code == 2 and "ffmpeg read nothing for 2 s" in line and "UAT_MAX_CHILD_SECONDS" in line
    assert seconds < 30
    assert sorted(p.name for p in tmp_path.iterdir()) == ["ffmpeg", "pid"]  # no temporary
    with pytest.raises(ProcessLookupError):  # the stalled ffmpeg was killed and reaped
        os.kill(int((tmp_path / "pid").read_text()), 0)
