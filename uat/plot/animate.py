"""Animations in one call, for curves and surfaces: a scene → frames → a file.

`animate` computes the scene of one sweep (`uat.jobs.scenes` for a target of x,
`uat.jobs.surface_scenes` for one of x and y) and `render` writes it: one pacing rule (each scene
frame stays `dwell` seconds, whole frames at `fps`, the last `hold` seconds more), one renderer
interface (`uat.plot.render.FrameRenderer`: the curves' `Renderer`, the surfaces'
`SurfaceRenderer`) and one set of writers (`uat.plot.writers`: a looping GIF storing each
frame once with its delay, an MP4, a PNG contact sheet). The names of the rooms are
re-exported here so that `uat.plot.animate` stays the one import for callers.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

import numpy as np

from uat.core.targets import Target
from uat.errors import UatError
from uat.jobs.scenes import (
    DEFAULT_FRAMES,
    DEFAULT_TRAIN_FRAMES,
    DRAWN_PARTS,
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
from uat.jobs.surface_scenes import SURFACE_SWEEPS, SurfaceScene
from uat.plot.writers import FORMATS, GIF_FPS, WRITERS, check_output, check_pace, ffmpeg_exe
from uat.settings import Settings, check_number

if TYPE_CHECKING:
    from uat.jobs.choice import Choice

__all__ = [
    "DEFAULT_FRAMES",
    "DEFAULT_TRAIN_FRAMES",
    "DRAWN_PARTS",
    "FORMATS",
    "GIF_FPS",
    "SWEEPS",
    "SURFACE_SWEEPS",
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

AnyScene = Scene | SurfaceScene


@dataclass(frozen=True)
class AnimationResult:
    """What `animate` wrote, for a target of one input or two."""

    path: Path
    frames: int  # distinct frames of the scene (a GIF or MP4 adds the hold after them)
    seconds: float  # wall time: computing the networks and rendering
    bytes: int
    size: tuple[int, int]
    fps: float
    last: str = ""  # the last frame's caption(s): its width (or K, or step) and errors
    dwell: float = 0.0  # seconds each frame of the scene stays on screen
    steps: list[dict[str, Any]] = field(default_factory=list)  # per frame: its step, errors
    hold: float = 0.0  # seconds the last frame stays longer, as the file stores it
    file_frames: int = 0  # frames in the file: a GIF stores each once, an MP4 plays at fps
    dwell_asked: float | None = None  # the --dwell given, before rounding to whole frames
    target: str = ""
    dim: int = 1  # inputs of the target
    sweep: str = ""
    method: str = ""  # the final network's method (side by side: "compare")
    neurons: int | None = None  # hidden neurons of the final network (per panel: the first)
    frame_grid: int | None = None  # points per side of each frame's RMSE grid (2-D)
    grow: bool = False  # units added one at a time
    eps: float | None = None  # the band target ± eps drawn (1-D)

    @property
    def duration(self) -> float:
        """Seconds one loop lasts, without the hold."""
        return self.frames * self.dwell

    def to_dict(self) -> dict[str, Any]:
        """The file, its pace and every frame's numbers: the same keys in 1-D and 2-D."""
        return {
            "target": self.target,
            "dim": self.dim,
            "sweep": self.sweep,
            "method": self.method,
            "neurons": self.neurons,
            "output": str(self.path),
            "frames": self.frames,
            "file_frames": self.file_frames,
            "fps": self.fps,
            "dwell": self.dwell,
            "dwell_asked": self.dwell_asked,
            "hold": self.hold,
            "loop_seconds": self.duration + self.hold,
            "size": list(self.size),
            "bytes": self.bytes,
            "seconds": self.seconds,
            "last_frame": self.last,
            "grow": self.grow,
            "eps": self.eps,
            "frame_grid": self.frame_grid,
            "steps": self.steps,
        }


