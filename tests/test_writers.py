"""Writers: RGBA frames to GIF (ffmpeg, Pillow), MP4 and PNG, read back; options checked first."""

from __future__ import annotations

import re
import subprocess
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from uat.errors import UatError
from uat.plot import writers as wr

SIZE = (160, 100)
FFMPEG = wr.ffmpeg_exe()
needs_ffmpeg = pytest.mark.skipif(FFMPEG is None, reason="no ffmpeg binary")


def frames(count: int, size: tuple[int, int] = SIZE) -> Iterator[np.ndarray]:
    """Distinct RGBA frames: a white canvas with a dark bar that moves right frame by frame."""
    w, h = size
    for i in range(count):
        f = np.full((h, w, 4), 255, dtype=np.uint8)
        x0 = (i * 12) % (w - 10)
        f[20:80, x0 : x0 + 10, :3] = (0, 114, 178)
        yield f


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
    count = int(re.findall(r"frame=\s*(\d+)", run.stderr)[-1])
    return stream, count


def write(out: Path, count: int, writer: str, fps: float = 20, hold: float = 0.0) -> Path:
    how = wr.check_output(out, fps, SIZE, 100, hold, writer)
    wr.write_frames(
        frames(count), out, suffix=out.suffix, writer=how, size=SIZE, fps=fps, hold=hold
    )
    return out


@needs_ffmpeg
@pytest.mark.parametrize(("fps", "delay"), [(20, 50), (25, 40)])
def test_ffmpeg_gif_loops_with_exact_delays_and_hold(tmp_path, fps, delay):
    out = write(tmp_path / "a.gif", 6, "ffmpeg", fps=fps, hold=0.4)
    n, loop, durations, size = gif_info(out)
    assert (n, loop, size) == (6, 0, SIZE)  # each frame once: the hold is the last delay
    assert durations == [delay] * 5 + [delay + 400]
    last = list(frames(6))[-1][..., :3]
    with Image.open(out) as im:
        im.seek(5)
        np.testing.assert_array_equal(np.asarray(im.convert("RGB")), last)


def test_pillow_gif_loops_with_a_longer_last_frame(tmp_path):
    out = write(tmp_path / "p.gif", 6, "pillow", fps=20, hold=0.5)
    n, loop, durations, size = gif_info(out)
    assert (n, loop, size) == (6, 0, SIZE)
    assert durations == [50] * 5 + [50 * (1 + 10)]
    with Image.open(out) as im:  # one shared palette, no dithering: the bar keeps its colour
        im.seek(3)
        rgb = np.asarray(im.convert("RGB"))
    np.testing.assert_array_equal(rgb, list(frames(6))[3][..., :3])


@needs_ffmpeg
def test_mp4_is_h264_yuv420p_at_the_exact_size(tmp_path):
    out = tmp_path / "a.mp4"
    how = wr.check_output(out, 10, (162, 100), 100, 0.5, "auto")
    wr.write_frames(
        frames(6, (162, 100)), out, suffix=".mp4", writer=how, size=(162, 100), fps=10, hold=0.5
    )
    stream, count = probe(out)
    assert "h264" in stream and "yuv420p" in stream
    assert re.search(r"\b162x100\b", stream)
    assert count == 6 + 5


def test_png_writes_the_pixels(tmp_path):
    rgb = next(frames(1))[..., :3]
    wr.write_png(rgb, tmp_path / "s.png")
    with Image.open(tmp_path / "s.png") as im:
        np.testing.assert_array_equal(np.asarray(im.convert("RGB")), rgb)


