"""2-D animations as data: the surface, the error map and the numbers of every frame (numpy only).

Four sweeps, each a `SurfaceScene` that `uat.plot.surface_render` draws without computing anything:

- ``refine``: K×K towers for K = 1, 2, …, K_max, each re-tiling the plane;
- ``grow``: K×K towers added a few at a time, outwards from the tallest, so the first frame
  already shows a tower; the new ones are outlined;
- ``training``: one LM run of a trained net, frames at log-spaced evaluations;
- ``turn``: the camera going once round one network's surface.

Every frame's sup error (refined over the plane) and RMSE come from `uat.core.metrics.errors`
on a `FRAME_GRID`² grid, which the scene names.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from uat.core.layered import Layer, LayeredNet, one_blas_thread
from uat.core.metrics import errors
from uat.core.targets import Target
from uat.core.towers import ridge_sums, tower_edges, towers
from uat.errors import UatError
from uat.jobs.scenes import SURFACE_SWEEPS, check_frames

if TYPE_CHECKING:
    from uat.jobs.choice import Choice

SURFACE_FRAMES = {"refine": 60, "grow": 60, "training": 60, "turn": 90}
# A frame's RMSE grid: the 201² grid of a fit measured 0.1–0.6 s per frame for towers here,
# 101² a quarter of that; the sup is refined off the grid either way.
FRAME_GRID = 101
AZIMUTH, ELEVATION = -60.0, 32.0  # the camera of the still figures (plot2d.draw_surface)
_SURFACE_POINTS = (41, 81)  # points per side of a frame's drawn surface
_ERROR_FLOOR = 1e-4  # the error map's log scale spans at most four decades below the top

Progress = Callable[[int, int], None] | None


@dataclass(frozen=True)
class SurfaceFrame:
    """What one frame shows: the network's surface, its error map and its numbers."""

    z: np.ndarray  # the network on the scene's surface grid
    error: np.ndarray  # |network − f| on the scene's error grid
    step: int  # K (refine), towers shown (grow), LM evaluation (training), frame (turn)
    sup: float  # refined over the plane
    rmse: float  # on the FRAME_GRID² grid
    sup_at: tuple[float, float]
    text: str  # the caption
    new_cells: tuple[tuple[float, float, float, float, float], ...] = ()  # x0, x1, y0, y1, h
    azimuth: float = AZIMUTH

    def as_dict(self) -> dict[str, Any]:
        """The frame's numbers, JSON-ready."""
        return {
            "step": self.step,
            "sup_error": self.sup,
            "rmse": self.rmse,
            "sup_at": list(self.sup_at),
            "azimuth": self.azimuth,
        }


@dataclass
class SurfaceScene:
    """An animation of surfaces: fixed grids, the target, fixed limits, and the frames."""

    sweep: str
    x: np.ndarray  # (n, n) surface grid
    y: np.ndarray
    target: np.ndarray  # f on the surface grid
    domain: tuple[tuple[float, float], tuple[float, float]]
    frames: list[SurfaceFrame]
    zlim: tuple[float, float]
    error_lim: tuple[float, float]  # the error map's log colour scale, fixed across frames
    title: str
    step_name: str  # what `step` counts
    meta: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if not self.frames:
            raise UatError("an animation needs at least one frame")

    def __len__(self) -> int:
        return len(self.frames)

    @property
    def steps(self) -> list[dict[str, Any]]:
        """Per frame its step (named after what it counts), sup error and RMSE."""
        return [{self.step_name: f.step, **f.as_dict()} for f in self.frames]

    @property
    def last_text(self) -> str:
        """The last frame's caption."""
        return self.frames[-1].text


def surface_points(k: int = 0) -> int:
    """Points per side of the drawn surface: 4 per tower side so steps show, 41 to 81."""
    low, high = _SURFACE_POINTS
    return int(min(high, max(low, 4 * k + 1)))