def stored(suffix: str, count: int, repeats: int, fps: float, hold: float) -> tuple[int, float]:
    """(frames in the file, seconds of its hold) for `count` scene frames of `repeats` each.

    A GIF stores each scene frame once and the hold in its last delay (whole hundredths); an
    MP4 plays every frame at fps, the hold as round(hold·fps) more; a contact sheet is one.
    """
    from uat.plot.writers import file_frames

    if suffix == ".gif":
        return count, round(100 * hold) / 100
    if suffix == ".mp4":
        return file_frames(suffix, count, repeats, fps, hold), round(hold * fps) / fps
    return 1, 0.0


MIN_DWELL = 0.5  # a teacher can say a few words per width (issue 12 asks ≥ 0.4 s)
SWEEP_SECONDS = 12.0  # a default sweep lasts about this long (8–20 s: long enough to talk over)


def default_dwell(count: int, fps: float = 20, continuous: bool = False) -> float:
    """Seconds per frame of a `count`-frame scene: about SWEEP_SECONDS in all, 0.5 to 1.5 s.

    A multiple of 0.5 s: it then divides the default 1 s hold, so a GIF stores each frame
    once (60 frames at 0.4 s and a 1 s hold took 125 GIF frames, 1.4 s of ffmpeg; at 0.5 s, 62).
    A continuous scene (a camera turning) is one motion, not steps to talk over: 1/fps.
    """
    if continuous:
        return 1.0 / fps
    return min(max(MIN_DWELL, round(2 * SWEEP_SECONDS / max(count, 1)) / 2), 1.5)


def step_repeats(dwell: float | None, fps: float, count: int, continuous: bool = False) -> int:
    """File frames each scene frame lasts: round(dwell·fps), at least one."""
    d = default_dwell(count, fps, continuous) if dwell is None else dwell
    return max(1, round(d * fps))


def check_dwell(dwell: float | None) -> None:
    """A dwell is None (the default) or within LIMITS["dwell"] seconds."""
    if dwell is not None:
        check_number("dwell", dwell)


def _continuous(scene: AnyScene) -> bool:
    return bool(scene.meta.get("continuous"))


def _room(scene: AnyScene) -> Any:
    """The drawing module of a scene: curves (`render`) or surfaces (`surface_render`)."""
    if isinstance(scene, SurfaceScene):
        from uat.plot import surface_render

        return surface_render
    from uat.plot import render as rn

    return rn


def _repeated(frames: Iterator[np.ndarray], k: int) -> Iterator[np.ndarray]:
    for f in frames:
        for _ in range(k):
            yield f


