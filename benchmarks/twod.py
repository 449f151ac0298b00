"""Time a 20×20-tower fit of the 2-D Gaussian with its figure (the goal: under 3 s), and a
60-frame 2-D animation (the goal: under 20 s).

    python benchmarks/twod.py

The peer of the fit, measured in the same run, is the 1-D hand-built fit of the same width
(440 neurons on exp(-x²)) with its figure: what one input costs on this machine right now.
Each is timed from a fresh target (so the Lipschitz constant is computed, not cached),
through the errors, to a PNG on disk. The peer of the animation is the 1-D width sweep of 60
frames (hand-built, N = 2 … 120) written the same way, 800×500 GIF at 20 fps.
"""

from __future__ import annotations

import tempfile
import time
from dataclasses import replace
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

from uat.jobs.UNKNOWN import (
    fit,  # noqa: E402
    fit2d,  # noqa: E402
)

from uat.core.targets import TARGETS, TARGETS2D  # noqa: E402
from uat.plot.figures import fit_figure, save_figure, style  # noqa: E402
from uat.plot.surfaces import surface_fit_figure  # noqa: E402

GOAL = 3.0  # seconds, from issue 14
GOAL_ANIMATION = 20.0  # seconds for 60 frames, from issue 14


def towers_20(out: Path) -> tuple[float, float, float]:
    """(fit seconds, figure seconds, sup error) for 20×20 towers on gaussian2d."""
    target = replace(TARGETS2D["gaussian2d"])  # a fresh copy: nothing cached
    t0 = time.perf_counter()
    result = fit2d(target, 20)
    t1 = time.perf_counter()
    with style():
        save_figure(surface_fit_figure(result), out)
    return t1 - t0, time.perf_counter() - t1, result.errors.sup


def peer_1d(out: Path) -> float:
    """Seconds for the 1-D hand-built fit of 440 neurons on exp(-x²), with its figure."""
    target = replace(TARGETS["gaussian"])
    t0 = time.perf_counter()
    result = fit(target, 440)
    with style():
        save_figure(fit_figure(result), out)
    return time.perf_counter() - t0


def animation_60(out: Path, sweep: str) -> tuple[float, int]:
    """(seconds, frames) of a 60-frame 2-D animation: grow 8×8 towers, or train 20 neurons."""
    from uat.plot.animate import animate

    target = replace(TARGETS2D["gaussian2d"])
    size = 8 if sweep == "grow" else 20
    t0 = time.perf_counter()
    result = animate(target, size, sweep=sweep, out=out, frames=60)
    return time.perf_counter() - t0, result.frames


def peer_animation_1d(out: Path) -> float:
    """Seconds for the 1-D width sweep of 60 frames (N = 2 … 120) as an 800×500 GIF."""
    from uat.plot.animate import animate

    t0 = time.perf_counter()
    animate(replace(TARGETS["gaussian"]), 120, out=out)
    return time.perf_counter() - t0


def main() -> None:
    """Warm up, then time both once and print the ratio against the goal."""
    with tempfile.TemporaryDirectory() as tmp:
        towers_20(Path(tmp, "warm.png"))  # imports and font caches, for both
        peer_1d(Path(tmp, "warm1.png"))
        t_fit, t_fig, sup = towers_20(Path(tmp, "towers.png"))
        t_peer = peer_1d(Path(tmp, "peer.png"))
    total = t_fit + t_fig
    print(f"20×20 towers, gaussian2d: fit + errors {t_fit:5.2f} s, figure {t_fig:5.2f} s, ")
    print(f"                          total {total:5.2f} s (goal {GOAL:g} s), sup {sup:.4f}")
    print(f"1-D peer, 440 neurons:    {t_peer:5.2f} s")
    print(f"ratio 2-D/1-D: {total / t_peer:.2f}×; total/goal: {total / GOAL:.2f}")
    with tempfile.TemporaryDirectory() as tmp:
        t_anim1 = peer_animation_1d(Path(tmp, "peer.gif"))
        for sweep in ("grow", "training"):
            t_anim, count = animation_60(Path(tmp, f"{sweep}.gif"), sweep)
            print(
                f"2-D {sweep} animation, {count} frames: {t_anim:5.2f} s "
                f"(goal {GOAL_ANIMATION:g} s; /goal {t_anim / GOAL_ANIMATION:.2f}; "
                f"/1-D 60-frame sweep {t_anim / t_anim1:.2f}×)"
            )
        print(f"1-D width sweep, 60 frames: {t_anim1:5.2f} s")


if __name__ == "__main__":
    main()
