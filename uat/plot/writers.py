"""Writers: RGBA frames to a file (GIF or MP4 through ffmpeg, GIF through Pillow, PNG sheet).

As in matplotlib, the renderer decides what a frame is and a writer how frames become a file.
Frames go as raw RGBA to the ffmpeg binary of imageio-ffmpeg (MP4: libx264, yuv420p; GIF:
one palette for every frame, about half the size of Pillow's per-frame palettes); Pillow writes
the GIF when there is no ffmpeg. The caller writes to a temporary path.

A GIF's palette comes from a few sample frames given up front (`palettegen` on the first,
middle and last), so ffmpeg encodes each frame as it arrives, on the other core, and holds
none: measured on a 60-frame sweep, the same or closer colours than one palette from every
frame (`palettegen=stats_mode=diff`, which must buffer them all and encodes only after the
last: 0.2–0.9 s after the drawing ends). Without samples the GIF takes that whole pass.

Timing: GIF delays are hundredths of a second, so a GIF's frame lasts a whole number of them:
fps 1, 2, 4, 5, 10, 20, 25, 50 (other values raise `UatError` rather than play at a rate that
was not asked for; 100 is whole but browsers play delays under 20 ms at 100 ms). A GIF stores
each frame it is given once and the `hold` as a longer last delay (ffmpeg's `-final_delay`,
Pillow's last duration); an MP4 repeats the last frame round(hold·fps) times.

Budgets, checked before any drawing: LIMITS["frame_pixels"] bounds the pixels held at once
by uat and its ffmpeg together (`held_frames`: the renderer's few, Pillow's every frame, x264's
lookahead and reference frames), LIMITS["video_pixels"] the frames × pixels encoded (about a
minute of libx264 here), and LIMITS["child_seconds"] how long uat waits on an ffmpeg that
reads nothing or does not exit.
"""

from __future__ import annotations

import contextlib
import math
import subprocess
import tempfile
from collections.abc import Iterator, Sequence
from fractions import Fraction
from pathlib import Path
from typing import Any

import numpy as np

from uat.errors import UatError
from uat.settings import LIMITS, check_number, how_to_raise

FORMATS = (".gif", ".mp4", ".png")
WRITERS = ("auto", "ffmpeg", "pillow")
GIF_FPS = (1, 2, 4, 5, 10, 20, 25, 50)  # whole-number rates whose delays GIF holds exactly


def ffmpeg_exe() -> str | None:
    """The ffmpeg binary of imageio-ffmpeg (or IMAGEIO_FFMPEG_EXE), None if there is none."""
    import os

    given = os.environ.get("IMAGEIO_FFMPEG_EXE")
    if given and not (os.path.isfile(given) and os.access(given, os.X_OK)):
        raise UatError(f"IMAGEIO_FFMPEG_EXE={given} is not an executable ffmpeg program")
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
    if out.is_dir():
        raise UatError(f"cannot write {out}: it is a folder; give a file name ending in .gif")
    if suffix not in FORMATS:
        raise UatError(f"cannot write {out}: the extension must be one of {', '.join(FORMATS)}")
    if writer not in WRITERS:
        raise UatError(f"unknown writer {writer!r}; choose one of: {', '.join(WRITERS)}")
    check_number("fps", fps)
    check_number("hold", hold)
    check_number("dpi", dpi)
    w, h = size
    if not (_real(w) and _real(h) and int(w) == w and int(h) == h):
        raise UatError(f"size {w}x{h} must be whole pixels", param="size")
    wide, tall = LIMITS["width_px"], LIMITS["height_px"]
    if not (wide.holds(w) and tall.holds(h)):
        raise UatError(
            f"size {w}x{h} must be at least {wide.low:g}x{tall.low:g} and at most "
            f"{wide.high:g}x{tall.high:g} pixels {how_to_raise('width_px')}",
            param="size",
        )
    if suffix == ".gif" and fps not in GIF_FPS:
        why = (
            f"a frame of {1000 / fps:g} ms plays at 100 ms in browsers"
            if gif_exact(fps)
            else "its delays are hundredths of a second"
        )
        raise UatError(
            f"fps {fps:g} cannot be shown exactly in a GIF ({why}); use "
            + ", ".join(map(str, GIF_FPS)),
            param="fps",
        )
    if suffix == ".mp4" and (w % 2 or h % 2):
        raise UatError(
            f"size {w}x{h}: an MP4 (H.264, yuv420p) needs an even width and height", param="size"
        )
    if suffix == ".png":
        return "pillow"
    if suffix == ".gif" and writer == "pillow":
        return writer  # no ffmpeg needed, whatever IMAGEIO_FFMPEG_EXE says
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
    check_memory(suffix, writer, (int(w), int(h)))
    return writer


