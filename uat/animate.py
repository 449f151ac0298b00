"""Animations in one call: a scene (`uat.scenes`) → frames (`uat.render`) → a file (`uat.writers`).

`render` writes a Scene as a looping GIF, an MP4 or a PNG contact sheet; `animate` computes the
scene of one `uat animate` sweep first. The names of the three rooms are re-exported here so
that `uat.animate` stays the one import for callers.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from uat.errors import UatError
from uat.scenes import (
    DEFAULT_FRAMES,
    DEFAULT_TRAIN_FRAMES,
    MAX_NEURONS,
    MAX_PARTS,
    SWEEPS,
    LossTrace,
    PanelFrame,
    Scene,
    compare_scene,
    default_compare_runs,
    default_widths,
    scene_for,
    steepness_sweep,
    training_run,
    width_sweep,
)
from uat.sweep import Settings
from uat.targets import Target
from uat.writers import FORMATS, GIF_FPS, WRITERS, check_output, ffmpeg_exe

__all__ = [
    "DEFAULT_FRAMES",
    "DEFAULT_TRAIN_FRAMES",
    "FORMATS",
    "GIF_FPS",
    "MAX_NEURONS",
    "MAX_PARTS",
    "SWEEPS",
    "WRITERS",
    "AnimationResult",
    "LossTrace",
    "PanelFrame",
    "Scene",
    "animate",
    "compare_scene",
    "default_compare_runs",
    "default_widths",
    "ffmpeg_exe",
    "render",
    "steepness_sweep",
    "training_run",
    "width_sweep",
]


@dataclass(frozen=True)
class AnimationResult:
    """What `animate` wrote."""

    path: Path
    frames: int  # distinct frames of the scene (a GIF or MP4 adds the hold after them)
    seconds: float  # wall time: computing the networks and rendering
    bytes: int
    size: tuple[int, int]
    fps: float
    last: str = ""  # the last frame's caption(s): its width or steepness and sup error


def render(
    scene: Scene,
    out: str | Path,
    *,
    fps: float = 20,
    size: tuple[int, int] = (800, 500),
    dpi: float = 100,
    hold: float = 1.0,
    progress: Callable[[int, int], None] | None = None,
    writer: str = "auto",
) -> Path:
    """Write a scene as a looping GIF, an MP4 or a PNG contact sheet, by the extension.

    Parameters
    ----------
    scene : what to draw.
    out : the file; ``.gif``, ``.mp4`` or ``.png`` (a grid of up to 9 frames, first and last
        included, each cell `size` pixels). Written atomically.
    fps : frames per second; a GIF allows 10, 20, 25 or 50.
    size : (width, height) in pixels, exactly; even for MP4.
    dpi : pixels per inch of the figure: larger draws the same text bigger.
    hold : seconds the last frame stays before the loop starts again (GIF and MP4).
    progress : called as progress(done, total) after each frame.
    writer : "auto" (ffmpeg when available, else Pillow), "ffmpeg" or "pillow" (GIF only).

    Returns
    -------
    The path written.
    """
    from uat import render as rn
    from uat import writers
    from uat.io import atomic_path
    from uat.plot import style

    p = Path(out)
    how = check_output(p, fps, size, dpi, hold, writer)
    size = (int(size[0]), int(size[1]))
    suffix = p.suffix.lower()
    with style(), atomic_path(p) as tmp:
        if suffix == ".png":
            writers.write_png(rn.contact_sheet(scene, size, dpi, progress), tmp)
        else:
            frames = rn.frames(scene, size, dpi, progress)
            writers.write_frames(
                frames, tmp, suffix=suffix, writer=how, size=size, fps=fps, hold=hold
            )
    return p


def animate(
    target: Target | str,
    n: int,
    settings: Settings | None = None,
    *,
    sweep: str = "width",
    out: str | Path,
    frames: int | None = None,
    fps: float = 20,
    size: tuple[int, int] = (800, 500),
    dpi: float = 100,
    hold: float = 1.0,
    writer: str = "auto",
    progress: Callable[[str, int, int], None] | None = None,
    runs: Sequence[tuple[Settings, int]] | None = None,
) -> AnimationResult:
    """Compute a scene and render it: the one call behind `uat animate`.

    Parameters
    ----------
    target : a Target, or text for `uat.targets.get_target` ("sin", "x**2", a CSV path).
    n : the final width N (even for hand-built networks; per copy under shifts).
    settings : method and options; hand-built by default, passed whole to every network.
    sweep : "width" (one frame per width 2, 4, …, N for hand-built nets, about 30 widths
        1 … N for trained ones), "training" (one run of width N, frames at log-spaced
        iterations), "compare" (the `runs` side by side, over widths) or "steepness" (one
        hand-built net of width N, its steps going from soft to steep).
    out : the file: .gif, .mp4 or .png (contact sheet).
    frames : the most frames (thins the widths; default 60 for "training").
    fps, size, dpi, hold, writer : as for `render`.
    progress : called as progress(stage, done, total), stage "compute" then "render".
    runs : for "compare", (settings, final width) per panel; default hand-built N against
        trained N·shifts (`default_compare_runs`).

    Returns
    -------
    AnimationResult with the path, frame count, wall time and file size.
    """
    from uat.io import check_writable
    from uat.scenes import check_frames
    from uat.targets import get_target

    t0 = time.perf_counter()
    if sweep not in SWEEPS:
        raise UatError(f"unknown sweep {sweep!r}; choose one of: {', '.join(SWEEPS)}")
    check_frames(frames)
    p = Path(out)
    check_output(p, fps, size, dpi, hold, writer)  # fail before any computing
    size = (int(size[0]), int(size[1]))
    check_writable(p)
    tgt = get_target(target) if isinstance(target, str) else target

    def stage(name: str) -> Callable[[int, int], None] | None:
        if progress is None:
            return None
        return lambda done, total: progress(name, done, total)

    s = settings or Settings()
    scene = scene_for(tgt, n, s, sweep, frames, runs=runs, progress=stage("compute"))
    render(
        scene, p, fps=fps, size=size, dpi=dpi, hold=hold, progress=stage("render"), writer=writer
    )
    return AnimationResult(
        path=p,
        frames=len(scene.frames),
        seconds=time.perf_counter() - t0,
        bytes=p.stat().st_size,
        size=size,
        fps=float(fps),
        last=" | ".join(panel.text for panel in scene.frames[-1]),
    )