def measure(net: LayeredNet, target: Target, grid: tuple[np.ndarray, ...]) -> dict[str, Any]:
    """A network's surface, error map, refined sup error and RMSE for one frame."""
    x, y, ex, ey = grid
    e = errors(net, target, FRAME_GRID)
    with np.errstate(all="ignore"):
        error = np.abs(net(ex, ey) - target(ex, ey))
    return {"z": net(x, y), "error": error, "sup": e.sup, "rmse": e.rmse, "sup_at": e.at}


def _grids(target: Target, k: int = 0) -> tuple[np.ndarray, ...]:
    x, y = target.grid(surface_points(k))
    ex, ey = target.grid(FRAME_GRID)
    return x, y, ex, ey


def _number(v: float) -> str:
    return f"{v:.3g}"


def _scene(
    sweep: str,
    target: Target,
    grid: tuple[np.ndarray, ...],
    frames: list[SurfaceFrame],
    title: str,
    step_name: str,
    meta: dict[str, Any],
) -> SurfaceScene:
    """Fix the limits over every frame and the target; assemble the scene."""
    x, y = grid[0], grid[1]
    zt = target(x, y)
    lo = min(float(zt.min()), *(float(f.z.min()) for f in frames))
    hi = max(float(zt.max()), *(float(f.z.max()) for f in frames))
    pad = 0.05 * (hi - lo) if hi > lo else 0.5
    top = max(max(f.sup for f in frames), 1e-300)
    return SurfaceScene(
        sweep, x, y, zt, (target.box[0], target.box[1]), frames, (lo - pad, hi + pad),
        (top * _ERROR_FLOOR, top), title, step_name, {"frame_grid": FRAME_GRID, **meta},
    )  # fmt: skip


def evenly(values: Sequence[int], frames: int) -> list[int]:
    """At most `frames` of `values`, evenly spread, first and last kept."""
    if len(values) <= frames:
        return list(values)
    idx = np.unique(np.round(np.linspace(0, len(values) - 1, frames)).astype(int))
    return [values[i] for i in idx]


def refine_scene(
    target: Target,
    k_max: int,
    method: str = "construct",
    frames: int | None = None,
    *,
    progress: Progress = None,
) -> SurfaceScene:
    """K×K towers (or K directions × K+1 ridge steps) for K = 1 … K_max, one frame each."""
    if method not in ("construct", "nielsen", "ridges"):
        raise UatError(f"a refine sweep builds towers or ridges, not {method!r}")
    check_frames(frames)
    ks = evenly(range(1, k_max + 1), frames or SURFACE_FRAMES["refine"])
    grid = _grids(target, k_max)
    out = []
    for i, k in enumerate(ks):
        if method == "ridges":
            net = ridge_sums(target, k, k)
        else:
            net = towers(target, k, form="nielsen" if method == "nielsen" else "quadrant")
        m = measure(net, target, grid)
        unit = f"{k}×{k} towers" if method != "ridges" else f"{k} directions × {k + 1} steps"
        text = f"K = {k}: {unit}, {net.n_neurons} neurons · sup error {_number(m['sup'])}"
        out.append(SurfaceFrame(step=k, text=f"{text} · RMSE {_number(m['rmse'])}", **m))
        if progress is not None:
            progress(i + 1, len(ks))
    what = "ridges, one hidden layer" if method == "ridges" else "towers, two hidden layers"
    title = f"{target.formula}: {what}, K = 1 … {k_max}"
    meta = {"method": method, "neurons": net.n_neurons}
    return _scene("refine", target, grid, out, title, "K", meta)


def partial_towers(net: LayeredNet, heights: np.ndarray) -> LayeredNet:
    """The tower net with other heights (zero for towers not yet added): output weights only."""
    form = net.meta["form"]
    if form == "nielsen":
        v = heights.ravel()
    else:  # quadrant neurons: the output weights are the mixed differences of the heights
        v = np.diff(np.diff(np.pad(heights, ((1, 0), (1, 0))), axis=0), axis=1).ravel()
    out = Layer(v[None, :], np.zeros(1), "identity")
    return LayeredNet([*net.layers[:-1], out], net.domain, net.target, net.method, dict(net.meta))