# Frames of width × height (4 bytes a pixel) held at once, measured with /usr/bin/time -v:
RENDER_HELD = 6  # the renderer: its canvas and background, the frame piped, 3 palette samples
SHEET_HELD = 2 * 9  # a contact sheet: up to 3 × 3 cells, as RGBA canvas and RGB copy
FFMPEG_GIF_HELD = 4  # ffmpeg's GIF: the frame read, converted, mapped to the palette, encoded
# libx264 (medium) at 2720²: 278 B a pixel with 2 threads and its 40-frame lookahead, 163 B
# with a 10-frame lookahead (132 B on one thread); its default threads (1.5 a core) grow with
# the machine. Pinned to 2 threads and 10 frames of lookahead; the rendered frames of a 2828²
# sweep took 193 B a pixel (1.54 GB): 52 RGBA frames, with a margin.
MP4_HELD = 52
X264_THREADS = 2
X264_LOOKAHEAD = 10


def held_frames(suffix: str, writer: str, count: int = 0) -> int:
    """Frames of the output's size that uat and its ffmpeg hold at once for `count` frames."""
    if suffix == ".png":
        return SHEET_HELD
    if writer == "pillow":  # its list of images, every frame until it writes
        return RENDER_HELD + count
    return RENDER_HELD + (MP4_HELD if suffix == ".mp4" else FFMPEG_GIF_HELD)


def check_memory(suffix: str, writer: str, size: tuple[int, int], count: int = 0) -> None:
    """Refuse an output whose frames held at once exceed LIMITS["frame_pixels"]."""
    held = held_frames(suffix, writer, count)
    pixels = held * size[0] * size[1]
    budget = LIMITS["frame_pixels"].high
    if pixels > budget:
        what = {".png": "a contact sheet", ".mp4": "an MP4 (with libx264's own frames)"}
        kind = what.get(suffix, "a GIF by Pillow" if writer == "pillow" else "a GIF by ffmpeg")
        param = "frames" if writer == "pillow" and suffix == ".gif" else "size"
        raise UatError(
            f"{param}: {kind} of {size[0]}x{size[1]} holds about {held:,} frames at once, "
            f"{pixels:,.0f} pixels ({4 * pixels / 1e9:.1f} GB), over the budget of "
            f"{budget:,.0f}; use a smaller size{' or fewer frames' if param == 'frames' else ''} "
            + how_to_raise("frame_pixels"),
            param=param,
        )


def file_frames(suffix: str, count: int, repeats: int, fps: float, hold: float) -> int:
    """Frames a file stores for `count` scene frames of `repeats` file frames each.

    A GIF stores each scene frame once, its dwell and the hold as delays; an MP4 plays every
    frame at fps, the hold as round(hold·fps) more; a contact sheet draws up to 9.
    """
    if suffix == ".gif":
        return count
    if suffix == ".mp4":
        return count * repeats + round(hold * fps)
    return min(count, 9)


def check_pace(
    suffix: str,
    writer: str,
    count: int,
    repeats: int,
    fps: float,
    hold: float,
    size: tuple[int, int],
) -> None:
    """Refuse, before drawing, `count` frames whose memory or encoding exceeds the budgets."""
    check_memory(suffix, writer, size, count)
    encoded = file_frames(suffix, count, repeats, fps, hold)
    pixels = encoded * size[0] * size[1]
    budget = LIMITS["video_pixels"].high
    if pixels > budget:
        raise UatError(
            f"dwell × fps × frames + hold: {encoded:,} frames of {size[0]}x{size[1]} to encode, "
            f"{pixels:.3g} pixels, over the budget of {budget:.3g} (about a minute); use a "
            "shorter dwell or hold, a lower fps, fewer frames or a smaller size "
            + how_to_raise("video_pixels"),
            param="dwell",
        )


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
    """The frames, then the last one `extra` more times."""
    last = None
    for f in frames:
        last = f
        yield f
    if last is not None:
        for _ in range(extra):
            yield last


