"""Animations in one call, for curves and surfaces: a scene → frames → a file.

`animate` computes the scene of one sweep (`uat.jobs.scenes` for a target of x,
`uat.jobs.scenes2d` for one of x and y) and `render` writes it: one pacing rule (each scene
frame stays `dwell` seconds, whole frames at `fps`, the last `hold` seconds more), one renderer
interface (`uat.plot.render.FrameRenderer`: the curves' `Renderer`, the surfaces'
`SurfaceRenderer`) and one set of writers (`uat.plot.writers`: a looping GIF storing each
frame once with its delay, an MP4, a PNG contact sheet). The names of the rooms are
re-exported here so that `uat.plot.animate` stays the one import for callers.
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
from uat.jobs.scenes2d import SWEEPS2D, Scene2D
from uat.plot.writers import FORMATS, GIF_FPS, WRITERS, check_output, check_pace, ffmpeg_exe
from uat.settings import Settings, check_number

__all__ = [
    "DEFAULT_FRAMES",
    "DEFAULT_TRAIN_FRAMES",
    "DRAWN_PARTS",
    "FORMATS",
    "GIF_FPS",
    "SWEEPS",
    "SWEEPS2D",
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

AnyScene = Scene | Scene2D


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
    """The drawing module of a scene: curves (`render`) or surfaces (`render2d`)."""
    if isinstance(scene, Scene2D):
        from uat.plot import render2d

        return render2d
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
    scene : what to draw: a `Scene` of curves or a `Scene2D` of surfaces.
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

    Returns
    -------
    The path written.
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
    n: int,
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
    method: str | None = None,
    layers: int = 1,
    max_evaluations: int | None = None,
) -> AnimationResult:
    """Compute a scene and render it: the one call behind `uat animate`, in 1-D and 2-D.

    Parameters
    ----------
    target : a Target (one input or two), or text naming one ("sin", "x**2", "gaussian2d", a CSV).
    n : the final size: width N (1-D; even for hand-built nets, per copy under shifts), K_max
        (2-D refine), K (2-D grow: K² towers), N (training), the net to turn round (2-D turn).
    settings : method and options; hand-built by default, passed whole to every 1-D network.
    out : the file: .gif, .mp4 or .png (contact sheet); None: the command's default name, as .mp4.
    sweep : 1-D "width" (default; one frame per width), "training" (one run of width N,
        frames at log-spaced iterations), "compare" (the `runs` side by side, over widths) or
        "steepness" (one hand-built net, its steps going from soft to steep); 2-D "refine"
        (default; "width" is the same), "grow", "training" or "turn" (a camera turn).
    frames : the most frames (thins the sweep; defaults per sweep).
    fps, size, dpi, writer, dwell : as for `render`.
    hold : seconds the last frame stays (None: 1 s; 0 for a turn, a seamless loop).
    progress : called as progress(stage, done, total), stage "compute" then "render".
    runs, grow, diagram, init, eps : 1-D only. `runs`: for "compare", (settings, final width)
        per panel; `grow`: a hand-built width sweep adds one bump at a time; `diagram`: the
        network beside the curves (with `grow`); `init`: the start of a training sweep;
        `eps`: draw the band target ± eps.
    method, layers, max_evaluations : 2-D only: construct, nielsen, ridges or train (None:
        settings.method), and a trained net's hidden layers and evaluation budget.

    Returns
    -------
    AnimationResult with the path, frame count, pace, wall time, file size and every frame's
    numbers; `to_dict()` gives the same keys in both dimensions.
    """
    from uat.io import check_writable
    from uat.jobs.scenes import check_frames

    t0 = time.perf_counter()
    s = settings or Settings()
    tgt = _resolve(target)
    dim = tgt.dim
    kind = _sweep(sweep, dim)
    hold = (0.0 if kind == "turn" else 1.0) if hold is None else hold
    check_frames(frames)
    check_dwell(dwell)
    p = Path(out) if out is not None else _default_mp4(tgt, n, s, kind)
    if dim == 1:
        _check_curves(p, grow, diagram, method, layers, max_evaluations)
    else:
        _check_surfaces(runs, grow, diagram, init, eps)
    how = check_output(p, fps, size, dpi, hold, writer)  # fail before any computing
    size = (int(size[0]), int(size[1]))
    bound = _frame_bound(dim, kind, n, frames, s.method)
    k = step_repeats(dwell, fps, bound, kind == "turn")
    check_pace(p.suffix.lower(), how, bound, k, fps, hold, size)
    check_writable(p)

    scene: AnyScene
    if dim == 1:
        compute = _stage(progress, "compute")
        if kind == "depth":  # layered nets: one more hidden layer each frame
            from uat.jobs.depthscene import depth_sweep

            scene = depth_sweep(tgt, n, s, frames, progress=compute)
        else:
            scene = scene_for(tgt, n, s, kind, frames, runs=runs, progress=compute, grow=grow,
                              init=init)  # fmt: skip
        scene.band = eps
        scene.diagram = scene.diagram if diagram else None
    else:
        chosen = method or ("train" if kind == "training" else s.method)
        evaluations = max_evaluations if max_evaluations is not None else s.max_iter
        scene = _surfaces(tgt, n, chosen, kind, frames, layers, s.seed, evaluations,
                          _stage(progress, "compute"))  # fmt: skip
    render(scene, p, fps=fps, size=size, dpi=dpi, hold=hold, progress=_stage(progress, "render"),
           writer=writer, dwell=dwell)  # fmt: skip
    return _result(scene, p, tgt, kind, s, n, fps, size, hold, dwell, grow, eps, t0)


def _frame_bound(dim: int, sweep: str, n: int, frames: int | None, method: str) -> int:
    """At most how many frames a sweep's scene will have, known before computing it."""
    from uat.jobs.scenes2d import DEFAULT_FRAMES2D

    if dim == 1:  # every 1-D sweep thins to `frames`, else to at most DEFAULT_FRAMES
        most = frames or max(DEFAULT_FRAMES, DEFAULT_TRAIN_FRAMES)
        if sweep == "width":  # one frame per width: N/2 bump counts, or N trained widths
            most = min(most, max(n // 2, 1) if method == "construct" else n)
        return max(most, 1)
    most = frames or DEFAULT_FRAMES2D[sweep]
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


def _default_mp4(target: Target, n: int, s: Settings, sweep: str) -> Path:
    """Where an animation asked for without `out` goes: the command's default name, as MP4
    (a notebook shows it inline as a video)."""
    from uat.jobs.commands import output_name

    return Path(output_name("animate", target, s, n, sweep=sweep, ext=".mp4"))


def _resolve(target: Target | str) -> Target:
    """A target object from text: a curve or a surface, by what the text names."""
    from uat.core.targets import get_target

    return get_target(target) if isinstance(target, str) else target


def _sweep(sweep: str | None, dim: int) -> str:
    """The sweep asked, checked against the target's dimension ("width" is 2-D's refine)."""
    if dim == 1:
        kind = sweep or "width"
        if kind not in SWEEPS:
            raise UatError(f"unknown sweep {kind!r}; choose one of: {', '.join(SWEEPS)}")
        return kind
    kind = "refine" if sweep in (None, "width") else sweep
    if kind not in SWEEPS2D:
        raise UatError(
            f"unknown 2-D sweep {kind!r}; a surface takes refine (or width), grow, training "
            "or turn",
            param="sweep",
        )
    return kind


def _check_curves(
    p: Path, grow: bool, diagram: bool, method: str | None, layers: int, evaluations: int | None
) -> None:
    """Refuse what a 1-D animation cannot do, naming the option."""
    if method is not None or layers != 1 or evaluations is not None:
        raise UatError(
            "method, layers and max_evaluations are for surfaces; settings set a curve's net",
            param="method" if method is not None else "layers",
        )
    if diagram and not grow:
        raise UatError("--diagram lights the pair each frame adds: use it with --grow")
    if diagram and p.suffix.lower() == ".png":
        raise UatError(
            "--diagram is drawn in a GIF or MP4; a contact sheet (.png) shows the curves only",
            param="diagram",
        )


def _check_surfaces(
    runs: Any, grow: bool, diagram: bool, init: str | None, eps: float | None
) -> None:
    """Refuse the 1-D options on a surface rather than ignore them."""
    given = {"runs": runs is not None, "grow": grow, "diagram": diagram,
             "init": init is not None, "eps": eps is not None}  # fmt: skip
    for name, on in given.items():
        if on:
            hint = " (use --sweep grow)" if name == "grow" else ""
            raise UatError(f"--{name} is for targets of one input (x alone){hint}", param=name)


def _surfaces(
    target: Target,
    size: int,
    method: str,
    sweep: str,
    frames: int | None,
    layers: int,
    seed: int,
    max_evaluations: int | None,
    progress: Callable[[int, int], None] | None,
) -> Scene2D:
    """The 2-D scene of one sweep (a turn builds its network first)."""
    from uat.jobs.commands2d import build2d, net_label
    from uat.jobs.scenes2d import scene2d

    net = None
    if sweep == "turn":
        net, _ = build2d(target, size, method, layers=layers, seed=seed,
                         max_evaluations=max_evaluations)  # fmt: skip
    return scene2d(
        target, size, method, sweep, frames, net=net, label=net_label(method, size, layers),
        layers=layers, seed=seed, max_evaluations=max_evaluations, progress=progress,
    )  # fmt: skip


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
    two = isinstance(scene, Scene2D)
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
