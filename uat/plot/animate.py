"""Animations in one call: a scene (`uat.jobs.scenes`) → frames (`render`) → a file (`writers`).

`render` writes a Scene as a looping GIF, an MP4 or a PNG contact sheet; `animate` computes the
scene of one `uat animate` sweep first. The names of the three rooms are re-exported here so
that `uat.plot.animate` stays the one import for callers.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from uat.core.targets import Target
from uat.errors import UatError
from uat.jobs.scenes import (
    DEFAULT_FRAMES,
    DEFAULT_TRAIN_FRAMES,
    MAX_NEURONS,
    MAX_PARTS,
    SWEEPS,
    LossTrace,
    PanelFrame,
    Scene,
    compare_scene,
    default_widths,
    scene_for,
    steepness_sweep,
    training_run,
    width_sweep,
)
from uat.plot.writers import FORMATS, GIF_FPS, WRITERS, check_output, ffmpeg_exe
from uat.settings import Settings

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
    dwell: float = 0.0  # seconds each frame of the scene stays on screen
    steps: list[dict[str, Any]] = field(default_factory=list)  # per frame: width, errors
    hold: float = 0.0  # seconds the last frame stays longer, as the file stores it
    file_frames: int = 0  # frames in the file: a GIF stores each once, an MP4 plays at fps
    dwell_asked: float | None = None  # the --dwell given, before rounding to whole frames

    @property
    def duration(self) -> float:
        """Seconds one loop lasts, without the hold."""
        return self.frames * self.dwell


def stored(suffix: str, count: int, repeats: int, fps: float, hold: float) -> tuple[int, float]:
    """(frames in the file, seconds of its hold) for `count` scene frames of `repeats` each.

    A GIF stores each scene frame once and the hold in its last delay (whole hundredths); an
    MP4 plays every frame at fps, the hold as round(hold·fps) more; a contact sheet is one.
    """
    if suffix == ".gif":
        return count, round(100 * hold) / 100
    if suffix == ".mp4":
        extra = round(hold * fps)
        return count * repeats + extra, extra / fps
    return 1, 0.0


MIN_DWELL = 0.5  # a teacher can say a few words per width (issue 12 asks ≥ 0.4 s)
SWEEP_SECONDS = 12.0  # a default sweep lasts about this long (8–20 s: long enough to talk over)
MAX_DWELL = 60.0


def default_dwell(count: int) -> float:
    """Seconds per frame of a `count`-frame scene: about SWEEP_SECONDS in all, 0.5 to 1.5 s.

    A multiple of 0.5 s: it then divides the default 1 s hold, so a GIF stores each frame
    once (60 frames at 0.4 s and a 1 s hold took 125 GIF frames, 1.4 s of ffmpeg; at 0.5 s, 62).
    """
    return min(max(MIN_DWELL, round(2 * SWEEP_SECONDS / max(count, 1)) / 2), 1.5)


def step_repeats(dwell: float | None, fps: float, count: int) -> int:
    """File frames each scene frame lasts: round(dwell·fps), at least one."""
    d = default_dwell(count) if dwell is None else dwell
    return max(1, round(d * fps))


def check_dwell(dwell: float | None) -> None:
    """A dwell is None (the default) or between 0 and MAX_DWELL seconds."""
    if dwell is not None and not (isinstance(dwell, int | float) and 0 < dwell <= MAX_DWELL):
        raise UatError(
            f"--dwell must be more than 0 and at most {MAX_DWELL:g} seconds, got {dwell}"
        )


def _repeated(frames: Iterator[np.ndarray], k: int) -> Iterator[np.ndarray]:
    for f in frames:
        for _ in range(k):
            yield f


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
    dwell: float | None = None,
) -> Path:
    """Write a scene as a looping GIF, an MP4 or a PNG contact sheet, by the extension.

    Parameters
    ----------
    scene : what to draw.
    out : the file; ``.gif``, ``.mp4`` or ``.png`` (a grid of up to 9 frames, first and last
        included, each cell `size` pixels). Written atomically.
    fps : frames per second of the file; a GIF allows 1, 2, 4, 5, 10, 20, 25 or 50.
    size : (width, height) in pixels, exactly; even for MP4.
    dpi : pixels per inch of the figure: larger draws the same text bigger.
    hold : seconds the last frame stays before the loop starts again (GIF and MP4).
    progress : called as progress(done, total) after each frame.
    writer : "auto" (ffmpeg when available, else Pillow), "ffmpeg" or "pillow" (GIF only).
    dwell : seconds each scene frame stays, rounded to whole file frames (None: about 12 s
        in all, 0.5 to 1.5 s a frame: `default_dwell`). A GIF stores each scene frame once
        with a longer delay (exact: 100/fps hundredths is whole); an MP4 repeats it.

    Returns
    -------
    The path written.
    """
    import matplotlib

    from uat.io import atomic_path
    from uat.plot import render as rn
    from uat.plot import writers
    from uat.plot.figures import STYLE

    p = Path(out)
    how = check_output(p, fps, size, dpi, hold, writer)
    check_dwell(dwell)
    size = (int(size[0]), int(size[1]))
    suffix = p.suffix.lower()
    k = step_repeats(dwell, fps, len(scene))
    # uat.plot.figures.style's rcParams without its pyplot import: 0.45 s of every animate process
    with matplotlib.rc_context(STYLE), atomic_path(p) as tmp:  # type: ignore[arg-type]
        if suffix == ".png":
            writers.write_png(rn.contact_sheet(scene, size, dpi, progress), tmp)
        else:
            renderer = rn.Renderer(scene, size, dpi)
            gif = suffix == ".gif"
            samples = rn.samples(renderer, writers.palette_frames(len(scene))) if gif else []
            frames = rn.frames(scene, size, dpi, progress, renderer)
            # A GIF stores each scene frame once with its dwell (k/fps: whole hundredths) as
            # the delay, the hold in the last; an MP4 plays at fps and repeats each k times.
            writers.write_frames(
                _repeated(frames, 1 if gif else k), tmp, suffix=suffix, writer=how, size=size,
                fps=fps / k if gif else fps, hold=hold, samples=samples,
            )  # fmt: skip
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
    dwell: float | None = None,
    grow: bool = False,
    diagram: bool = False,
    init: str | None = None,
    eps: float | None = None,
) -> AnimationResult:
    """Compute a scene and render it: the one call behind `uat animate`.

    Parameters
    ----------
    target : a Target, or text for `uat.core.targets.get_target` ("sin", "x**2", a CSV path).
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
        trained N·shifts.
    dwell : seconds each width or iteration stays on screen (as for `render`).
    grow : a hand-built width sweep adds one bump at a time, Δ fixed (`scenes.grow_sweep`).
    diagram : draw the network beside the curves, the newest pair lit (needs `grow`).
    init : the start of a training sweep: "random" or "spread" (None: `scenes.default_init`).
    eps : draw the band target ± eps (the caller picks N, e.g. by `jobs.smallest_width`).

    Returns
    -------
    AnimationResult with the path, frame count, wall time and file size.
    """
    from uat.core.targets import get_target
    from uat.io import check_writable
    from uat.jobs.scenes import check_frames

    t0 = time.perf_counter()
    if sweep not in SWEEPS:
        raise UatError(f"unknown sweep {sweep!r}; choose one of: {', '.join(SWEEPS)}")
    check_frames(frames)
    check_dwell(dwell)
    if diagram and not grow:
        raise UatError("--diagram lights the pair each frame adds: use it with --grow")
    p = Path(out)
    if diagram and p.suffix.lower() == ".png":
        raise UatError(
            "--diagram is drawn in a GIF or MP4; a contact sheet (.png) shows the curves only",
            param="diagram",
        )
    check_output(p, fps, size, dpi, hold, writer)  # fail before any computing
    size = (int(size[0]), int(size[1]))
    check_writable(p)
    tgt = get_target(target) if isinstance(target, str) else target

    def stage(name: str) -> Callable[[int, int], None] | None:
        if progress is None:
            return None
        return lambda done, total: progress(name, done, total)

    s = settings or Settings()
    scene = scene_for(
        tgt, n, s, sweep, frames, runs=runs, progress=stage("compute"), grow=grow, init=init
    )
    scene.band = eps
    if not diagram:
        scene.diagram = None
    render(
        scene, p, fps=fps, size=size, dpi=dpi, hold=hold, progress=stage("render"),
        writer=writer, dwell=dwell,
    )  # fmt: skip
    k = step_repeats(dwell, fps, len(scene))
    count, held = stored(p.suffix.lower(), len(scene), k, fps, hold)
    return AnimationResult(
        path=p,
        frames=len(scene.frames),
        seconds=time.perf_counter() - t0,
        bytes=p.stat().st_size,
        size=size,
        fps=float(fps),
        last=" | ".join(panel.text for panel in scene.frames[-1]),
        dwell=k / fps,
        steps=scene.steps,
        hold=held,
        file_frames=count,
        dwell_asked=None if dwell is None else float(dwell),
    )


# -- surfaces ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Animation2D:
    """What `animate2d` wrote, with every frame's numbers."""

    path: Path
    sweep: str
    method: str
    target: str
    frames: list[dict[str, Any]]  # per frame: its step (K, towers, evaluation), sup, RMSE
    frame_grid: int  # points per side of every frame's RMSE grid
    seconds: float  # computing the networks and rendering
    bytes: int
    size_px: tuple[int, int]
    fps: float

    def to_dict(self) -> dict[str, Any]:
        """The file and the numbers of every frame, JSON-ready."""
        return {
            "path": str(self.path),
            "sweep": self.sweep,
            "method": self.method,
            "target": self.target,
            "frame_count": len(self.frames),
            "frame_grid": self.frame_grid,
            "frames": self.frames,
            "seconds": self.seconds,
            "bytes": self.bytes,
            "size": list(self.size_px),
            "fps": self.fps,
        }