def within_budget(frames: Iterator[np.ndarray], size: tuple[int, int]) -> Iterator[np.ndarray]:
    """The frames, refused (UatError) as soon as Pillow, which holds every one, would exceed
    the pixel budget (a last guard: `check_pace` refuses the count before drawing)."""
    for count, f in enumerate(frames, start=1):
        check_memory(".gif", "pillow", size, count)
        yield f


_PALETTEUSE = "paletteuse=dither=none:diff_mode=rectangle"


def _ffmpeg_output_args(
    suffix: str, palette: Path | None = None, final_delay: int | None = None
) -> list[str]:
    if suffix == ".gif":
        gif = ["-loop", "0", *(["-final_delay", str(final_delay)] if final_delay else [])]
        if palette is not None:  # a palette made up front: frames are encoded as they come
            graph = f"[0:v][1:v]{_PALETTEUSE}"
            return ["-i", str(palette), "-filter_complex", graph, *gif, "-f", "gif"]
        graph = f"[0:v]split[a][b];[a]palettegen=stats_mode=diff[p];[b][p]{_PALETTEUSE}"
        return ["-filter_complex", graph, *gif, "-f", "gif"]
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
        "-threads",
        str(X264_THREADS),
        "-rc-lookahead",
        str(X264_LOOKAHEAD),
        "-movflags",
        "+faststart",
        "-f",
        "mp4",
    ]


def _raw_input(exe: str, size: tuple[int, int], fps: float | None) -> list[str]:
    """ffmpeg's arguments up to its first input: raw RGBA frames of `size` on stdin."""
    # a rational rate: 20/13 fps is a 65-hundredths GIF delay, "1.53846" only nearly
    rate = [] if fps is None else ["-r", str(Fraction(fps).limit_denominator(10_000))]
    return [
        exe, "-hide_banner", "-loglevel", "error", "-nostdin", "-y", "-f", "rawvideo",
        "-pix_fmt", "rgba", "-s", f"{size[0]}x{size[1]}", *rate, "-i", "pipe:0",
    ]  # fmt: skip


