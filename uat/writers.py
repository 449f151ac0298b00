"""Writers: RGBA frames to a file (GIF or MP4 through ffmpeg, GIF through Pillow, PNG sheet).

As in matplotlib, the renderer decides what a frame is and a writer how frames become a file.
Frames go as raw RGBA to the ffmpeg binary of imageio-ffmpeg (GIF: one palette from
`palettegen=stats_mode=diff`, about half the size of Pillow's per-frame palettes; MP4: libx264,
yuv420p); Pillow writes the GIF when there is no ffmpeg. The caller writes to a temporary path.

Timing: GIF delays are hundredths of a second, so a GIF's frame lasts a whole number of them:
fps 1, 2, 4, 5, 10, 20, 25, 50 (other values raise `UatError` rather than play at a rate that
was not asked for). The `hold` pause on the last frame is the last frame repeated round(hold·fps)
times by ffmpeg (every frame lasts 1/fps) and one longer last frame by Pillow (which merges
identical frames anyway).
"""

from __future__ import annotations

import contextlib
import math
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np

from uat.errors import UatError

FORMATS = (".gif", ".mp4", ".png")
WRITERS = ("auto", "ffmpeg", "pillow")
GIF_FPS = (1, 2, 4, 5, 10, 20, 25, 50)  # whole-number rates whose delays GIF holds exactly
MIN_SIZE = (160, 100)
MAX_SIDE = 8000
MAX_HOLD = 60.0
MIN_DPI, MAX_DPI = 20, 600  # text unreadable below, memory and layout give out above


def ffmpeg_exe() -> str | None:
    """The ffmpeg binary of imageio-ffmpeg (or IMAGEIO_FFMPEG_EXE), None if there is none."""
    try:
        import imageio_ffmpeg

        return str(imageio_ffmpeg.get_ffmpeg_exe())
    except (ImportError, RuntimeError, OSError):
        return None


def check_output(
    out: Path, fps: float, size: tuple[int, int], dpi: float, hold: float, writer: str
) -> str:
    """Validate the output options before anything is drawn; return the writer to use."""
    suffix = out.suffix.lower()
    if suffix not in FORMATS:
        raise UatError(f"cannot write {out}: the extension must be one of {', '.join(FORMATS)}")
    if writer not in WRITERS:
        raise UatError(f"unknown writer {writer!r}; choose one of: {', '.join(WRITERS)}")
    if not (_real(fps) and fps > 0):
        raise UatError(f"--fps must be a positive number, got {fps}")
    if not (_real(hold) and 0 <= hold <= MAX_HOLD):
        raise UatError(f"--hold must be between 0 and {MAX_HOLD:g} seconds, got {hold}")
    if not (_real(dpi) and MIN_DPI <= dpi <= MAX_DPI):
        raise UatError(f"--dpi must be between {MIN_DPI} and {MAX_DPI}, got {dpi:g}")
    w, h = size
    if not (_real(w) and _real(h) and int(w) == w and int(h) == h):
        raise UatError(f"--size {w}x{h} must be whole pixels")
    if not (MIN_SIZE[0] <= w <= MAX_SIDE and MIN_SIZE[1] <= h <= MAX_SIDE):
        raise UatError(
            f"--size {w}x{h} must be at least {MIN_SIZE[0]}x{MIN_SIZE[1]} "
            f"and at most {MAX_SIDE} pixels a side"
        )
    if suffix == ".gif" and not gif_exact(fps):
        raise UatError(
            f"--fps {fps:g} cannot be shown exactly in a GIF, whose delays are hundredths of "
            f"a second; use {', '.join(map(str, GIF_FPS))}"
        )
    if suffix == ".mp4" and (w % 2 or h % 2):
        raise UatError(f"--size {w}x{h}: an MP4 (H.264, yuv420p) needs an even width and height")
    if suffix == ".png":
        return "pillow"
    exe = ffmpeg_exe()
    if writer == "auto":
        writer = "ffmpeg" if exe is not None or suffix == ".mp4" else "pillow"
    if suffix == ".mp4" and writer == "pillow":
        raise UatError("Pillow cannot write an MP4; use the ffmpeg writer")
    if writer == "ffmpeg" and exe is None:
        raise UatError(
            f"cannot write {out.name}: no ffmpeg binary found "
            "(install imageio-ffmpeg, or set IMAGEIO_FFMPEG_EXE)"
        )
    return writer