def growth_order(heights: np.ndarray) -> np.ndarray:
    """Cell indices (j·K + i) outwards from the tallest |height|, taller first at equal reach."""
    k = heights.shape[0]
    j, i = np.divmod(np.arange(k * k), k)
    j0, i0 = np.divmod(int(np.argmax(np.abs(heights))), k)
    reach = np.hypot(j - j0, i - i0)
    return np.lexsort((-np.abs(heights.ravel()), reach))


def grow_scene(
    target: Target,
    k: int,
    method: str = "construct",
    frames: int | None = None,
    *,
    progress: Progress = None,
) -> SurfaceScene:
    """K×K towers added a few at a time outwards from the tallest; the new ones outlined.

    Each frame is the real network with the missing towers' heights at zero. In the quadrant
    form a tower's corners are cancelled by its neighbours' quadrants, so where a grown region
    ends the refined sup finds narrow corner spikes (gaussian2d, K = 8, one tower: sup 1.72,
    RMSE 0.29); Nielsen's towers stand alone and show his holes instead.
    """
    if method not in ("construct", "nielsen"):
        raise UatError(f"a grow sweep adds towers (construct or nielsen), not {method!r}")
    check_frames(frames)
    full = towers(target, k, form="nielsen" if method == "nielsen" else "quadrant")
    h = np.asarray(full.meta["tower_heights"])
    order = growth_order(h)
    count = min(frames or SURFACE_FRAMES["grow"], k * k)
    ends = np.round(np.linspace(0, k * k, count + 1)).astype(int)
    xe, ye = tower_edges(target, k)
    grid = _grids(target, k)
    out = []
    for f in range(count):
        shown = np.zeros(k * k, dtype=bool)
        shown[order[: ends[f + 1]]] = True
        m = measure(
            partial_towers(full, np.where(shown, h.ravel(), 0.0).reshape(k, k)), target, grid
        )
        cells = tuple(
            (float(xe[c % k]), float(xe[c % k + 1]), float(ye[c // k]), float(ye[c // k + 1]),
             float(h.flat[c]))
            for c in order[ends[f] : ends[f + 1]]
        )  # fmt: skip
        text = f"{ends[f + 1]} of {k * k} towers · sup error {_number(m['sup'])}"
        out.append(
            SurfaceFrame(
                step=int(ends[f + 1]), text=f"{text} · RMSE {_number(m['rmse'])}",
                new_cells=cells, **m,
            )
        )  # fmt: skip
        if progress is not None:
            progress(f + 1, count)
    title = f"{target.formula}: {k}×{k} towers, {full.n_neurons} neurons, added one by one"
    meta = {"method": method, "K": k, "neurons": full.n_neurons}
    return _scene("grow", target, grid, out, title, "towers", meta)


def log_evaluations(last: int, count: int) -> list[int]:
    """About `count` evaluation numbers from 1 to `last`, evenly spread in log(evaluation)."""
    return sorted({1, last, *np.round(np.geomspace(1, max(last, 1), count)).astype(int).tolist()})


def training_scene(
    target: Target,
    n: int,
    layers: int = 1,
    frames: int | None = None,
    *,
    seed: int = 0,
    max_iter: int | None = None,
    progress: Progress = None,
) -> SurfaceScene:
    """One LM run of N neurons (one or two hidden layers), frames at log-spaced evaluations."""
    from uat.core.train import LAYERED_ITERATIONS, train2d

    check_frames(frames)
    if layers not in (1, 2) or n < layers:
        raise UatError("a trained 2-D net has 1 or 2 hidden layers of ≥ 1 neuron each")
    count = frames or SURFACE_FRAMES["training"]
    budget = max_iter or LAYERED_ITERATIONS
    from uat.jobs.choice import trained_widths

    widths = trained_widths(n, layers)
    # ask for many, keep `count`: the early evaluations collide as whole numbers
    run = train2d(target, widths, seed=seed, max_iter=budget,
                  snapshot_at=log_evaluations(budget, 4 * count))  # fmt: skip
    snaps: dict[int, Any] = {s.iteration: s.net for s in run.snapshots}
    snaps[run.iterations] = run.net  # the run may stop before its budget
    steps = [s for s in sorted(snaps) if s <= run.iterations]
    steps = [steps[i] for i in _log_picks(steps, count)]
    grid = _grids(target)
    out = []
    for f, step in enumerate(steps):
        m = measure(snaps[step], target, grid)
        text = f"iteration {step} of {run.iterations} · sup error {_number(m['sup'])}"
        out.append(SurfaceFrame(step=step, text=f"{text} · RMSE {_number(m['rmse'])}", **m))
        if progress is not None:
            progress(f + 1, len(steps))
    shape = "×".join(map(str, widths))
    title = f"{target.formula}: training {shape} sigmoid neurons (Levenberg–Marquardt)"
    history = [[i, r] for i, r in run.history]
    meta = {"method": "train", "widths": widths, "seed": seed, "history": history}
    meta["neurons"] = run.net.n_neurons
    return _scene("training", target, grid, out, title, "iteration", meta)


def _log_picks(steps: Sequence[int], count: int) -> list[int]:
    """Indices of at most `count` steps nearest to log-even targets, first and last kept."""
    if len(steps) <= count:
        return list(range(len(steps)))
    keys = np.log(np.asarray(steps, dtype=float))
    picks: list[int] = [0]
    for want in np.linspace(keys[0], keys[-1], count)[1:]:
        i = int(np.argmin(np.abs(keys - want)))
        picks.append(max(i, picks[-1] + 1))  # never the same frame twice
    room = len(steps) - 1
    return [min(p, room - (len(picks) - 1 - j)) for j, p in enumerate(picks)]


def turn_scene(
    target: Target,
    net: LayeredNet,
    label: str,
    frames: int | None = None,
    *,
    progress: Progress = None,
) -> SurfaceScene:
    """The camera once round a network's surface, from the still figures' view and back."""
    check_frames(frames)
    count = frames or SURFACE_FRAMES["turn"]
    grid = _grids(target, int(net.meta.get("towers_per_side", 0)))
    m = measure(net, target, grid)
    text = f"{label}, {net.n_neurons} neurons · sup error {_number(m['sup'])}"
    text += f" · RMSE {_number(m['rmse'])}"
    out = []
    for f in range(count):
        azimuth = AZIMUTH + 360.0 * f / count  # the last frame is one step before the first
        out.append(SurfaceFrame(step=f + 1, text=text, azimuth=azimuth, **m))
        if progress is not None:
            progress(f + 1, count)
    title = f"{target.formula}: {label}"
    # a turn is one motion, not steps to talk over: one file frame each (`continuous`)
    meta = {"method": net.method, "neurons": net.n_neurons, "continuous": True}
    return _scene("turn", target, grid, out, title, "frame", meta)


def surface_scene(
    target: Target,
    choice: Choice,
    sweep: str = "refine",
    frames: int | None = None,
    *,
    progress: Progress = None,
) -> SurfaceScene:
    """The scene of one sweep of the chosen net: up to K (refine), K² towers one at a time
    (grow), its training (N trained neurons), or a camera turn around it (built first)."""
    from uat.jobs.choice import build, net_label

    if sweep not in SURFACE_SWEEPS:
        raise UatError(f"unknown 2-D sweep {sweep!r}; choose one of: {', '.join(SURFACE_SWEEPS)}")
    method, size = choice.method, choice.size
    with one_blas_thread():  # skinny products on shared cores (see uat.core.layered)
        if sweep == "refine":
            return refine_scene(target, size, method, frames, progress=progress)
        if sweep == "grow":
            return grow_scene(target, size, method, frames, progress=progress)
        if sweep == "training":
            o = choice.options
            return training_scene(target, size, choice.layers, frames, seed=o.get("seed", 0),
                                  max_iter=o.get("max_iter"), progress=progress)  # fmt: skip
        net, _ = build(target, choice)
        label = net_label(method, size, choice.layers)
        return turn_scene(target, net, label, frames, progress=progress)
