"""Whole processes, start to exit: uat against the plain matplotlib script doing the same work.

    python benchmarks/startup.py [PAIRS]

(a) `uat fit sin --neurons 50` against a minimal script that builds the same 25 bumps with
    numpy, plots them with the target and saves the PNG (goal ≤ 1.3×);
(b) the 60-frame width sweep `uat animate sin --neurons 120 --frames 60` against a plain
    `FuncAnimation` + `PillowWriter` script drawing the same 60 nets (goal ≤ 0.25×).

Each pair runs uat and its peer back to back (in alternating order), so both see the same load
on a shared machine; printed are the median times and the median of the pairs' ratios. The
peers import nothing of uat.
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

PEER_FIT = """
import sys
import numpy as np
import matplotlib
matplotlib.use("Agg")
from matplotlib.figure import Figure

a, b, k = -np.pi, np.pi, 25  # 25 bumps, 50 neurons
x = np.linspace(a, b, 10001)
delta = (b - a) / k
left = a + delta * np.arange(k)
w = 30.0 / delta
sig = lambda z: 0.5 * (1.0 + np.tanh(0.5 * z))
y = sum(np.sin(lo + delta / 2) * (sig(w * (x - lo)) - sig(w * (x - lo - delta))) for lo in left)
fig = Figure(figsize=(8, 6), layout="constrained")
ax, ax_err = fig.subplots(2, 1, sharex=True, height_ratios=[3, 1.3])
ax.plot(x, np.sin(x), "k--", label="target")
ax.plot(x, y, lw=2.4, label="hand-built network")
ax.set_title(f"sin x: 50 neurons, sup error {np.max(np.abs(y - np.sin(x))):.3g}")
ax.legend()
ax_err.plot(x, y - np.sin(x))
ax_err.set_xlabel("x")
fig.savefig(sys.argv[1], dpi=150)
"""

PEER_SWEEP = """
import sys
import numpy as np
import matplotlib
matplotlib.use("Agg")
from matplotlib.animation import FuncAnimation, PillowWriter
from matplotlib.collections import LineCollection
from matplotlib.figure import Figure

a, b = -np.pi, np.pi
x = np.linspace(a, b, 4001)
fig = Figure(figsize=(8, 5), dpi=100, layout="constrained")
ax = fig.subplots()
ax.plot(x, np.sin(x), color="k", lw=1.5, ls="--", label="target")
(net,) = ax.plot(x, 0 * x, lw=2.6, label="hand-built network")
parts = LineCollection([], colors="#9a9a9a", lw=1.0, label="each bump")
ax.add_collection(parts)
ax.set(xlim=(a, b), ylim=(-1.25, 1.25), xlabel="x", ylabel="y")
caption = ax.set_title("", loc="left")
fig.legend(loc="outside lower center", ncols=3)
fig.suptitle("sin(x): hand-built network, N = 2 … 120 neurons")
sig = lambda z: 0.5 * (1.0 + np.tanh(0.5 * z))

def update(i):
    k = i + 1
    delta = (b - a) / k
    left = a + delta * np.arange(k)
    w = 40.0 / delta
    bumps = [np.sin(lo + delta / 2) * (sig(w * (x - lo)) - sig(w * (x - lo - delta)))
             for lo in left]
    y = np.sum(bumps, axis=0)
    net.set_ydata(y)
    parts.set_segments([np.column_stack([x, p]) for p in bumps])
    caption.set_text(f"N = {2 * k} · sup error {np.max(np.abs(y - np.sin(x))):.3g}")
    return [net, parts, caption]

FuncAnimation(fig, update, frames=60, blit=False).save(
    sys.argv[1], writer=PillowWriter(fps=20), dpi=100)
"""

UAT = [sys.executable, "-m", "uat"]


def seconds(cmd: list[str]) -> float:
    """Wall time of one whole process, start to exit."""
    t0 = time.perf_counter()
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - t0


def paired(name: str, ours: list[str], peer: list[str], pairs: int, goal: float) -> None:
    """Run `pairs` pairs, alternating which goes first; print medians and the ratio."""
    mine, theirs = [], []
    for i in range(pairs):
        order = [(mine, ours), (theirs, peer)]
        for times, cmd in order if i % 2 == 0 else order[::-1]:
            times.append(seconds(cmd))
    ratio = statistics.median(m / t for m, t in zip(mine, theirs, strict=True))
    print(
        f"{name}: uat {statistics.median(mine):.2f} s, plain script "
        f"{statistics.median(theirs):.2f} s (medians of {pairs}); ratio {ratio:.3f}× "
        f"(goal ≤ {goal}×: {'met' if ratio <= goal else 'NOT met'})"
    )


def main(pairs: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        t = Path(tmp)
        fit_peer, sweep_peer = t / "fit_peer.py", t / "sweep_peer.py"
        fit_peer.write_text(PEER_FIT)
        sweep_peer.write_text(PEER_SWEEP)
        paired(
            "(a) uat fit sin --neurons 50",
            [*UAT, "fit", "sin", "--neurons", "50", "-o", str(t / "fit.png"), "-q"],
            [sys.executable, str(fit_peer), str(t / "peer.png")],
            pairs,
            1.3,
        )
        paired(
            "(b) 60-frame width sweep",
            [*UAT, "animate", "sin", "--neurons", "120", "--frames", "60", "-q"]
            + ["-o", str(t / "sweep.gif")],
            [sys.executable, str(sweep_peer), str(t / "peer.gif")],
            pairs,
            0.25,
        )


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 5)