def gif_exact(fps: float) -> bool:
    """Whether a GIF, whose delays are hundredths of a second, plays `fps` exactly."""
    hundredths = 100.0 / fps
    return abs(hundredths - round(hundredths)) < 1e-9


def _real(v: object) -> bool:
    """A finite real number (numpy scalars included, bools not)."""
    if isinstance(v, bool) or not isinstance(v, int | float | np.integer | np.floating):
        return False
    return math.isfinite(float(v))


def with_hold(frames: Iterator[np.ndarray], extra: int) -> Iterator[np.ndarray]:
    last = None
    for f in frames:
        last = f
        yield f
    if last is not None:
        for _ in range(extra):
            yield last


def _ffmpeg_output_args(suffix: str) -> list[str]:
    if suffix == ".gif":
        graph = (
            "[0:v]split[a][b];[a]palettegen=stats_mode=diff[p];"
            "[b][p]paletteuse=dither=none:diff_mode=rectangle"
        )
        return ["-filter_complex", graph, "-loop", "0", "-f", "gif"]
    return [
        "-c:v",
        "libx264",
        "-preset",
        "medium",
        "-crf",
        "20",
        "-tune",
        "animation",
        "-pix_fmt",
        "yuv420p",
        "-movflags",
        "+faststart",
        "-f",
        "mp4",
    ]


def pipe_to_ffmpeg(
    exe: str,
    frames: Iterator[np.ndarray],
    out: Path,
    suffix: str,
    size: tuple[int, int],
    fps: float,
) -> None:
    """Pipe RGBA frames as raw video to ffmpeg; kill it if anything goes wrong."""
    cmd = [
        exe,
        "-hide_banner",
        "-loglevel",
        "error",
        "-nostdin",
        "-y",
        "-f",
        "rawvideo",
        "-pix_fmt",
        "rgba",
        "-s",
        f"{size[0]}x{size[1]}",
        "-r",
        f"{fps:g}",
        "-i",
        "pipe:0",
        *_ffmpeg_output_args(suffix),
        str(out),
    ]
    with tempfile.TemporaryFile() as err:  # a file, not a pipe: ffmpeg can never block on it
        proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=err)
        assert proc.stdin is not None
        try:
            try:
                for f in frames:
                    proc.stdin.write(np.ascontiguousarray(f).data)
                proc.stdin.close()
            except BrokenPipeError:
                pass  # ffmpeg stopped early: its exit code and message say why
            code = proc.wait()
        except BaseException:
            proc.kill()
            proc.wait()
            raise
        finally:
            with contextlib.suppress(OSError):
                proc.stdin.close()
        if code != 0:
            err.seek(0)
            msg = err.read().decode(errors="replace").strip().splitlines()
            detail = msg[-1] if msg else f"exit code {code}"
            raise UatError(f"ffmpeg failed to write {suffix[1:].upper()}: {detail}")


def pillow_gif(frames: Iterator[np.ndarray], out: Path, fps: float, extra: int) -> None:
    """The fallback GIF writer: one shared palette, the hold as a longer last frame."""
    from PIL import Image

    images: list[Any] = []
    palette: Any = None
    for f in frames:
        im = Image.fromarray(np.ascontiguousarray(f[..., :3]))
        if palette is None:
            palette = im.quantize(colors=255, method=Image.Quantize.MEDIANCUT)
        images.append(im.quantize(palette=palette, dither=Image.Dither.NONE))
    delay = 1000.0 / fps
    durations = [delay] * len(images)
    durations[-1] = delay * (1 + extra)
    images[0].save(
        out,
        format="GIF",
        save_all=True,
        append_images=images[1:],
        loop=0,
        duration=durations,
        optimize=False,
        disposal=1,
    )


def write_png(rgb: np.ndarray, out: Path) -> None:
    """One RGB image (a contact sheet) as PNG."""
    from PIL import Image

    Image.fromarray(np.ascontiguousarray(rgb)).save(out, format="PNG")


def write_frames(
    frames: Iterator[np.ndarray],
    out: Path,
    *,
    suffix: str,
    writer: str,
    size: tuple[int, int],
    fps: float,
    hold: float,
) -> None:
    """Write RGBA frames as a GIF or MP4 with the writer `check_output` chose."""
    extra = round(hold * fps)
    if writer == "ffmpeg":
        exe = ffmpeg_exe()
        if exe is None:
            raise UatError("no ffmpeg binary found (install imageio-ffmpeg)")
        pipe_to_ffmpeg(exe, with_hold(frames, extra), out, suffix, size, fps)
    else:
        pillow_gif(frames, out, fps, extra)