def test_auto_writer_falls_back_to_pillow_without_ffmpeg(tmp_path, monkeypatch):
    monkeypatch.setattr(wr, "ffmpeg_exe", lambda: None)
    assert wr.check_output(tmp_path / "a.gif", 20, SIZE, 100, 0, "auto") == "pillow"
    with pytest.raises(UatError, match="no ffmpeg"):
        wr.check_output(tmp_path / "a.mp4", 20, SIZE, 100, 0, "auto")
    with pytest.raises(UatError, match="no ffmpeg"):
        wr.check_output(tmp_path / "b.gif", 20, SIZE, 100, 0, "ffmpeg")
    assert wr.check_output(tmp_path / "c.png", 20, SIZE, 100, 0, "auto") == "pillow"


@pytest.mark.parametrize(
    ("name", "fps", "size", "hold", "dpi", "writer", "match"),
    [
        ("a.gif", 24, SIZE, 0, 100, "auto", "10, 20, 25, 50"),
        ("a.gif", 100, SIZE, 0, 100, "auto", "plays at 100 ms in browsers"),
        ("a.gif", float("inf"), SIZE, 0, 100, "auto", "finite number, got inf"),
        ("a.mp4", 20, (161, 100), 0, 100, "auto", "even"),
        ("a.mp4", 20, (160, 101), 0, 100, "auto", "even"),
        ("a.avi", 20, SIZE, 0, 100, "auto", "extension"),
        ("a.gif", 0, SIZE, 0, 100, "auto", "fps"),
        ("a.gif", float("nan"), SIZE, 0, 100, "auto", "fps"),
        ("a.gif", 20, (100, 50), 0, 100, "auto", "at least"),
        ("a.gif", 20, (160.5, 100), 0, 100, "auto", "whole pixels"),
        ("a.gif", 20, SIZE, -1, 100, "auto", "hold"),
        ("a.gif", 20, SIZE, 0, 5, "auto", "dpi"),
        ("a.gif", 20, SIZE, 0, 100, "imagemagick", "writer"),
        ("a.mp4", 20, SIZE, 0, 100, "pillow", "Pillow cannot"),
    ],
)
def test_check_output_refuses_what_it_cannot_write(
    tmp_path, name, fps, size, hold, dpi, writer, match
):
    with pytest.raises(UatError, match=match):
        wr.check_output(tmp_path / name, fps, size, dpi, hold, writer)


@needs_ffmpeg
def test_ffmpeg_failure_is_one_line_and_reaps_the_process(tmp_path, monkeypatch):
    procs: list[subprocess.Popen] = []
    real_popen = subprocess.Popen

    def spy(*args, **kwargs):
        procs.append(real_popen(*args, **kwargs))
        return procs[-1]

    monkeypatch.setattr(wr.subprocess, "Popen", spy)
    assert FFMPEG is not None
    out = tmp_path / "no such folder" / "a.gif"  # ffmpeg cannot open it
    with pytest.raises(UatError, match="ffmpeg failed to write GIF") as err:
        wr.pipe_to_ffmpeg(FFMPEG, frames(3), out, ".gif", SIZE, 20)
    assert "\n" not in str(err.value)
    assert len(procs) == 1 and procs[0].returncode not in (None, 0)


def test_with_hold_repeats_the_last_frame():
    got = list(wr.with_hold(iter([1, 2, 3]), 2))  # type: ignore[arg-type]
    assert got == [1, 2, 3, 3, 3]
    assert list(wr.with_hold(iter([]), 4)) == []


@needs_ffmpeg
def test_a_long_hold_costs_a_gif_no_frames(tmp_path: Path) -> None:
    # 60 s at 50 fps was 3,001 frames held for ffmpeg's palette pass; now one longer delay
    out = write(tmp_path / "h.gif", 3, "ffmpeg", fps=50, hold=60.0)
    n, _, durations, _ = gif_info(out)
    assert n == 3 and durations == [20, 20, 20 + 60_000]


