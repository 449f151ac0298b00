"""Time a 20×20-tower fit of the 2-D Gaussian with its figure (the goal: under 3 s).

    python benchmarks/twod.py

The peer, measured in the same run, is the 1-D hand-built fit of the same width (440
neurons on exp(-x²)) with its figure: what one input costs on this machine right now.
Each is timed from a fresh target (so the Lipschitz constant is computed, not cached),
through the errors, to a PNG on disk.
"""

from __future__ import annotations

import tempfile
import time
from dataclasses import replace
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

from uat.jobs import fit  # noqa: E402
from uat.jobs2d import fit2d  # noqa: E402
from uat.plot import fit_figure, save_figure, style  # noqa: E402
from uat.plot2d import fit2d_figure  # noqa: E402
from uat.targets import TARGETS  # noqa: E402
from uat.targets2d import TARGETS2D  # noqa: E402

GOAL = 3.0  # seconds, from issue 14


def towers_20(out: Path) -> tuple[float, float, float]:
    """(fit seconds, figure seconds, sup error) for 20×20 towers on gaussian2d."""
    target = replace(TARGETS2D["gaussian2d"])  # a fresh copy: nothing cached
    t0 = time.perf_counter()
    result = fit2d(target, 20)
    t1 = time.perf_counter()
    with style():
        save_figure(fit2d_figure(result), out)
    return t1 - t0, time.perf_counter() - t1, result.errors.sup


def peer_1d(out: Path) -> float:
    """Seconds for the 1-D hand-built fit of 440 neurons on exp(-x²), with its figure."""
    target = replace(TARGETS["gaussian"])
    t0 = time.perf_counter()
    result = fit(target, 440)
    with style():
        save_figure(fit_figure(result), out)
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


if __name__ == "__main__":
    main()