def render(
    scene: AnyScene,
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
    """Write a scene (curves or surfaces) as a looping GIF, an MP4 or a PNG contact sheet.

    Parameters
    ----------
    scene : what to draw: a `Scene` of curves or a `SurfaceScene` of surfaces.
    out : the file; ``.gif``, ``.mp4`` or ``.png`` (a grid of up to 9 frames, first and last
        included, each cell `size` pixels). Written atomically.
    fps : frames per second of the file; a GIF allows 1, 2, 4, 5, 10, 20, 25 or 50.
    size : (width, height) in pixels, exactly; even for MP4.
    dpi : pixels per inch of the figure: larger draws the same text bigger.
    hold : seconds the last frame stays before the loop starts again (GIF and MP4).
    progress : called as progress(done, total) after each frame.
    writer : "auto" (ffmpeg when available, else Pillow), "ffmpeg" or "pillow" (GIF only).
    dwell : seconds each scene frame stays, rounded to whole file frames (None: about 12 s
        in all, 0.5 to 1.5 s a frame: `default_dwell`; 1/fps for a continuous scene). A GIF
        stores each scene frame once with its dwell as its delay (exact: 100/fps hundredths
        is whole); an MP4 repeats it.

    Returns the path written.
    """
    from uat.io import atomic_path
    from uat.plot import render as rn
    from uat.plot import writers

    p = Path(out)
    how = check_output(p, fps, size, dpi, hold, writer)
    check_dwell(dwell)
    size = (int(size[0]), int(size[1]))
    suffix = p.suffix.lower()
    k = step_repeats(dwell, fps, len(scene), _continuous(scene))
    writers.check_pace(suffix, how, len(scene), k, fps, hold, size)  # before any drawing
    room = _room(scene)
    with atomic_path(p) as tmp:
        if suffix == ".png":
            writers.write_png(room.contact_sheet(scene, size, dpi, progress), tmp)
            return p
        with room.open_renderer(scene, size, dpi) as renderer:
            gif = suffix == ".gif"
            samples = rn.samples(renderer, writers.palette_frames(len(scene))) if gif else []
            frames = rn.frames(renderer, progress)
            # A GIF stores each scene frame once with its dwell (k/fps: whole hundredths) as
            # the delay, the hold in the last; an MP4 plays at fps and repeats each k times.
            writers.write_frames(
                _repeated(frames, 1 if gif else k), tmp, suffix=suffix, writer=how, size=size,
                fps=fps / k if gif else fps, hold=hold, samples=samples,
            )  # fmt: skip
    return p


def animate(
    target: Target | str,
    n: int | None = None,
    settings: Settings | None = None,
    *,
    out: str | Path | None = None,
    sweep: str | None = None,
    frames: int | None = None,
    fps: float = 20,
    size: tuple[int, int] = (800, 500),
    dpi: float = 100,
    hold: float | None = None,
    dwell: float | None = None,
    writer: str = "auto",
    progress: Callable[[str, int, int], None] | None = None,
    runs: Sequence[tuple[Settings, int]] | None = None,
    grow: bool = False,
    diagram: bool = False,
    init: str | None = None,
    eps: float | None = None,
    **options: object,
) -> AnimationResult:
    """Compute a scene and render it: the one call behind `uat animate`, in 1-D and 2-D.

    target : a Target or TARGET text; n : the final width N (a curve: default 50; a surface:
    N hidden neurons, or `towers` K in the settings: the net `uat fit` would build).
    settings : the network's (or their fields as keyword `options`); hand-built by default.
    out : .gif, .mp4 or .png (a contact sheet); None: the command's default name, as .mp4.
    sweep : a curve's "width" (default), "training", "compare" (the `runs` side by side) or
        "steepness"; a surface's "refine" (= width), "grow", "training" or "turn".
    frames : the most frames (thins the sweep); fps, size, dpi, writer, dwell: see `render`;
    hold : seconds on the last frame (None: 1 s; 0 for a turn, a seamless loop).
    progress : progress(stage, done, total), stage "compute" then "render".
    runs, grow, diagram, init, eps : a curve's only: the compared runs, one bump at a time,
    the network beside it (with grow), a training sweep's start, the band target ± eps.

    Returns an AnimationResult (path, frames, pace, wall time, size, every frame's numbers);
    its `to_dict()` has the same keys in both dimensions.
    """
    t0 = time.perf_counter()
    p, tgt, s, kind, n, choice, hold = _plan(
        target, n, settings, options, out, sweep, frames, fps, size, dpi, hold, dwell, writer,
        runs=runs, grow=grow, diagram=diagram, init=init, eps=eps,
    )  # fmt: skip
    scene = _scene(tgt, n, s, kind, frames, choice, _stage(progress, "compute"),
                   runs=runs, grow=grow, init=init, eps=eps, diagram=diagram)  # fmt: skip
    size = (int(size[0]), int(size[1]))
    render(scene, p, fps=fps, size=size, dpi=dpi, hold=hold, progress=_stage(progress, "render"),
           writer=writer, dwell=dwell)  # fmt: skip
    return _result(scene, p, tgt, kind, s, n, fps, size, hold, dwell, grow, eps, t0)


def _scene(
    target: Target,
    n: int,
    s: Settings,
    kind: str,
    frames: int | None,
    choice: Choice | None,
    compute: Callable[[int, int], None] | None,
    **curve_only: Any,
) -> AnyScene:
    """The scene of a sweep: a surface's chosen net, a curve's depth sweep or its widths."""
    if choice is not None:
        from uat.jobs.surface_scenes import surface_scene

        return surface_scene(target, choice, kind, frames, progress=compute)
    scene: Scene
    if kind == "depth":  # layered nets: one more hidden layer each frame
        from uat.jobs.depthscene import depth_sweep

        scene = depth_sweep(target, n, s, frames, progress=compute)
    else:
        scene = scene_for(target, n, s, kind, frames, runs=curve_only["runs"], progress=compute,
                          grow=curve_only["grow"], init=curve_only["init"])  # fmt: skip
    scene.band = curve_only["eps"]
    scene.diagram = scene.diagram if curve_only["diagram"] else None
    return scene


def _plan(
    target: Target | str,
    n: int | None,
    settings: Settings | None,
    options: dict[str, object],
    out: str | Path | None,
    sweep: str | None,
    frames: int | None,
    fps: float,
    size: tuple[int, int],
    dpi: float,
    hold: float | None,
    dwell: float | None,
    writer: str,
    **curve_only: Any,
) -> tuple[Path, Target, Settings, str, int, Choice | None, float]:
    """Every check of an animation before any computing: the file, the target and settings,
    the sweep, its frames and pace. Returns the path, target, settings, sweep, final width (a
    surface's: its hidden neurons), the surface's network choice and the hold."""
    from uat.io import check_writable
    from uat.jobs.request import as_target, request
    from uat.jobs.scenes import check_frames

    s, tgt = request(settings, options), as_target(target)
    kind = _sweep(sweep, tgt.dim)
    hold = (0.0 if kind == "turn" else 1.0) if hold is None else hold
    check_frames(frames)
    check_dwell(dwell)
    p = Path(out) if out is not None else _default_mp4(tgt, n, s, kind)
    if tgt.dim == 1:
        _check_curves(p, curve_only["grow"], curve_only["diagram"], s)
        n = 50 if n is None else n
    else:
        _check_surfaces(**curve_only)
    how = check_output(p, fps, size, dpi, hold, writer)  # fail before any computing
    choice = _surface_choice(tgt, kind, n, s)
    bound = _frame_bound(tgt.dim, kind, cast(int, n) if choice is None else choice.size,
                         frames, s.method)  # fmt: skip
    k = step_repeats(dwell, fps, bound, kind == "turn")
    check_pace(p.suffix.lower(), how, bound, k, fps, hold, (int(size[0]), int(size[1])))
    check_writable(p)
    width = cast(int, n) if choice is None else _surface_neurons(choice)
    return p, tgt, s, kind, width, choice, hold


def _surface_neurons(choice: Choice) -> int:
    """The hidden neurons of a surface's chosen net (the number its record reports)."""
    from uat.jobs.choice import neurons_of

    return choice.size if choice.method == "train" else neurons_of(choice.method, choice.size)


def _surface_choice(target: Target, sweep: str, n: int | None, s: Settings) -> Choice | None:
    """The network a surface's sweep animates (a training sweep trains); None for a curve."""
    from uat.jobs.choice import surface_choice

    if target.dim == 1:
        return None
    if sweep == "training" and s.method == "construct":
        s = replace(s, method="train")
    return surface_choice("animate", n, s)


def _frame_bound(dim: int, sweep: str, n: int, frames: int | None, method: str) -> int:
    """At most how many frames a sweep's scene will have, known before computing it."""
    from uat.jobs.surface_scenes import SURFACE_FRAMES

    if dim == 1:  # every 1-D sweep thins to `frames`, else to at most DEFAULT_FRAMES
        most = frames or max(DEFAULT_FRAMES, DEFAULT_TRAIN_FRAMES)
        if sweep == "width":  # one frame per width: N/2 bump counts, or N trained widths
            most = min(most, max(n // 2, 1) if method == "construct" else n)
        return max(most, 1)
    most = frames or SURFACE_FRAMES[sweep]
    if sweep == "refine":
        most = min(most, n)
    elif sweep == "grow":
        most = min(most, n * n)
    return max(most, 1)


def _stage(
    progress: Callable[[str, int, int], None] | None, name: str
) -> Callable[[int, int], None] | None:
    """progress(done, total) of one stage, as progress(name, done, total)."""
    if progress is None:
        return None
    return lambda done, total: progress(name, done, total)


def _default_mp4(target: Target, n: int | None, s: Settings, sweep: str) -> Path:
    """Where an animation asked for without `out` goes: the command's default name, as MP4
    (a notebook shows it inline as a video)."""
    from uat.jobs.naming import output_name

    return Path(output_name("animate", target, s, n, sweep=sweep, ext=".mp4"))


def _resolve(target: Target | str) -> Target:
    """A target object from text: a curve or a surface, by what the text names."""
    from uat.core.targets import get_target

    return get_target(target) if isinstance(target, str) else target


def _sweep(sweep: str | None, dim: int) -> str:
    """The sweep asked, checked against the target's dimension ("width" is 2-D's refine)."""
    if dim == 1:
        kind = sweep or "width"
        if kind in SURFACE_SWEEPS and kind not in SWEEPS:
            raise UatError(f"sweep {kind} is for 2-D targets; a curve takes {', '.join(SWEEPS)}",
                           param="sweep")  # fmt: skip
        if kind not in SWEEPS:
            raise UatError(f"unknown sweep {kind!r}; choose one of: {', '.join(SWEEPS)}", "sweep")
        return kind
    kind = "refine" if sweep in (None, "width") else sweep
    if kind not in SURFACE_SWEEPS:
        raise UatError(
            f"unknown 2-D sweep {kind!r}; a surface takes refine (or width), grow, training "
            "or turn",
            param="sweep",
        )
    return kind


def _check_curves(p: Path, grow: bool, diagram: bool, s: Settings) -> None:
    """Refuse what a 1-D animation cannot do, naming the option."""
    from uat.jobs.request import curve_settings

    curve_settings(s)  # towers, layers and the plane's methods are for surfaces
    if diagram and not grow:
        raise UatError("--diagram lights the pair each frame adds: use it with --grow")
    if diagram and p.suffix.lower() == ".png":
        raise UatError(
            "--diagram is drawn in a GIF or MP4; a contact sheet (.png) shows the curves only",
            param="diagram",
        )


def _check_surfaces(
    *, runs: Any, grow: bool, diagram: bool, init: str | None, eps: float | None
) -> None:
    """Refuse the 1-D options on a surface rather than ignore them."""
    given = {"runs": runs is not None, "grow": grow, "diagram": diagram,
             "init": init is not None, "eps": eps is not None}  # fmt: skip
    for name, on in given.items():
        if on:
            hint = " (use --sweep grow)" if name == "grow" else ""
            raise UatError(f"--{name} is for targets of one input (x alone){hint}", param=name)


def _result(
    scene: AnyScene,
    p: Path,
    target: Any,
    sweep: str,
    s: Settings,
    n: int,
    fps: float,
    size: tuple[int, int],
    hold: float,
    dwell: float | None,
    grow: bool,
    eps: float | None,
    t0: float,
) -> AnimationResult:
    """The result of a written scene: its pace as the file stores it, and its numbers."""
    k = step_repeats(dwell, fps, len(scene), _continuous(scene))
    count, held = stored(p.suffix.lower(), len(scene), k, fps, hold)
    two = isinstance(scene, SurfaceScene)
    method = scene.meta.get("method", "") if two else s.method
    return AnimationResult(
        path=p, frames=len(scene), seconds=time.perf_counter() - t0, bytes=p.stat().st_size,
        size=size, fps=float(fps), last=scene.last_text, dwell=k / fps, steps=scene.steps,
        hold=held, file_frames=count, dwell_asked=None if dwell is None else float(dwell),
        target=target.name, dim=2 if two else 1,
        sweep=sweep, method="compare" if sweep == "compare" else str(method),
        neurons=int(scene.meta["neurons"]) if two else n,
        frame_grid=scene.meta.get("frame_grid") if two else None,
        grow=grow or sweep == "grow", eps=eps,
    )  # fmt: skip