def palette_frames(count: int) -> list[int]:
    """The frames a GIF's palette is made from: the first, middle and last.

    Measured on a 60-frame width sweep: as close to the drawn colours as a palette of every
    frame (mean error 0.020 against 0.023 of 255, at most 26); the first alone missed by 72.
    """
    return sorted({0, count // 2, count - 1}) if count > 0 else []


def gif_palette(exe: str, samples: Sequence[np.ndarray], size: tuple[int, int], out: Path) -> Path:
    """One GIF palette (a 16×16 PNG) from the colours of the sample frames, by `palettegen`."""
    graph = "palettegen=stats_mode=full"
    cmd = [*_raw_input(exe, size, None), "-vf", graph, "-frames:v", "1", "-update", "1", str(out)]
    _run_ffmpeg(cmd, iter(samples), "the GIF's palette")
    return out


def pipe_to_ffmpeg(
    exe: str,
    frames: Iterator[np.ndarray],
    out: Path,
    suffix: str,
    size: tuple[int, int],
    fps: float,
    palette: Path | None = None,
    final_delay: int | None = None,
) -> None:
    """Pipe RGBA frames as raw video to ffmpeg; kill it if anything goes wrong.

    A GIF uses `palette` (from `gif_palette`) when given, else makes one from every frame;
    `final_delay` (hundredths of a second) is how long its last frame stays.
    """
    args = _ffmpeg_output_args(suffix, palette, final_delay)
    cmd = [*_raw_input(exe, size, fps), *args, str(out)]
    _run_ffmpeg(cmd, frames, suffix[1:].upper())


def _run_ffmpeg(cmd: list[str], frames: Iterator[np.ndarray], what: str) -> None:
    """Run ffmpeg with the frames on its stdin; one UatError line if it fails or stalls.

    Every wait is bounded by LIMITS["child_seconds"]: an ffmpeg (IMAGEIO_FFMPEG_EXE) that
    reads nothing, or never exits, is killed rather than waited on forever.
    """
    wait = float(LIMITS["child_seconds"].high)
    with tempfile.TemporaryFile() as err:  # a file, not a pipe: ffmpeg can never block on it
        proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=err)
        assert proc.stdin is not None
        try:
            try:
                _feed(proc.stdin.fileno(), frames, wait, what)
                proc.stdin.close()
            except BrokenPipeError:
                pass  # ffmpeg stopped early: its exit code and message say why
            try:
                code = proc.wait(timeout=wait)
            except subprocess.TimeoutExpired:
                raise _stalled(what, wait, "did not finish") from None
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
            raise UatError(f"ffmpeg failed to write {what}: {detail}")


def _feed(fd: int, frames: Iterator[np.ndarray], wait: float, what: str) -> None:
    """Write the frames' bytes to a pipe, giving up when it takes none for `wait` seconds."""
    import os
    import selectors

    os.set_blocking(fd, False)
    with selectors.DefaultSelector() as sel:
        sel.register(fd, selectors.EVENT_WRITE)
        for f in frames:
            view = np.ascontiguousarray(f).data.cast("B")
            while view:
                if not sel.select(wait):
                    raise _stalled(what, wait, "read nothing")
                with contextlib.suppress(BlockingIOError):
                    view = view[os.write(fd, view) :]


def _stalled(what: str, wait: float, how: str) -> UatError:
    return UatError(
        f"ffmpeg {how} for {wait:g} s while writing {what} and was stopped; check the "
        "ffmpeg program (IMAGEIO_FFMPEG_EXE) " + how_to_raise("child_seconds")
    )


def pillow_gif(
    frames: Iterator[np.ndarray],
    out: Path,
    fps: float,
    hold: float,
    samples: Sequence[np.ndarray] = (),
) -> None:
    """The fallback GIF writer: one shared palette (of the samples, else of the first frame),
    the hold as a longer last frame."""
    from PIL import Image

    images: list[Any] = []
    palette: Any = None
    if samples:
        mosaic = np.concatenate([np.asarray(f)[..., :3] for f in samples], axis=0)
        palette = Image.fromarray(mosaic).quantize(colors=255, method=Image.Quantize.MEDIANCUT)
    for f in frames:
        im = Image.fromarray(np.ascontiguousarray(f[..., :3]))
        if palette is None:
            palette = im.quantize(colors=255, method=Image.Quantize.MEDIANCUT)
        images.append(im.quantize(palette=palette, dither=Image.Dither.NONE))
    delay = 1000.0 / fps
    durations = [delay] * len(images)
    durations[-1] = delay + 1000.0 * hold
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
    samples: Sequence[np.ndarray] = (),
) -> None:
    """Write RGBA frames as a GIF or MP4 with the writer `check_output` chose.

    A GIF stores each frame once, 1/fps each, the last one `hold` seconds longer; an MP4 plays
    at fps and repeats the last frame for the hold. `samples` (a few frames, e.g. the first,
    middle and last) give a GIF its palette up front; without them ffmpeg makes it from every
    frame after the last.
    """
    if writer != "ffmpeg":
        pillow_gif(within_budget(frames, size), out, fps, hold, samples)
        return
    exe = ffmpeg_exe()
    if exe is None:
        raise UatError("no ffmpeg binary found (install imageio-ffmpeg)")
    if suffix != ".gif":
        pipe_to_ffmpeg(exe, with_hold(frames, round(hold * fps)), out, suffix, size, fps)
        return
    final = round(100.0 / fps + 100.0 * hold) if hold > 0 else None  # hundredths, as GIF keeps
    if not samples:
        pipe_to_ffmpeg(exe, frames, out, suffix, size, fps, final_delay=final)
        return
    with tempfile.TemporaryDirectory(prefix="uat-palette-") as tmp:
        palette = gif_palette(exe, samples, size, Path(tmp, "palette.png"))
        pipe_to_ffmpeg(exe, frames, out, suffix, size, fps, palette, final)