def animate2d(
    target: Target,
    size: int,
    method: str = "construct",
    *,
    sweep: str = "refine",
    out: str | Path,
    frames: int | None = None,
    fps: float = 20,
    size_px: tuple[int, int] = (800, 500),
    dpi: float = 100,
    hold: float | None = None,
    writer: str = "auto",
    layers: int = 1,
    seed: int = 0,
    max_evaluations: int | None = None,
    progress: Callable[[str, int, int], None] | None = None,
) -> Animation2D:
    """Compute a 2-D scene and write it as a GIF, MP4 or PNG contact sheet (atomically).

    Parameters
    ----------
    target : the surface and rectangle.
    size : K_max (refine: K = 1 … K_max), K (grow: K² towers one by one), N (training), or
        the size of the `method`'s net to turn round (turn).
    method : construct, nielsen or ridges (refine); construct or nielsen (grow); any of
        METHODS2D (turn); training always trains.
    sweep : "refine", "grow", "training" or "turn".
    out : .gif, .mp4 or .png (a 3×3 contact sheet of frames).
    frames : the most frames (defaults in `uat.jobs.scenes2d.DEFAULT_FRAMES2D`).
    fps, size_px, dpi, writer : as for 1-D animations (`uat.plot.writers.check_output`).
    hold : seconds the last frame stays; default 1 s, and 0 for a turn (a seamless loop).
    layers, seed, max_evaluations : of a trained net (training, or turn with method train).
    progress : called as progress(stage, done, total), stage "compute" then "render".
    """
    from uat.io import atomic_path, check_writable
    from uat.jobs.commands2d import build2d, net_label
    from uat.jobs.scenes2d import SWEEPS2D, check_frames2d, frame_records, scene2d
    from uat.plot import render2d
    from uat.plot.writers import check_output, palette_frames, write_frames

    t0 = time.perf_counter()
    if sweep not in SWEEPS2D:
        raise UatError(f"unknown 2-D sweep {sweep!r}; choose one of: {', '.join(SWEEPS2D)}")
    if hold is None:
        hold = 0.0 if sweep == "turn" else 1.0
    p = Path(out)
    how = check_output(p, fps, size_px, dpi, hold, writer)  # fail before any computing
    check_frames2d(frames)
    size_px = (int(size_px[0]), int(size_px[1]))
    check_writable(p)

    def stage(name: str) -> Callable[[int, int], None] | None:
        if progress is None:
            return None
        return lambda done, total: progress(name, done, total)

    net = None
    if sweep == "turn":
        net, _ = build2d(target, size, method, layers=layers, seed=seed,
                         max_evaluations=max_evaluations)  # fmt: skip
    scene = scene2d(
        target, size, method, sweep, frames, net=net, label=net_label(method, size, layers),
        layers=layers, seed=seed, max_evaluations=max_evaluations, progress=stage("compute"),
    )  # fmt: skip
    with atomic_path(p) as tmp:
        if p.suffix.lower() == ".png":
            render2d.write_sheet2d(scene, tmp, size_px, dpi)
        else:
            with render2d.surface_renderer(scene, size_px, dpi) as r:
                gif = p.suffix.lower() == ".gif"
                samples = render2d.samples2d(r, palette_frames(len(scene))) if gif else []
                pixels = render2d.frames2d(scene, size_px, dpi, stage("render"), r)
                write_frames(pixels, tmp, suffix=p.suffix.lower(), writer=how, size=size_px,
                             fps=fps, hold=hold, samples=samples)  # fmt: skip
    return Animation2D(
        p, sweep, scene.meta.get("method", method), target.name, frame_records(scene),
        scene.meta["frame_grid"], time.perf_counter() - t0, p.stat().st_size, size_px, float(fps),
    )  # fmt: skip
