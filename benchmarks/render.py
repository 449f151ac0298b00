"""Render the same 60-frame 800×500 GIF with uat's renderer and with FuncAnimation + PillowWriter.

    python benchmarks/render.py

The scene (hand-built sin, widths 2, 4, …, 120) is computed once and shared; both renderers
draw the same artists (the faint bumps as one LineCollection, target, network, caption, legend).
The baseline redraws the whole figure every frame, as `FuncAnimation.save` does. uat is timed
with both of its GIF writers: the gain is blitting and one shared palette, not ffmpeg.
"""

from __future__ import annotations

import os
import tempfile
import time
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

from matplotlib.animation import FuncAnimation, PillowWriter  # noqa: E402

from uat.animate import render  # noqa: E402
from uat.plot import style  # noqa: E402
from uat.render import Panel, agg_figure, figure_legend  # noqa: E402
from uat.scenes import Scene, default_widths, width_sweep  # noqa: E402
from uat.targets import get_target  # noqa: E402
from uat.writers import ffmpeg_exe  # noqa: E402

SIZE = (800, 500)
FPS = 20
DPI = 100


def baseline(scene: Scene, out: Path) -> None:
    """The ordinary way: FuncAnimation redraws every artist each frame, PillowWriter saves."""
    with style():
        fig = agg_figure(SIZE, DPI)
        axes = fig.subplots(1, scene.panels, squeeze=False)[0]
        panels = [Panel(ax, scene, j, fontsize=12.0) for j, ax in enumerate(axes)]
        figure_legend(fig, panels, 0.88 * 12.0)
        fig.suptitle(scene.title, fontsize=1.08 * 12.0)
        fig.canvas.draw()
        fig.set_layout_engine("none")  # fair: no re-layout per frame, only the redraw

        def update(i: int) -> list:
            for p, pf in zip(panels, scene.frames[i], strict=True):
                p.update(pf)
            return [a for p in panels for a in p.moving()]

        anim = FuncAnimation(fig, update, frames=len(scene.frames), blit=True)
        anim.save(out, writer=PillowWriter(fps=FPS), dpi=DPI)


def main() -> None:
    """Time both renderers on the same scene and print the ratio."""
    target = get_target("sin")
    t0 = time.perf_counter()
    scene = width_sweep(target, default_widths(120, "construct"))
    t_scene = time.perf_counter() - t0
    print(f"scene: {len(scene.frames)} frames, widths 2…120, {len(scene.x)}-point grid,")
    print(f"       computed in {t_scene:.2f} s (shared by both renderers, not timed below)")
    print(f"ffmpeg: {ffmpeg_exe() or 'none found (uat falls back to Pillow)'}")
    with tempfile.TemporaryDirectory() as tmp:
        ours, base = Path(tmp, "uat.gif"), Path(tmp, "baseline.gif")
        render(scene, Path(tmp, "warmup.png"), size=SIZE)  # font caches etc., for both
        t0 = time.perf_counter()
        render(scene, ours, fps=FPS, size=SIZE, dpi=DPI, hold=0, writer="auto")
        t_ours = time.perf_counter() - t0
        pil = Path(tmp, "pillow.gif")
        t0 = time.perf_counter()
        render(scene, pil, fps=FPS, size=SIZE, dpi=DPI, hold=0, writer="pillow")
        t_pil, s_pil = time.perf_counter() - t0, os.path.getsize(pil)
        t0 = time.perf_counter()
        baseline(scene, base)
        t_base = time.perf_counter() - t0
        s_ours, s_base = os.path.getsize(ours), os.path.getsize(base)
        held = render(scene, Path(tmp, "held.gif"), fps=FPS, size=SIZE, dpi=DPI, hold=1.0)
        s_held = os.path.getsize(held)
    auto = "ffmpeg" if ffmpeg_exe() else "pillow"
    print(f"uat render (blit, --writer {auto}):  {t_ours:6.2f} s  {s_ours / 1e6:6.2f} MB")
    print(f"uat render (blit, --writer pillow):  {t_pil:6.2f} s  {s_pil / 1e6:6.2f} MB")
    print(f"FuncAnimation + PillowWriter:        {t_base:6.2f} s  {s_base / 1e6:6.2f} MB")
    print(f"ratio uat/baseline: time {t_ours / t_base:.3f}×, size {s_ours / s_base:.2f}×")
    print(f"ratio uat pillow/baseline: time {t_pil / t_base:.3f}×, size {s_pil / s_base:.2f}×")
    print(f"uat GIF with the default 1 s hold (60 + 20 frames): {s_held / 1e6:.2f} MB")


if __name__ == "__main__":
    main()