def test_streamed_frames_stop_at_the_budget() -> None:
    from uat.settings import LIMITS

    size = (1000, 1000)
    fits = int(LIMITS["frame_pixels"].high // (size[0] * size[1])) - wr.RENDER_HELD
    frame = np.zeros((1, 1, 4), dtype=np.uint8)  # the count matters, not the content
    taken = []
    with pytest.raises(UatError, match="frames") as info:
        for f in wr.within_budget(iter([frame] * (fits + 5)), size):
            taken.append(f)
    assert len(taken) == fits and info.value.param == "frames"


def test_options_beyond_the_limits_name_the_option(tmp_path: Path) -> None:
    from uat.cli.options import user_message

    for fps, hold, param in ((100_000, 0, "fps"), (10, 61, "hold")):
        with pytest.raises(UatError) as info:
            wr.check_output(tmp_path / "a.mp4", fps, SIZE, 100, hold, "auto")
        assert info.value.param == param
        assert user_message(info.value).startswith(f"--{param} ")


def test_a_broken_ffmpeg_setting_is_a_clear_error(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("IMAGEIO_FFMPEG_EXE", str(tmp_path))  # a folder, not a program
    with pytest.raises(UatError, match="IMAGEIO_FFMPEG_EXE"):
        wr.ffmpeg_exe()


def _sampled(count: int) -> list[np.ndarray]:
    every = list(frames(count))
    return [every[i] for i in (0, count // 2, count - 1)]


@needs_ffmpeg
def test_gif_palette_from_samples_keeps_every_colour_and_the_timing(tmp_path: Path) -> None:
    out = tmp_path / "s.gif"
    how = wr.check_output(out, 20, SIZE, 100, 0.2, "ffmpeg")
    wr.write_frames(
        frames(6), out, suffix=".gif", writer=how, size=SIZE, fps=20, hold=0.2,
        samples=_sampled(6),
    )  # fmt: skip
    n, loop, durations, size = gif_info(out)
    assert (n, loop, durations, size) == (6, 0, [50] * 5 + [250], SIZE)
    with Image.open(out) as im:  # both colours are in the samples: every frame exact
        for i, want in enumerate(frames(6)):
            im.seek(i)
            np.testing.assert_array_equal(np.asarray(im.convert("RGB")), want[..., :3])
    assert [p.name for p in tmp_path.iterdir()] == ["s.gif"]  # the palette file is gone


@needs_ffmpeg
def test_a_colour_missing_from_the_samples_takes_the_nearest(tmp_path: Path) -> None:
    every = list(frames(4))
    every[2][20:80, 100:110, :3] = (10, 110, 180)  # near the bar's (0, 114, 178), not sampled
    out = tmp_path / "n.gif"
    wr.write_frames(
        iter(every), out, suffix=".gif", writer="ffmpeg", size=SIZE, fps=20, hold=0,
        samples=[every[0], every[3]],
    )  # fmt: skip
    with Image.open(out) as im:
        im.seek(2)
        got = np.asarray(im.convert("RGB"))[50, 105]
    assert np.abs(got.astype(int) - (10, 110, 180)).max() <= 12


def test_pillow_gif_palette_from_samples(tmp_path: Path) -> None:
    every = list(frames(5))
    every[4][0:10, 0:10, :3] = (213, 94, 0)  # a colour the first frame lacks
    out = tmp_path / "p.gif"
    wr.write_frames(
        iter(every), out, suffix=".gif", writer="pillow", size=SIZE, fps=20, hold=0,
        samples=[every[0], every[4]],
    )  # fmt: skip
    with Image.open(out) as im:
        im.seek(4)
        np.testing.assert_array_equal(np.asarray(im.convert("RGB")), every[4][..., :3])


@needs_ffmpeg
def test_a_failed_palette_is_one_line(tmp_path: Path) -> None:
    assert FFMPEG is not None
    with pytest.raises(UatError, match="ffmpeg failed to write the GIF's palette") as err:
        wr.gif_palette(FFMPEG, _sampled(4), SIZE, tmp_path / "no such folder" / "p.png")
    assert "\n" not in str(err.value)
