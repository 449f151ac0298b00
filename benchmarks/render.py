"""Render the same 60-frame 800×500 GIF with uat's renderer and with FuncAnimation + PillowWriter.

    python benchmarks/render.py

Then the whole process (issue 12, target ≤ 0.25×): `uat animate sin --neurons 120 --frames 60`
from start to exit, against a plain script (`python benchmarks/render.py --peer OUT.gif`) that
builds the same 60 hand-built nets with numpy and saves them by FuncAnimation + PillowWriter.
Measured on 2 cores (2026-12-02, otherwise idle): 3.3 s against 15.7 s, 0.21× (before
issue 12's work, 0.42×; 0.27–0.29× before the GIF palette came from three sample frames and
the asymptote tables were cached). The render loop alone: 1.3 s against 13.5 s.

The scene (hand-built sin, widths 2, 4, …, 120) is computed once and shared; both renderers
draw the same artists (the faint bumps as one LineCollection, target, network, caption, legend).
The baseline redraws the whole figure every frame, as `FuncAnimation.save` does. uat is timed
with both of its GIF writers: the gain is blitting and one shared palette, not ffmpeg.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

from matplotlib.animation import FuncAnimation, PillowWriter  # noqa: E402

from uat.core.targets import get_target  # noqa: E402
from uat.jobs.scenes import Scene, default_widths, width_sweep  # noqa: E402
from uat.plot.animate import render  # noqa: E402
from uat.plot.figures import style  # noqa: E402
from uat.plot.render import Panel, agg_figure, figure_legend  # noqa: E402
from uat.plot.writers import ffmpeg_exe  # noqa: E402

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
    scene = width_sweep(target, default_widths(120, "construct", 60))
    t_scene = time.perf_counter() - t0
    print(f"scene: {len(scene.frames)} frames, widths 2…120, {len(scene.x)}-point grid,")
    print(f"       computed in {t_scene:.2f} s (shared by both renderers, not timed below)")
    print(f"ffmpeg: {ffmpeg_exe() or 'none found (uat falls back to Pillow)'}")
    with tempfile.TemporaryDirectory() as tmp:
        ours, base = Path(tmp, "uat.gif"), Path(tmp, "baseline.gif")
        render(scene, Path(tmp, "warmup.png"), size=SIZE)  # font caches etc., for both
        t0 = time.perf_counter()
        render(scene, ours, fps=FPS, size=SIZE, dpi=DPI, hold=0, writer="auto", dwell=1 / FPS)
        t_ours = time.perf_counter() - t0
        pil = Path(tmp, "pillow.gif")
        t0 = time.perf_counter()
        render(scene, pil, fps=FPS, size=SIZE, dpi=DPI, hold=0, writer="pillow", dwell=1 / FPS)
        t_pil, s_pil = time.perf_counter() - t0, os.path.getsize(pil)
        t0 = time.perf_counter()
        baseline(scene, base)
        t_base = time.perf_counter() - t0
        s_ours, s_base = os.path.getsize(ours), os.path.getsize(base)
        held = render(
            scene, Path(tmp, "held.gif"), fps=FPS, size=SIZE, dpi=DPI, hold=1.0, dwell=1 / FPS
        )
        s_held = os.path.getsize(held)
    auto = "ffmpeg" if ffmpeg_exe() else "pillow"
    print(f"uat render (blit, --writer {auto}):  {t_ours:6.2f} s  {s_ours / 1e6:6.2f} MB")
    print(f"uat render (blit, --writer pillow):  {t_pil:6.2f} s  {s_pil / 1e6:6.2f} MB")
    print(f"FuncAnimation + PillowWriter:        {t_base:6.2f} s  {s_base / 1e6:6.2f} MB")
    print(f"ratio uat/baseline: time {t_ours / t_base:.3f}×, size {s_ours / s_base:.2f}×")
    print(f"ratio uat pillow/baseline: time {t_pil / t_base:.3f}×, size {s_pil / s_base:.2f}×")
    held = "uat GIF with the default 1 s hold (60 frames, the last shown 1 s)"
    print(f"{held}: {s_held / 1e6:.2f} MB")


def peer(out: Path) -> None:
    """The plain script: 60 hand-built sin nets (widths 2 … 120) by numpy, FuncAnimation saves."""
    import numpy as np
    from matplotlib.collections import LineCollection
    from matplotlib.figure import Figure

    a, b = -np.pi, np.pi
    x = np.linspace(a, b, 4001)
    fig = Figure(figsize=(8, 5), dpi=DPI, layout="constrained")
    ax = fig.subplots()
    ax.plot(x, np.sin(x), color="k", lw=1.5, ls="--", label="target")
    (net,) = ax.plot(x, 0 * x, lw=2.6, label="hand-built network")
    parts = LineCollection([], colors="#9a9a9a", lw=1.0, label="each bump")
    ax.add_collection(parts)
    ax.set(xlim=(a, b), ylim=(-1.25, 1.25), xlabel="x", ylabel="y")
    caption = ax.set_title("", loc="left")
    fig.legend(loc="outside lower center", ncols=3)
    fig.suptitle("sin(x): hand-built network, N = 2 … 120 neurons")

    def update(i: int) -> list:
        k = i + 1  # bumps
        delta = (b - a) / k
        left = a + delta * np.arange(k)
        w = 40.0 / delta
        sig = lambda z: 0.5 * (1.0 + np.tanh(0.5 * z))  # noqa: E731  (σ without overflow)
        bumps = [
            np.sin(lo + delta / 2) * (sig(w * (x - lo)) - sig(w * (x - lo - delta))) for lo in left
        ]
        y = np.sum(bumps, axis=0)
        net.set_ydata(y)
        parts.set_segments([np.column_stack([x, p]) for p in bumps])
        caption.set_text(f"N = {2 * k} · sup error {np.max(np.abs(y - np.sin(x))):.3g}")
        return [net, parts, caption]

    FuncAnimation(fig, update, frames=60, blit=False).save(
        out, writer=PillowWriter(fps=FPS), dpi=DPI
    )


def whole_process() -> None:
    """`uat animate` from start to exit against the plain script: best of 3, interleaved so
    that both see the same load on a shared machine."""
    with tempfile.TemporaryDirectory() as tmp:
        ours = [sys.executable, "-m", "uat", "animate", "sin", "--neurons", "120"]
        ours += ["--frames", "60", "-o", str(Path(tmp, "uat.gif")), "--quiet"]
        plain = [sys.executable, __file__, "--peer", str(Path(tmp, "peer.gif"))]
        times = {"uat animate": float("inf"), "plain script": float("inf")}
        for _ in range(3):
            for name, cmd in (("uat animate", ours), ("plain script", plain)):
                t0 = time.perf_counter()
                subprocess.run(cmd, check=True)
                times[name] = min(times[name], time.perf_counter() - t0)
    for name, t in times.items():
        print(f"whole process, {name:<14} {t:6.2f} s")
    print(f"ratio uat/plain (target ≤ 0.25): {times['uat animate'] / times['plain script']:.3f}×")


if __name__ == "__main__":
    if sys.argv[1:2] == ["--peer"]:
        peer(Path(sys.argv[2]))
    else:
        main()
        whole_process()
